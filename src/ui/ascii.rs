//! `--ascii`: the finished screen with every drawing glyph replaced by plain ASCII, for
//! terminals and fonts without box drawing, block elements or symbols. Text from the data
//! (names, URLs) is left as it is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The ASCII stand-in for a glyph the views draw, if it has one.
pub fn replacement(glyph: &str) -> Option<&'static str> {
    Some(match glyph {
        "─" | "━" | "–" => "-",
        "│" | "┃" | "┊" | "❚" | "▏" => "|",
        "┌" | "┐" | "└" | "┘" | "├" | "┤" | "┬" | "┴" | "┼" | "╭" | "╮" | "╰" | "╯" | "┏" | "┓"
        | "┗" | "┛" => "+",
        "█" => "#",
        "▆" | "▇" | "▅" | "▄" => "=",
        "▁" | "▂" | "▃" => "_",
        "▔" => "^",
        "■" => "#",
        // Apart from the ticks' `.`, which it may lie beside.
        "░" => ":",
        "▸" | "▶" | "→" => ">",
        // A remote call, apart from a folded span's `+`.
        "⇢" => "@",
        "◂" | "◀" | "←" => "<",
        "▾" | "▼" | "↓" => "v",
        "▲" | "↑" => "^",
        "◆" | "●" => "*",
        "·" => ".",
        "…" => "~",
        "✓" => "+",
        "✖" => "X",
        "⧗" => "T",
        "⚠" => "!",
        "≤" => "<",
        "µ" => "u",
        "λ" => "L",
        _ => return None,
    })
}

/// Replaces every drawing glyph in `area`.
pub fn transliterate(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.y..area.y + area.height {
        for x in area.x..area.x + area.width {
            let cell = &mut buf[(x, y)];
            if !cell.symbol().is_ascii()
                && let Some(plain) = replacement(cell.symbol())
            {
                cell.set_symbol(plain);
            }
        }
    }
}
