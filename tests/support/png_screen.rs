//! Render a ratatui [`Buffer`] (e.g. the one held by `TestBackend` after a draw) to a PNG
//! "screenshot", without a terminal and without system fonts.
//!
//! Text uses the embedded DejaVu Sans Mono (regular and bold) from the `dejavu` crate, with
//! DejaVu Sans as a fallback for symbols missing from the monospaced face (scaled down to fit
//! the cell if needed); ⟳ and ⟲, which DejaVu Sans Mono lacks, are drawn as its ↻ and ↺.
//! Box-drawing characters (U+2500–U+257F), block elements
//! (U+2580–U+259F) and braille patterns (U+2800–U+28FF) are drawn procedurally so that they
//! join seamlessly between cells. Characters found in neither font are drawn as a small
//! hollow box.
//!
//! The output is deterministic: the same buffer always produces the same bytes.
//!
//! Include from integration tests with `#[path = "support/png_screen.rs"] mod png_screen;`.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::Path;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use ratatui::buffer::{Buffer, Cell, CellWidth};
use ratatui::style::{Color, Modifier};

/// Colours used for `Color::Reset` foreground/background (the terminal's defaults).
pub struct Palette {
    pub default_fg: [u8; 3],
    pub default_bg: [u8; 3],
}

/// Renders `buffer` to an RGB PNG at `path` (parent directories are created), one
/// 9×19 px cell per buffer cell.
///
/// Returns an `InvalidInput` error for a buffer with a zero-sized area.
pub fn buffer_to_png(buffer: &Buffer, palette: &Palette, path: &Path) -> io::Result<()> {
    let cols = usize::from(buffer.area.width);
    let rows = usize::from(buffer.area.height);
    if cols == 0 || rows == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "cannot render a buffer with an empty area",
        ));
    }
    let mut glyphs = Glyphs::new()?;
    let mut canvas = Canvas::new(cols * CELL_W, rows * CELL_H, palette.default_bg);
    let blank = Cell::default();

    // Pass 1: backgrounds. Wide characters cover the following cell(s), which are skipped.
    let mut ops = Vec::with_capacity(cols * rows);
    for row in 0..rows {
        let mut col = 0;
        while col < cols {
            let cell = buffer.content.get(row * cols + col).unwrap_or(&blank);
            let span = cell_span(cell).min(cols - col);
            let (fg, bg) = cell_colours(cell, palette);
            let (x, y) = (col * CELL_W, row * CELL_H);
            canvas.fill(x, y, span * CELL_W, CELL_H, bg);
            ops.push((x, y, span, cell, fg));
            col += span;
        }
    }

    // Pass 2: glyphs and decorations (glyphs may overhang into neighbouring cells).
    for (x, y, span, cell, fg) in ops {
        let modifier = cell.modifier;
        if !modifier.contains(Modifier::HIDDEN) {
            let bold = modifier.contains(Modifier::BOLD);
            let mut chars = cell.symbol().chars().filter(|&c| !is_invisible(c));
            if let Some(first) = chars.next() {
                canvas.blend(x, y, glyphs.get(first, bold, span), fg);
                // Combining marks in DejaVu Sans Mono overlay the cell they follow; other
                // extra code points (emoji sequences, flags…) are not rendered.
                for c in chars.filter(|&c| is_combining(c)) {
                    canvas.blend(x, y, glyphs.get(c, bold, span), fg);
                }
            }
        }
        if modifier.contains(Modifier::UNDERLINED) {
            canvas.fill(x, y + glyphs.underline, span * CELL_W, 1, fg);
        }
        if modifier.contains(Modifier::CROSSED_OUT) {
            canvas.fill(x, y + glyphs.strike, span * CELL_W, 1, fg);
        }
    }

    canvas.write_png(path)
}

/// Cell size in pixels.
const CELL_W: usize = 9;
const CELL_H: usize = 19;
/// Font size in pixels per em. DejaVu Sans Mono advances 0.602 em (9.3 px), drawn in 9 px cells.
const FONT_PX: f32 = 15.5;
/// Line thicknesses for procedural box drawing, and the half distance between double lines.
const LIGHT: usize = 1;
const HEAVY: usize = 3;
const DOUBLE_OFFSET: usize = 1;
/// Centre column / row of a cell, where box-drawing lines run.
const CX: usize = CELL_W / 2;
const CY: usize = CELL_H / 2;

/// Number of columns a cell occupies (wide characters take two).
fn cell_span(cell: &Cell) -> usize {
    // Single bytes are always one column; this also avoids the debug assertion in
    // `CellWidth for str` on control characters.
    if cell.symbol().len() <= 1 {
        1
    } else {
        usize::from(cell.cell_width()).max(1)
    }
}

fn cell_colours(cell: &Cell, palette: &Palette) -> ([u8; 3], [u8; 3]) {
    let mut fg = colour(cell.fg, palette.default_fg);
    let mut bg = colour(cell.bg, palette.default_bg);
    if cell.modifier.contains(Modifier::REVERSED) {
        std::mem::swap(&mut fg, &mut bg);
    }
    if cell.modifier.contains(Modifier::DIM) {
        fg = mix(fg, bg, 0.5);
    }
    (fg, bg)
}

/// The 16 ANSI colours (VS Code-like, a softened xterm palette), in xterm index order.
const ANSI: [[u8; 3]; 16] = [
    [0x00, 0x00, 0x00], // Black
    [0xcd, 0x31, 0x31], // Red
    [0x0d, 0xbc, 0x79], // Green
    [0xe5, 0xe5, 0x10], // Yellow
    [0x24, 0x72, 0xc8], // Blue
    [0xbc, 0x3f, 0xbc], // Magenta
    [0x11, 0xa8, 0xcd], // Cyan
    [0xe5, 0xe5, 0xe5], // Gray
    [0x66, 0x66, 0x66], // DarkGray
    [0xf1, 0x4c, 0x4c], // LightRed
    [0x23, 0xd1, 0x8b], // LightGreen
    [0xf5, 0xf5, 0x43], // LightYellow
    [0x3b, 0x8e, 0xea], // LightBlue
    [0xd6, 0x70, 0xd6], // LightMagenta
    [0x29, 0xb8, 0xdb], // LightCyan
    [0xff, 0xff, 0xff], // White
];

fn colour(colour: Color, default: [u8; 3]) -> [u8; 3] {
    match colour {
        Color::Reset => default,
        Color::Black => ANSI[0],
        Color::Red => ANSI[1],
        Color::Green => ANSI[2],
        Color::Yellow => ANSI[3],
        Color::Blue => ANSI[4],
        Color::Magenta => ANSI[5],
        Color::Cyan => ANSI[6],
        Color::Gray => ANSI[7],
        Color::DarkGray => ANSI[8],
        Color::LightRed => ANSI[9],
        Color::LightGreen => ANSI[10],
        Color::LightYellow => ANSI[11],
        Color::LightBlue => ANSI[12],
        Color::LightMagenta => ANSI[13],
        Color::LightCyan => ANSI[14],
        Color::White => ANSI[15],
        Color::Rgb(r, g, b) => [r, g, b],
        Color::Indexed(n) => xterm_256(n),
    }
}

/// The standard xterm 256-colour table: 16 base colours, a 6×6×6 cube and 24 greys.
fn xterm_256(n: u8) -> [u8; 3] {
    match n {
        0..=15 => ANSI[usize::from(n)],
        16..=231 => {
            let i = n - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
            [level(i / 36), level(i / 6 % 6), level(i % 6)]
        }
        _ => {
            let v = 8 + 10 * (n - 232);
            [v, v, v]
        }
    }
}

/// `a` blended toward `b` by `t` (0 = a, 1 = b).
fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let ch = |a: u8, b: u8| (f32::from(a) + (f32::from(b) - f32::from(a)) * t).round() as u8;
    [ch(a[0], b[0]), ch(a[1], b[1]), ch(a[2], b[2])]
}

/// Code points that draw nothing on their own (controls, zero-width characters, variation
/// selectors).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

fn is_combining(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// An RGB image.
struct Canvas {
    width: usize,
    height: usize,
    data: Vec<u8>,
}

impl Canvas {
    fn new(width: usize, height: usize, bg: [u8; 3]) -> Self {
        Self {
            width,
            height,
            data: bg.repeat(width * height),
        }
    }

    fn fill(&mut self, x: usize, y: usize, w: usize, h: usize, rgb: [u8; 3]) {
        let (x1, y1) = ((x + w).min(self.width), (y + h).min(self.height));
        for py in y.min(y1)..y1 {
            let row = py * self.width;
            for px in x.min(x1)..x1 {
                let i = (row + px) * 3;
                self.data[i..i + 3].copy_from_slice(&rgb);
            }
        }
    }

    /// Alpha-blends `rgb` with the coverage of `bitmap`, placed relative to cell origin (x, y).
    fn blend(&mut self, x: usize, y: usize, bitmap: &Bitmap, rgb: [u8; 3]) {
        for by in 0..bitmap.h {
            let py = y as i64 + i64::from(bitmap.top) + by as i64;
            if py < 0 || py >= self.height as i64 {
                continue;
            }
            for bx in 0..bitmap.w {
                let px = x as i64 + i64::from(bitmap.left) + bx as i64;
                let a = bitmap.cov[by * bitmap.w + bx];
                if px < 0 || px >= self.width as i64 || a <= 0.0 {
                    continue;
                }
                let i = (py as usize * self.width + px as usize) * 3;
                let dst = [self.data[i], self.data[i + 1], self.data[i + 2]];
                self.data[i..i + 3].copy_from_slice(&mix(dst, rgb, a.min(1.0)));
            }
        }
    }

    fn write_png(&self, path: &Path) -> io::Result<()> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        let too_big = || io::Error::new(io::ErrorKind::InvalidInput, "image too large");
        let width = u32::try_from(self.width).map_err(|_| too_big())?;
        let height = u32::try_from(self.height).map_err(|_| too_big())?;
        let mut encoder = png::Encoder::new(BufWriter::new(File::create(path)?), width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.data)?;
        writer.finish()?;
        Ok(())
    }
}

/// A coverage map (0..=1 per pixel) positioned relative to a cell's top-left corner.
struct Bitmap {
    left: i32,
    top: i32,
    w: usize,
    h: usize,
    cov: Vec<f32>,
}

impl Bitmap {
    fn new(w: usize, h: usize) -> Self {
        Self {
            left: 0,
            top: 0,
            w,
            h,
            cov: vec![0.0; w * h],
        }
    }

    /// Sets coverage `v` (keeping the maximum) on the rectangle [x0, x1) × [y0, y1).
    fn rect(&mut self, x0: usize, x1: usize, y0: usize, y1: usize, v: f32) {
        for y in y0..y1.min(self.h) {
            for x in x0..x1.min(self.w) {
                let p = &mut self.cov[y * self.w + x];
                *p = p.max(v);
            }
        }
    }

    /// Anti-aliased shape: coverage from 4×4 supersampling of `inside(x, y)`.
    fn shape(&mut self, inside: impl Fn(f32, f32) -> bool) {
        const N: usize = 4;
        for y in 0..self.h {
            for x in 0..self.w {
                let mut hits = 0;
                for sy in 0..N {
                    for sx in 0..N {
                        let fx = x as f32 + (sx as f32 + 0.5) / N as f32;
                        let fy = y as f32 + (sy as f32 + 0.5) / N as f32;
                        if inside(fx, fy) {
                            hits += 1;
                        }
                    }
                }
                let p = &mut self.cov[y * self.w + x];
                *p = p.max(hits as f32 / (N * N) as f32);
            }
        }
    }
}

/// Rasterised glyphs, cached per (char, bold, span).
struct Glyphs {
    mono: FontRef<'static>,
    mono_bold: FontRef<'static>,
    sans: FontRef<'static>,
    sans_bold: FontRef<'static>,
    /// Baseline, underline and strike-through rows, in pixels from the top of the cell.
    baseline: f32,
    underline: usize,
    strike: usize,
    cache: BTreeMap<(char, bool, usize), Bitmap>,
}

impl Glyphs {
    fn new() -> io::Result<Self> {
        let load = |data: &'static [u8]| {
            FontRef::try_from_slice(data).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
        };
        let mono = load(dejavu::sans_mono::regular())?;
        let em = FONT_PX / mono.units_per_em().unwrap_or(2048.0);
        let (ascent, descent) = (mono.ascent_unscaled() * em, -mono.descent_unscaled() * em);
        let baseline = ((CELL_H as f32 - ascent - descent) / 2.0 + ascent).round();
        Ok(Self {
            mono,
            mono_bold: load(dejavu::sans_mono::bold())?,
            sans: load(dejavu::sans::regular())?,
            sans_bold: load(dejavu::sans::bold())?,
            baseline,
            underline: (baseline as usize + 2).min(CELL_H - 1),
            // Half the x-height (0.55 em) above the baseline.
            strike: (baseline - 0.275 * FONT_PX).round() as usize,
            cache: BTreeMap::new(),
        })
    }

    fn get(&mut self, c: char, bold: bool, span: usize) -> &Bitmap {
        let faces: &[&FontRef<'static>] = if bold {
            &[&self.mono_bold, &self.mono, &self.sans_bold, &self.sans]
        } else {
            &[&self.mono, &self.sans]
        };
        let baseline = self.baseline;
        self.cache
            .entry((c, bold, span))
            .or_insert_with(|| procedural(c).unwrap_or_else(|| rasterise(faces, c, span, baseline)))
    }
}

/// Draws `c` from the first face that has it, centred in `span` cells and scaled down if it is
/// wider than that; a hollow box if no face has it.
fn rasterise(faces: &[&FontRef<'static>], c: char, span: usize, baseline: f32) -> Bitmap {
    let box_w = (span * CELL_W) as f32;
    // Look-alikes the monospaced face has, for symbols it lacks.
    let c = match c {
        '⟳' => '↻',
        '⟲' => '↺',
        _ => c,
    };
    let Some(font) = faces.iter().find(|f| f.glyph_id(c).0 != 0) else {
        return hollow_box(span * CELL_W, baseline as usize);
    };
    let id = font.glyph_id(c);
    let units_per_em = font.units_per_em().unwrap_or(2048.0);
    let base = PxScale::from(FONT_PX * font.height_unscaled() / units_per_em);
    let scaled = font.as_scaled(base);
    let advance = scaled.h_advance(id);
    // Glyphs that fit are placed by their advance (as a terminal would); wider ones (from the
    // proportional fallback face) are centred by their ink and shrunk if the ink doesn't fit.
    let (fit, x) = match font.outline(id) {
        Some(outline) if advance > box_w + 0.5 => {
            let (ink_x0, ink_x1) = (outline.bounds.min.x, outline.bounds.max.x);
            let ink_w = (ink_x1 - ink_x0) * scaled.h_scale_factor();
            let fit = if ink_w > box_w - 1.0 {
                (box_w - 1.0) / ink_w
            } else {
                1.0
            };
            let ink_mid = (ink_x0 + ink_x1) / 2.0 * scaled.h_scale_factor() * fit;
            (fit, (box_w / 2.0 - ink_mid).round())
        }
        _ => (1.0, ((box_w - advance) / 2.0).round()),
    };
    // Shrink around the middle of the cell so that scaled symbols stay vertically centred.
    let mid = CELL_H as f32 / 2.0;
    let y = (mid + (baseline - mid) * fit).round();
    let glyph = id.with_scale_and_position(PxScale::from(base.y * fit), point(x, y));
    let Some(outlined) = font.outline_glyph(glyph) else {
        return Bitmap::new(0, 0);
    };
    let bounds = outlined.px_bounds();
    let mut bitmap = Bitmap::new(bounds.width() as usize, bounds.height() as usize);
    bitmap.left = bounds.min.x as i32;
    bitmap.top = bounds.min.y as i32;
    let w = bitmap.w;
    outlined.draw(|px, py, v| {
        if let Some(p) = bitmap.cov.get_mut(py as usize * w + px as usize) {
            *p = v.clamp(0.0, 1.0);
        }
    });
    bitmap
}

/// Stand-in for a character no font has: a hollow box the height of a capital letter.
fn hollow_box(w: usize, baseline: usize) -> Bitmap {
    let mut b = Bitmap::new(w, CELL_H);
    let (x0, x1, y0, y1) = (1, w.saturating_sub(1).max(2), 4, baseline.clamp(6, CELL_H));
    b.rect(x0, x1, y0, y0 + 1, 1.0);
    b.rect(x0, x1, y1 - 1, y1, 1.0);
    b.rect(x0, x0 + 1, y0, y1, 1.0);
    b.rect(x1 - 1, x1, y0, y1, 1.0);
    b
}

/// Box drawing, block elements and braille, drawn to fill the whole cell.
fn procedural(c: char) -> Option<Bitmap> {
    let mut b = Bitmap::new(CELL_W, CELL_H);
    let code = u32::from(c);
    match code {
        // Dashed lines: ┄┅┆┇ (3 dashes), ┈┉┊┋ (4), ╌╍╎╏ (2).
        0x2504..=0x250B | 0x254C..=0x254F => {
            let dashes = match code {
                0x2504..=0x2507 => 3,
                0x2508..=0x250B => 4,
                _ => 2,
            };
            let weight = if code % 2 == 0 { 1 } else { 2 };
            dashed(&mut b, code % 4 < 2, weight, dashes);
        }
        // Rounded corners ╭╮╯╰.
        0x256D => arc(&mut b, 1.0, 1.0),
        0x256E => arc(&mut b, -1.0, 1.0),
        0x256F => arc(&mut b, -1.0, -1.0),
        0x2570 => arc(&mut b, 1.0, -1.0),
        // Diagonals ╱╲╳.
        0x2571..=0x2573 => diagonals(&mut b, code != 0x2572, code != 0x2571),
        0x2500..=0x257F => lines(&mut b, BOX_ARMS[(code - 0x2500) as usize]),
        0x2580..=0x259F => block(&mut b, code),
        0x2800..=0x28FF => braille(&mut b, code as u8),
        _ => return None,
    }
    Some(b)
}

/// Arm weights of U+2500–U+257F as nibbles up, right, down, left:
/// 0 none, 1 light, 2 heavy, 3 double. Dashes, arcs and diagonals are handled separately.
#[rustfmt::skip]
const BOX_ARMS: [u16; 128] = [
    // ─       ━       │       ┃       ┄       ┅       ┆       ┇
    0x0101, 0x0202, 0x1010, 0x2020, 0x0101, 0x0202, 0x1010, 0x2020,
    // ┈       ┉       ┊       ┋       ┌       ┍       ┎       ┏
    0x0101, 0x0202, 0x1010, 0x2020, 0x0110, 0x0210, 0x0120, 0x0220,
    // ┐       ┑       ┒       ┓       └       ┕       ┖       ┗
    0x0011, 0x0012, 0x0021, 0x0022, 0x1100, 0x1200, 0x2100, 0x2200,
    // ┘       ┙       ┚       ┛       ├       ┝       ┞       ┟
    0x1001, 0x1002, 0x2001, 0x2002, 0x1110, 0x1210, 0x2110, 0x1120,
    // ┠       ┡       ┢       ┣       ┤       ┥       ┦       ┧
    0x2120, 0x2210, 0x1220, 0x2220, 0x1011, 0x1012, 0x2011, 0x1021,
    // ┨       ┩       ┪       ┫       ┬       ┭       ┮       ┯
    0x2021, 0x2012, 0x1022, 0x2022, 0x0111, 0x0112, 0x0211, 0x0212,
    // ┰       ┱       ┲       ┳       ┴       ┵       ┶       ┷
    0x0121, 0x0122, 0x0221, 0x0222, 0x1101, 0x1102, 0x1201, 0x1202,
    // ┸       ┹       ┺       ┻       ┼       ┽       ┾       ┿
    0x2101, 0x2102, 0x2201, 0x2202, 0x1111, 0x1112, 0x1211, 0x1212,
    // ╀       ╁       ╂       ╃       ╄       ╅       ╆       ╇
    0x2111, 0x1121, 0x2121, 0x2112, 0x2211, 0x1122, 0x1221, 0x2212,
    // ╈       ╉       ╊       ╋       ╌       ╍       ╎       ╏
    0x1222, 0x2122, 0x2221, 0x2222, 0x0101, 0x0202, 0x1010, 0x2020,
    // ═       ║       ╒       ╓       ╔       ╕       ╖       ╗
    0x0303, 0x3030, 0x0310, 0x0130, 0x0330, 0x0013, 0x0031, 0x0033,
    // ╘       ╙       ╚       ╛       ╜       ╝       ╞       ╟
    0x1300, 0x3100, 0x3300, 0x1003, 0x3001, 0x3003, 0x1310, 0x3130,
    // ╠       ╡       ╢       ╣       ╤       ╥       ╦       ╧
    0x3330, 0x1013, 0x3031, 0x3033, 0x0313, 0x0131, 0x0333, 0x1303,
    // ╨       ╩       ╪       ╫       ╬       ╭       ╮       ╯
    0x3101, 0x3303, 0x1313, 0x3131, 0x3333, 0x0000, 0x0000, 0x0000,
    // ╰       ╱       ╲       ╳       ╴       ╵       ╶       ╷
    0x0000, 0x0000, 0x0000, 0x0000, 0x0001, 0x1000, 0x0100, 0x0010,
    // ╸       ╹       ╺       ╻       ╼       ╽       ╾       ╿
    0x0002, 0x2000, 0x0200, 0x0020, 0x0201, 0x1020, 0x0102, 0x2010,
];

fn thickness(weight: u8) -> usize {
    if weight == 2 { HEAVY } else { LIGHT }
}

/// Pixel band [lo, hi) of a line of thickness `t` centred on pixel `centre`.
fn band(centre: usize, t: usize) -> (usize, usize) {
    let lo = centre.saturating_sub((t - 1) / 2);
    (lo, lo + t)
}

/// Band covered by a line of `weight` (both strokes for a double line).
fn weight_band(weight: u8, centre: usize) -> (usize, usize) {
    if weight == 3 {
        (centre - DOUBLE_OFFSET, centre + DOUBLE_OFFSET + 1)
    } else {
        band(centre, thickness(weight))
    }
}

/// Draws the arms of a box-drawing character from the cell edges to (and through) the centre.
fn lines(b: &mut Bitmap, arms: u16) {
    // Index 0 up, 1 right, 2 down, 3 left.
    let arms: [u8; 4] = [12, 8, 4, 0].map(|shift| ((arms >> shift) & 0xF) as u8);
    for dir in 0..4 {
        let weight = arms[dir];
        if weight == 0 {
            continue;
        }
        let horizontal = dir % 2 == 1;
        let positive = dir == 1 || dir == 2; // runs from the centre toward larger coordinates
        let (len, along_c, across_c) = if horizontal {
            (CELL_W, CX, CY)
        } else {
            (CELL_H, CY, CX)
        };
        // Perpendicular arms on the low side (up / left) and high side (down / right).
        let (perp_lo, perp_hi) = if horizontal {
            (arms[0], arms[2])
        } else {
            (arms[3], arms[1])
        };
        let opposite = arms[(dir + 2) % 4];
        // Extent along the arm, from the cell edge to the far / near side of a band.
        let far = |(lo, hi): (usize, usize)| if positive { (lo, len) } else { (0, hi) };
        let near = |(lo, hi): (usize, usize)| if positive { (hi - 1, len) } else { (0, lo + 1) };
        let centre = far((along_c, along_c + 1));
        let mut segment = |(a0, a1): (usize, usize), (c0, c1): (usize, usize)| {
            if horizontal {
                b.rect(a0, a1, c0, c1, 1.0);
            } else {
                b.rect(c0, c1, a0, a1, 1.0);
            }
        };
        if weight == 3 {
            // Each stroke of a double line stops at the perpendicular arm on its own side,
            // runs through to the opposite arm, or turns an outer corner.
            let strokes = [
                (across_c - DOUBLE_OFFSET, perp_lo, perp_hi),
                (across_c + DOUBLE_OFFSET, perp_hi, perp_lo),
            ];
            for (line, own_side, other_side) in strokes {
                let extent = if own_side != 0 {
                    near(weight_band(own_side, along_c))
                } else if opposite != 0 || other_side == 0 {
                    centre
                } else {
                    far(weight_band(other_side, along_c))
                };
                segment(extent, (line, line + 1));
            }
        } else {
            let t = thickness(weight);
            let extent = if perp_lo == 0 && perp_hi == 0 {
                far(band(along_c, t))
            } else if perp_lo != 0 && perp_hi != 0 && (perp_lo == 3 || perp_hi == 3) {
                // T-junction with a double line running through: stop at its near stroke.
                near(weight_band(3, along_c))
            } else {
                let (a, b) = (weight_band(perp_lo, along_c), weight_band(perp_hi, along_c));
                let widest = |w: u8, band: (usize, usize)| if w == 0 { 0 } else { band.1 - band.0 };
                far(if widest(perp_lo, a) >= widest(perp_hi, b) {
                    a
                } else {
                    b
                })
            };
            segment(extent, band(across_c, t));
        }
    }
}

fn dashed(b: &mut Bitmap, horizontal: bool, weight: u8, dashes: usize) {
    let (len, across) = if horizontal {
        (CELL_W, CY)
    } else {
        (CELL_H, CX)
    };
    let (c0, c1) = band(across, thickness(weight));
    for i in 0..dashes {
        let (s, e) = (i * len / dashes, (i + 1) * len / dashes);
        let gap = ((e - s) / 3).max(1);
        let (a0, a1) = (s + gap / 2, e - (gap - gap / 2));
        if horizontal {
            b.rect(a0, a1, c0, c1, 1.0);
        } else {
            b.rect(c0, c1, a0, a1, 1.0);
        }
    }
}

/// Rounded corner joining the centre lines toward `dx` (±1: right/left) and `dy` (±1: down/up).
fn arc(b: &mut Bitmap, dx: f32, dy: f32) {
    let (lx, ly) = (CX as f32 + 0.5, CY as f32 + 0.5);
    let half = LIGHT as f32 / 2.0;
    let r = (CELL_W as f32 / 2.0).min(CELL_H as f32 / 2.0);
    let (xc, yc) = (lx + dx * r, ly + dy * r);
    b.shape(|x, y| {
        let (ox, oy) = (x - xc, y - yc);
        let on_arc =
            ox * dx <= 0.0 && oy * dy <= 0.0 && ((ox * ox + oy * oy).sqrt() - r).abs() <= half;
        let on_horizontal = (y - ly).abs() <= half && ox * dx >= 0.0;
        let on_vertical = (x - lx).abs() <= half && oy * dy >= 0.0;
        on_arc || on_horizontal || on_vertical
    });
}

fn diagonals(b: &mut Bitmap, rising: bool, falling: bool) {
    let (w, h) = (CELL_W as f32, CELL_H as f32);
    let len = (w * w + h * h).sqrt();
    let half = 0.6 * LIGHT as f32;
    b.shape(|x, y| {
        let falls = (h * x - w * y).abs() / len <= half;
        let rises = (h * (w - x) - w * y).abs() / len <= half;
        (rising && rises) || (falling && falls)
    });
}

/// Block elements ▀▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐░▒▓▔▕▖▗▘▙▚▛▜▝▞▟.
fn block(b: &mut Bitmap, code: u32) {
    let (w, h) = (CELL_W, CELL_H);
    let lower = |eighths: usize| (h * eighths + 4) / 8;
    let left = |eighths: usize| (w * eighths + 4) / 8;
    let (xm, ym) = (left(4), h - lower(4));
    let k = (code & 0xF) as usize;
    match code {
        0x2580 => b.rect(0, w, 0, ym, 1.0),
        0x2581..=0x2588 => b.rect(0, w, h - lower(k), h, 1.0),
        0x2589..=0x258F => b.rect(0, left(16 - k), 0, h, 1.0),
        0x2590 => b.rect(xm, w, 0, h, 1.0),
        0x2591..=0x2593 => b.rect(0, w, 0, h, 0.25 * k as f32),
        0x2594 => b.rect(0, w, 0, lower(1), 1.0),
        0x2595 => b.rect(w - left(1), w, 0, h, 1.0),
        _ => {
            // Quadrants: bit 0 upper left, 1 upper right, 2 lower left, 3 lower right.
            const QUADRANTS: [u8; 10] = [4, 8, 1, 13, 9, 7, 11, 2, 6, 14];
            let q = QUADRANTS[(code - 0x2596) as usize % 10];
            let quads = [
                (0, xm, 0, ym),
                (xm, w, 0, ym),
                (0, xm, ym, h),
                (xm, w, ym, h),
            ];
            for (i, &(x0, x1, y0, y1)) in quads.iter().enumerate() {
                if q & (1 << i) != 0 {
                    b.rect(x0, x1, y0, y1, 1.0);
                }
            }
        }
    }
}

/// Braille patterns: 2×4 dots.
fn braille(b: &mut Bitmap, dots: u8) {
    // Bit index → (column, row) of the dot.
    const POS: [(usize, usize); 8] = [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 1),
        (1, 2),
        (0, 3),
        (1, 3),
    ];
    for (bit, &(col, row)) in POS.iter().enumerate() {
        if dots & (1 << bit) != 0 {
            let x = CELL_W * (2 * col + 1) / 4;
            let y = CELL_H * (2 * row + 1) / 8;
            b.rect(x - 1, x + 1, y - 1, y + 1, 1.0);
        }
    }
}
