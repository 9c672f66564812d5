#!/usr/bin/env python3
"""Render a terminal screen captured with `tmux capture-pane -e -p` as a PNG.

Usage: ansi_to_png.py CAPTURE.ansi OUT.png [--cols N] [--rows N] [--font-size PX]

The capture is read as a grid of cells: SGR sequences (reset, bold, dim, italic,
underline, reverse, hidden, strike-through; foreground and background colours in
16-colour, 256-colour and 24-bit forms, with `;` or `:` separators) set the style of
the cells that follow; every other escape sequence is skipped. Characters of East Asian
width W/F take two cells, combining marks join the cell before them.

Text is drawn with DejaVu Sans Mono (bold with its bold face, italic with its oblique
faces). A character the mono font lacks falls back to DejaVu Sans, then Symbola, then any
other font named in FALLBACK_FONTS that is installed; a glyph wider than its cells is
scaled down to fit. Box-drawing (U+2500-257F) and block (U+2580-259F) characters are not
taken from a font but drawn as rectangles and lines, so that they join up cell to cell.

Pass `--cols`/`--rows` with the pane's size: tmux trims trailing blank cells unless
`capture-pane -N` is used, and blank rows at the bottom may be missing from the capture.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = [
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/ancient-scripts",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/unifont",
    "/usr/share/fonts/opentype/unifont",
    "/Library/Fonts",
    os.path.expanduser("~/.local/share/fonts"),
]

# (regular, bold, italic, bold italic) for the main font.
MONO_FACES = (
    "DejaVuSansMono.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSansMono-Oblique.ttf",
    "DejaVuSansMono-BoldOblique.ttf",
)
# Fallbacks in order: (regular, bold); bold may be None.
FALLBACK_FONTS = [
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("Symbola_hint.ttf", None),
    ("Symbola.ttf", None),
    ("NotoSansSymbols2-Regular.ttf", None),
    ("NotoSansMath-Regular.ttf", None),
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    ("unifont.otf", None),
    ("unifont.ttf", None),
]

# A dark theme (Catppuccin Mocha): background, foreground and the 16 ANSI colours.
DEFAULT_BG = (0x1E, 0x1E, 0x2E)
DEFAULT_FG = (0xCD, 0xD6, 0xF4)
PALETTE16 = [
    (0x45, 0x47, 0x5A),  # 0 black
    (0xF3, 0x8B, 0xA8),  # 1 red
    (0xA6, 0xE3, 0xA1),  # 2 green
    (0xF9, 0xE2, 0xAF),  # 3 yellow
    (0x89, 0xB4, 0xFA),  # 4 blue
    (0xF5, 0xC2, 0xE7),  # 5 magenta
    (0x94, 0xE2, 0xD5),  # 6 cyan
    (0xBA, 0xC2, 0xDE),  # 7 white
    (0x6C, 0x70, 0x86),  # 8 bright black
    (0xF7, 0x9C, 0xB8),  # 9 bright red
    (0xB9, 0xEC, 0xB4),  # 10 bright green
    (0xFB, 0xEA, 0xC2),  # 11 bright yellow
    (0xA4, 0xC6, 0xFB),  # 12 bright blue
    (0xF8, 0xD2, 0xEE),  # 13 bright magenta
    (0xAD, 0xEA, 0xE0),  # 14 bright cyan
    (0xE6, 0xE9, 0xF5),  # 15 bright white
]


def palette256(index: int) -> tuple[int, int, int]:
    if index < 16:
        return PALETTE16[index]
    if index < 232:
        index -= 16
        levels = (0, 95, 135, 175, 215, 255)
        return (levels[index // 36], levels[(index // 6) % 6], levels[index % 6])
    grey = 8 + 10 * (index - 232)
    return (grey, grey, grey)


# ---------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class Style:
    fg: object = None  # None (default), int (palette index) or (r, g, b)
    bg: object = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    reverse: bool = False
    hidden: bool = False
    strike: bool = False


PLAIN = Style()


@dataclass
class Cell:
    text: str = " "
    style: Style = PLAIN
    width: int = 1  # 2 for the first cell of a wide character, 0 for the cell it covers


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def extended_colour(params: list[list[int]], i: int) -> tuple[object, int]:
    """Reads a 38/48 colour starting at params[i]; returns (colour, index of the next param).

    Handles both `38;5;N` / `38;2;R;G;B` and the colon forms `38:5:N` / `38:2::R:G:B`.
    """
    group = params[i]
    if len(group) > 1:  # colon form: everything is in this group
        rest = group[1:]
        if rest and rest[0] == 5 and len(rest) >= 2:
            return rest[1], i + 1
        if rest and rest[0] == 2:
            rgb = rest[1:]
            if len(rgb) >= 4:  # with a colour-space id
                rgb = rgb[1:]
            if len(rgb) >= 3:
                return tuple(max(0, min(255, v)) for v in rgb[:3]), i + 1
        return None, i + 1
    flat = [g[0] if g else 0 for g in params[i + 1 :]]
    if flat and flat[0] == 5 and len(flat) >= 2:
        return flat[1] % 256, i + 3
    if flat and flat[0] == 2 and len(flat) >= 4:
        return tuple(max(0, min(255, v)) for v in flat[1:4]), i + 5
    return None, len(params)


def apply_sgr(style: Style, text: str) -> Style:
    params = []
    for part in text.split(";") if text else ["0"]:
        params.append([int(v) if v.isdigit() else 0 for v in part.split(":")] if part else [0])
    i = 0
    while i < len(params):
        group = params[i]
        code = group[0] if group else 0
        if code == 0:
            style = PLAIN
        elif code == 1:
            style = replace(style, bold=True)
        elif code == 2:
            style = replace(style, dim=True)
        elif code == 3:
            style = replace(style, italic=True)
        elif code == 4:
            style = replace(style, underline=not (len(group) > 1 and group[1] == 0))
        elif code == 7:
            style = replace(style, reverse=True)
        elif code == 8:
            style = replace(style, hidden=True)
        elif code == 9:
            style = replace(style, strike=True)
        elif code == 21:
            style = replace(style, underline=True)
        elif code == 22:
            style = replace(style, bold=False, dim=False)
        elif code == 23:
            style = replace(style, italic=False)
        elif code == 24:
            style = replace(style, underline=False)
        elif code == 27:
            style = replace(style, reverse=False)
        elif code == 28:
            style = replace(style, hidden=False)
        elif code == 29:
            style = replace(style, strike=False)
        elif 30 <= code <= 37:
            style = replace(style, fg=code - 30)
        elif code == 39:
            style = replace(style, fg=None)
        elif 40 <= code <= 47:
            style = replace(style, bg=code - 40)
        elif code == 49:
            style = replace(style, bg=None)
        elif 90 <= code <= 97:
            style = replace(style, fg=code - 90 + 8)
        elif 100 <= code <= 107:
            style = replace(style, bg=code - 100 + 8)
        elif code in (38, 48, 58):
            colour, i = extended_colour(params, i)
            if code == 38:
                style = replace(style, fg=colour)
            elif code == 48:
                style = replace(style, bg=colour)
            continue
        i += 1
    return style


ESCAPE = re.compile(
    r"\x1b\[([0-9;:?<=>]*)([ -/]*)([@-~])"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]"  # other escapes
)


def parse(text: str, cols: int | None, rows: int | None) -> list[list[Cell]]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    grid: list[list[Cell]] = []
    style = PLAIN
    for line in lines:
        row: list[Cell] = []
        pos = 0
        while pos < len(line):
            if line[pos] == "\x1b":
                match = ESCAPE.match(line, pos)
                if match is None:
                    pos += 1
                    continue
                if match.group(3) == "m" and not match.group(2):
                    style = apply_sgr(style, match.group(1))
                pos = match.end()
                continue
            ch = line[pos]
            pos += 1
            if ch == "\r" or (ord(ch) < 0x20 and ch != "\t") or 0x7F <= ord(ch) < 0xA0:
                continue
            if ch == "\t":
                for _ in range(8 - len(row) % 8):
                    row.append(Cell(" ", style))
                continue
            width = char_width(ch)
            if width == 0:
                if row:
                    row[-1].text += ch
                continue
            row.append(Cell(ch, style, width))
            if width == 2:
                row.append(Cell("", style, 0))
        grid.append(row)
    if rows is None:
        rows = len(grid)
    if cols is None:
        cols = max((len(r) for r in grid), default=0)
    grid = grid[:rows] + [[] for _ in range(rows - len(grid))]
    out = []
    for row in grid:
        row = row[:cols]
        if row and row[-1].width == 2 and len(row) == cols:  # a wide char cut at the edge
            row[-1] = Cell(" ", row[-1].style)
        # Blank cells past the end of a line have the default style (tmux trims them).
        out.append(row + [Cell(" ", PLAIN) for _ in range(cols - len(row))])
    return out


# ---------------------------------------------------------------------------------------
# Fonts


def find_font(name: str | None) -> str | None:
    if not name:
        return None
    for directory in FONT_DIRS:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    return None


@lru_cache(maxsize=None)
def load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=None)
def coverage(path: str) -> object:
    """The set of code points a font maps, or None if fontTools is not available."""
    try:
        from fontTools.ttLib import TTCollection, TTFont
    except ImportError:
        return None
    if path.endswith(".ttc"):
        fonts = TTCollection(path, lazy=True).fonts[:1]
    else:
        fonts = [TTFont(path, lazy=True)]
    points = set()
    for font in fonts:
        points.update(font.getBestCmap() or {})
    return frozenset(points)


@lru_cache(maxsize=None)
def _notdef_mask(path: str, size: int) -> bytes:
    font = load_font(path, size)
    mask = font.getmask("\U0010fffd")
    return bytes(mask)


def has_glyph(path: str, size: int, ch: str) -> bool:
    points = coverage(path)
    if points is not None:
        return ord(ch[0]) in points
    # Without fontTools: a missing character renders as the font's .notdef glyph.
    font = load_font(path, size)
    return bytes(font.getmask(ch)) != _notdef_mask(path, size)


# ---------------------------------------------------------------------------------------
# Drawing


def blend(a, b, t: float):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def resolve(colour, default):
    if colour is None:
        return default
    if isinstance(colour, int):
        return palette256(colour)
    return colour


def cell_colours(style: Style):
    fg = resolve(style.fg, DEFAULT_FG)
    bg = resolve(style.bg, DEFAULT_BG)
    if style.reverse:
        fg, bg = bg, fg
    if style.dim:
        fg = blend(fg, bg, 0.45)
    if style.hidden:
        fg = bg
    return fg, bg


class Renderer:
    def __init__(self, font_size: int, padding: int):
        self.size = font_size
        self.padding = padding
        faces = [find_font(name) for name in MONO_FACES]
        if faces[0] is None:
            sys.exit(
                "ansi_to_png: DejaVu Sans Mono not found (looked in "
                + ", ".join(FONT_DIRS)
                + "); install it, e.g. `apt-get install fonts-dejavu-core`"
            )
        regular = faces[0]
        self.faces = [face or regular for face in faces]
        self.fallbacks = [
            (find_font(r), find_font(b) or find_font(r))
            for r, b in FALLBACK_FONTS
            if find_font(r)
        ]
        font = load_font(regular, font_size)
        self.cell_w = round(font.getlength("M"))
        ascent, descent = font.getmetrics()
        self.cell_h = ascent + descent + max(1, font_size // 8)
        # Centre the font's line box in the cell.
        self.baseline = (self.cell_h - (ascent + descent)) // 2 + ascent
        self.light = max(1, round(font_size / 14))
        self.heavy = max(self.light + 1, round(font_size / 5.5))

    # Which font draws a character, at which size (a fallback glyph may be scaled down).
    @lru_cache(maxsize=None)
    def font_for(self, ch: str, bold: bool, italic: bool, cells: int):
        face = self.faces[(1 if bold else 0) + (2 if italic else 0)]
        if ch.isascii() or has_glyph(face, self.size, ch):
            return load_font(face, self.size)
        for regular, bold_face in self.fallbacks:
            path = bold_face if bold else regular
            if has_glyph(path, self.size, ch):
                font = load_font(path, self.size)
                room = cells * self.cell_w
                width = font.getlength(ch)
                if width > room + 0.5:
                    font = load_font(path, max(6, int(self.size * room / width)))
                return font
        return None

    def render(self, grid: list[list[Cell]]) -> Image.Image:
        rows = len(grid)
        cols = len(grid[0]) if grid else 0
        pad = self.padding
        image = Image.new(
            "RGB", (cols * self.cell_w + 2 * pad, rows * self.cell_h + 2 * pad), DEFAULT_BG
        )
        draw = ImageDraw.Draw(image)
        # Backgrounds first, so that glyphs overhanging a cell are not cut by the next one.
        for y, row in enumerate(grid):
            for x, cell in enumerate(row):
                if cell.width == 0:
                    continue
                _, bg = cell_colours(cell.style)
                if bg != DEFAULT_BG:
                    left, top = pad + x * self.cell_w, pad + y * self.cell_h
                    draw.rectangle(
                        (left, top, left + cell.width * self.cell_w - 1, top + self.cell_h - 1),
                        fill=bg,
                    )
        for y, row in enumerate(grid):
            for x, cell in enumerate(row):
                if cell.width == 0:
                    continue
                fg, bg = cell_colours(cell.style)
                left, top = pad + x * self.cell_w, pad + y * self.cell_h
                self.draw_cell(image, draw, cell, left, top, fg, bg)
        return image

    def draw_cell(self, image, draw, cell: Cell, left: int, top: int, fg, bg):
        style = cell.style
        ch = cell.text
        width = cell.width * self.cell_w
        if ch.strip() and not style.hidden:
            code = ord(ch[0])
            single = len(ch) == 1
            box_drawn = single and 0x2500 <= code <= 0x257F
            if box_drawn:
                box_drawn = self.draw_box(image, draw, ch, left, top, fg)
            if box_drawn:
                pass
            elif single and 0x2580 <= code <= 0x259F:
                self.draw_block(image, draw, ch, left, top, fg, bg)
            else:
                font = self.font_for(ch[0], style.bold, style.italic, cell.width)
                if font is None:
                    # No font has it: a hollow box, as terminals do.
                    draw.rectangle(
                        (left + 1, top + 2, left + width - 2, top + self.cell_h - 3),
                        outline=fg,
                    )
                else:
                    advance = font.getlength(ch)
                    x = left + max(0.0, (width - advance) / 2)
                    draw.text((x, top + self.baseline), ch, font=font, fill=fg, anchor="ls")
        if style.underline:
            y = top + self.baseline + max(1, self.size // 10)
            draw.rectangle((left, y, left + width - 1, y + self.light - 1), fill=fg)
        if style.strike:
            y = top + self.cell_h // 2
            draw.rectangle((left, y, left + width - 1, y + self.light - 1), fill=fg)

    # -- box drawing ---------------------------------------------------------------------

    def draw_box(self, image, draw, ch: str, left: int, top: int, fg) -> bool:
        spec = box_spec(ch)
        if spec is None:
            return False
        arms, dashes, arc, diagonal = spec
        w, h = self.cell_w, self.cell_h
        cx, cy = left + w // 2, top + h // 2
        right, bottom = left + w - 1, top + h - 1

        def thickness(weight):
            return self.heavy if weight == 2 else self.light

        def hbar(x0, x1, weight, y=cy):
            t = thickness(weight)
            y0 = y - t // 2
            draw.rectangle((x0, y0, x1, y0 + t - 1), fill=fg)

        def vbar(y0, y1, weight, x=cx):
            t = thickness(weight)
            x0 = x - t // 2
            draw.rectangle((x0, y0, x0 + t - 1, y1), fill=fg)

        if diagonal or arc:
            self.draw_smooth(image, arms, diagonal, left, top, fg)
            return True
        if dashes:
            n, weight = dashes
            if arms.get("left"):
                span, gap = w / n, max(1, round(w / n / 3))
                for i in range(n):
                    x0 = left + round(i * span)
                    hbar(x0, x0 + round(span) - gap - 1 + (gap // 2), weight)
            else:
                span, gap = h / n, max(1, round(h / n / 3))
                for i in range(n):
                    y0 = top + round(i * span) + gap // 2
                    vbar(y0, y0 + round(span) - gap - 1, weight)
            return True
        doubles = {k: v for k, v in arms.items() if v == 3}
        if not doubles:
            # Each arm from the edge to the centre, overlapping the crossing bar's width.
            over = {"h": 0, "v": 0}
            vertical_weight = max(arms.get("up", 0), arms.get("down", 0))
            horizontal_weight = max(arms.get("left", 0), arms.get("right", 0))
            over["h"] = thickness(vertical_weight) // 2 + 1 if vertical_weight else 0
            over["v"] = thickness(horizontal_weight) // 2 + 1 if horizontal_weight else 0
            if arms.get("left"):
                hbar(left, cx + over["h"] - 1 if not arms.get("right") else cx, arms["left"])
            if arms.get("right"):
                hbar(cx - over["h"] + 1 if not arms.get("left") else cx, right, arms["right"])
            if arms.get("up"):
                vbar(top, cy + over["v"] - 1 if not arms.get("down") else cy, arms["up"])
            if arms.get("down"):
                vbar(cy - over["v"] + 1 if not arms.get("up") else cy, bottom, arms["down"])
            return True
        # Double lines: two light lines each side of the centre line.
        g = max(2, self.light + 1)
        t = self.light
        has = {k: arms.get(k, 0) for k in ("left", "right", "up", "down")}

        def hline(x0, x1, y):
            draw.rectangle((x0, y, x1, y + t - 1), fill=fg)

        def vline(y0, y1, x):
            draw.rectangle((x, y0, x + t - 1, y1), fill=fg)

        for side, sign in (("left", -1), ("right", 1)):
            weight = has[side]
            if not weight:
                continue
            edge = left if sign < 0 else right
            if weight != 3:
                hbar(min(edge, cx), max(edge, cx), weight)
                continue
            for dy in (-g, g):
                # The line nearer a vertical arm on that side stops at it; the other passes.
                vert = has["up"] if dy < 0 else has["down"]
                if vert == 3:
                    stop = cx + sign * g
                elif vert:
                    stop = cx + sign * (t // 2 + 1)
                elif has["up"] == 3 or has["down"] == 3:
                    stop = cx - sign * g
                else:
                    stop = cx
                hline(min(edge, stop), max(edge, stop), cy + dy)
        for side, sign in (("up", -1), ("down", 1)):
            weight = has[side]
            if not weight:
                continue
            edge = top if sign < 0 else bottom
            if weight != 3:
                vbar(min(edge, cy), max(edge, cy), weight)
                continue
            for dx in (-g, g):
                horiz = has["left"] if dx < 0 else has["right"]
                if horiz == 3:
                    stop = cy + sign * g
                elif horiz:
                    stop = cy + sign * (t // 2 + 1)
                elif has["left"] == 3 or has["right"] == 3:
                    stop = cy - sign * g
                else:
                    stop = cy
                vline(min(edge, stop), max(edge, stop), cx + dx)
        return True

    def draw_smooth(self, image, arms, diagonal, left: int, top: int, fg):
        """Rounded corners and diagonals, drawn 4x larger and scaled down (anti-aliased)."""
        w, h, t, k = self.cell_w, self.cell_h, self.light, 4
        mask = Image.new("L", (w * k, h * k), 0)
        draw = ImageDraw.Draw(mask)
        for d in diagonal:
            ends = ((0, h), (w, 0)) if d == "/" else ((0, 0), (w, h))
            draw.line([(x * k, y * k) for x, y in ends], fill=255, width=t * k)
        if arms:
            # The centre of a light line, as the straight box characters place it.
            lx = w // 2 - t // 2 + t / 2
            ly = h // 2 - t // 2 + t / 2
            sx = 1 if arms.get("right") else -1
            sy = 1 if arms.get("down") else -1
            r = min(w - lx if sx > 0 else lx, h - ly if sy > 0 else ly)
            ax, ay = lx + sx * r, ly + sy * r  # the circle's centre
            outer = r + t / 2
            draw.arc(
                [(ax - outer) * k, (ay - outer) * k, (ax + outer) * k - 1, (ay + outer) * k - 1],
                {(1, 1): 180, (-1, 1): 270, (-1, -1): 0, (1, -1): 90}[(sx, sy)],
                {(1, 1): 270, (-1, 1): 360, (-1, -1): 90, (1, -1): 180}[(sx, sy)],
                fill=255,
                width=t * k,
            )
            # Straight parts from where the arc ends to the cell's edges.
            x0, x1 = sorted((ax, w if sx > 0 else 0))
            y0, y1 = sorted((ay, h if sy > 0 else 0))
            for rect in (
                (x0, ly - t / 2, x1, ly + t / 2),
                (lx - t / 2, y0, lx + t / 2, y1),
            ):
                a, b, c, d = (round(v * k) for v in rect)
                box(draw, a, b, c - 1, d - 1, 255)
        mask = mask.resize((w, h), Image.BOX)
        image.paste(fg, (left, top, left + w, top + h), mask)

    # -- block elements ------------------------------------------------------------------

    def draw_block(self, image, draw, ch: str, left: int, top: int, fg, bg):
        w, h = self.cell_w, self.cell_h
        code = ord(ch)

        def rect(x0, y0, x1, y1, colour=fg):
            # Fractions of the cell; rounded so that neighbouring cells meet exactly.
            a, b = left + round(x0 * w), top + round(y0 * h)
            c, d = left + round(x1 * w), top + round(y1 * h)
            if c > a and d > b:
                draw.rectangle((a, b, c - 1, d - 1), fill=colour)

        if code == 0x2580:
            rect(0, 0, 1, 0.5)
        elif 0x2581 <= code <= 0x2588:
            rect(0, 1 - (code - 0x2580) / 8, 1, 1)
        elif 0x2589 <= code <= 0x258F:
            rect(0, 0, (0x2590 - code) / 8, 1)
        elif code == 0x2590:
            rect(0.5, 0, 1, 1)
        elif 0x2591 <= code <= 0x2593:
            rect(0, 0, 1, 1, blend(bg, fg, (code - 0x2590) / 4))
        elif code == 0x2594:
            rect(0, 0, 1, 1 / 8)
        elif code == 0x2595:
            rect(7 / 8, 0, 1, 1)
        else:
            # Quadrants: upper-left, upper-right, lower-left, lower-right.
            quads = {
                0x2596: (0, 0, 1, 0),
                0x2597: (0, 0, 0, 1),
                0x2598: (1, 0, 0, 0),
                0x2599: (1, 0, 1, 1),
                0x259A: (1, 0, 0, 1),
                0x259B: (1, 1, 1, 0),
                0x259C: (1, 1, 0, 1),
                0x259D: (0, 1, 0, 0),
                0x259E: (0, 1, 1, 0),
                0x259F: (0, 1, 1, 1),
            }[code]
            for on, (x0, y0) in zip(quads, ((0, 0), (0.5, 0), (0, 0.5), (0.5, 0.5))):
                if on:
                    rect(x0, y0, x0 + 0.5, y0 + 0.5)


def box(draw, x0, y0, x1, y1, fill):
    """A filled rectangle, inclusive corners; nothing if it is empty."""
    if x1 >= x0 and y1 >= y0:
        draw.rectangle((x0, y0, x1, y1), fill=fill)


WEIGHTS = {"LIGHT": 1, "SINGLE": 1, "HEAVY": 2, "DOUBLE": 3}
DIRECTIONS = {
    "LEFT": ("left",),
    "RIGHT": ("right",),
    "UP": ("up",),
    "DOWN": ("down",),
    "HORIZONTAL": ("left", "right"),
    "VERTICAL": ("up", "down"),
}
DASH_COUNTS = {"DOUBLE": 2, "TRIPLE": 3, "QUADRUPLE": 4}


@lru_cache(maxsize=None)
def box_spec(ch: str):
    """What a box-drawing character is made of, read from its Unicode name.

    Returns (arms, dashes, arc, diagonal): arms maps left/right/up/down to a weight
    (1 light, 2 heavy, 3 double); dashes is (count, weight) or None; arc is True for the
    rounded corners; diagonal lists '/' and/or '\\'. None if the name is not understood.
    """
    name = unicodedata.name(ch, "")
    if not name.startswith("BOX DRAWINGS "):
        return None
    words = name[len("BOX DRAWINGS ") :].split()
    if "DIAGONAL" in words:
        if "CROSS" in words:
            return {}, None, False, ("/", "\\")
        # "DIAGONAL UPPER RIGHT TO LOWER LEFT" is '/', "UPPER LEFT TO LOWER RIGHT" is '\\'.
        at = words.index("DIAGONAL")
        if words[at + 1 : at + 3] == ["UPPER", "RIGHT"]:
            return {}, None, False, ("/",)
        return {}, None, False, ("\\",)
    if "DASH" in words:
        weight = WEIGHTS[words[0]]
        count = DASH_COUNTS[words[1]]
        arms = {d: weight for d in DIRECTIONS[words[-1]]}
        return arms, (count, weight), False, ()
    arc = "ARC" in words
    words = [w for w in words if w != "ARC"]
    groups: list[list[str]] = [[]]
    for word in words:
        if word == "AND":
            groups.append([])
        else:
            groups[-1].append(word)
    parsed = []
    for group in groups:
        weight = None
        directions = []
        for word in group:
            if word in WEIGHTS:
                weight = WEIGHTS[word]
            elif word in DIRECTIONS:
                directions.extend(DIRECTIONS[word])
            else:
                return None
        parsed.append([weight, directions])
    # A group without a weight takes its neighbour's ("LIGHT DOWN AND RIGHT").
    for i, group in enumerate(parsed):
        if group[0] is None:
            others = [g[0] for g in parsed[:i][::-1] + parsed[i + 1 :] if g[0] is not None]
            group[0] = others[0] if others else 1
    arms = {}
    for weight, directions in parsed:
        for direction in directions:
            arms[direction] = weight
    return arms, None, arc, ()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", help="output of `tmux capture-pane -e -p` (- for stdin)")
    parser.add_argument("output", help="the PNG to write")
    parser.add_argument("--cols", type=int, help="the pane's width (default: longest line)")
    parser.add_argument("--rows", type=int, help="the pane's height (default: line count)")
    parser.add_argument("--font-size", type=int, default=16, help="in pixels (default 16)")
    parser.add_argument("--padding", type=int, default=14, help="in pixels (default 14)")
    args = parser.parse_args()
    if args.capture == "-":
        text = sys.stdin.buffer.read().decode("utf-8", "replace")
    else:
        with open(args.capture, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    grid = parse(text, args.cols, args.rows)
    image = Renderer(args.font_size, args.padding).render(grid)
    image.save(args.output, optimize=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
