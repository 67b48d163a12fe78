//! The fleet view re-places only the tenants that changed; whatever changed, under every
//! sort, direction and filter, its rows must be exactly those of a full sort.

mod support;

use std::sync::Arc;

use chrono::Duration;
use snapdeck::domain::Tenant;
use snapdeck::fleet::Fleet;
use snapdeck::fleet::view::{FleetView, SortKey};
use snapdeck::source::demo::fleet_at;
use support::{Lcg, now};

/// `count` tenants given another tenant's backups (a new snapshot, a failure, fewer points,
/// another schedule…): their sort keys and health move for real.
fn changes(tenants: &[Arc<Tenant>], rng: &mut Lcg, count: usize) -> Vec<Arc<Tenant>> {
    (0..count)
        .map(|_| {
            let mut t = (*tenants[rng.below(tenants.len())]).clone();
            t.backup = tenants[rng.below(tenants.len())].backup.clone();
            Arc::new(t)
        })
        .collect()
}

fn same_as_a_full_sort(view: &FleetView, fleet: &Fleet, what: &str) {
    let mut fresh = view.settings();
    fresh.rebuild(fleet);
    assert_eq!(
        view.rows(),
        fresh.rows(),
        "{what}: rows differ from a full sort"
    );
    assert_eq!(view.matches(), fresh.matches(), "{what}: match count");
}

/// A view of `fleet` sorted by the `sorts`-th key, as the operator would set it up; the
/// fleet's changes so far are taken, so what follows is what the test changes.
fn view_of(
    fleet: &mut Fleet,
    sorts: usize,
    reversed: bool,
    filter: &str,
    problems_only: bool,
) -> FleetView {
    let mut view = FleetView::default();
    for _ in 0..sorts {
        view.cycle_sort(fleet, None);
    }
    if reversed {
        view.toggle_direction(fleet);
    }
    view.set_filter(filter, fleet);
    if problems_only {
        view.toggle_problems_only(fleet);
    }
    fleet.take_touched();
    view
}

#[test]
fn re_placing_what_changed_gives_the_rows_of_a_full_sort() {
    let (tenants, _) = fleet_at(42, 150, now());
    let refresh = Duration::seconds(30);
    let mut rng = Lcg(7);
    for sorts in 0..SortKey::ALL.len() {
        for reversed in [false, true] {
            for (filter, problems_only) in [("", false), ("", true), ("red", false), ("hub", true)]
            {
                let mut fleet = Fleet::new(refresh);
                fleet.replace(tenants.clone(), now(), now());
                let mut view = view_of(&mut fleet, sorts, reversed, filter, problems_only);
                let what = format!(
                    "sort {:?} reversed {reversed} filter {filter:?} problems only {problems_only}",
                    view.sort().0
                );
                for round in 0..6 {
                    let at = now() + Duration::minutes(10 * (round + 1));
                    // A few (moved one by one) and many at once (merged in one pass).
                    let count = match round % 2 {
                        0 => 1 + rng.below(12),
                        _ => 40 + rng.below(40),
                    };
                    let changed = changes(fleet.tenants(), &mut rng, count);
                    fleet.upsert(changed, at, at);
                    // Time alone moves some tenants' health too (RPO breached, stale).
                    fleet.evaluate_due(at + Duration::hours(round));
                    let touched = fleet.take_touched();
                    assert!(touched.as_ref().is_some_and(|t| !t.is_empty()), "{what}");
                    view.update(&fleet, touched);
                    same_as_a_full_sort(&view, &fleet, &format!("{what}, round {round}"));
                }
            }
        }
    }
}

/// A minute's backups move thousands of groups at once: they are merged into the order in
/// one pass, and the rows must still be exactly those of a full sort.
#[test]
fn many_groups_changed_at_once_give_the_rows_of_a_full_sort() {
    let (tenants, _) = fleet_at(42, 3000, now());
    let mut rng = Lcg(11);
    for sorts in 0..SortKey::ALL.len() {
        for (reversed, filter, problems_only) in [(false, "", false), (true, "hub", true)] {
            let mut fleet = Fleet::new(Duration::seconds(30));
            fleet.replace(tenants.clone(), now(), now());
            let mut view = view_of(&mut fleet, sorts, reversed, filter, problems_only);
            let at = now() + Duration::minutes(10);
            let changed = changes(fleet.tenants(), &mut rng, 600);
            fleet.upsert(changed, at, at);
            let touched = fleet.take_touched();
            let groups: std::collections::BTreeSet<_> = touched
                .iter()
                .flatten()
                .map(|&i| fleet.tenant(i).group_id().clone())
                .collect();
            assert!(groups.len() > 100, "{} groups: not a merge", groups.len());
            view.update(&fleet, touched);
            let what = format!(
                "sort {:?} reversed {reversed} filter {filter:?}",
                view.sort()
            );
            same_as_a_full_sort(&view, &fleet, &what);
        }
    }
}

#[test]
fn too_many_changes_or_a_new_tenant_sort_everything_again() {
    let (tenants, _) = fleet_at(42, 200, now());
    let mut fleet = Fleet::new(Duration::seconds(30));
    fleet.replace(tenants[..150].to_vec(), now(), now());
    let mut view = FleetView::default();
    view.rebuild(&fleet);
    fleet.take_touched();
    // New tenants change the tree: nothing can be re-placed one by one.
    fleet.upsert(tenants[150..].to_vec(), now(), now());
    let touched = fleet.take_touched();
    assert_eq!(touched, None, "a new tenant means a full sort");
    view.update(&fleet, touched);
    same_as_a_full_sort(&view, &fleet, "after new tenants");
    assert!(view.rows().iter().any(|r| !r.is_child));
}

/// Each second's tick judges only the tenants whose time has come (a heap of their recheck
/// instants); over two days of changes, hour by hour, their verdicts must be exactly those
/// of judging every tenant every time.
#[test]
fn judging_only_the_due_tenants_gives_the_verdicts_of_judging_everyone() {
    let (tenants, _) = fleet_at(7, 400, now());
    let mut due_only = Fleet::new(Duration::seconds(30));
    let mut everyone = Fleet::new(Duration::seconds(30));
    due_only.replace(tenants.clone(), now(), now());
    everyone.replace(tenants.clone(), now(), now());
    let mut rng = Lcg(11);
    for step in 1..=96 {
        let at = now() + Duration::minutes(30 * step);
        if step % 7 == 0 {
            let changed = changes(&tenants, &mut rng, 5);
            due_only.upsert(changed.clone(), at, at);
            everyone.upsert(changed, at, at);
        }
        due_only.evaluate_due(at);
        everyone.evaluate_all(at);
        for i in 0..everyone.len() {
            let (a, b) = (due_only.health(i), everyone.health(i));
            let kinds = |h: &snapdeck::domain::Health| -> Vec<_> {
                h.flags.iter().map(|f| f.kind).collect()
            };
            assert_eq!(
                (a.level, kinds(a)),
                (b.level, kinds(b)),
                "step {step}, {}",
                everyone.tenant(i).slug
            );
        }
    }
}
