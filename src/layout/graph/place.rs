//! Rows: each layer is fitted to its neighbours by isotonic regression (pool adjacent
//! violators), which keeps the order and the blank rows and moves every item as close as it
//! can to the mean row of the items it is joined to. Sweeps alternate down and up.

use super::{Plan, ROW_GAP};

/// Down-and-up sweeps.
const ROUNDS: usize = 6;
/// How much more a passing edge wants to stay straight than a box wants to be centred.
const DUMMY_WEIGHT: f64 = 2.0;
/// Pull of an item with no neighbours on the side being fitted: it stays where it is unless
/// pushed.
const LONER_WEIGHT: f64 = 0.05;

#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
    Both,
}

/// Sets `top` for the items of one component's layers (relative rows; the caller shifts them).
pub(super) fn place(plan: &Plan, layers: &[Vec<u32>], top: &mut [i64]) {
    // Start with every layer stacked and centred on the tallest.
    let extent = |layer: &Vec<u32>| -> i64 {
        layer
            .iter()
            .map(|&i| plan.height[i as usize] as i64 + ROW_GAP)
            .sum::<i64>()
            - ROW_GAP
    };
    let tallest = layers.iter().map(extent).max().unwrap_or(0);
    for layer in layers {
        let mut y = (tallest - extent(layer)) / 2;
        for &item in layer {
            top[item as usize] = y;
            y += plan.height[item as usize] as i64 + ROW_GAP;
        }
    }
    if layers.len() < 2 {
        return;
    }
    let mut fit = Fit::default();
    for _ in 0..ROUNDS {
        for layer in &layers[1..] {
            fit.layer(plan, layer, top, Side::Left);
        }
        for layer in layers[..layers.len() - 1].iter().rev() {
            fit.layer(plan, layer, top, Side::Right);
        }
    }
    for layer in layers {
        fit.layer(plan, layer, top, Side::Both);
    }
}

fn anchor(plan: &Plan, top: &[i64], item: u32) -> f64 {
    (top[item as usize] + (plan.height[item as usize] as i64 - 1) / 2) as f64
}

#[derive(Default)]
struct Fit {
    wanted: Vec<f64>,
    weight: Vec<f64>,
    offset: Vec<i64>,
    /// Blocks of pooled values: (weighted sum, total weight, count).
    blocks: Vec<(f64, f64, usize)>,
}

impl Fit {
    fn layer(&mut self, plan: &Plan, layer: &[u32], top: &mut [i64], side: Side) {
        self.wanted.clear();
        self.weight.clear();
        self.offset.clear();
        let mut offset = 0i64;
        for &item in layer {
            let mut sum = 0.0;
            let mut count = 0usize;
            if matches!(side, Side::Left | Side::Both) {
                for &h in plan.left_hops.get(item) {
                    sum += anchor(plan, top, plan.hop_left[h as usize]);
                    count += 1;
                }
            }
            if matches!(side, Side::Right | Side::Both) {
                for &h in plan.right_hops.get(item) {
                    sum += anchor(plan, top, plan.hop_right[h as usize]);
                    count += 1;
                }
            }
            let half = (plan.height[item as usize] as i64 - 1) / 2;
            let (wanted, weight) = if count == 0 {
                (top[item as usize] as f64, LONER_WEIGHT)
            } else {
                let scale = if plan.is_dummy(item) {
                    DUMMY_WEIGHT
                } else {
                    1.0
                };
                (sum / count as f64 - half as f64, count as f64 * scale)
            };
            // In offset coordinates the blank-row constraint becomes "non-decreasing".
            self.wanted.push(wanted - offset as f64);
            self.weight.push(weight);
            self.offset.push(offset);
            offset += plan.height[item as usize] as i64 + ROW_GAP;
        }
        self.blocks.clear();
        for (&w, &v) in self.weight.iter().zip(&self.wanted) {
            self.blocks.push((w * v, w, 1));
            while self.blocks.len() >= 2 {
                let (s2, w2, c2) = self.blocks[self.blocks.len() - 1];
                let (s1, w1, c1) = self.blocks[self.blocks.len() - 2];
                if s1 / w1 < s2 / w2 {
                    break;
                }
                self.blocks.pop();
                *self.blocks.last_mut().expect("two blocks") = (s1 + s2, w1 + w2, c1 + c2);
            }
        }
        let mut i = 0;
        for &(sum, weight, count) in &self.blocks {
            let value = (sum / weight).round() as i64;
            for _ in 0..count {
                top[layer[i] as usize] = value + self.offset[i];
                i += 1;
            }
        }
    }
}
