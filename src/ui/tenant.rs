//! The tenant screen: the Backups card (the portal's four facts, every flag in words, the
//! tier's promise) and the tenant's restores, DNS swaps and requests above its restore-point
//! history. The card scrolls when it does not fit its half.

mod card;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use ratatui::layout::{Constraint, Layout};

use super::history;
use crate::app::App;
use crate::app::screens::tenant::{Pane, TenantScreen};
use crate::theme::Theme;
use card::Card;

/// From this width the tenant's activity is drawn beside its card.
const ACTIVITY_BESIDE_FROM: u16 = 150;

/// What drawing the tenant screen measured: how far the card can scroll, how many history
/// rows show.
pub struct Measured {
    pub card_scroll_limit: usize,
    pub history_rows: usize,
}

/// Draws the tenant screen over everything below the header.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    screen: &TenantScreen,
    theme: &Theme,
    now: DateTime<Utc>,
) -> Measured {
    let id = &screen.id;
    frame.render_widget(Clear, area);
    frame.render_widget(Block::default().style(theme.base), area);
    let Some(i) = app.fleet.position(id) else {
        let gone = format!("Tenant {id} is no longer in the fleet. Esc goes back.");
        frame.render_widget(
            Paragraph::new(gone).block(block(" Backups ".into(), "", true, theme)),
            area,
        );
        return Measured {
            card_scroll_limit: 0,
            history_rows: 0,
        };
    };
    let tenant = app.fleet.tenant(i);
    // Wide screens show the activity beside the card; others at the card's end.
    let beside = area.width >= ACTIVITY_BESIDE_FROM;
    let card_width = if beside {
        area.width * 3 / 5
    } else {
        area.width
    };
    let mut card = Card {
        width: usize::from(card_width.saturating_sub(2)),
        theme,
        lines: Vec::new(),
    };
    card.build(app, tenant, app.fleet.health(i), now);
    let mut activity = Card {
        width: usize::from(area.width.saturating_sub(card_width).saturating_sub(2)),
        theme,
        lines: Vec::new(),
    };
    if beside {
        activity.activity(app, tenant, now);
        // The block has the section's title already.
        activity.lines.drain(..2.min(activity.lines.len()));
    } else {
        card.activity(app, tenant, now);
    }
    let lines = card.lines;
    // The top takes what it needs up to half the screen; the history the rest.
    let wanted = (lines.len().max(activity.lines.len()) as u16).saturating_add(2);
    let card_height = wanted.min(area.height / 2).max(5.min(area.height));
    let [top, history_area] =
        Layout::vertical([Constraint::Length(card_height), Constraint::Min(0)]).areas(area);
    let [card_area, activity_area] =
        Layout::horizontal([Constraint::Length(card_width), Constraint::Min(0)]).areas(top);
    if beside {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(theme.border)
            .title(Span::styled(
                " Restores, DNS swaps and requests ",
                theme.title,
            ))
            .style(theme.base);
        frame.render_widget(Paragraph::new(activity.lines).block(block), activity_area);
    }
    let visible = usize::from(card_area.height.saturating_sub(2));
    let max_scroll = lines.len().saturating_sub(visible);
    let scroll = screen.scroll.min(max_scroll);
    let focused = screen.focus == Pane::Card;
    let more = match (scroll < max_scroll, scroll > 0, focused) {
        (true, _, true) => " · ↓ more",
        (true, _, false) => " · Tab, then ↓ for more",
        (false, true, _) => " · ↑ back",
        _ => "",
    };
    let title = format!(" Backups · {} ", tenant.slug);
    let paragraph = Paragraph::new(lines)
        .block(block(title, more, focused, theme))
        .scroll((scroll as u16, 0));
    frame.render_widget(paragraph, card_area);
    let history_rows = history::draw(frame, history_area, app, screen, tenant, theme, now);
    Measured {
        card_scroll_limit: max_scroll,
        history_rows,
    }
}

fn block(title: String, more: &str, focused: bool, theme: &Theme) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(if focused { theme.accent } else { theme.border })
        .title(Span::styled(title, theme.title))
        .title_bottom(Span::styled(
            format!(" Esc back · [ ] other tenants{more} "),
            theme.dim,
        ))
        .style(theme.base)
}
