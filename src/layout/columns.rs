//! Column widths for a table: every column gets its minimum, columns that do not fit go
//! by priority, the fixed ones grow to their ideal width, and the flexible ones take the slack.

/// What a column needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub min: u16,
    pub ideal: u16,
    /// The lowest number stays longest.
    pub priority: u8,
    /// Takes whatever width is left.
    pub flexible: bool,
}

/// The width of each column in `width` cells (one cell between columns), or `None` for a
/// column that does not fit.
pub fn fit(specs: &[ColumnSpec], width: u16) -> Vec<Option<u16>> {
    let mut kept: Vec<bool> = vec![true; specs.len()];
    let needed = |kept: &[bool]| -> u32 {
        let widths: u32 = specs
            .iter()
            .zip(kept)
            .filter(|(_, k)| **k)
            .map(|(s, _)| u32::from(s.min))
            .sum();
        let count = kept.iter().filter(|k| **k).count() as u32;
        widths + count.saturating_sub(1)
    };
    while needed(&kept) > u32::from(width) && kept.iter().filter(|k| **k).count() > 1 {
        let drop = (0..specs.len())
            .filter(|&i| kept[i])
            .max_by_key(|&i| (specs[i].priority, i));
        match drop {
            Some(i) => kept[i] = false,
            None => break,
        }
    }
    let mut widths: Vec<Option<u16>> = specs
        .iter()
        .zip(&kept)
        .map(|(s, k)| k.then_some(s.min))
        .collect();
    let mut spare = u32::from(width).saturating_sub(needed(&kept));
    // Fixed columns grow to their ideal width, most important first.
    let mut by_priority: Vec<usize> = (0..specs.len())
        .filter(|&i| kept[i] && !specs[i].flexible)
        .collect();
    by_priority.sort_by_key(|&i| specs[i].priority);
    for i in by_priority {
        let grow = u32::from(specs[i].ideal.saturating_sub(specs[i].min)).min(spare);
        if let Some(w) = widths[i].as_mut() {
            *w += grow as u16;
        }
        spare -= grow;
    }
    let flexible: Vec<usize> = (0..specs.len())
        .filter(|&i| kept[i] && specs[i].flexible)
        .collect();
    if let Some(count) = (!flexible.is_empty()).then_some(flexible.len() as u32) {
        for (n, &i) in flexible.iter().enumerate() {
            let share = spare / count + u32::from((n as u32) < spare % count);
            if let Some(w) = widths[i].as_mut() {
                *w = w.saturating_add(share.min(u32::from(u16::MAX)) as u16);
            }
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(width: u16, priority: u8) -> ColumnSpec {
        ColumnSpec {
            min: width,
            ideal: width,
            priority,
            flexible: false,
        }
    }

    #[test]
    fn the_flexible_column_takes_the_slack() {
        let url = ColumnSpec {
            min: 12,
            ideal: 12,
            priority: 1,
            flexible: true,
        };
        let widths = fit(&[fixed(8, 2), fixed(6, 0), url], 80);
        assert_eq!(widths, vec![Some(8), Some(6), Some(80 - 8 - 6 - 2)]);
    }

    #[test]
    fn columns_that_do_not_fit_go_by_priority() {
        let specs = [fixed(8, 2), fixed(6, 0), fixed(30, 9), fixed(20, 5)];
        // 8 + 6 + 30 + 20 + 3 gaps = 67
        assert_eq!(fit(&specs, 67), vec![Some(8), Some(6), Some(30), Some(20)]);
        assert_eq!(fit(&specs, 66), vec![Some(8), Some(6), None, Some(20)]);
        assert_eq!(fit(&specs, 20), vec![Some(8), Some(6), None, None]);
        assert_eq!(fit(&specs, 3), vec![None, Some(6), None, None]);
    }

    #[test]
    fn fixed_columns_grow_towards_their_ideal_first() {
        let grows = ColumnSpec {
            min: 11,
            ideal: 35,
            priority: 9,
            flexible: false,
        };
        let url = ColumnSpec {
            min: 12,
            ideal: 12,
            priority: 1,
            flexible: true,
        };
        assert_eq!(fit(&[grows, url], 30), vec![Some(17), Some(12)]);
        assert_eq!(fit(&[grows, url], 100), vec![Some(35), Some(64)]);
    }
}
