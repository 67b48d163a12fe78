//! Which rows the fleet table shows, in what order, and which one is selected.
//!
//! Sorting and filtering happen here when data, sort or filter change — never per frame. The
//! tree is kept: each hub heads its group with its spokes beneath, and groups are ordered by
//! their most extreme member, so the worst spoke still pulls its hub to the top.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::fleet::Fleet;
use crate::domain::tenant::{Tenant, Tier};
use crate::domain::{Level, TenantId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Level,
    Tenant,
    Cluster,
    Tier,
    Region,
    LastSuccess,
    NextRun,
    Retention,
    CrossRegion,
    Flags,
}

impl SortKey {
    pub const ALL: [SortKey; 10] = [
        SortKey::Level,
        SortKey::Tenant,
        SortKey::Cluster,
        SortKey::Tier,
        SortKey::Region,
        SortKey::LastSuccess,
        SortKey::NextRun,
        SortKey::Retention,
        SortKey::CrossRegion,
        SortKey::Flags,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Level => "level",
            SortKey::Tenant => "tenant",
            SortKey::Cluster => "cluster",
            SortKey::Tier => "tier",
            SortKey::Region => "region",
            SortKey::LastSuccess => "last success",
            SortKey::NextRun => "next run",
            SortKey::Retention => "retention",
            SortKey::CrossRegion => "cross-region",
            SortKey::Flags => "flags",
        }
    }

    /// What the natural direction puts first, for the header and help.
    pub fn natural_order(self) -> &'static str {
        match self {
            SortKey::Level => "worst first",
            SortKey::Tenant | SortKey::Cluster | SortKey::Tier | SortKey::Region => "A→Z",
            SortKey::LastSuccess => "oldest first",
            SortKey::NextRun => "soonest first",
            SortKey::Retention => "fewest points first",
            SortKey::CrossRegion => "oldest copy first",
            SortKey::Flags => "most flags first",
        }
    }

    /// Whether the order moves with every backup (times and counts), not only with flags,
    /// names and places.
    pub fn follows_backups(self) -> bool {
        matches!(
            self,
            SortKey::LastSuccess | SortKey::NextRun | SortKey::Retention | SortKey::CrossRegion
        )
    }

    fn next(self) -> SortKey {
        let at = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(at + 1) % SortKey::ALL.len()]
    }
}

/// One line of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Index into the fleet.
    pub tenant: usize,
    /// Indented beneath its hub.
    pub is_child: bool,
    /// Shown only to place matching spokes under their hub; the hub itself did not match.
    pub context_only: bool,
}

#[derive(Debug)]
pub struct FleetView {
    sort: SortKey,
    reversed: bool,
    filter: String,
    problems_only: bool,
    /// Groups in sort order: hub (or orphan) first, then its spokes in order.
    groups: Vec<Vec<usize>>,
    rows: Vec<Row>,
    /// Rows that matched (context-only hubs excluded), counted when the rows are built.
    matches: usize,
    selected: Option<TenantId>,
    /// The selection when problems-only was turned on, to return to when it is turned off.
    before_problems_only: Option<TenantId>,
    selected_row: usize,
    offset: usize,
    viewport: usize,
}

impl Default for FleetView {
    fn default() -> Self {
        Self {
            sort: SortKey::Level,
            reversed: false,
            filter: String::new(),
            problems_only: false,
            groups: Vec::new(),
            rows: Vec::new(),
            matches: 0,
            selected: None,
            before_problems_only: None,
            selected_row: 0,
            offset: 0,
            viewport: 20,
        }
    }
}

impl FleetView {
    /// The same sort, filter, selection and size, without rows: for ordering another fleet.
    pub fn settings(&self) -> FleetView {
        FleetView {
            sort: self.sort,
            reversed: self.reversed,
            filter: self.filter.clone(),
            problems_only: self.problems_only,
            selected: self.selected.clone(),
            before_problems_only: self.before_problems_only.clone(),
            selected_row: self.selected_row,
            offset: self.offset,
            viewport: self.viewport,
            ..FleetView::default()
        }
    }

    /// Takes over what the operator did while this view was being built elsewhere: the
    /// selection and size always, the order again if sort or filter changed meanwhile.
    pub fn carry_over(&mut self, current: &FleetView, fleet: &Fleet) {
        let reorder = (self.sort, self.reversed) != (current.sort, current.reversed);
        let refilter = self.filter != current.filter || self.problems_only != current.problems_only;
        *self = FleetView {
            groups: std::mem::take(&mut self.groups),
            rows: std::mem::take(&mut self.rows),
            matches: self.matches,
            ..current.settings()
        };
        if reorder {
            self.rebuild(fleet);
        } else if refilter {
            self.refilter(fleet);
        } else {
            self.follow_selection(fleet);
        }
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// How many tenants match the filter and problems-only (hubs shown for context excluded).
    pub fn matches(&self) -> usize {
        self.matches
    }

    pub fn sort(&self) -> (SortKey, bool) {
        (self.sort, self.reversed)
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn problems_only(&self) -> bool {
        self.problems_only
    }

    pub fn selected(&self) -> Option<&TenantId> {
        self.selected.as_ref()
    }

    pub fn selected_row(&self) -> Option<usize> {
        (!self.rows.is_empty()).then_some(self.selected_row)
    }

    /// First row drawn: the table draws only `viewport` rows from here.
    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn visible_rows(&self) -> &[Row] {
        let end = (self.offset + self.viewport).min(self.rows.len());
        &self.rows[self.offset.min(end)..end]
    }

    pub fn set_viewport(&mut self, rows: usize) {
        self.viewport = rows.max(1);
        self.scroll_to_selection();
    }

    pub fn viewport(&self) -> usize {
        self.viewport
    }

    /// Re-sorts and re-filters after the data changed.
    pub fn rebuild(&mut self, fleet: &Fleet) {
        self.groups = sorted_groups(fleet, self.sort, self.reversed);
        self.refilter(fleet);
    }

    /// The next sort, among the columns `shown` (all when the table is not measured yet).
    pub fn cycle_sort(&mut self, fleet: &Fleet, shown: Option<&[SortKey]>) {
        let visible = |key: &SortKey| shown.is_none_or(|shown| shown.contains(key));
        let mut next = self.sort.next();
        while !visible(&next) && next != self.sort {
            next = next.next();
        }
        self.sort = next;
        self.reversed = false;
        self.rebuild(fleet);
    }

    pub fn toggle_direction(&mut self, fleet: &Fleet) {
        self.reversed = !self.reversed;
        self.rebuild(fleet);
    }

    pub fn set_filter(&mut self, text: &str, fleet: &Fleet) {
        let lowered = text.trim().to_lowercase();
        if lowered != self.filter {
            self.filter = lowered;
            self.refilter(fleet);
        }
    }

    /// Hides or shows OK tenants. The tenant selected when hiding is remembered: if it had
    /// to give way to a neighbour, showing all again returns to it.
    pub fn toggle_problems_only(&mut self, fleet: &Fleet) {
        self.problems_only = !self.problems_only;
        if self.problems_only {
            self.before_problems_only = self.selected.clone();
        } else if let Some(id) = self.before_problems_only.take() {
            self.selected = Some(id);
        }
        self.refilter(fleet);
    }

    /// Rebuilds rows from the sorted groups: O(n), no sorting.
    fn refilter(&mut self, fleet: &Fleet) {
        let terms: Vec<Term> = self.filter.split_whitespace().map(Term::parse).collect();
        let keep = |i: usize| {
            let level = fleet.health(i).level;
            let problem = !self.problems_only || level != Level::Ok;
            problem
                && terms
                    .iter()
                    .all(|term| term.matches(level, fleet.haystack(i)))
        };
        let mut rows = Vec::with_capacity(self.rows.len().max(64));
        for group in &self.groups {
            let Some((&head, members)) = group.split_first() else {
                continue;
            };
            let head_kept = keep(head);
            let start = rows.len();
            rows.push(Row {
                tenant: head,
                is_child: false,
                context_only: !head_kept,
            });
            rows.extend(members.iter().filter(|&&m| keep(m)).map(|&m| Row {
                tenant: m,
                is_child: true,
                context_only: false,
            }));
            if !head_kept && rows.len() == start + 1 {
                rows.truncate(start);
            }
        }
        self.matches = rows.iter().filter(|r| !r.context_only).count();
        self.rows = rows;
        self.follow_selection(fleet);
    }

    /// Keeps the same tenant selected (by id, never by row index). When it is gone, the
    /// nearest row of its hub's group takes over, else the row at the same height.
    fn follow_selection(&mut self, fleet: &Fleet) {
        let wanted = self.selected.as_ref().and_then(|id| fleet.position(id));
        let found = wanted
            .and_then(|i| self.row_of(i))
            .or_else(|| wanted.and_then(|i| self.nearest_in_group(i)))
            // A hub shown only as the context of its matching spokes is a label: the
            // selection moves on to the first match beneath it.
            .map(|row| self.first_match_from(row));
        self.selected_row =
            found.unwrap_or(self.selected_row.min(self.rows.len().saturating_sub(1)));
        self.selected = self
            .rows
            .get(self.selected_row)
            .map(|r| fleet.tenant(r.tenant).id.clone());
        self.scroll_to_selection();
    }

    fn first_match_from(&self, row: usize) -> usize {
        if !self.rows.get(row).is_some_and(|r| r.context_only) {
            return row;
        }
        self.rows[row..]
            .iter()
            .position(|r| !r.context_only)
            .map_or(row, |offset| row + offset)
    }

    fn row_of(&self, tenant: usize) -> Option<usize> {
        self.rows.iter().position(|r| r.tenant == tenant)
    }

    /// The row of the same hub's group nearest to where `tenant` sat in the group: the
    /// spoke before it if there is one still shown, else the hub, else the next spoke.
    fn nearest_in_group(&self, tenant: usize) -> Option<usize> {
        let group = self.groups.iter().find(|g| g.contains(&tenant))?;
        let at = group.iter().position(|&m| m == tenant)?;
        let before = group[..at].iter().rev();
        let after = group[at + 1..].iter();
        before.chain(after).find_map(|&m| self.row_of(m))
    }

    /// Selects `id`'s row, when the filter shows it.
    pub fn select_id(&mut self, id: &TenantId, fleet: &Fleet) {
        let row = fleet.position(id).and_then(|tenant| self.row_of(tenant));
        if let Some(row) = row {
            self.select_row(row, fleet);
        }
    }

    pub fn select_row(&mut self, row: usize, fleet: &Fleet) {
        if self.rows.is_empty() {
            return;
        }
        self.selected_row = row.min(self.rows.len() - 1);
        self.selected = Some(fleet.tenant(self.rows[self.selected_row].tenant).id.clone());
        self.scroll_to_selection();
    }

    pub fn move_by(&mut self, delta: isize, fleet: &Fleet) {
        let row = self.selected_row.saturating_add_signed(delta);
        self.select_row(row, fleet);
    }

    pub fn page(&mut self, pages: isize, fleet: &Fleet) {
        let step = self.viewport.saturating_sub(1).max(1) as isize;
        self.move_by(pages * step, fleet);
    }

    /// Scrolls the viewport without moving the selection off screen (mouse wheel).
    pub fn scroll(&mut self, delta: isize, fleet: &Fleet) {
        let max_offset = self.rows.len().saturating_sub(self.viewport);
        self.offset = self.offset.saturating_add_signed(delta).min(max_offset);
        let last_visible = self.offset + self.viewport - 1;
        let row = self.selected_row.clamp(self.offset, last_visible);
        if row != self.selected_row {
            self.select_row(row, fleet);
        }
    }

    fn scroll_to_selection(&mut self) {
        let max_offset = self.rows.len().saturating_sub(self.viewport);
        if self.selected_row < self.offset {
            self.offset = self.selected_row;
        } else if self.selected_row >= self.offset + self.viewport {
            self.offset = self.selected_row + 1 - self.viewport;
        }
        self.offset = self.offset.min(max_offset);
    }
}

/// One word of the filter: a level word matches the level, `!word` excludes, anything else
/// is looked for in the tenant's names, ids, places, state and flags.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Level(Level),
    Text(String),
    Not(Box<Term>),
}

impl Term {
    fn parse(word: &str) -> Term {
        if let Some(rest) = word.strip_prefix('!').filter(|r| !r.is_empty()) {
            return Term::Not(Box::new(Term::parse(rest)));
        }
        match Level::ALL.into_iter().find(|l| l.as_str() == word) {
            Some(level) => Term::Level(level),
            None => Term::Text(word.to_string()),
        }
    }

    fn matches(&self, level: Level, haystack: &str) -> bool {
        match self {
            Term::Level(l) => *l == level,
            Term::Text(text) => haystack.contains(text.as_str()),
            Term::Not(term) => !term.matches(level, haystack),
        }
    }
}

/// Orders the fleet's hub groups and the spokes within each, in the key's natural direction
/// (or reversed). Keys are computed once per tenant as integers, so the sort compares numbers.
fn sorted_groups(fleet: &Fleet, key: SortKey, reversed: bool) -> Vec<Vec<usize>> {
    let keys = sort_keys(fleet, key, reversed);
    let mut groups: Vec<Vec<usize>> = fleet.tree().to_vec();
    for group in &mut groups {
        group[1..].sort_unstable_by_key(|&i| keys[i]);
    }
    // A group ranks by its most extreme member, then by its hub.
    groups.sort_unstable_by_key(|g| {
        let head = keys[g[0]];
        (g.get(1).map_or(head, |&first| head.min(keys[first])), head)
    });
    groups
}

/// Per tenant: the key in natural order (negated when reversed), then the slug rank, so ties
/// always read A→Z.
fn sort_keys(fleet: &Fleet, key: SortKey, reversed: bool) -> Vec<(i128, u32)> {
    let regions = rank_of_regions(fleet, key);
    (0..fleet.len())
        .map(|i| {
            let natural = primary(fleet, key, i, &regions);
            (
                if reversed { -natural } else { natural },
                fleet.slug_rank(i),
            )
        })
        .collect()
}

/// Ranks of the places a key sorts by (regions, clusters), A→Z.
fn rank_of_regions(fleet: &Fleet, key: SortKey) -> HashMap<&str, i128> {
    let place: fn(&Tenant) -> &str = match key {
        SortKey::Region => |t| t.region.as_str(),
        SortKey::Cluster => cluster_name,
        _ => return HashMap::new(),
    };
    let mut regions: Vec<&str> = fleet.tenants().iter().map(|t| place(t)).collect();
    regions.sort_unstable();
    regions.dedup();
    regions
        .into_iter()
        .enumerate()
        .map(|(rank, r)| (r, rank as i128))
        .collect()
}

/// Natural order of each key: problems (worst, oldest, fewest) first where that applies.
fn primary(fleet: &Fleet, key: SortKey, i: usize, regions: &HashMap<&str, i128>) -> i128 {
    let t = fleet.tenant(i);
    let h = fleet.health(i);
    let flags = h.flags.len() as i128;
    match key {
        SortKey::Level => -(level_rank(h.level) * 1_000 + flags),
        SortKey::Tenant => i128::from(fleet.slug_rank(i)),
        SortKey::Tier => match t.tier {
            Tier::Dedicated => 0,
            Tier::Standard => 1,
            Tier::Unknown(_) => 2,
        },
        SortKey::Region => regions.get(t.region.as_str()).copied().unwrap_or(0),
        SortKey::Cluster => regions.get(cluster_name(t)).copied().unwrap_or(0),
        // Never backed up sorts before every instant: the oldest possible.
        SortKey::LastSuccess => instant(t.backup.last_success.as_ref().map(|s| s.taken_at)),
        SortKey::NextRun => instant(t.backup.schedule.next_run_at),
        SortKey::Retention => i128::from(t.backup.restore_point_count),
        // Standard tenants have no copies and sort last; Dedicated without a copy first.
        SortKey::CrossRegion if t.tier != Tier::Dedicated => i128::MAX / 2,
        SortKey::CrossRegion => instant(
            t.backup
                .cross_region
                .as_ref()
                .and_then(|c| c.last_copied_at),
        ),
        SortKey::Flags => -(flags * 10 + level_rank(h.level)),
    }
}

/// The cluster a tenant was read from; empty for a source that reads no cluster.
pub fn cluster_name(t: &Tenant) -> &str {
    t.cluster().map_or("", |c| c.cluster.as_str())
}

fn level_rank(level: Level) -> i128 {
    Level::ALL.iter().position(|l| *l == level).unwrap_or(0) as i128
}

fn instant(at: Option<DateTime<Utc>>) -> i128 {
    at.map_or(i128::MIN / 2, |t| i128::from(t.timestamp_millis()))
}
