//! The optimisation behind an alliance's match plan: needs with a demand, resources with a
//! capacity, and a gain for each unit a resource gives a need. The best plan is a minimum-cost
//! flow (costs are negated gains), solved by successive shortest paths with potentials; a
//! greedy plan (best pair first) is kept beside it to show what the optimisation adds.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One pair the engine scored: need `need` may take from resource `resource`, gaining `gain`
/// per unit (both are indexes into the demand and capacity lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub need: usize,
    pub resource: usize,
    pub gain: i64,
}

/// How much need `need` takes from resource `resource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Take {
    pub need: usize,
    pub resource: usize,
    pub units: i64,
}

pub fn total_gain(edges: &[Edge], takes: &[Take]) -> i64 {
    takes
        .iter()
        .map(|t| {
            let e = edges
                .iter()
                .find(|e| e.need == t.need && e.resource == t.resource)
                .expect("a take follows an edge");
            e.gain * t.units
        })
        .sum()
}

struct Arc {
    to: usize,
    cap: i64,
    cost: i64,
}

struct Graph {
    arcs: Vec<Arc>,
    out: Vec<Vec<usize>>,
}

impl Graph {
    fn new(nodes: usize) -> Self {
        Graph {
            arcs: Vec::new(),
            out: vec![Vec::new(); nodes],
        }
    }

    /// Adds an arc and its residual twin (at index ^ 1); returns the arc's index.
    fn add(&mut self, from: usize, to: usize, cap: i64, cost: i64) -> usize {
        let i = self.arcs.len();
        self.arcs.push(Arc { to, cap, cost });
        self.out[from].push(i);
        self.arcs.push(Arc {
            to: from,
            cap: 0,
            cost: -cost,
        });
        self.out[to].push(i + 1);
        i
    }
}

/// The plan of greatest total gain: no need takes more than its demand, no resource gives
/// more than its capacity, and units flow only along edges. Among plans of equal gain the
/// result is deterministic (same input, same plan).
pub fn optimal(demand: &[i64], capacity: &[i64], edges: &[Edge]) -> Vec<Take> {
    let (n, m) = (demand.len(), capacity.len());
    let (source, sink) = (n + m, n + m + 1);
    let mut g = Graph::new(n + m + 2);
    for (i, d) in demand.iter().enumerate() {
        g.add(source, i, *d, 0);
    }
    let mut pair_arcs = Vec::with_capacity(edges.len());
    for e in edges {
        let cap = demand[e.need].min(capacity[e.resource]);
        pair_arcs.push(g.add(e.need, n + e.resource, cap, -e.gain));
    }
    for (j, c) in capacity.iter().enumerate() {
        g.add(n + j, sink, *c, 0);
    }

    // Potentials: shortest distances from the source before any flow. The graph is layered
    // (source → needs → resources → sink), so one pass per layer computes them exactly, and
    // afterwards every residual arc has a non-negative reduced cost (Dijkstra applies).
    let mut pot = vec![0i64; n + m + 2];
    for e in edges {
        let r = n + e.resource;
        pot[r] = pot[r].min(-e.gain);
    }
    pot[sink] = (n..n + m).map(|r| pot[r]).min().unwrap_or(0).min(0);

    let nodes = n + m + 2;
    loop {
        let mut dist = vec![i64::MAX; nodes];
        let mut via = vec![usize::MAX; nodes];
        dist[source] = 0;
        let mut heap = BinaryHeap::new();
        heap.push(Reverse((0i64, source)));
        while let Some(Reverse((d, u))) = heap.pop() {
            if d > dist[u] {
                continue;
            }
            // Every node still queued is at least this far: capping at the sink below
            // gives them the same potential as a full search would.
            if u == sink {
                break;
            }
            for &a in &g.out[u] {
                let arc = &g.arcs[a];
                if arc.cap == 0 {
                    continue;
                }
                let reduced = arc.cost + pot[u] - pot[arc.to];
                debug_assert!(reduced >= 0, "potentials keep reduced costs non-negative");
                let nd = d + reduced;
                if nd < dist[arc.to] {
                    dist[arc.to] = nd;
                    via[arc.to] = a;
                    heap.push(Reverse((nd, arc.to)));
                }
            }
        }
        if dist[sink] == i64::MAX {
            break;
        }
        // The path's true cost; paths only get dearer, so the first one that gains nothing
        // ends the search with the most gain.
        let cost = dist[sink] + pot[sink] - pot[source];
        if cost >= 0 {
            break;
        }
        // Capping at the sink's distance keeps every residual arc's reduced cost non-negative,
        // including arcs out of nodes this round did not reach.
        let reach = dist[sink];
        for (p, d) in pot.iter_mut().zip(&dist) {
            *p += (*d).min(reach);
        }
        let mut push = i64::MAX;
        let mut v = sink;
        while v != source {
            let a = via[v];
            push = push.min(g.arcs[a].cap);
            v = g.arcs[a ^ 1].to;
        }
        let mut v = sink;
        while v != source {
            let a = via[v];
            g.arcs[a].cap -= push;
            g.arcs[a ^ 1].cap += push;
            v = g.arcs[a ^ 1].to;
        }
    }

    edges
        .iter()
        .zip(pair_arcs)
        .filter_map(|(e, a)| {
            let units = g.arcs[a ^ 1].cap;
            (units > 0).then_some(Take {
                need: e.need,
                resource: e.resource,
                units,
            })
        })
        .collect()
}

/// What a person would do by hand: the best-scoring pair first (gain per unit, ties by need
/// then resource), as much as it can take, then the next.
pub fn greedy(demand: &[i64], capacity: &[i64], edges: &[Edge]) -> Vec<Take> {
    let mut order: Vec<&Edge> = edges.iter().collect();
    order.sort_by_key(|e| (Reverse(e.gain), e.need, e.resource));
    let mut left_d = demand.to_vec();
    let mut left_c = capacity.to_vec();
    let mut takes = Vec::new();
    for e in order {
        let units = left_d[e.need].min(left_c[e.resource]);
        if units > 0 {
            left_d[e.need] -= units;
            left_c[e.resource] -= units;
            takes.push(Take {
                need: e.need,
                resource: e.resource,
                units,
            });
        }
    }
    takes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feasible(demand: &[i64], capacity: &[i64], takes: &[Take]) -> bool {
        let mut d = vec![0; demand.len()];
        let mut c = vec![0; capacity.len()];
        for t in takes {
            d[t.need] += t.units;
            c[t.resource] += t.units;
        }
        d.iter().zip(demand).all(|(a, b)| a <= b) && c.iter().zip(capacity).all(|(a, b)| a <= b)
    }

    /// Tries every amount on every edge.
    fn brute_force(demand: &[i64], capacity: &[i64], edges: &[Edge]) -> i64 {
        fn go(i: usize, edges: &[Edge], d: &mut [i64], c: &mut [i64]) -> i64 {
            if i == edges.len() {
                return 0;
            }
            let e = edges[i];
            let mut best = i64::MIN;
            for units in 0..=d[e.need].min(c[e.resource]) {
                d[e.need] -= units;
                c[e.resource] -= units;
                best = best.max(units * e.gain + go(i + 1, edges, d, c));
                d[e.need] += units;
                c[e.resource] += units;
            }
            best
        }
        go(0, edges, &mut demand.to_vec(), &mut capacity.to_vec())
    }

    /// A small deterministic generator (no dependency needed for a test's dice).
    struct Dice(u64);
    impl Dice {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    #[test]
    fn optimal_equals_brute_force_on_small_cases() {
        let mut dice = Dice(7);
        let mut greedy_worse = 0;
        for case in 0..400 {
            let n = 1 + dice.below(4) as usize;
            let m = 1 + dice.below(4) as usize;
            let demand: Vec<i64> = (0..n).map(|_| 1 + dice.below(3) as i64).collect();
            let capacity: Vec<i64> = (0..m).map(|_| 1 + dice.below(3) as i64).collect();
            let mut edges = Vec::new();
            for need in 0..n {
                for resource in 0..m {
                    if dice.below(3) > 0 && edges.len() < 7 {
                        edges.push(Edge {
                            need,
                            resource,
                            gain: 1 + dice.below(100) as i64,
                        });
                    }
                }
            }
            let best = brute_force(&demand, &capacity, &edges);
            let plan = optimal(&demand, &capacity, &edges);
            assert!(feasible(&demand, &capacity, &plan), "case {case}");
            assert_eq!(total_gain(&edges, &plan), best, "case {case}: {edges:?}");
            let g = greedy(&demand, &capacity, &edges);
            assert!(feasible(&demand, &capacity, &g));
            let gg = total_gain(&edges, &g);
            assert!(gg <= best);
            greedy_worse += usize::from(gg < best);
        }
        assert!(
            greedy_worse > 10,
            "the cases should include ones greedy gets wrong"
        );
    }

    #[test]
    fn the_classic_case_greedy_gets_wrong() {
        // Need 0 likes both resources; need 1 can only use resource 0, which need 0 takes
        // first when going greedily.
        let edges = [
            Edge {
                need: 0,
                resource: 0,
                gain: 90,
            },
            Edge {
                need: 0,
                resource: 1,
                gain: 80,
            },
            Edge {
                need: 1,
                resource: 0,
                gain: 70,
            },
        ];
        let plan = optimal(&[1, 1], &[1, 1], &edges);
        assert_eq!(total_gain(&edges, &plan), 150);
        assert_eq!(total_gain(&edges, &greedy(&[1, 1], &[1, 1], &edges)), 90);
    }

    #[test]
    fn nothing_to_do() {
        assert!(optimal(&[], &[], &[]).is_empty());
        assert!(optimal(&[3], &[2], &[]).is_empty());
        let e = [Edge {
            need: 0,
            resource: 0,
            gain: 5,
        }];
        assert_eq!(
            optimal(&[3], &[2], &e),
            [Take {
                need: 0,
                resource: 0,
                units: 2
            }]
        );
    }
}
