//! Ports on the box sides, and the routing of each gap between two layers.
//!
//! A gap is routed like a channel. Every hop through it enters at a row on the left (the
//! right side of a box or a passing edge) and leaves at a row on the right. Hops are grouped
//! into buses, each with one vertical track: the hops leaving one port (a fan-out), else the
//! hops arriving at one port (a fan-in). A bus runs from the left edge of the gap to its track
//! on each of its left rows and from its track to the right edge on each of its right rows.
//! Two buses must not run along the same row, so a bus whose left row is another bus's right
//! row gets the track further left; where those constraints form a cycle, one bus takes a
//! dogleg through a free row. Tracks are then packed left-edge first.

use std::collections::{BTreeSet, HashMap, HashSet};

use petgraph::unionfind::UnionFind;

use super::Plan;

pub(super) struct Ports {
    /// Per hop, the row where it leaves the item on its left.
    pub hop_left_row: Vec<u32>,
    /// Per hop, the row where it reaches the item on its right.
    pub hop_right_row: Vec<u32>,
    /// Per self-loop, the rows where it leaves and re-enters the box's right side.
    pub loop_rows: Vec<(u32, u32)>,
}

/// Chooses the port rows: a passing edge keeps its row; a box spreads its hops over the rows
/// inside its border, in the order of the rows they go to, each as level with the other end
/// as it can be. More hops than rows share rows, arrivals apart from departures while there
/// are two rows; a self-loop takes the two lowest rows of the right side.
pub(super) fn assign_ports(plan: &Plan, loops: &[u32], top: &[u32]) -> Ports {
    let hops = plan.hop_left.len();
    let mut ports = Ports {
        hop_left_row: vec![0; hops],
        hop_right_row: vec![0; hops],
        loop_rows: vec![(0, 0); loops.len()],
    };
    let mut loop_of = vec![None; plan.nodes];
    for (i, &u) in loops.iter().enumerate() {
        loop_of[u as usize] = Some(i);
    }
    let anchor = |item: u32| (top[item as usize] + (plan.height[item as usize] - 1) / 2) as i64;
    // Where a box wants the port of a hop: level with a passing edge, or halfway between the
    // two boxes' middles, which both ends work out alike (so they meet level if they can).
    let wish = |item: u32, other: u32| {
        if plan.is_dummy(other) {
            top[other as usize] as i64
        } else {
            (anchor(item) + anchor(other)).div_euclid(2)
        }
    };
    let mut wanted: Vec<(i64, u32)> = Vec::new();
    let mut rows: Vec<u32> = Vec::new();
    for item in 0..plan.items() as u32 {
        if plan.is_dummy(item) {
            for &h in plan.left_hops.get(item) {
                ports.hop_right_row[h as usize] = top[item as usize];
            }
            for &h in plan.right_hops.get(item) {
                ports.hop_left_row[h as usize] = top[item as usize];
            }
            continue;
        }
        let (y, height) = (top[item as usize], plan.height[item as usize]);
        let (lo, hi) = if height >= 3 {
            (y + 1, y + height - 2)
        } else {
            (y, y + height - 1)
        };

        // Left side: forward edges arrive, edges going back leave.
        wanted.clear();
        for &h in plan.left_hops.get(item) {
            wanted.push((wish(item, plan.hop_left[h as usize]), h));
        }
        side(
            &mut wanted,
            &|h| !plan.hop_reversed[h as usize],
            lo,
            hi,
            &mut rows,
        );
        for (&(_, h), &row) in wanted.iter().zip(&rows) {
            ports.hop_right_row[h as usize] = row;
        }

        // Right side: forward edges leave, edges going back arrive.
        wanted.clear();
        for &h in plan.right_hops.get(item) {
            wanted.push((wish(item, plan.hop_right[h as usize]), h));
        }
        let arrival = |h: u32| plan.hop_reversed[h as usize];
        match loop_of[item as usize] {
            None => side(&mut wanted, &arrival, lo, hi, &mut rows),
            Some(l) => {
                let (lo, hi) = if hi > lo {
                    (lo, hi)
                } else {
                    (y, y + height - 1)
                };
                if hi - lo >= 2 {
                    side(&mut wanted, &arrival, lo, hi - 2, &mut rows);
                } else {
                    side(&mut wanted, &arrival, lo, hi, &mut rows);
                }
                ports.loop_rows[l] = (hi - 1, hi);
            }
        }
        for (&(_, h), &row) in wanted.iter().zip(&rows) {
            ports.hop_left_row[h as usize] = row;
        }
    }
    ports
}

/// Rows in `lo..=hi` for one side of a box, in the order `wanted` ends up in.
fn side(
    wanted: &mut [(i64, u32)],
    arrival: &dyn Fn(u32) -> bool,
    lo: u32,
    hi: u32,
    rows: &mut Vec<u32>,
) {
    rows.clear();
    let k = wanted.len() as u32;
    let n = (hi + 1).saturating_sub(lo);
    let arrivals = wanted.iter().filter(|&&(_, h)| arrival(h)).count() as u32;
    if k <= n || n < 2 || arrivals == 0 || arrivals == k {
        spread(wanted, lo, hi, rows);
        return;
    }
    // Too many to keep apart: arrivals share some rows, departures the others.
    wanted.sort_by_key(|&(row, h)| (!arrival(h), row));
    let (to, from) = wanted.split_at_mut(arrivals as usize);
    let mean = |part: &[(i64, u32)]| part.iter().map(|p| p.0).sum::<i64>() / part.len() as i64;
    let share = ((n * arrivals + k / 2) / k).clamp(1, n - 1);
    if mean(to) <= mean(from) {
        spread(to, lo, lo + share - 1, rows);
        spread(from, lo + share, hi, rows);
    } else {
        spread(to, hi + 1 - share, hi, rows);
        spread(from, lo, hi - share, rows);
    }
}

/// Sorts `wanted` by row and appends a row in `lo..=hi` for each, distinct while they fit.
fn spread(wanted: &mut [(i64, u32)], lo: u32, hi: u32, rows: &mut Vec<u32>) {
    wanted.sort_by_key(|&(row, _)| row);
    let k = wanted.len() as i64;
    if hi < lo {
        rows.extend(wanted.iter().map(|_| lo));
        return;
    }
    let n = (hi - lo + 1) as i64;
    if k <= n {
        let mut previous = lo as i64 - 1;
        for (i, &(want, _)) in wanted.iter().enumerate() {
            let least = lo as i64 + i as i64;
            let most = hi as i64 - (k - 1 - i as i64);
            let row = want.clamp(least, most).max(previous + 1);
            rows.push(row as u32);
            previous = row;
        }
    } else {
        rows.extend((0..k).map(|i| lo + (i * n / k) as u32));
    }
}

/// One hop (or self-loop) through a gap.
#[derive(Debug, Clone, Copy)]
pub(super) struct GapNet {
    pub left: u32,
    /// For a self-loop: the row where it returns to the left side.
    pub loop_in: Option<u32>,
    /// `None` for a self-loop.
    pub right: Option<u32>,
}

/// How a hop crosses its gap; tracks count from the left of the gap's track area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Geo {
    /// Left row and right row are the same: a straight line.
    Straight,
    Track(u32),
    /// Down `first` to the free `row`, along it to `second`, on to the right row.
    Dogleg {
        first: u32,
        row: u32,
        second: u32,
    },
}

pub(super) struct GapRoutes {
    /// Same order as the nets.
    pub geo: Vec<Geo>,
    pub tracks: u32,
    /// The lowest row a dogleg uses, if any.
    pub max_row: Option<u32>,
}

#[derive(Default)]
struct Bus {
    left: Vec<u32>,
    right: Vec<u32>,
    /// A dogleg's free row.
    extra: Option<u32>,
    /// For the first half of a dogleg: the second half.
    second: Option<usize>,
}

impl Bus {
    fn span(&self) -> (u32, u32) {
        let rows = self.left.iter().chain(&self.right).chain(&self.extra);
        rows.fold((u32::MAX, 0), |(lo, hi), &r| (lo.min(r), hi.max(r)))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    FanOut(u32),
    FanIn(u32),
}

pub(super) fn route_gap(nets: &[GapNet]) -> GapRoutes {
    if nets.is_empty() {
        return GapRoutes {
            geo: Vec::new(),
            tracks: 0,
            max_row: None,
        };
    }
    // Buses: the hops of a shared left port (self-loops join theirs), else of a right port.
    let mut left_rows: Vec<u32> = nets
        .iter()
        .flat_map(|n| std::iter::once(n.left).chain(n.loop_in))
        .collect();
    left_rows.sort_unstable();
    left_rows.dedup();
    let index = |row: u32| left_rows.binary_search(&row).expect("collected") as u32;
    let mut users = vec![0u32; left_rows.len()];
    let mut sets = UnionFind::<u32>::new(left_rows.len());
    for net in nets {
        users[index(net.left) as usize] += 1;
        if let Some(back) = net.loop_in {
            users[index(back) as usize] += 2;
            users[index(net.left) as usize] += 1;
            sets.union(index(net.left), index(back));
        }
    }
    let mut buses: Vec<Bus> = Vec::new();
    let mut by_key: HashMap<Key, usize> = HashMap::new();
    let mut bus_of = Vec::with_capacity(nets.len());
    for net in nets {
        let i = index(net.left);
        let key = match net.right {
            Some(right) if users[i as usize] == 1 => Key::FanIn(right),
            _ => Key::FanOut(sets.find(i)),
        };
        let b = *by_key.entry(key).or_insert_with(|| {
            buses.push(Bus::default());
            buses.len() - 1
        });
        let bus = &mut buses[b];
        bus.left.push(net.left);
        bus.left.extend(net.loop_in);
        bus.right.extend(net.right);
        bus_of.push(b);
    }
    for bus in &mut buses {
        bus.left.sort_unstable();
        bus.left.dedup();
        bus.right.sort_unstable();
        bus.right.dedup();
    }
    let flat = |bus: &Bus| {
        let (lo, hi) = bus.span();
        lo == hi
    };
    let active: Vec<bool> = buses.iter().map(|b| !flat(b)).collect();
    let mut left_owner: HashMap<u32, usize> = HashMap::new();
    for (b, bus) in buses.iter().enumerate() {
        if active[b] {
            for &row in &bus.left {
                left_owner.insert(row, b);
            }
        }
    }

    // Order constraints (left owner of a row before every bus arriving on it); doglegs break
    // the cycles.
    let mut used: Option<HashSet<u32>> = None;
    let mut max_row = None;
    let (successors, mut incoming) = loop {
        let (successors, incoming) = constraints(&buses, &left_owner, &active);
        let Some(b) = on_a_cycle(&successors, &incoming) else {
            break (successors, incoming);
        };
        let used = used.get_or_insert_with(|| {
            nets.iter()
                .flat_map(|n| [Some(n.left), n.loop_in, n.right])
                .flatten()
                .collect()
        });
        let (lo, hi) = buses[b].span();
        let row = free_row(used, lo / 2 + hi / 2 + (lo % 2 + hi % 2) / 2);
        used.insert(row);
        max_row = max_row.max(Some(row));
        let right = std::mem::take(&mut buses[b].right);
        buses[b].extra = Some(row);
        buses[b].second = Some(buses.len());
        buses.push(Bus {
            right,
            extra: Some(row),
            ..Bus::default()
        });
    };

    // Left-edge packing: on each track, from the top, the next ready bus that fits.
    let mut track = vec![u32::MAX; buses.len()];
    let spans: Vec<(u32, u32)> = buses.iter().map(Bus::span).collect();
    let mut ready: BTreeSet<(u32, u32, usize)> = BTreeSet::new();
    let mut remaining = 0usize;
    for b in 0..buses.len() {
        if b >= active.len() || active[b] {
            remaining += 1;
            if incoming[b] == 0 {
                ready.insert((spans[b].0, spans[b].1, b));
            }
        }
    }
    let mut tracks = 0u32;
    let mut placed = Vec::new();
    while remaining > 0 {
        placed.clear();
        let mut from = 0u32;
        while let Some(&entry) = ready.range((from, 0, 0)..).next() {
            ready.remove(&entry);
            let (_, hi, b) = entry;
            track[b] = tracks;
            placed.push(b);
            from = hi.saturating_add(2);
        }
        if placed.is_empty() {
            // Unreachable once the constraints are acyclic; never loop forever all the same.
            for b in 0..buses.len() {
                if track[b] == u32::MAX && (b >= active.len() || active[b]) {
                    track[b] = tracks;
                    tracks += 1;
                }
            }
            break;
        }
        remaining -= placed.len();
        for &b in &placed {
            for &s in &successors[b] {
                incoming[s] -= 1;
                if incoming[s] == 0 {
                    ready.insert((spans[s].0, spans[s].1, s));
                }
            }
        }
        tracks += 1;
    }

    let geo = bus_of
        .iter()
        .map(|&b| {
            if !active[b] {
                Geo::Straight
            } else if let Some(second) = buses[b].second {
                Geo::Dogleg {
                    first: track[b],
                    row: buses[b].extra.expect("dogleg row"),
                    second: track[second],
                }
            } else {
                Geo::Track(track[b])
            }
        })
        .collect();
    GapRoutes {
        geo,
        tracks,
        max_row,
    }
}

/// Successor lists and in-degrees of "must be left of": the bus leaving at a row comes before
/// every other bus arriving at that row.
fn constraints(
    buses: &[Bus],
    left_owner: &HashMap<u32, usize>,
    active: &[bool],
) -> (Vec<Vec<usize>>, Vec<u32>) {
    let mut successors = vec![Vec::new(); buses.len()];
    let mut incoming = vec![0u32; buses.len()];
    for (b, bus) in buses.iter().enumerate() {
        if !active.get(b).copied().unwrap_or(true) {
            continue;
        }
        for row in &bus.right {
            if let Some(&a) = left_owner.get(row)
                && a != b
            {
                successors[a].push(b);
            }
        }
    }
    for list in &mut successors {
        list.sort_unstable();
        list.dedup();
        for &s in list.iter() {
            incoming[s] += 1;
        }
    }
    (successors, incoming)
}

/// A bus on a cycle of the constraints, if there is one.
fn on_a_cycle(successors: &[Vec<usize>], incoming: &[u32]) -> Option<usize> {
    let mut left = incoming.to_vec();
    let mut queue: Vec<usize> = (0..left.len()).filter(|&b| left[b] == 0).collect();
    let mut done = vec![false; left.len()];
    while let Some(b) = queue.pop() {
        done[b] = true;
        for &s in &successors[b] {
            left[s] -= 1;
            if left[s] == 0 {
                queue.push(s);
            }
        }
    }
    let start = (0..left.len()).find(|&b| !done[b])?;
    // Walk back along unfinished predecessors until a bus repeats: it lies on a cycle.
    let mut predecessor = vec![usize::MAX; left.len()];
    for (a, list) in successors.iter().enumerate() {
        if !done[a] {
            for &s in list {
                if !done[s] {
                    predecessor[s] = a;
                }
            }
        }
    }
    let mut seen = vec![false; left.len()];
    let mut b = start;
    while !seen[b] {
        seen[b] = true;
        b = predecessor[b];
    }
    Some(b)
}

/// The free row nearest `around`.
fn free_row(used: &HashSet<u32>, around: u32) -> u32 {
    for d in 0.. {
        if !used.contains(&(around + d)) {
            return around + d;
        }
        if d <= around && !used.contains(&(around - d)) {
            return around - d;
        }
    }
    unreachable!("some row is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(left: u32, right: u32) -> GapNet {
        GapNet {
            left,
            loop_in: None,
            right: Some(right),
        }
    }

    #[test]
    fn straight_hops_need_no_track() {
        let routes = route_gap(&[net(3, 3), net(7, 7)]);
        assert_eq!(routes.geo, [Geo::Straight, Geo::Straight]);
        assert_eq!(routes.tracks, 0);
    }

    #[test]
    fn disjoint_hops_share_a_track() {
        let routes = route_gap(&[net(1, 3), net(6, 9)]);
        assert_eq!(routes.geo, [Geo::Track(0), Geo::Track(0)]);
    }

    #[test]
    fn a_hop_leaving_where_another_arrives_goes_first() {
        // A leaves at row 5 (going down to 9); B arrives at row 5 from row 1.
        let routes = route_gap(&[net(1, 5), net(5, 9)]);
        let Geo::Track(b) = routes.geo[0] else {
            panic!()
        };
        let Geo::Track(a) = routes.geo[1] else {
            panic!()
        };
        assert!(a < b, "{:?}", routes.geo);
    }

    #[test]
    fn a_swap_takes_a_dogleg() {
        let routes = route_gap(&[net(2, 6), net(6, 2)]);
        assert!(
            routes
                .geo
                .iter()
                .any(|g| matches!(g, Geo::Dogleg { row, .. } if ![2, 6].contains(row))),
            "{:?}",
            routes.geo
        );
    }

    #[test]
    fn a_fan_out_is_one_bus() {
        let routes = route_gap(&[net(4, 1), net(4, 5), net(4, 9)]);
        assert_eq!(routes.geo, [Geo::Track(0); 3]);
        assert_eq!(routes.tracks, 1);
    }

    #[test]
    fn spread_keeps_rows_level_when_it_can() {
        let mut wanted = vec![(10, 0), (2, 1), (4, 2)];
        let mut rows = Vec::new();
        spread(&mut wanted, 3, 6, &mut rows);
        assert_eq!(rows, [3, 4, 6]);
        let mut wanted = vec![(0, 0); 5];
        rows.clear();
        spread(&mut wanted, 3, 4, &mut rows);
        assert_eq!(rows, [3, 3, 3, 4, 4]);
    }
}
