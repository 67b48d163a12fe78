//! 24-bit colours brought down to the xterm 256-colour palette, for terminals that do not
//! say they show truecolour: there an `#rrggbb` would be approximated by the terminal itself,
//! often badly, or dropped.

use std::ffi::OsStr;

use ratatui::style::{Color, Style};

/// The six levels of each channel in xterm's 6×6×6 colour cube (indices 16–231).
const CUBE_LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// Whether `COLORTERM` (its value, `None` when unset) announces 24-bit colour, the way
/// terminals that have it tell programs so.
pub fn truecolour_supported(colorterm: Option<&OsStr>) -> bool {
    colorterm.and_then(OsStr::to_str).is_some_and(|value| {
        ["truecolor", "24bit"]
            .iter()
            .any(|w| value.eq_ignore_ascii_case(w))
    })
}

/// The sRGB of a palette index in the colour cube (16–231) or the grey ramp (232–255);
/// `None` for 0–15, whose colours each terminal chooses for itself.
pub(super) fn xterm_rgb(index: u8) -> Option<[u8; 3]> {
    match index {
        16..=231 => {
            let cube = usize::from(index - 16);
            let level = |digit: usize| CUBE_LEVELS[digit % 6];
            Some([level(cube / 36), level(cube / 6), level(cube)])
        }
        232..=255 => Some([8 + (index - 232) * 10; 3]),
        _ => None,
    }
}

/// The cube or grey-ramp index nearest to `rgb` by squared distance; the lower index wins
/// a tie.
pub(super) fn nearest_xterm_index(rgb: [u8; 3]) -> u8 {
    (16..=255)
        .filter_map(|index| Some((index, xterm_rgb(index)?)))
        .min_by_key(|(_, candidate)| squared_distance(*candidate, rgb))
        .map_or(16, |(index, _)| index)
}

fn squared_distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| u32::from(x.abs_diff(y)).pow(2))
        .sum()
}

/// `style` with every 24-bit colour replaced by its nearest palette index.
pub(super) fn to_256_colours(style: Style) -> Style {
    Style {
        fg: style.fg.map(to_palette),
        bg: style.bg.map(to_palette),
        underline_color: style.underline_color.map(to_palette),
        ..style
    }
}

fn to_palette(colour: Color) -> Color {
    match colour {
        Color::Rgb(r, g, b) => Color::Indexed(nearest_xterm_index([r, g, b])),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pure_black_and_white_are_the_cube_corners() {
        assert_eq!(nearest_xterm_index([0, 0, 0]), 16);
        assert_eq!(nearest_xterm_index([255, 255, 255]), 231);
    }

    #[test]
    fn mid_grey_is_on_the_grey_ramp() {
        // 128 is exactly ramp step 12 (8 + 10 × 12); the cube's nearest grey is 135.
        assert_eq!(nearest_xterm_index([128, 128, 128]), 244);
        assert_eq!(xterm_rgb(244), Some([128, 128, 128]));
    }

    #[test]
    fn saturated_colours_land_in_the_cube() {
        assert_eq!(nearest_xterm_index([255, 0, 0]), 196);
        // The default theme's amber, #f0a732: levels 255, 175, 95.
        assert_eq!(nearest_xterm_index([0xf0, 0xa7, 0x32]), 215);
        assert_eq!(xterm_rgb(215), Some([255, 175, 95]));
    }

    #[test]
    fn every_palette_colour_maps_to_itself() {
        for index in 16..=255 {
            let rgb = xterm_rgb(index).unwrap();
            assert_eq!(xterm_rgb(nearest_xterm_index(rgb)), Some(rgb), "{index}");
        }
        assert_eq!(xterm_rgb(15), None);
    }

    #[test]
    fn only_24_bit_colours_change() {
        let style = Style::new()
            .fg(Color::Rgb(255, 0, 0))
            .bg(Color::Indexed(4))
            .underline_color(Color::Yellow);
        let mapped = to_256_colours(style);
        assert_eq!(mapped.fg, Some(Color::Indexed(196)));
        assert_eq!(mapped.bg, Some(Color::Indexed(4)));
        assert_eq!(mapped.underline_color, Some(Color::Yellow));
    }

    #[test]
    fn colorterm_decides_truecolour() {
        let says = |value: &str| truecolour_supported(Some(OsStr::new(value)));
        assert!(says("truecolor") && says("24bit"));
        assert!(!says("") && !says("256color") && !says("yes"));
        assert!(!truecolour_supported(None));
    }
}
