//! The demo as a source: its detail line, its tick, and what its task sends and answers.

use super::*;

#[test]
fn the_detail_names_seed_and_speed_but_not_the_size_the_header_counts() {
    assert_eq!(detail(42, 1.0), "seed 42");
    assert_eq!(detail(42, 10.0), "seed 42 · ×10");
    assert_eq!(detail(7, 2.5), "seed 7 · ×2.5");
    let source = DemoSource::new(
        42,
        60,
        Arc::new(FixedClock(now())),
        std::time::Duration::from_secs(30),
    );
    assert_eq!(source.info().kind, "demo");
    assert_eq!(source.info().detail, "seed 42");
}

#[test]
fn fast_demos_tick_faster() {
    let refresh = std::time::Duration::from_secs(30);
    assert_eq!(tick_period(refresh, 1.0), TICK);
    assert_eq!(tick_period(refresh, 60.0), TICK);
    assert!(tick_period(refresh, 1000.0) < std::time::Duration::from_millis(60));
    assert_eq!(tick_period(refresh, 1e12), MIN_TICK);
    assert_eq!(tick_period(refresh, f64::NAN), TICK);
}

#[tokio::test]
async fn the_source_sends_fleet_restores_heartbeats_and_answers_refresh() {
    use tokio::time::{Duration as Wait, timeout};

    let clock = Arc::new(FixedClock(now()));
    let source = Box::new(DemoSource::new(
        42,
        60,
        clock,
        std::time::Duration::from_secs(30),
    ));
    let crate::source::Started {
        mut events,
        commands,
        task,
    } = crate::source::start(source);
    let mut next = async || {
        timeout(Wait::from_secs(10), events.recv())
            .await
            .unwrap()
            .unwrap()
    };
    // The regions before the fleet they judge: a whole fleet is judged once, with them.
    assert!(
        matches!(next().await, SourceEvent::Regions(regions) if regions.cross_region_offered())
    );
    match next().await {
        SourceEvent::Fleet {
            tenants,
            generated_at,
        } => {
            assert_eq!(tenants.len(), 60);
            assert_eq!(generated_at, now());
        }
        other => panic!("expected the fleet, got {other:?}"),
    }
    assert!(matches!(next().await, SourceEvent::Restores { restores, .. } if restores.len() == 2));
    assert!(matches!(next().await, SourceEvent::DnsSwaps { swaps, .. } if swaps.is_empty()));
    assert!(matches!(next().await, SourceEvent::Requests { requests, .. } if !requests.is_empty()));
    // Live only once the fleet is in: never "live" over "no data yet".
    assert!(matches!(
        next().await,
        SourceEvent::Connection(Connection::Live)
    ));
    assert!(matches!(next().await, SourceEvent::Changed { tenants, .. } if tenants.is_empty()));
    let id = crate::source::CommandId(7);
    let op = crate::source::Op::Refresh;
    commands.send(SourceCommand { id, op }).unwrap();
    loop {
        if let SourceEvent::Fleet { tenants, .. } = next().await {
            assert_eq!(tenants.len(), 60);
            break;
        }
    }
    // The answer follows the fleet, with the command's id.
    loop {
        match next().await {
            SourceEvent::Answer {
                id: answered,
                outcome,
            } => {
                assert_eq!(answered, id);
                assert_eq!(outcome, Ok(crate::source::Reply::Refreshed));
                break;
            }
            SourceEvent::Fleet { .. } => panic!("a second fleet before the answer"),
            _ => {}
        }
    }
    drop(events);
    timeout(Wait::from_secs(5), task).await.unwrap().unwrap();
}
