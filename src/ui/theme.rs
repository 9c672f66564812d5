//! Colours and styles. Status colours follow the X-Ray console: green ok, orange/yellow
//! error, purple throttle, red fault.
//!
//! The styles come from the active [`Palette`]: the one installed at start-up (from the
//! configured theme, the terminal's colour depth and `NO_COLOR`), or one set for the current
//! thread with [`with_palette`] (tests, previews).

use std::cell::Cell;
use std::sync::OnceLock;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::model::Status;

/// The theme a user chooses in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    /// For dark terminal backgrounds.
    #[default]
    Dark,
    /// For light terminal backgrounds.
    Light,
    /// The terminal's own 16 ANSI colours, whatever they are set to.
    #[serde(alias = "16", alias = "16-colour", alias = "16-color")]
    Ansi,
}

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ColorDepth {
    #[serde(alias = "24bit", alias = "truecolor")]
    TrueColor,
    #[serde(rename = "256")]
    Indexed256,
    #[serde(rename = "16")]
    Ansi16,
}

impl ColorDepth {
    /// From `COLORTERM` and `TERM`, as terminals announce themselves.
    pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
        let colorterm = colorterm.unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorDepth::TrueColor;
        }
        match term {
            Some(term) if term.contains("256color") || term.contains("direct") => {
                ColorDepth::Indexed256
            }
            _ => ColorDepth::Ansi16,
        }
    }

    pub fn from_env() -> ColorDepth {
        let colorterm = std::env::var("COLORTERM").ok();
        let term = std::env::var("TERM").ok();
        ColorDepth::detect(colorterm.as_deref(), term.as_deref())
    }
}

/// `NO_COLOR` set to anything but the empty string asks for no colour (no-color.org).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The colours of every role the views draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub ok: Color,
    pub error: Color,
    pub throttle: Color,
    pub fault: Color,
    pub muted: Color,
    pub accent: Color,
    pub in_progress: Color,
    pub selection: Color,
    /// Muted text on the selection's background, which would hide `muted`.
    pub muted_on_selection: Color,
    pub match_fg: Color,
    pub match_bg: Color,
    /// No colour at all: meaning is kept by marks, bold, underline and reverse video.
    pub monochrome: bool,
}

impl Palette {
    /// The terminal's 16 ANSI colours.
    pub const ANSI: Palette = Palette {
        ok: Color::Green,
        error: Color::Yellow,
        throttle: Color::Magenta,
        fault: Color::Red,
        muted: Color::DarkGray,
        accent: Color::Cyan,
        in_progress: Color::Blue,
        selection: Color::DarkGray,
        muted_on_selection: Color::Gray,
        match_fg: Color::Black,
        match_bg: Color::Yellow,
        monochrome: false,
    };

    /// 16 colours on a light background: the selection is light grey, not dark.
    pub const ANSI_LIGHT: Palette = Palette {
        selection: Color::Gray,
        muted_on_selection: Color::Black,
        error: Color::Yellow,
        ..Palette::ANSI
    };

    pub const DARK: Palette = Palette {
        ok: Color::Rgb(0x3f, 0xb9, 0x50),
        error: Color::Rgb(0xe3, 0xa0, 0x2b),
        throttle: Color::Rgb(0xbc, 0x8c, 0xff),
        fault: Color::Rgb(0xf8, 0x51, 0x49),
        muted: Color::Rgb(0x80, 0x88, 0x94),
        accent: Color::Rgb(0x39, 0xc5, 0xcf),
        in_progress: Color::Rgb(0x58, 0xa6, 0xff),
        selection: Color::Rgb(0x2d, 0x35, 0x45),
        muted_on_selection: Color::Rgb(0xb0, 0xb8, 0xc4),
        match_fg: Color::Rgb(0x10, 0x14, 0x1a),
        match_bg: Color::Rgb(0xe3, 0xb3, 0x41),
        monochrome: false,
    };

    pub const LIGHT: Palette = Palette {
        ok: Color::Rgb(0x1a, 0x7f, 0x37),
        error: Color::Rgb(0xa0, 0x5a, 0x00),
        throttle: Color::Rgb(0x82, 0x50, 0xdf),
        fault: Color::Rgb(0xcf, 0x22, 0x2e),
        muted: Color::Rgb(0x6e, 0x77, 0x81),
        accent: Color::Rgb(0x05, 0x50, 0xae),
        in_progress: Color::Rgb(0x09, 0x69, 0xda),
        selection: Color::Rgb(0xd6, 0xe4, 0xf5),
        muted_on_selection: Color::Rgb(0x42, 0x4a, 0x53),
        match_fg: Color::Rgb(0x1f, 0x23, 0x28),
        match_bg: Color::Rgb(0xff, 0xd3, 0x3d),
        monochrome: false,
    };

    /// `NO_COLOR`: the terminal's own colours only.
    pub const NO_COLOR: Palette = Palette {
        ok: Color::Reset,
        error: Color::Reset,
        throttle: Color::Reset,
        fault: Color::Reset,
        muted: Color::Reset,
        accent: Color::Reset,
        in_progress: Color::Reset,
        selection: Color::Reset,
        muted_on_selection: Color::Reset,
        match_fg: Color::Reset,
        match_bg: Color::Reset,
        monochrome: true,
    };

    /// The palette that shows `theme` best on a terminal of this depth.
    pub fn for_terminal(theme: ThemeName, depth: ColorDepth, no_color: bool) -> Palette {
        if no_color {
            return Palette::NO_COLOR;
        }
        match (theme, depth) {
            (ThemeName::Ansi, _) | (ThemeName::Dark, ColorDepth::Ansi16) => Palette::ANSI,
            (ThemeName::Light, ColorDepth::Ansi16) => Palette::ANSI_LIGHT,
            (ThemeName::Dark, ColorDepth::TrueColor) => Palette::DARK,
            (ThemeName::Light, ColorDepth::TrueColor) => Palette::LIGHT,
            (ThemeName::Dark, ColorDepth::Indexed256) => Palette::DARK.to_256(),
            (ThemeName::Light, ColorDepth::Indexed256) => Palette::LIGHT.to_256(),
        }
    }

    /// The same palette with every RGB colour replaced by its nearest of the 256 indexed ones.
    pub fn to_256(self) -> Palette {
        Palette {
            ok: to_indexed(self.ok),
            error: to_indexed(self.error),
            throttle: to_indexed(self.throttle),
            fault: to_indexed(self.fault),
            muted: to_indexed(self.muted),
            accent: to_indexed(self.accent),
            in_progress: to_indexed(self.in_progress),
            selection: to_indexed(self.selection),
            muted_on_selection: to_indexed(self.muted_on_selection),
            match_fg: to_indexed(self.match_fg),
            match_bg: to_indexed(self.match_bg),
            monochrome: self.monochrome,
        }
    }
}

/// The nearest colour of xterm's 256: the 6x6x6 cube or the 24-step grey ramp.
pub fn to_indexed(color: Color) -> Color {
    let Color::Rgb(r, g, b) = color else {
        return color;
    };
    const LEVELS: [u8; 6] = [0, 95, 135, 175, 215, 255];
    let nearest_level = |v: u8| {
        (0..6)
            .min_by_key(|&i| (i32::from(LEVELS[i]) - i32::from(v)).abs())
            .unwrap_or(0)
    };
    let (ri, gi, bi) = (nearest_level(r), nearest_level(g), nearest_level(b));
    let cube = (LEVELS[ri], LEVELS[gi], LEVELS[bi]);
    let distance = |(x, y, z): (u8, u8, u8)| {
        let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        d(x, r) + d(y, g) + d(z, b)
    };
    let average = (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
    let grey_step = ((average.saturating_sub(8)) / 10).min(23) as u8;
    let grey_value = 8 + grey_step * 10;
    if distance((grey_value, grey_value, grey_value)) < distance(cube) {
        Color::Indexed(232 + grey_step)
    } else {
        Color::Indexed(16 + 36 * ri as u8 + 6 * gi as u8 + bi as u8)
    }
}

static INSTALLED: OnceLock<Palette> = OnceLock::new();

thread_local! {
    static SCOPED: Cell<Option<Palette>> = const { Cell::new(None) };
}

/// Sets the palette of the whole program, once, at start-up.
pub fn install(palette: Palette) {
    let _ = INSTALLED.set(palette);
}

/// The palette styles are made from: this thread's chosen one, else the installed one, else
/// the 16 ANSI colours.
pub fn active() -> Palette {
    SCOPED
        .with(Cell::get)
        .or_else(|| INSTALLED.get().copied())
        .unwrap_or(Palette::ANSI)
}

/// Runs `draw` with `palette` active on this thread.
pub fn with_palette<T>(palette: Palette, draw: impl FnOnce() -> T) -> T {
    struct Restore(Option<Palette>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SCOPED.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SCOPED.with(|s| s.replace(Some(palette))));
    draw()
}

fn fg(color: Color) -> Style {
    if color == Color::Reset {
        Style::new()
    } else {
        Style::new().fg(color)
    }
}

pub fn status(status: Status) -> Style {
    let palette = active();
    if palette.monochrome {
        return match status {
            Status::Ok => Style::new(),
            Status::Error => Style::new().add_modifier(Modifier::BOLD),
            Status::Throttle => Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
            Status::Fault => Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        };
    }
    fg(status_color(status))
}

pub fn status_color(status: Status) -> Color {
    let palette = active();
    match status {
        Status::Ok => palette.ok,
        Status::Error => palette.error,
        Status::Throttle => palette.throttle,
        Status::Fault => palette.fault,
    }
}

/// A one-character mark for a status, readable without colour.
pub fn status_mark(status: Status) -> &'static str {
    match status {
        Status::Ok => "✓",
        Status::Error => "!",
        Status::Throttle => "⧗",
        Status::Fault => "✖",
    }
}

pub fn muted() -> Style {
    let palette = active();
    if palette.monochrome {
        return Style::new().add_modifier(Modifier::DIM);
    }
    fg(palette.muted)
}

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn header() -> Style {
    let palette = active();
    if palette.monochrome {
        return Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    }
    fg(palette.accent).add_modifier(Modifier::BOLD)
}

pub fn accent() -> Style {
    fg(active().accent)
}

pub fn selected() -> Style {
    let palette = active();
    if palette.monochrome {
        return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
    }
    Style::new()
        .bg(palette.selection)
        .add_modifier(Modifier::BOLD)
}

pub fn error() -> Style {
    fg(active().fault).add_modifier(Modifier::BOLD)
}

pub fn in_progress() -> Style {
    fg(active().in_progress)
}

pub fn key() -> Style {
    fg(active().accent).add_modifier(Modifier::BOLD)
}

/// A span that matches the search.
pub fn search_match() -> Style {
    let palette = active();
    if palette.monochrome {
        return Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED);
    }
    Style::new().fg(palette.match_fg).bg(palette.match_bg)
}

/// Muted text would vanish on the selection's background: lift it.
pub fn keep_readable_on_selection(buf: &mut ratatui::buffer::Buffer, row: ratatui::layout::Rect) {
    let palette = active();
    if palette.monochrome {
        return;
    }
    for y in row.y..row.y + row.height {
        for x in row.x..row.x + row.width {
            let cell = &mut buf[(x, y)];
            if cell.fg == palette.muted && cell.bg == palette.selection {
                cell.fg = palette.muted_on_selection;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_depth_comes_from_the_environment() {
        use ColorDepth::*;
        assert_eq!(
            ColorDepth::detect(Some("truecolor"), Some("xterm")),
            TrueColor
        );
        assert_eq!(ColorDepth::detect(Some("24bit"), None), TrueColor);
        assert_eq!(ColorDepth::detect(None, Some("tmux-256color")), Indexed256);
        assert_eq!(ColorDepth::detect(None, Some("xterm")), Ansi16);
        assert_eq!(ColorDepth::detect(None, Some("linux")), Ansi16);
        assert_eq!(ColorDepth::detect(None, None), Ansi16);
    }

    #[test]
    fn each_theme_fits_the_depth() {
        let dark_256 = Palette::for_terminal(ThemeName::Dark, ColorDepth::Indexed256, false);
        for color in [
            dark_256.ok,
            dark_256.fault,
            dark_256.muted,
            dark_256.selection,
        ] {
            assert!(matches!(color, Color::Indexed(_)), "{color:?}");
        }
        assert_eq!(
            Palette::for_terminal(ThemeName::Dark, ColorDepth::Ansi16, false),
            Palette::ANSI
        );
        assert_eq!(
            Palette::for_terminal(ThemeName::Light, ColorDepth::TrueColor, false),
            Palette::LIGHT
        );
        assert_eq!(
            Palette::for_terminal(ThemeName::Light, ColorDepth::TrueColor, true),
            Palette::NO_COLOR
        );
    }

    #[test]
    fn rgb_maps_to_the_nearest_indexed_colour() {
        assert_eq!(to_indexed(Color::Rgb(255, 0, 0)), Color::Indexed(196));
        assert_eq!(to_indexed(Color::Rgb(0, 0, 0)), Color::Indexed(16));
        assert_eq!(to_indexed(Color::Rgb(128, 128, 128)), Color::Indexed(244));
        assert_eq!(to_indexed(Color::Green), Color::Green);
    }

    #[test]
    fn a_scoped_palette_applies_to_this_thread_only_while_drawing() {
        let before = status_color(Status::Fault);
        let inside = with_palette(Palette::DARK, || status_color(Status::Fault));
        assert_eq!(inside, Palette::DARK.fault);
        assert_eq!(status_color(Status::Fault), before);
        with_palette(Palette::NO_COLOR, || {
            assert_eq!(status(Status::Fault).fg, None);
            assert!(selected().add_modifier.contains(Modifier::REVERSED));
        });
    }
}
