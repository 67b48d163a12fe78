//! DNS swaps through the channel: only of a completed new spoke, one at a time, rolled back
//! once the record changed, once per key, through their phases as the clock runs.

use super::*;

/// A completed new-spoke restore of `slug` (launched, two hours on, confirmed).
async fn completed_new_spoke(demo: &mut Demo, slug: &str) -> Restore {
    let tenant = demo.tenant(slug);
    let made = restore(
        demo.ask(create(
            &tenant,
            newest(RestoreMode::NewSpoke),
            &format!("{slug}-r"),
        ))
        .await
        .0,
    );
    demo.clock.advance(Duration::hours(2));
    let confirm = Op::ConfirmRestore {
        restore: made.id.clone(),
        notes: String::new(),
        key: key(&format!("{slug}-c")),
    };
    let done = restore(demo.ask(confirm).await.0);
    assert_eq!(done.phase, RestorePhase::Completed);
    done
}

fn swap_dns(tenant: &Tenant, restore: &RestoreId, key_text: &str) -> Op {
    Op::CreateDnsSwap {
        tenant: tenant.id.clone(),
        restore: restore.clone(),
        key: key(key_text),
    }
}

fn roll_back(swap: &DnsSwap, key_text: &str) -> Op {
    Op::RollbackDnsSwap {
        swap: swap.id.clone(),
        key: key(key_text),
    }
}

fn dns(outcome: Result<Reply, CommandError>) -> DnsSwap {
    match outcome {
        Ok(Reply::DnsSwap(swap)) => *swap,
        other => panic!("expected a DNS swap, got {other:?}"),
    }
}

impl Demo {
    /// The swaps as the source pushes them now (a refresh sends every list).
    async fn swaps(&mut self) -> Vec<DnsSwap> {
        let id = CommandId(self.next_id);
        self.next_id += 1;
        let op = Op::Refresh;
        self.commands.send(SourceCommand { id, op }).unwrap();
        let mut swaps = None;
        loop {
            match self.next().await {
                SourceEvent::DnsSwaps { swaps: pushed, .. } => swaps = Some(pushed),
                SourceEvent::Answer { .. } => return swaps.expect("the swaps came first"),
                _ => {}
            }
        }
    }
}

#[tokio::test]
async fn a_swap_needs_a_completed_new_spoke_restore_of_its_tenant() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let running = restore(
        demo.ask(create(&tenant, newest(RestoreMode::NewSpoke), "r1"))
            .await
            .0,
    );
    let early = error(demo.ask(swap_dns(&tenant, &running.id, "s1")).await.0);
    assert_eq!(
        (early.status, early.code.as_str()),
        (Some(409), "invalid_restore")
    );
    assert!(early.message.contains("completed"), "{}", early.message);
    let unknown = error(
        demo.ask(swap_dns(&tenant, &RestoreId::from("rst_nosuch"), "s2"))
            .await
            .0,
    );
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "restore_not_found")
    );
    let mut nobody = Tenant::clone(&tenant);
    nobody.id = crate::domain::ids::TenantId::from("ten_nosuch");
    let unknown = error(demo.ask(swap_dns(&nobody, &running.id, "s3")).await.0);
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "tenant_not_found")
    );
    let other = demo.tenant("ashford-cpd");
    let theirs = error(demo.ask(swap_dns(&other, &running.id, "s4")).await.0);
    assert_eq!(theirs.code, "invalid_restore");
    assert!(
        theirs.message.contains("another tenant"),
        "{}",
        theirs.message
    );
    // An overwrite, even completed, has no other spoke to swap to.
    let overwritten = demo.tenant("ashford-cpd");
    let made = restore(
        demo.ask(create(&overwritten, newest(RestoreMode::Overwrite), "o1"))
            .await
            .0,
    );
    demo.clock.advance(Duration::hours(2));
    let confirm = Op::ConfirmRestore {
        restore: made.id.clone(),
        notes: String::new(),
        key: key("o1-c"),
    };
    restore(demo.ask(confirm).await.0);
    let refused = error(demo.ask(swap_dns(&overwritten, &made.id, "s5")).await.0);
    assert_eq!(
        (refused.status, refused.code.as_str()),
        (Some(409), "invalid_restore")
    );
    assert!(refused.message.contains("overwrote"), "{}", refused.message);
}

#[tokio::test]
async fn a_swap_points_the_hostname_at_the_restored_spoke_one_at_a_time() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let swap = dns(demo.ask(swap_dns(&tenant, &done.id, "s1")).await.0);
    assert_eq!(swap.phase, DnsPhase::Pending);
    assert_eq!(swap.hostname, tenant.hostname);
    assert_eq!(
        swap.from_target,
        format!(
            "northfield-medicine.spokes.{}.example-moodle.net",
            tenant.region
        )
    );
    assert_eq!(
        swap.to_target,
        format!(
            "northfield-medicine-restore-20261126.spokes.{}.example-moodle.net",
            tenant.region
        )
    );
    assert!([60, 300].contains(&swap.ttl_seconds));
    assert_eq!(
        demo.swaps().await,
        vec![swap.clone()],
        "pushed as a whole list"
    );
    let busy = error(demo.ask(swap_dns(&tenant, &done.id, "s2")).await.0);
    assert_eq!(
        (busy.status, busy.code.as_str()),
        (Some(409), "swap_in_progress")
    );
    assert!(
        busy.message.contains(swap.id.0.as_str()),
        "{}",
        busy.message
    );
    // Half an hour on it has settled, verified or failed in words.
    demo.clock.advance(Duration::minutes(30));
    let settled = demo.swaps().await.remove(0);
    assert!(settled.phase.is_settled(), "{settled:?}");
    assert!(settled.phase == DnsPhase::Verified || settled.error.is_some());
}

#[tokio::test]
async fn a_rollback_only_once_the_record_changed_and_it_ends_rolled_back() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let swap = dns(demo.ask(swap_dns(&tenant, &done.id, "s1")).await.0);
    let early = error(demo.ask(roll_back(&swap, "b1")).await.0);
    assert_eq!(
        (early.status, early.code.as_str()),
        (Some(409), "invalid_phase")
    );
    assert!(early.message.contains("pending"), "{}", early.message);
    demo.clock.advance(Duration::minutes(30));
    let back = dns(demo.ask(roll_back(&swap, "b2")).await.0);
    assert_eq!(back.phase, DnsPhase::Applying, "pointing back");
    let again = error(demo.ask(roll_back(&swap, "b3")).await.0);
    assert_eq!(again.code, "invalid_phase", "a rollback under way");
    demo.clock.advance(Duration::minutes(1));
    let ended = demo.swaps().await.remove(0);
    assert_eq!(ended.phase, DnsPhase::RolledBack);
    let twice = error(demo.ask(roll_back(&swap, "b4")).await.0);
    assert!(twice.message.contains("rolled back"), "{}", twice.message);
    // Rolled back, the tenant can swap again.
    let second = dns(demo.ask(swap_dns(&tenant, &done.id, "s2")).await.0);
    assert_ne!(second.id, swap.id);
    assert_eq!(second.from_target, swap.from_target);
    let mut gone = swap.clone();
    gone.id = DnsSwapId::from("dns_nosuch");
    let unknown = error(demo.ask(roll_back(&gone, "b5")).await.0);
    assert_eq!(
        (unknown.status, unknown.code.as_str()),
        (Some(404), "dns_swap_not_found")
    );
}

#[tokio::test]
async fn swaps_and_rollbacks_happen_once_per_key() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let op = swap_dns(&tenant, &done.id, "double-enter");
    let first = dns(demo.ask(op.clone()).await.0);
    demo.clock.advance(Duration::seconds(5));
    let again = dns(demo.ask(op).await.0);
    assert_eq!(again, first, "the first answer, again");
    assert_eq!(demo.swaps().await.len(), 1, "one swap");
    let other = demo.tenant("ashford-cpd");
    let reused = error(demo.ask(swap_dns(&other, &done.id, "double-enter")).await.0);
    assert_eq!(
        (reused.status, reused.code.as_str()),
        (Some(422), "idempotency_key_reused")
    );
    demo.clock.advance(Duration::minutes(30));
    let back = dns(demo.ask(roll_back(&first, "rb")).await.0);
    let back_again = dns(demo.ask(roll_back(&first, "rb")).await.0);
    assert_eq!(back, back_again, "a re-sent rollback is the same rollback");
}

#[tokio::test]
async fn swaps_move_through_their_phases_as_the_clock_runs() {
    let mut demo = Demo::start().await;
    let tenant = demo.tenant("northfield-medicine");
    let done = completed_new_spoke(&mut demo, "northfield-medicine").await;
    let made = dns(demo.ask(swap_dns(&tenant, &done.id, "s1")).await.0);
    let mut seen = vec![made.phase];
    for _ in 0..(15 * 60 / 5) {
        demo.clock.advance(Duration::seconds(5));
        let phase = demo.swaps().await.remove(0).phase;
        if seen.last() != Some(&phase) {
            seen.push(phase);
        }
    }
    assert_eq!(seen[..2], [DnsPhase::Pending, DnsPhase::Applying]);
    assert!(seen.last().is_some_and(DnsPhase::is_settled), "{seen:?}");
}
