//! Demo restores walked from plan to awaiting confirmation, in both modes.

use super::*;
use crate::source::demo::fleet_at;
use chrono::TimeZone;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
}

fn plans(progress: f64, mode: ModeChoice) -> (Vec<Tenant>, RestorePlan) {
    let (shared, _) = fleet_at(3, 60, now());
    let spoke = shared.iter().position(|t| !t.is_hub()).unwrap();
    let request = RestoreRequest {
        tenant: spoke,
        mode,
        progress_at_start: progress,
    };
    let plan = plan(3, now(), &shared, &[request]).remove(0);
    let tenants: Vec<Tenant> = shared.iter().map(|t| Tenant::clone(t)).collect();
    (tenants, plan)
}

#[test]
fn a_restore_walks_the_happy_path_to_awaiting_confirmation() {
    let (tenants, plan) = plans(0.0, ModeChoice::NewSpoke);
    let mut seen = Vec::new();
    for minute in 0..=(6 * 60) {
        let restore = plan.at(now() + Duration::minutes(minute));
        if seen.last() != Some(&restore.phase) {
            seen.push(restore.phase.clone());
        }
    }
    assert_eq!(seen, RestorePhase::HAPPY_PATH[..6].to_vec());
    let done = plan.at(now() + Duration::hours(6));
    assert!(done.steps.iter().all(|s| s.status == StepStatus::Succeeded));
    assert_eq!(done.verification.as_ref().map(Vec::len), Some(4));
    let source = tenants.iter().find(|t| t.id == done.tenant_id).unwrap();
    assert!(
        done.target_slug
            .starts_with(&format!("{}-restore-2026112", source.slug))
    );
}

#[test]
fn mid_way_restores_show_progress_in_words() {
    let (_, plan) = plans(0.5, ModeChoice::NewSpoke);
    let restore = plan.at(now());
    assert!(restore.phase.is_active());
    assert_ne!(restore.phase, RestorePhase::Queued);
    let running = restore
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Running)
        .unwrap();
    let progress = running.progress.unwrap();
    assert!((0.0..1.0).contains(&progress));
    assert!(running.message.is_some());
}

#[test]
fn overwrite_restores_target_the_tenant_itself() {
    let (tenants, plan) = plans(0.0, ModeChoice::Overwrite);
    let restore = plan.at(now());
    assert_eq!(restore.phase, RestorePhase::Queued);
    let source = tenants.iter().find(|t| t.id == restore.tenant_id).unwrap();
    assert_eq!(restore.target_slug, source.slug);
    assert_eq!(restore.steps[0].name, "stop_site");
}
