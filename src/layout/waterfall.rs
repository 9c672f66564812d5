//! Pure geometry of the waterfall: the time scale, bars and axis ticks.

/// Maps a time range onto `width` terminal columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeScale {
    pub start: f64,
    pub end: f64,
    pub width: u16,
}

impl TimeScale {
    pub fn new(start: f64, end: f64, width: u16) -> TimeScale {
        let end = if end > start { end } else { start + 1e-3 };
        TimeScale { start, end, width }
    }

    pub fn span(&self) -> f64 {
        self.end - self.start
    }

    /// Column (fractional) of a time, clamped to the scale.
    pub fn column(&self, time: f64) -> f64 {
        let fraction = ((time - self.start) / self.span()).clamp(0.0, 1.0);
        fraction * self.width as f64
    }

    /// Columns `[from, to)` covered by a bar; at least one column, never past the edge.
    pub fn bar(&self, start: f64, end: f64) -> (u16, u16) {
        if self.width == 0 {
            return (0, 0);
        }
        let from = (self.column(start).floor() as u16).min(self.width - 1);
        let to = (self.column(end.max(start)).round() as u16).clamp(from + 1, self.width);
        (from, to)
    }

    /// Tick marks at a "nice" step (1, 2 or 5 times a power of ten), at least `min_gap`
    /// columns apart: (column, seconds from the start).
    pub fn ticks(&self, min_gap: u16) -> Vec<(u16, f64)> {
        if self.width == 0 {
            return Vec::new();
        }
        let max_ticks = (self.width / min_gap.max(1)).max(1) as f64;
        let step = nice_step(self.span() / max_ticks);
        let mut ticks = Vec::new();
        let mut t = 0.0;
        while t <= self.span() + step * 1e-9 {
            let column = self.column(self.start + t).round() as u16;
            if column < self.width {
                ticks.push((column, t));
            }
            t += step;
            if ticks.len() > self.width as usize {
                break;
            }
        }
        ticks
    }
}

/// The smallest of 1, 2, 5 × 10^k that is at least `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    for factor in [1.0, 2.0, 5.0, 10.0] {
        if magnitude * factor >= raw * (1.0 - 1e-9) {
            return magnitude * factor;
        }
    }
    magnitude * 10.0
}

/// Width of the name column of the waterfall for a terminal of this width.
/// Columns the bars keep before the name column grows past its base.
const BARS_KEPT: u16 = 50;

/// The name column: two fifths of the rows; on wide terminals it grows to what the names want
/// (`wanted`), up to three fifths, while the bars keep at least [`BARS_KEPT`] columns.
pub fn name_column_width(total: u16, wanted: u16) -> u16 {
    let base = (total * 2 / 5).clamp(24.min(total), 64);
    let most = (total * 3 / 5)
        .min(total.saturating_sub(BARS_KEPT))
        .max(base);
    wanted.clamp(base, most)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_column_grows_for_long_names_only_where_the_bars_keep_room() {
        assert_eq!(name_column_width(80, 70), 32, "80 columns: two fifths");
        assert_eq!(name_column_width(120, 20), 48, "short names: two fifths");
        assert_eq!(name_column_width(120, 60), 60, "long names: what they want");
        assert_eq!(name_column_width(120, 100), 70, "the bars keep 50 columns");
        assert_eq!(name_column_width(200, 150), 120, "never past three fifths");
    }

    #[test]
    fn bars_cover_at_least_one_column_inside_the_scale() {
        let scale = TimeScale::new(10.0, 11.0, 100);
        assert_eq!(scale.bar(10.0, 11.0), (0, 100));
        assert_eq!(scale.bar(10.5, 10.5), (50, 51));
        assert_eq!(scale.bar(11.0, 11.0), (99, 100));
        assert_eq!(scale.bar(9.0, 12.0), (0, 100));
        assert_eq!(scale.bar(10.25, 10.5), (25, 50));
    }

    #[test]
    fn ticks_use_nice_steps() {
        let scale = TimeScale::new(0.0, 1.0, 100);
        let ticks = scale.ticks(12);
        let times: Vec<f64> = ticks.iter().map(|t| t.1).collect();
        let columns: Vec<u16> = ticks.iter().map(|t| t.0).collect();
        assert_eq!(columns, [0, 20, 40, 60, 80]);
        assert!((times[1] - 0.2).abs() < 1e-9);
        assert_eq!(nice_step(0.13), 0.2);
        assert_eq!(nice_step(3.0), 5.0);
    }
}
