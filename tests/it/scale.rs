//! The generator behind the browsing benchmarks makes a sound library of the asked shape.

use crate::support::assert_verify_clean;
use skinlapse::catalogue::{PhotoFilter, SortOrder};
use skinlapse::jobs::scale::{ScaleOptions, generate_scale_into, person_name};

#[test]
fn scale_library_has_the_asked_shape_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let options = ScaleOptions {
        people: 4,
        photos: 70,
        largest_person: 40,
    };
    let library = skinlapse::testing::library_at(&dir.path().join("lib"));
    generate_scale_into(&library, &options, &mut |_, _| {}).unwrap();
    let mut cat = library.catalogue().unwrap();
    assert_eq!(cat.counts().unwrap(), (4, 70));
    let big = cat.person_by_name(&person_name(0)).unwrap().unwrap();
    let filter = PhotoFilter {
        person: Some(big.id),
        ..PhotoFilter::default()
    };
    let grid = cat.grid_items(&filter, SortOrder::NewestFirst).unwrap();
    assert_eq!(grid.len(), 40);
    assert_eq!(cat.series_of(big.id).unwrap().len(), 1);
    assert_verify_clean(&library);
}
