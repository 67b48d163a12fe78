//! How long a tenant's restore is expected to take: the point's size at the rate its own
//! drills measured, else at the fleet's measured rate, else its last drill's time or the
//! fleet's median, else an assumption, always saying which.

use chrono::Duration;
use serde::Serialize;

use crate::domain::restore_point::RestorePoint;
use crate::domain::tenant::Tenant;

/// When no drill anywhere measured a restore: a stated guess, never shown as a measurement.
pub const ASSUMED: Duration = Duration::hours(1);

/// Where an estimate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// The point's size at the rate the tenant's last drill restored its point.
    OwnRate,
    /// The tenant's last drill's time (the sizes were not known).
    OwnDrill,
    /// The point's size at the fleet's median measured rate.
    FleetRate,
    /// The fleet's median drill time (no size to scale it by).
    FleetMedian,
    /// No drill measured anything: `ASSUMED`.
    Assumed,
}

impl Basis {
    pub fn words(self) -> &'static str {
        match self {
            Basis::OwnRate => "its drills' rate",
            Basis::OwnDrill => "its last drill's time",
            Basis::FleetRate => "the fleet's rate",
            Basis::FleetMedian => "the fleet's median drill",
            Basis::Assumed => "assumed: no drill measured",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Estimate {
    #[serde(serialize_with = "seconds")]
    pub took: Duration,
    pub basis: Basis,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_seconds())
}

/// What the fleet's drills measured: the median bytes per second where the drilled point's
/// size is known, and the median drill time.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rates {
    pub bytes_per_second: Option<f64>,
    pub median_drill: Option<Duration>,
    /// How many drills measured the rate.
    pub measured: usize,
}

/// A drill's measurement: its duration and, when its point is known, the point's size.
pub fn drill_of(t: &Tenant, points: Option<&[RestorePoint]>) -> Option<(Duration, Option<u64>)> {
    let drill = t.backup.last_drill.as_ref()?;
    let took = drill.restore_duration().filter(|d| *d > Duration::zero())?;
    let size = drill
        .restore_point_id
        .as_ref()
        .and_then(|id| points?.iter().find(|p| &p.id == id))
        .and_then(size_of);
    Some((took, size))
}

/// A point's bytes to restore: its dump and its volume, when both are known.
pub fn size_of(p: &RestorePoint) -> Option<u64> {
    Some(p.database.size_bytes? + p.volume.restore_size_bytes?)
}

impl Rates {
    /// The medians over every drill measured (`(duration, size)` pairs).
    pub fn of(drills: impl IntoIterator<Item = (Duration, Option<u64>)>) -> Rates {
        let mut rates = Vec::new();
        let mut times = Vec::new();
        for (took, size) in drills {
            times.push(took);
            if let Some(bytes) = size.filter(|b| *b > 0) {
                rates.push(bytes as f64 / took.num_seconds().max(1) as f64);
            }
        }
        rates.sort_by(f64::total_cmp);
        times.sort();
        Rates {
            bytes_per_second: rates.get(rates.len() / 2).copied(),
            median_drill: times.get(times.len() / 2).copied(),
            measured: rates.len(),
        }
    }

    /// The estimate for a point of `size` bytes, given the tenant's own drill.
    pub fn estimate(&self, own: Option<(Duration, Option<u64>)>, size: Option<u64>) -> Estimate {
        let scaled = |bytes_per_second: f64, bytes: u64| {
            Duration::seconds((bytes as f64 / bytes_per_second).ceil() as i64)
                .max(Duration::minutes(1))
        };
        match (own, size) {
            (Some((took, Some(drilled))), Some(bytes)) if drilled > 0 => Estimate {
                took: scaled(drilled as f64 / took.num_seconds().max(1) as f64, bytes),
                basis: Basis::OwnRate,
            },
            (Some((took, _)), _) => Estimate {
                took,
                basis: Basis::OwnDrill,
            },
            (None, Some(bytes)) if self.bytes_per_second.is_some_and(|r| r > 0.0) => Estimate {
                took: scaled(self.bytes_per_second.unwrap_or(1.0), bytes),
                basis: Basis::FleetRate,
            },
            (None, _) => match self.median_drill {
                Some(took) => Estimate {
                    took,
                    basis: Basis::FleetMedian,
                },
                None => Estimate {
                    took: ASSUMED,
                    basis: Basis::Assumed,
                },
            },
        }
    }
}
