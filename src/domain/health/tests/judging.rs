//! How a tenant is judged as a whole: levels and their order, stale data, unknown tiers, the
//! JSON, the next recheck, absurd instants and spokes still being restored into.

use super::*;

#[test]
fn healthy_tenants_are_ok_with_no_flags() {
    let h = evaluate(&dedicated(), facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Ok);
    assert!(h.flags.is_empty());
    assert_eq!(evaluate(&standard(), facts(DAY), &ctx()).level, Level::Ok);
}

#[test]
fn restore_running_is_info() {
    let mut t = dedicated();
    t.active_restore_id = Some("rst_41c".into());
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Info);
    assert!(h.flags[0].explanation.contains("rst_41c"));
}

#[test]
fn data_stale_after_two_refresh_intervals() {
    let mut t = dedicated();
    t.observed_at = Some(now() - Duration::seconds(60));
    assert!(kinds(&t, HOUR).is_empty());
    t.observed_at = Some(now() - Duration::seconds(61));
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Unknown, "fine when last seen, unknown now");
    assert_eq!(kinds(&t, HOUR), vec![FlagKind::DataStale]);
    assert_eq!(h.recheck_at, None, "only news can change a stale tenant");
}

#[test]
fn a_stale_tenant_is_judged_as_of_when_it_was_last_observed() {
    // Backed up 10 min before it was last seen, 50 min ago: the RPO has lapsed since, but
    // silence is no evidence of a breach.
    let mut t = dedicated();
    t.observed_at = Some(now() - Duration::minutes(50));
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::minutes(60);
    t.backup.schedule.next_run_at = Some(now() - Duration::minutes(40));
    assert_eq!(kinds(&t, HOUR), vec![FlagKind::DataStale]);
    // Already in breach when last seen: red outranks stale, and stale is said beside it.
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::hours(3);
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Red);
    assert_eq!(
        h.flags.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![FlagKind::RpoBreached, FlagKind::DataStale]
    );
    assert!(
        h.flags[0].explanation.contains("is 2h 10m old"),
        "judged at the observation: {}",
        h.flags[0].explanation
    );
}

#[test]
fn level_order_is_that_of_a_monitoring_check() {
    assert!(Level::Red > Level::Unknown);
    assert!(Level::Unknown > Level::Amber);
    assert!(Level::Amber > Level::Info && Level::Info > Level::Ok);
    let mut sorted = Level::ALL;
    sorted.sort();
    assert_eq!(sorted, Level::ALL);
    let mut headline = Level::HEADLINE;
    headline.sort_by(|a, b| b.cmp(a));
    assert_eq!(headline, Level::HEADLINE, "headline reads worst first");
}

#[test]
fn an_amber_stale_tenant_is_unknown_with_both_flags() {
    let mut t = dedicated();
    t.observed_at = Some(now() - Duration::minutes(5));
    t.backup.last_success.as_mut().unwrap().skew_seconds = 400;
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Unknown);
    assert_eq!(
        h.flags.iter().map(|f| f.kind).collect::<Vec<_>>(),
        vec![FlagKind::DataStale, FlagKind::PairIncoherent]
    );
}

#[test]
fn level_is_the_worst_flag_and_flags_are_worst_first() {
    let mut t = dedicated();
    t.active_restore_id = Some("rst_1".into());
    t.backup.last_success.as_mut().unwrap().skew_seconds = 900;
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::hours(3);
    let h = evaluate(&t, facts(HOUR), &ctx());
    assert_eq!(h.level, Level::Red);
    let levels: Vec<Level> = h.flags.iter().map(Flag::level).collect();
    assert_eq!(levels, vec![Level::Red, Level::Amber, Level::Info]);
}

#[test]
fn unknown_tier_skips_tier_rules_says_so_and_keeps_the_rest() {
    let mut t = dedicated();
    t.tier = Tier::Unknown("gold".into());
    t.backup.last_success.as_mut().unwrap().taken_at = now() - Duration::days(3);
    t.backup.last_success.as_mut().unwrap().skew_seconds = 400;
    assert_eq!(
        kinds(&t, DAY),
        vec![FlagKind::CannotTell, FlagKind::PairIncoherent]
    );
    let h = evaluate(&t, facts(DAY), &ctx());
    assert_eq!(h.level, Level::Unknown);
    assert!(
        h.flags[0]
            .explanation
            .contains("`gold` is not a tier snapdeck knows")
    );
}

#[test]
fn levels_and_flags_have_distinct_glyphs_words_and_ids() {
    use std::collections::HashSet;
    let glyphs: HashSet<_> = Level::ALL.iter().map(|l| l.glyph()).collect();
    let words: HashSet<_> = Level::ALL.iter().map(|l| l.word()).collect();
    assert_eq!((glyphs.len(), words.len()), (5, 5));
    let ids: HashSet<_> = FlagKind::ALL.iter().map(|k| k.id()).collect();
    let shorts: HashSet<_> = FlagKind::ALL.iter().map(|k| k.short()).collect();
    assert_eq!((ids.len(), shorts.len()), (18, 18));
}

#[test]
fn flags_serialise_with_id_level_and_explanation() {
    let mut t = dedicated();
    t.active_restore_id = Some("rst_9".into());
    let json = serde_json::to_value(evaluate(&t, facts(HOUR), &ctx())).unwrap();
    assert_eq!(json["level"], "info");
    assert_eq!(json["flags"][0]["id"], "restore_running");
    assert_eq!(json["flags"][0]["level"], "info");
    assert!(
        json["flags"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("rst_9")
    );
}

#[test]
fn a_silent_source_makes_every_row_stale() {
    let t = dedicated();
    let quiet = HealthContext {
        source_heard_at: Some(now() - Duration::minutes(5)),
        drill_max_age: None,
        ..ctx()
    };
    assert_eq!(evaluate(&t, facts(HOUR), &quiet).level, Level::Unknown);
    let mut unobserved = dedicated();
    unobserved.observed_at = None;
    assert_eq!(evaluate(&unobserved, facts(HOUR), &ctx()).level, Level::Ok);
}

#[test]
fn recheck_is_the_next_instant_a_rule_can_flip() {
    // Heard with the rest of the fleet: the source's silence is the fleet's to watch, once
    // for all, so the next instant is the RPO's lapse (backed up 10 min ago).
    let h = evaluate(&dedicated(), facts(HOUR), &ctx());
    let lapse = now() + Duration::minutes(50) + Duration::milliseconds(1);
    assert_eq!(h.recheck_at, Some(lapse));
    // Heard apart from it (its cluster went quiet 10 s before the source's last word),
    // refreshed every 30 s: stale a minute after its own last sighting, before anything else.
    let mut apart = dedicated();
    apart.observed_at = Some(now() - Duration::seconds(10));
    let h = evaluate(&apart, facts(HOUR), &ctx());
    let silent = now() + Duration::seconds(50) + Duration::milliseconds(1);
    assert_eq!(h.recheck_at, Some(silent));
    // Unobserved: backed up 10 min ago, the RPO lapses in 50 min, before anything else.
    let mut unobserved = dedicated();
    unobserved.observed_at = None;
    let unheard = HealthContext {
        source_heard_at: None,
        drill_max_age: None,
        ..ctx()
    };
    let h = evaluate(&unobserved, facts(HOUR), &unheard);
    let lapse = now() + Duration::minutes(50) + Duration::milliseconds(1);
    assert_eq!(h.recheck_at, Some(lapse));
    // Judged again at that instant, the breach shows (no earlier instant was missed).
    let later = HealthContext {
        now: lapse,
        source_heard_at: Some(lapse),
        drill_max_age: None,
        ..ctx()
    };
    let mut t = dedicated();
    t.observed_at = Some(lapse);
    // The run due at that instant has two refresh intervals to be reported started: the
    // breach waits for them, and the recheck is when they end.
    let h = evaluate(&t, facts(HOUR), &later);
    assert!(!h.has(FlagKind::RpoBreached));
    let reported = now() + Duration::minutes(51) + Duration::milliseconds(1);
    assert_eq!(h.recheck_at, Some(reported));
    let unreported = HealthContext {
        now: reported,
        source_heard_at: Some(reported),
        drill_max_age: None,
        ..ctx()
    };
    t.observed_at = Some(reported);
    assert!(evaluate(&t, facts(HOUR), &unreported).has(FlagKind::RpoBreached));
}

#[test]
fn absurd_instants_from_outside_never_overflow() {
    let mut t = dedicated();
    t.backup.last_success.as_mut().unwrap().taken_at = DateTime::<Utc>::MAX_UTC;
    t.backup.last_success.as_mut().unwrap().skew_seconds = i64::MIN;
    t.backup.oldest_restore_point_at = Some(DateTime::<Utc>::MIN_UTC);
    t.backup.schedule.next_run_at = Some(DateTime::<Utc>::MAX_UTC);
    t.created_at = DateTime::<Utc>::MIN_UTC;
    t.backup.retention_days = u32::MAX;
    t.backup.restore_point_count = u64::MAX;
    let _ = evaluate(&t, facts(HOUR), &ctx());
}

#[test]
fn a_spoke_still_being_restored_into_is_not_flagged_for_backups_it_cannot_have_yet() {
    let mut t = dedicated();
    t.backup.last_success = None;
    t.backup.oldest_restore_point_at = None;
    t.backup.cross_region = None;
    t.created_at = now() - Duration::days(3);
    t.state = TenantState::Restoring;
    let flagged = kinds(&t, HOUR);
    assert!(!flagged.contains(&FlagKind::NeverBackedUp), "{flagged:?}");
    assert!(
        !flagged.contains(&FlagKind::CrossRegionLagging),
        "{flagged:?}"
    );
    t.state = TenantState::Active;
    assert!(kinds(&t, HOUR).contains(&FlagKind::NeverBackedUp));
}
