//! Where each part of the screen goes. Shared by drawing and by mouse hit-testing, so a click
//! lands on the row that was drawn there.

use ratatui::layout::{Constraint, Layout, Rect};

/// Below this the layout cannot show a usable table.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

pub struct FleetAreas {
    pub header: Rect,
    pub toolbar: Rect,
    pub table: Rect,
    pub status: Rect,
    pub flash: Rect,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub fn fleet(area: Rect) -> FleetAreas {
    let [header, toolbar, table, status, flash] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    FleetAreas {
        header,
        toolbar,
        table,
        status,
        flash,
    }
}

/// Rows of data the table shows: its area less the border (2) and the column header (1).
pub fn table_rows(area: Rect) -> usize {
    usize::from(fleet(area).table.height.saturating_sub(3))
}

/// The fleet table's room in a terminal of `area`.
pub fn viewport(area: Rect) -> crate::app::Viewport {
    crate::app::Viewport {
        rows: table_rows(area),
        width: fleet(area).table.width,
    }
}

/// The data row (0-based within the viewport) at a screen position, if any.
pub fn row_at(area: Rect, column: u16, row: u16) -> Option<usize> {
    let table = fleet(area).table;
    let first = table.y + 2;
    let inside = column > table.x && column < table.right().saturating_sub(1);
    (inside && row >= first && row < table.bottom().saturating_sub(1))
        .then(|| usize::from(row - first))
}

/// A centred box of at most `width`×`height` inside `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
