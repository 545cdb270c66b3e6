//! Every catalogue query the app's browser runs is served by an index: `EXPLAIN QUERY PLAN`
//! may walk an index (even all of it, for "all photos" in time order) but never scan a table
//! row by row or sort the whole library in a temporary tree. One exception: counting the
//! photos of a view and lighting (no index has them) reads every photo; it runs on the
//! grid's count thread and the grid says "counting…" until it is done.

use skinlapse::catalogue::Catalogue;

#[test]
fn every_ui_query_uses_an_index() {
    if skinlapse::testing::sqlite_only("SQLite's EXPLAIN QUERY PLAN of the browser's queries") {
        return;
    }
    let cat = Catalogue::open_in_memory().unwrap();
    let plans = cat.ui_query_plans().unwrap();
    assert!(
        plans.len() >= 15,
        "the grid's filters and the side queries are all covered"
    );
    for (name, plan) in &plans {
        assert!(!plan.is_empty(), "{name}: no plan");
        if name == "count: view + lighting" {
            continue;
        }
        for step in plan {
            // Walking the selection's own id list (json_each) is not a table scan.
            let full_scan = step.starts_with("SCAN")
                && !step.contains(" USING ")
                && step != "SCAN CONSTANT ROW"
                && !step.starts_with("SCAN json_each VIRTUAL TABLE");
            assert!(!full_scan, "{name}: full table scan: {plan:?}");
        }
        let touches_photos = plan.iter().any(|s| s.contains("photo"));
        // Tag filters and the trash select a small set through their index and sort that.
        let small_set = name.contains("area") || name.contains("concern") || name.contains("trash");
        if name.starts_with("grid") && !small_set {
            assert!(
                !plan.iter().any(|s| s.contains("TEMP B-TREE")),
                "{name}: sorts in a temporary tree instead of reading an index in order: {plan:?}"
            );
        }
        assert!(
            touches_photos || !name.starts_with("grid"),
            "{name}: {plan:?}"
        );
    }
    let trash = &plans.iter().find(|(n, _)| n == "grid: trash").unwrap().1;
    assert!(
        trash.iter().any(|s| s.contains("photo_by_trashed")),
        "the trash is found by its own index: {trash:?}"
    );
}
