//! How bad something is, one scale for tenants, restores, requests and regions: health
//! judges it, the RTO clock and the requests' deadlines reuse it.

/// How bad a tenant's backups are. Declared from best to worst, in the order of a monitoring
/// check: CRITICAL (red) outranks UNKNOWN (stale) outranks WARNING (amber). A tenant already
/// red when last seen stays red while its data is stale; nothing else shown can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Info,
    Amber,
    Unknown,
    Red,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Ok,
        Level::Info,
        Level::Amber,
        Level::Unknown,
        Level::Red,
    ];
    /// The order of summaries and legends: worst first, as the table sorts.
    pub const HEADLINE: [Level; 5] = [
        Level::Red,
        Level::Unknown,
        Level::Amber,
        Level::Info,
        Level::Ok,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Info => "info",
            Level::Amber => "amber",
            Level::Red => "red",
            Level::Unknown => "unknown",
        }
    }

    /// Levels read without colour too: a glyph and a word for every level.
    pub fn glyph(self) -> &'static str {
        match self {
            Level::Ok => "✓",
            Level::Info => "●",
            Level::Amber => "▲",
            Level::Red => "✗",
            Level::Unknown => "?",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Info => "INFO",
            Level::Amber => "AMBER",
            Level::Red => "RED",
            Level::Unknown => "UNKNOWN",
        }
    }
}
