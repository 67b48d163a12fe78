//! Which rows the fleet table shows, in what order, and which one is selected.
//!
//! Sorting and filtering happen here when data, sort or filter change — never per frame. The
//! tree is kept: each hub heads its group with its spokes beneath, and groups are ordered by
//! their most extreme member, so the worst spoke still pulls its hub to the top.

use super::Fleet;
use super::order::Order;
pub use super::order::SortKey;
use crate::domain::{Level, TenantId};

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

/// Changed groups are moved one by one, each with its rows only (microseconds when its key
/// stays, as a new backup's mostly does), up to this many, or up to one group in
/// `MERGED_FROM_ONE_IN`; past that they are merged into the order in one pass and the rows
/// built again, which costs the whole fleet (~0.1 s at a million) but no more for 17 000.
const REPLACED_ONE_BY_ONE_UP_TO: usize = 32;
const MERGED_FROM_ONE_IN: usize = 32;

#[derive(Debug)]
pub struct FleetView {
    sort: SortKey,
    reversed: bool,
    filter: String,
    problems_only: bool,
    /// Groups in sort order: hub (or orphan) first, then its spokes in order.
    order: Order,
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
            order: Order::default(),
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
            order: std::mem::take(&mut self.order),
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
        self.order = Order::sorted(fleet, self.sort, self.reversed);
        self.refilter(fleet);
    }

    /// Catches up with what changed: only the groups of the `touched` tenants are re-placed
    /// (`None`: everything changed, sort it all again).
    pub fn update(&mut self, fleet: &Fleet, touched: Option<Vec<usize>>) {
        let Some(touched) = touched else {
            return self.rebuild(fleet);
        };
        if touched.is_empty() {
            return;
        }
        if !self.order.fits(fleet, (self.sort, self.reversed)) {
            return self.rebuild(fleet);
        }
        let mut groups: Vec<usize> = touched.iter().map(|&i| self.order.group_of(i)).collect();
        groups.sort_unstable();
        groups.dedup();
        if groups.len()
            > (self.order.groups.len() / MERGED_FROM_ONE_IN).max(REPLACED_ONE_BY_ONE_UP_TO)
        {
            if self.order.replace_many(fleet, &groups).is_none() {
                return self.rebuild(fleet);
            }
            return self.refilter(fleet);
        }
        let terms = self.terms();
        for at in groups {
            if self.replace_group(fleet, at, &terms).is_none() {
                return self.rebuild(fleet);
            }
        }
        self.follow_selection(fleet);
    }

    /// Moves tree group `at` and its rows to where its keys now say, with its rows built
    /// again (the filter may keep other spokes now). Only the rows between its old and new
    /// places shift: a group that stays put costs its own rows.
    fn replace_group(&mut self, fleet: &Fleet, at: usize, terms: &[Term]) -> Option<()> {
        // Rows follow the groups' order, so the group's rows start where its key does.
        let old = self.order.key_of_group(fleet, at);
        let order = &self.order;
        let row_key = |r: &Row| order.key_of_group(fleet, order.group_of(r.tenant));
        let start = self.rows.partition_point(|r| row_key(r) < old);
        let len = self.rows[start..]
            .iter()
            .take_while(|r| order.group_of(r.tenant) == at)
            .count();
        let (_, new, pos) = self.order.replace(fleet, at)?;
        let order = &self.order;
        let row_key = |r: &Row| order.key_of_group(fleet, order.group_of(r.tenant));
        // Where its rows go, among the rows of the other groups (their keys did not move).
        let to = if new < old {
            self.rows[..start].partition_point(|r| row_key(r) < new)
        } else {
            let after = start + len;
            after + self.rows[after..].partition_point(|r| row_key(r) < new) - len
        };
        if to < start {
            self.rows[to..start + len].rotate_right(len);
        } else if to > start {
            self.rows[start..to + len].rotate_left(len);
        }
        let mut rows = Vec::new();
        let kept = self.group_rows(fleet, &self.order.groups[pos], terms, &mut rows);
        let gone = self.rows[to..to + len]
            .iter()
            .filter(|r| !r.context_only)
            .count();
        self.rows.splice(to..to + len, rows);
        self.matches = self.matches.saturating_sub(gone) + kept;
        Some(())
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
        let lowered = super::fold_case(text.trim());
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
        let terms = self.terms();
        let mut rows = Vec::with_capacity(self.rows.len().max(64));
        let mut matches = 0;
        for group in &self.order.groups {
            matches += self.group_rows(fleet, group, &terms, &mut rows);
        }
        self.matches = matches;
        self.rows = rows;
        self.follow_selection(fleet);
    }

    fn terms(&self) -> Vec<Term> {
        self.filter.split_whitespace().map(Term::parse).collect()
    }

    /// One group's rows, as the filter and problems-only keep them: its hub (shown for
    /// context when only spokes match), then its kept spokes. Returns how many matched.
    fn group_rows(
        &self,
        fleet: &Fleet,
        group: &[usize],
        terms: &[Term],
        rows: &mut Vec<Row>,
    ) -> usize {
        let keep = |i: usize| {
            let level = fleet.health(i).level;
            let problem = !self.problems_only || level != Level::Ok;
            problem
                && terms
                    .iter()
                    .all(|term| term.matches(level, fleet.haystack(i), &fleet.tenant(i).region))
        };
        let Some((&head, members)) = group.split_first() else {
            return 0;
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
            return 0;
        }
        rows.len() - start - usize::from(!head_kept)
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
        let group = self.order.groups.iter().find(|g| g.contains(&tenant))?;
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

/// One word of the filter: a level word matches the level, `region:NAME` the tenant's
/// region exactly (the Regions screen's `Enter`), `!word` excludes, anything else is looked
/// for in the tenant's names, ids, places, state and flags.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Level(Level),
    Region(String),
    Text(String),
    Not(Box<Term>),
}

impl Term {
    fn parse(word: &str) -> Term {
        if let Some(rest) = word.strip_prefix('!').filter(|r| !r.is_empty()) {
            return Term::Not(Box::new(Term::parse(rest)));
        }
        if let Some(region) = word.strip_prefix("region:").filter(|r| !r.is_empty()) {
            return Term::Region(region.to_string());
        }
        match Level::ALL.into_iter().find(|l| l.as_str() == word) {
            Some(level) => Term::Level(level),
            None => Term::Text(word.to_string()),
        }
    }

    fn matches(&self, level: Level, haystack: &str, region: &str) -> bool {
        match self {
            Term::Level(l) => *l == level,
            Term::Region(name) => region.eq_ignore_ascii_case(name),
            Term::Text(text) => haystack.contains(text.as_str()),
            Term::Not(term) => !term.matches(level, haystack, region),
        }
    }
}
