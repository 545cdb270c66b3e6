//! The grid says what each photo is (issue 12, found in use 3): captions with the view, the
//! person (in All photos), the session number and days since the first; tooltips in words;
//! a heading per person and session; views in clinical order within a session; Up and Down
//! move by rows; sessions that lack a view of their series' protocol are marked.

use crate::app::{grid_ids, harness, send, settle};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use skinlapse::app::browse::GridRow;
use skinlapse::app::record::RecordCommand;
use skinlapse::model::View;
use skinlapse::ui::App;

/// A node's accessible name.
fn label_of(node: &egui_kittest::Node<'_>) -> String {
    node.accesskit_node().label().unwrap_or_default()
}

/// The demo library (small photos), showing All photos.
fn demo() -> (tempfile::TempDir, Harness<'static, App>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lib");
    crate::support::small_demo(&root);
    let h = harness(&root);
    (dir, h)
}

#[test]
fn captions_and_tooltips_say_whose_photo_which_view_and_session() {
    let (_dir, mut h) = demo();
    let state = &h.state().state;
    assert!(state.browse.filter.person.is_none(), "All photos");
    // Alex's last session: the 6th of the series, 175 days after the first.
    let item = state
        .browse
        .grid
        .items
        .iter()
        .find(|i| {
            i.view == Some(View::LeftOblique)
                && i.session
                    .and_then(|s| state.browse.grid.sessions.get(&s))
                    .is_some_and(|f| f.number == 6 && f.series_title == "Microneedling, acne scars")
        })
        .expect("Alex's 6th session has a left 45° photo")
        .clone();
    let facts = state.browse.grid.sessions[&item.session.unwrap()].clone();
    let caption = format!("Left 45° · S6 · +{} d", facts.days_in());
    let cell_label = format!("Photo #{} taken", item.id);
    let cell = h.get_by_label_contains(&cell_label);
    assert!(
        label_of(&cell).contains(&caption),
        "the caption {caption:?} in {:?}",
        label_of(&cell)
    );
    // The heading names the person and the session.
    let heading = format!(
        "Alex Moreau  ·  Microneedling, acne scars, session 6, +{} days",
        facts.days_in()
    );
    assert!(h.query_by_label_contains(&heading).is_some(), "{heading}");
    // The tooltip says it in words (it was "Photo #28 taken …").
    let words = "Alex Moreau · Left oblique 45° · Microneedling, acne scars, session 6";
    let shown = |h: &Harness<'static, App>| h.query_all_by_label_contains(words).count();
    assert_eq!(shown(&h), 1, "the cell's own name");
    cell.scroll_to_me();
    settle(&mut h);
    h.get_by_label_contains(&cell_label).hover();
    // Tooltips show after the pointer rests a moment.
    h.run_steps(60);
    assert_eq!(shown(&h), 2, "and the tooltip");
    assert!(h.query_by_label_contains("double-click to open").is_some());
}

#[test]
fn views_in_a_session_come_in_clinical_order_under_their_own_heading() {
    let (_dir, h) = demo();
    let grid = &h.state().state.browse.grid;
    let rows = grid.rows(4);
    let mut headings = 0;
    for row in rows {
        let GridRow::Heading { start, end } = row else {
            continue;
        };
        headings += 1;
        let group = &grid.items[start..end];
        assert!(
            group
                .iter()
                .all(|i| (i.person, i.session) == (group[0].person, group[0].session)),
            "one person and session under a heading"
        );
        let ranks: Vec<usize> = group.iter().map(|i| View::rank(i.view)).collect();
        assert!(
            ranks.windows(2).all(|w| w[0] <= w[1]),
            "frontal, left 45°, right 45°, profiles, close-up: {:?}",
            group.iter().map(|i| i.view).collect::<Vec<_>>()
        );
    }
    // Two people's sessions on one day (23 November) are two headings, not one.
    let sessions: std::collections::HashSet<_> = grid
        .items
        .iter()
        .map(|i| (i.group_date, i.person, i.session))
        .collect();
    assert_eq!(headings, sessions.len());
}

#[test]
fn up_and_down_move_a_row_in_the_same_column() {
    let (_dir, mut h) = demo();
    let ids = grid_ids(&h);
    crate::app::click_photo(&mut h, ids[0], Modifiers::NONE);
    let columns = h.state().state.browse.columns;
    assert!(columns > 1, "the grid told the app how wide it is");
    let grid = &h.state().state.browse.grid;
    let photo_rows: Vec<(usize, usize)> = grid
        .rows(columns)
        .into_iter()
        .filter_map(|r| match r {
            GridRow::Photos { start, end } => Some((start, end)),
            GridRow::Heading { .. } => None,
        })
        .collect();
    // From the first photo of the first row with two photos or more, second column.
    let (row, (start, _)) = photo_rows
        .iter()
        .enumerate()
        .find(|(_, (s, e))| e - s >= 2)
        .unwrap();
    let from = grid.items[start + 1].id;
    crate::app::click_photo(&mut h, from, Modifiers::NONE);
    h.key_press(Key::ArrowDown);
    settle(&mut h);
    let (below_start, below_end) = photo_rows[row + 1];
    let expected = grid_ids(&h)[(below_start + 1).min(below_end - 1)];
    assert_eq!(
        h.state().state.browse.selection.ids(),
        vec![expected],
        "a row down"
    );
    h.key_press(Key::ArrowUp);
    settle(&mut h);
    assert_eq!(
        h.state().state.browse.selection.ids(),
        vec![from],
        "and back up"
    );
}

#[test]
fn sessions_lacking_a_view_of_their_protocol_are_marked_in_the_grid() {
    let (_dir, mut h) = demo();
    let state = &h.state().state;
    let alex = state
        .overview
        .people
        .iter()
        .find(|p| p.name == "Alex Moreau")
        .unwrap()
        .id;
    send(
        &mut h,
        skinlapse::app::BrowseCommand::SelectPerson(Some(alex)),
    );
    let series = h.state().state.overview.series[0].id;
    send(
        &mut h,
        RecordCommand::SetViews(
            series,
            vec![View::Frontal, View::LeftOblique, View::CloseUp],
        ),
    );
    let marked = h
        .query_all_by_label("2 of 3 views: close-up missing")
        .count();
    assert!(marked >= 1, "the headings in view say what is missing");
    let facts = &h.state().state.browse.grid.sessions;
    assert!(facts.values().all(|f| f.completeness.is_incomplete()));
    // Ctrl+Z: no protocol, no marks.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    settle(&mut h);
    assert_eq!(
        h.query_all_by_label("2 of 3 views: close-up missing")
            .count(),
        0
    );
}
