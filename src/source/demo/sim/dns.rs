//! Demo DNS swaps: pointing a tenant's hostname at its restored spoke, and back. Like the
//! restores, each swap follows a fixed timeline over virtual time, so what it looks like at
//! any instant is a pure function of its plan and that instant (and `--demo-speed` applies
//! through the clock). The control plane's rules for them (`POST /tenants/{id}/dns-swaps`,
//! `POST /dns-swaps/{id}/rollback`) live here too, next to the plan they start.

use chrono::{DateTime, Duration, Utc};

use super::Sim;
use crate::domain::dns::{DnsPhase, DnsSwap};
use crate::domain::ids::{DnsSwapId, RestoreId, TenantId};
use crate::domain::restore::{RestoreMode, RestorePhase};
use crate::source::CommandError;
use crate::source::demo::names::{PLATFORM_DOMAIN, base36};
use crate::source::demo::rng::{Rng, mix};

/// Why a demo swap fails, in the words a DNS provider or a resolver check would use. Keyed
/// by seed and swap, so the same demo fails the same swaps.
const FAILURES: [(FailsIn, &str); 3] = [
    (
        FailsIn::Propagating,
        "resolver 8.8.8.8 still answers the old target after 3×TTL",
    ),
    (
        FailsIn::Propagating,
        "resolver 1.1.1.1 answers SERVFAIL for the hostname after 3×TTL",
    ),
    (
        FailsIn::Applying,
        "the DNS provider refused the change: rate limited (HTTP 429), nothing was changed",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FailsIn {
    Applying,
    Propagating,
}

/// A swap and its timeline: pending, applying, propagating for about a TTL, then verified
/// (or failed); and, once rolled back, applying again until the old target is back.
#[derive(Debug, Clone)]
pub struct DnsPlan {
    base: DnsSwap,
    pending: Duration,
    applying: Duration,
    propagating: Duration,
    failure: Option<(FailsIn, &'static str)>,
    /// When the operator asked for the rollback, and how long pointing back takes.
    rollback: Option<DateTime<Utc>>,
    rollback_applying: Duration,
}

/// `<slug>.spokes.<region>.example-moodle.net`: where a spoke's hostname points.
pub fn spoke_target(slug: &str, region: &str) -> String {
    format!("{slug}.spokes.{region}.{PLATFORM_DOMAIN}")
}

/// "dns_5e0": distinct for the swaps of one demo.
fn swap_id(seed: u64, k: usize) -> DnsSwapId {
    DnsSwapId(base36("dns_", mix(seed ^ 0xD45).wrapping_add(k as u64), 3))
}

impl DnsPlan {
    /// The `k`-th swap of the demo of `seed`, asked for at `requested_at`.
    pub fn new(seed: u64, k: usize, mut base: DnsSwap) -> DnsPlan {
        let mut rng = Rng::keyed(seed, &[0xD45, k as u64]);
        base.id = swap_id(seed, k);
        // Most records have a short TTL for swaps; some were left at five minutes.
        base.ttl_seconds = if rng.below(4) == 0 { 300 } else { 60 };
        let ttl = Duration::seconds(i64::from(base.ttl_seconds));
        let failure = (rng.below(6) == 0).then(|| FAILURES[rng.below(3) as usize]);
        // A failed check gives up after three TTLs; a good one verifies after one to two.
        let propagating = match failure {
            Some((FailsIn::Propagating, _)) => ttl * 3,
            _ => ttl + Duration::seconds(rng.range(0, i64::from(base.ttl_seconds))),
        };
        base.phase = DnsPhase::Pending;
        base.updated_at = base.requested_at;
        base.error = None;
        DnsPlan {
            base,
            pending: Duration::seconds(rng.range(3, 10)),
            applying: Duration::seconds(rng.range(5, 20)),
            propagating,
            failure,
            rollback: None,
            rollback_applying: Duration::seconds(rng.range(5, 15)),
        }
    }

    pub fn id(&self) -> &DnsSwapId {
        &self.base.id
    }

    /// The swap as it stands at `now`.
    pub fn at(&self, now: DateTime<Utc>) -> DnsSwap {
        match self.rollback {
            Some(asked) if now >= asked => self.rolling_back(asked, now),
            _ => self.forward(now),
        }
    }

    fn forward(&self, now: DateTime<Utc>) -> DnsSwap {
        let mut swap = self.base.clone();
        let applying_at = swap.requested_at + self.pending;
        let propagating_at = applying_at + self.applying;
        let settled_at = propagating_at + self.propagating;
        let (phase, since, error) = match self.failure {
            _ if now < applying_at => (DnsPhase::Pending, swap.requested_at, None),
            _ if now < propagating_at => (DnsPhase::Applying, applying_at, None),
            Some((FailsIn::Applying, why)) => (DnsPhase::Failed, propagating_at, Some(why)),
            _ if now < settled_at => (DnsPhase::Propagating, propagating_at, None),
            Some((_, why)) => (DnsPhase::Failed, settled_at, Some(why)),
            None => (DnsPhase::Verified, settled_at, None),
        };
        swap.phase = phase;
        swap.updated_at = since;
        swap.error = error.map(str::to_string);
        swap
    }

    /// Pointing back at `from_target`: applying, then rolled back. A failure's words stay,
    /// so the swap still says why it was rolled back.
    fn rolling_back(&self, asked: DateTime<Utc>, now: DateTime<Utc>) -> DnsSwap {
        let mut swap = self.forward(asked);
        let done_at = asked + self.rollback_applying;
        if now < done_at {
            swap.phase = DnsPhase::Applying;
            swap.updated_at = asked;
        } else {
            swap.phase = DnsPhase::RolledBack;
            swap.updated_at = done_at;
        }
        swap
    }
}

impl Sim {
    pub fn dns_swaps(&self) -> &[DnsSwap] {
        &self.dns_swaps
    }

    /// Whether the swaps changed since this was last asked.
    pub fn take_dns_changed(&mut self) -> bool {
        std::mem::take(&mut self.dns_changed)
    }

    /// Moves every swap to where its timeline says it is now.
    pub(in crate::source::demo) fn advance_dns(&mut self) {
        let now = self.now();
        for (plan, shown) in self.dns_plans.iter().zip(self.dns_swaps.iter_mut()) {
            let current = plan.at(now);
            if current != *shown {
                *shown = current;
                self.dns_changed = true;
            }
        }
    }

    /// `POST /tenants/{id}/dns-swaps {restore_id}`: only for a completed new-spoke restore
    /// of this tenant, and one swap of a hostname at a time.
    pub fn create_dns_swap(
        &mut self,
        tenant_id: &TenantId,
        restore_id: &RestoreId,
    ) -> Result<DnsSwap, CommandError> {
        let Some(tenant) = self.tenants().iter().find(|t| t.id == *tenant_id) else {
            return Err(CommandError::new(
                404,
                "tenant_not_found",
                format!("no tenant {tenant_id}"),
            ));
        };
        let Some(restore) = self.restores.iter().find(|r| r.id == *restore_id) else {
            return Err(CommandError::new(
                404,
                "restore_not_found",
                format!("there is no restore {restore_id}"),
            ));
        };
        let invalid = |why: String| Err(CommandError::new(409, "invalid_restore", why));
        if restore.tenant_id != *tenant_id {
            return invalid(format!(
                "restore {restore_id} is of another tenant, not {}",
                tenant.slug
            ));
        }
        if restore.mode != RestoreMode::NewSpoke {
            return invalid(format!(
                "restore {restore_id} overwrote {} in place: there is no other spoke to swap to",
                tenant.slug
            ));
        }
        if restore.phase != RestorePhase::Completed {
            return invalid(format!(
                "restore {restore_id} is {}; DNS can be swapped only once it is completed \
                 (confirmed)",
                restore.phase.label().replace('_', " ")
            ));
        }
        let mine = || self.dns_swaps.iter().filter(|s| s.tenant_id == *tenant_id);
        if let Some(busy) = mine().find(|s| s.phase.is_active()) {
            return Err(CommandError::new(
                409,
                "swap_in_progress",
                format!(
                    "{} already has DNS swap {busy} {}; one swap of a hostname at a time",
                    tenant.hostname,
                    busy.phase.label().replace('_', " "),
                    busy = busy.id
                ),
            ));
        }
        // The hostname points where the newest verified swap left it, else at its own spoke.
        let to_target = spoke_target(&restore.target_slug, &tenant.region);
        let from_target = mine()
            .filter(|s| s.phase == DnsPhase::Verified)
            .max_by_key(|s| s.updated_at)
            .map_or_else(
                || spoke_target(&tenant.slug, &tenant.region),
                |s| s.to_target.clone(),
            );
        if from_target == to_target {
            return Err(CommandError::new(
                409,
                "already_swapped",
                format!("{} already points at {to_target}", tenant.hostname),
            ));
        }
        let now = self.now();
        let base = DnsSwap {
            id: DnsSwapId(Default::default()),
            tenant_id: tenant_id.clone(),
            restore_id: restore_id.clone(),
            hostname: tenant.hostname.clone(),
            from_target,
            to_target,
            ttl_seconds: 60,
            phase: DnsPhase::Pending,
            requested_at: now,
            updated_at: now,
            error: None,
        };
        let plan = DnsPlan::new(self.seed, self.dns_plans.len(), base);
        let swap = plan.at(now);
        self.dns_plans.push(plan);
        self.dns_swaps.push(swap.clone());
        self.dns_changed = true;
        Ok(swap)
    }

    /// `POST /dns-swaps/{id}/rollback`: while propagating, once verified, or after failing.
    pub fn rollback_dns_swap(&mut self, id: &DnsSwapId) -> Result<DnsSwap, CommandError> {
        let now = self.now();
        let Some(k) = self.dns_plans.iter().position(|p| p.id() == id) else {
            return Err(CommandError::new(
                404,
                "dns_swap_not_found",
                format!("there is no DNS swap {id}"),
            ));
        };
        let plan = &mut self.dns_plans[k];
        let phase = plan.at(now).phase;
        if !phase.can_roll_back() {
            return Err(CommandError::new(
                409,
                "invalid_phase",
                format!(
                    "DNS swap {id} is {}; it can be rolled back only while propagating, once \
                     verified or after failing",
                    phase.label().replace('_', " ")
                ),
            ));
        }
        plan.rollback = Some(now);
        let swap = plan.at(now);
        self.dns_swaps[k] = swap.clone();
        self.dns_changed = true;
        Ok(swap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 3, 10, 0).unwrap()
    }

    fn base() -> DnsSwap {
        DnsSwap {
            id: DnsSwapId(Default::default()),
            tenant_id: TenantId::from("ten_1"),
            restore_id: RestoreId::from("rst_1"),
            hostname: "a.example-moodle.net".into(),
            from_target: spoke_target("a", "eu-west-1"),
            to_target: spoke_target("a-restore-20261126", "eu-west-1"),
            ttl_seconds: 60,
            phase: DnsPhase::Pending,
            requested_at: start(),
            updated_at: start(),
            error: None,
        }
    }

    /// The phases a plan passes through, minute by second, for a quarter of an hour.
    fn walk(plan: &DnsPlan) -> Vec<DnsPhase> {
        let mut seen: Vec<DnsPhase> = Vec::new();
        for second in 0..=900 {
            let swap = plan.at(start() + Duration::seconds(second));
            if seen.last() != Some(&swap.phase) {
                seen.push(swap.phase);
            }
        }
        seen
    }

    #[test]
    fn swaps_walk_their_phases_and_about_one_in_six_fails_in_words() {
        let mut failed = 0;
        for k in 0..600 {
            let plan = DnsPlan::new(7, k, base());
            let seen = walk(&plan);
            let last = plan.at(start() + Duration::hours(1));
            match last.phase {
                DnsPhase::Verified => assert_eq!(seen, DnsPhase::HAPPY_PATH.to_vec()),
                DnsPhase::Failed => {
                    failed += 1;
                    let why = last.error.unwrap_or_default();
                    assert!(why.contains("TTL") || why.contains("refused"), "{why}");
                    assert_eq!(seen[..2], DnsPhase::HAPPY_PATH[..2]);
                }
                other => panic!("ended {other:?}"),
            }
        }
        assert!((60..140).contains(&failed), "{failed} of 600 failed");
    }

    #[test]
    fn a_swap_is_a_pure_function_of_seed_index_and_instant() {
        let a = DnsPlan::new(42, 3, base());
        let b = DnsPlan::new(42, 3, base());
        let at = start() + Duration::seconds(30);
        assert_eq!(a.at(at), b.at(at));
        assert_ne!(a.id(), DnsPlan::new(42, 4, base()).id());
    }

    #[test]
    fn propagation_takes_about_a_ttl_counted_from_updated_at() {
        let plan = (0..50)
            .map(|k| DnsPlan::new(1, k, base()))
            .find(|p| p.failure.is_none() && p.base.ttl_seconds == 60)
            .unwrap();
        let propagating = (0..900)
            .map(|s| plan.at(start() + Duration::seconds(s)))
            .find(|s| s.phase == DnsPhase::Propagating)
            .unwrap();
        let verified = plan.at(start() + Duration::hours(1));
        let took = verified.updated_at - propagating.updated_at;
        assert!(
            (Duration::seconds(60)..=Duration::seconds(120)).contains(&took),
            "{took}"
        );
    }

    #[test]
    fn a_rollback_applies_then_ends_rolled_back_keeping_the_targets() {
        let mut plan = DnsPlan::new(42, 0, base());
        let asked = start() + Duration::minutes(10);
        plan.rollback = Some(asked);
        assert_eq!(
            plan.at(asked - Duration::seconds(1)).phase,
            plan.forward(asked).phase,
            "before it was asked, the swap is as it was"
        );
        assert_eq!(plan.at(asked).phase, DnsPhase::Applying);
        let done = plan.at(asked + Duration::minutes(1));
        assert_eq!(done.phase, DnsPhase::RolledBack);
        assert_eq!(done.from_target, base().from_target);
    }
}
