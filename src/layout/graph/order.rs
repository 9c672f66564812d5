//! Order within layers: depth-first start, then barycenter sweeps while they cut crossings.

use super::Plan;
use super::rank::Ranked;

/// Rounds of sweeps (one down, one up each) at most.
const ROUNDS: usize = 12;
/// Passes of neighbour swaps per round.
const TRANSPOSE_PASSES: usize = 4;
/// Rounds in a row without fewer crossings that end the search.
const PATIENCE: usize = 3;

/// Each component's layers of items, in depth-first order from its sources.
pub(super) fn initial(plan: &Plan, ranked: &Ranked) -> Vec<Vec<Vec<u32>>> {
    let mut layers: Vec<Vec<Vec<u32>>> = ranked
        .comp_layers
        .iter()
        .map(|&count| vec![Vec::new(); count as usize])
        .collect();
    let mut seen = vec![false; plan.items()];
    let mut stack: Vec<u32> = Vec::new();
    let sources = (0..plan.nodes as u32).filter(|&u| plan.left_hops.get(u).is_empty());
    // Every item is reachable from a source; the second pass is only a safety net.
    for root in sources.chain(0..plan.items() as u32) {
        let Some(c) = plan.comp[root as usize] else {
            continue;
        };
        stack.push(root);
        while let Some(item) = stack.pop() {
            if std::mem::replace(&mut seen[item as usize], true) {
                continue;
            }
            layers[c as usize][plan.layer[item as usize] as usize].push(item);
            for &hop in plan.right_hops.get(item).iter().rev() {
                let next = plan.hop_right[hop as usize];
                if !seen[next as usize] {
                    stack.push(next);
                }
            }
        }
    }
    layers
}

/// Reorders the layers of one component by barycenter sweeps; keeps the best order seen.
/// `pos` is scratch indexed by item (the position within its layer).
pub(super) fn reduce_crossings(plan: &Plan, layers: &mut [Vec<u32>], pos: &mut [u32]) {
    if layers.len() < 2 {
        return;
    }
    set_positions(layers, pos);
    let mut best = crossings(plan, layers, pos);
    let mut best_layers = layers.to_vec();
    let mut keys: Vec<(f64, u32)> = Vec::new();
    let mut idle = 0;
    for _ in 0..ROUNDS {
        if best == 0 {
            break;
        }
        let last = layers.len() - 1;
        for layer in &mut layers[1..] {
            sort_layer(plan, layer, pos, Side::Left, &mut keys);
        }
        for layer in layers[..last].iter_mut().rev() {
            sort_layer(plan, layer, pos, Side::Right, &mut keys);
        }
        transpose(plan, layers, pos);
        let count = crossings(plan, layers, pos);
        if count < best {
            best = count;
            best_layers.clone_from_slice(layers);
            idle = 0;
        } else {
            idle += 1;
            if idle == PATIENCE {
                break;
            }
        }
    }
    layers.clone_from_slice(&best_layers);
    set_positions(layers, pos);
}

#[derive(Clone, Copy)]
enum Side {
    Left,
    Right,
}

fn set_positions(layers: &[Vec<u32>], pos: &mut [u32]) {
    for layer in layers {
        for (i, &item) in layer.iter().enumerate() {
            pos[item as usize] = i as u32;
        }
    }
}

/// Sorts a layer by the mean position of each item's neighbours on `side`; an item without
/// any keeps its place.
fn sort_layer(
    plan: &Plan,
    layer: &mut [u32],
    pos: &mut [u32],
    side: Side,
    keys: &mut Vec<(f64, u32)>,
) {
    keys.clear();
    for &item in layer.iter() {
        let (hops, ends) = match side {
            Side::Left => (plan.left_hops.get(item), &plan.hop_left),
            Side::Right => (plan.right_hops.get(item), &plan.hop_right),
        };
        let key = if hops.is_empty() {
            pos[item as usize] as f64
        } else {
            let sum: f64 = hops
                .iter()
                .map(|&h| pos[ends[h as usize] as usize] as f64)
                .sum();
            sum / hops.len() as f64
        };
        keys.push((key, item));
    }
    keys.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (i, &(_, item)) in keys.iter().enumerate() {
        layer[i] = item;
        pos[item as usize] = i as u32;
    }
}

/// Swaps neighbours within a layer while that cuts crossings (a few passes at most).
fn transpose(plan: &Plan, layers: &mut [Vec<u32>], pos: &mut [u32]) {
    for _ in 0..TRANSPOSE_PASSES {
        let mut improved = false;
        for layer in layers.iter_mut() {
            for i in 1..layer.len() {
                let (a, b) = (layer[i - 1], layer[i]);
                let (kept, swapped) = pair_crossings(plan, a, b, pos);
                if swapped < kept {
                    layer.swap(i - 1, i);
                    pos[a as usize] = i as u32;
                    pos[b as usize] = i as u32 - 1;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings among the edges of `a` and `b` (a directly above b), as they are and swapped.
fn pair_crossings(plan: &Plan, a: u32, b: u32, pos: &[u32]) -> (u64, u64) {
    let mut kept = 0u64;
    let mut swapped = 0u64;
    let sides = [
        (plan.left_hops.get(a), plan.left_hops.get(b), &plan.hop_left),
        (
            plan.right_hops.get(a),
            plan.right_hops.get(b),
            &plan.hop_right,
        ),
    ];
    for (above, below, ends) in sides {
        for &p in above {
            let p = pos[ends[p as usize] as usize];
            for &q in below {
                let q = pos[ends[q as usize] as usize];
                kept += (p > q) as u64;
                swapped += (p < q) as u64;
            }
        }
    }
    (kept, swapped)
}

/// Edge crossings between consecutive layers (inversions counted with a Fenwick tree).
fn crossings(plan: &Plan, layers: &[Vec<u32>], pos: &[u32]) -> u64 {
    let mut total = 0u64;
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut tree: Vec<u32> = Vec::new();
    for l in 0..layers.len() - 1 {
        pairs.clear();
        for &item in &layers[l] {
            for &hop in plan.right_hops.get(item) {
                pairs.push((
                    pos[item as usize],
                    pos[plan.hop_right[hop as usize] as usize],
                ));
            }
        }
        pairs.sort_unstable();
        let size = layers[l + 1].len();
        tree.clear();
        tree.resize(size + 1, 0);
        for (inserted, &(_, right)) in pairs.iter().enumerate() {
            // Count earlier pairs whose right end lies below this one's.
            let mut at_most = 0u64;
            let mut i = right as usize + 1;
            while i > 0 {
                at_most += tree[i] as u64;
                i &= i - 1;
            }
            total += inserted as u64 - at_most;
            let mut i = right as usize + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}
