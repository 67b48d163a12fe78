//! The fleet table's columns at a width: which fit, how wide, in what order they give way.
//! Pure layout arithmetic, kept in `app` because the sort cycles only through the columns
//! shown (a sort by a column nobody can see is a sort nobody can check).

use crate::fleet::Widest;
use crate::fleet::view::SortKey;

/// Room between columns, and the table's two borders.
pub const SPACING: u16 = 1;
pub const BORDERS: u16 = 2;
/// FLAGS keeps at least this much before other columns give way: the flags are why the row
/// matters (three typical ones, "RPO FAILED HISTORY").
const FLAGS_MIN: u16 = 18;
/// TENANT shrinks (names end in "…") only after every column that can go has gone.
const TENANT_MIN: u16 = 12;
/// The hub-tree branch before a spoke's name.
pub const BRANCH: u16 = 3;
/// The long form of LAST SUCCESS adds the time ("22h 27m ago 11-25 04:42").
const LAST_SUCCESS_LONG: u16 = 23;
const LAST_SUCCESS_SHORT: u16 = 12;

/// How the table gives way when narrow, least urgent first: whole columns go, and LAST
/// SUCCESS drops its time before TIER goes.
#[derive(Clone, Copy)]
enum Narrowing {
    Drop(SortKey),
    ShortLastSuccess,
}

const NARROWING: [Narrowing; 7] = [
    Narrowing::Drop(SortKey::Region),
    Narrowing::Drop(SortKey::CrossRegion),
    Narrowing::Drop(SortKey::Drill),
    Narrowing::Drop(SortKey::Retention),
    Narrowing::ShortLastSuccess,
    Narrowing::Drop(SortKey::Tier),
    // Last: with several clusters, two rows of one slug are told apart only by it.
    Narrowing::Drop(SortKey::Cluster),
];

/// The table's columns and their widths at `width`, following the content: every column as
/// wide as what it holds, the rest to FLAGS; when that leaves FLAGS too little, the table
/// narrows step by step, and TENANT shrinks last.
pub fn columns(width: u16, widest: Widest) -> (Vec<(SortKey, u16)>, bool) {
    let tenant = (widest.slug as u16)
        .saturating_add(BRANCH)
        .clamp(TENANT_MIN, 48);
    let mut shown: Vec<(SortKey, u16)> = SortKey::ALL
        .into_iter()
        .filter(|c| *c != SortKey::Cluster || widest.cluster > 0)
        .map(|c| (c, content_width(c, tenant, widest)))
        .collect();
    let mut wide = true;
    for step in NARROWING {
        if flags_room(&shown, width) >= FLAGS_MIN {
            break;
        }
        match step {
            Narrowing::Drop(col) => shown.retain(|(c, _)| *c != col),
            Narrowing::ShortLastSuccess => {
                wide = false;
                set_width(&mut shown, SortKey::LastSuccess, LAST_SUCCESS_SHORT);
            }
        }
    }
    let short_by = FLAGS_MIN.saturating_sub(flags_room(&shown, width));
    if short_by > 0 {
        let tenant = width_of(&shown, SortKey::Tenant);
        set_width(
            &mut shown,
            SortKey::Tenant,
            tenant.saturating_sub(short_by).max(TENANT_MIN),
        );
    }
    let room = flags_room(&shown, width);
    set_width(&mut shown, SortKey::Flags, room);
    (shown, wide)
}

fn content_width(col: SortKey, tenant: u16, widest: Widest) -> u16 {
    match col {
        SortKey::Level => 9,
        SortKey::Tenant => tenant,
        SortKey::Cluster => (widest.cluster as u16).clamp(7, 24),
        SortKey::Tier => 9,
        SortKey::Region => (widest.region as u16).clamp(6, 24),
        SortKey::LastSuccess => LAST_SUCCESS_LONG,
        SortKey::NextRun => 12,
        SortKey::Retention => 23,
        SortKey::CrossRegion => 12,
        // "420d ✗", "never".
        SortKey::Drill => 7,
        SortKey::Flags => 0,
    }
}

/// What is left for FLAGS once every other column has its width.
fn flags_room(shown: &[(SortKey, u16)], width: u16) -> u16 {
    let others: u16 = shown
        .iter()
        .filter(|(c, _)| *c != SortKey::Flags)
        .map(|(_, w)| w + SPACING)
        .sum();
    width.saturating_sub(others + BORDERS)
}

pub fn width_of(shown: &[(SortKey, u16)], col: SortKey) -> u16 {
    shown.iter().find(|(c, _)| *c == col).map_or(0, |(_, w)| *w)
}

fn set_width(shown: &mut [(SortKey, u16)], col: SortKey, width: u16) {
    if let Some(entry) = shown.iter_mut().find(|(c, _)| *c == col) {
        entry.1 = width;
    }
}

/// The columns shown at `width`, in order.
pub fn shown(width: u16, widest: Widest) -> Vec<SortKey> {
    columns(width, widest)
        .0
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}
