//! Where things sit in the cluster picture (SVG user units).

/// The picture's size; the SVG scales to its container.
pub const WIDTH: f64 = 400.0;
/// The picture's height.
pub const HEIGHT: f64 = 400.0;
const CENTER: (f64, f64) = (WIDTH / 2.0, HEIGHT / 2.0);
const RING_RADIUS: f64 = 125.0;

/// A point in the picture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Across, left to right.
    pub x: f64,
    /// Down, top to bottom (SVG's y grows downward).
    pub y: f64,
}

/// Radius of a server's circle: smaller when there are many. A run that
/// adds and removes servers may hold up to 25 (removed ones stay drawn).
pub fn node_radius(nodes: u64) -> f64 {
    if nodes <= 5 {
        34.0
    } else {
        (34.0 - (nodes - 5) as f64 * 3.0).max(MIN_NODE_RADIUS)
    }
}

/// Whether a server's name and commit index fit inside its circle of
/// `radius` beside the term's 20 px digits. Below this, at ten servers or
/// more, the name goes above the circle and the commit index is left to
/// the node's details ("n15" and "c10" overprinted the term).
pub fn labels_inside(radius: f64) -> bool {
    radius >= 20.0
}

/// Whether a circle of `radius` with its labels inside is too small for
/// the larger labels a phone's narrow picture uses: at nine servers (22
/// units) the name touched the term and a long commit index ran past the
/// circle (a page tester at 375 px), so they stay a size smaller there.
pub fn small_labels(radius: f64) -> bool {
    radius < 28.0
}

/// The smallest circle: 25 of them still stand apart on the ring.
const MIN_NODE_RADIUS: f64 = 13.0;

/// The width a server's term may take inside its circle of `radius`, if
/// its digits, at about 12.5 px each in the picture's bold 20 px, would
/// take more: the text is then squeezed to it (SVG `textLength`). Terms
/// of five digits (an hour-long run) spilled into the neighbours, and of
/// four at nine servers.
pub fn term_fit(term: u64, radius: f64) -> Option<f64> {
    let digits = term.checked_ilog10().map_or(1, |d| d + 1);
    let room = 1.6 * radius;
    (f64::from(digits) * 12.5 > room).then_some(room)
}

/// Server `id` (1-based) of `nodes`, on a ring starting at the top and going
/// clockwise, as RaftScope draws it.
pub fn node_position(id: u64, nodes: u64) -> Point {
    let angle = -std::f64::consts::FRAC_PI_2
        + 2.0 * std::f64::consts::PI * (id - 1) as f64 / nodes.max(1) as f64;
    let (sin, cos) = sin_cos(angle);
    Point {
        x: CENTER.0 + RING_RADIUS * cos,
        y: CENTER.1 + RING_RADIUS * sin,
    }
}

/// The sine and cosine of `angle` (radians), within 1e-12 of the standard
/// library's. Written here because `f64::sin` and `cos` pull libm's
/// trigonometry into the browser bundle (see the README's figures). Taylor
/// series to the 13th power on [-π/4, π/4], after taking out whole
/// quarter turns.
pub fn sin_cos(angle: f64) -> (f64, f64) {
    // 1/1!, 1/3!, ..., 1/13! and 1/0!, 1/2!, ..., 1/12!, signs alternating.
    const SIN: [f64; 7] = [
        1.0,
        -1.0 / 6.0,
        1.0 / 120.0,
        -1.0 / 5040.0,
        1.0 / 362_880.0,
        -1.0 / 39_916_800.0,
        1.0 / 6_227_020_800.0,
    ];
    const COS: [f64; 7] = [
        1.0,
        -1.0 / 2.0,
        1.0 / 24.0,
        -1.0 / 720.0,
        1.0 / 40_320.0,
        -1.0 / 3_628_800.0,
        1.0 / 479_001_600.0,
    ];
    let quarter = (angle / std::f64::consts::FRAC_PI_2 + 0.5).floor();
    let x = angle - quarter * std::f64::consts::FRAC_PI_2;
    let x2 = x * x;
    let horner = |c: &[f64; 7]| c.iter().rev().fold(0.0, |acc, k| acc * x2 + k);
    let (sin, cos) = (x * horner(&SIN), horner(&COS));
    // sin(x + qπ/2) and cos(x + qπ/2) for q mod 4.
    match (quarter as i64).rem_euclid(4) {
        0 => (sin, cos),
        1 => (cos, -sin),
        2 => (-sin, -cos),
        _ => (-cos, sin),
    }
}

/// The distance from `a` to `b` (`f64::hypot` would bring its own code).
pub fn distance(a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    (dx * dx + dy * dy).sqrt()
}

/// The centre of the ring: where new servers come out from, and what
/// partitioned groups move away from.
pub fn ring_center() -> Point {
    Point {
        x: CENTER.0,
        y: CENTER.1,
    }
}

/// Where clients live among `nodes` servers: the centre of the ring, where
/// no link between two servers passes when their number is odd. When it
/// is even, every link between opposite servers crosses the centre, and a
/// message between them would seem to pass through the clients; the
/// clients then sit off the centre, halfway between two such links, as
/// far out as keeps the nearest link farthest (each distance found by a
/// numeric search along that line): 36 units clear of every link among 4
/// servers, 22 among 6, 13 among 8 (the tests pin these).
pub fn clients_position(nodes: u64) -> Point {
    let off_center = match nodes {
        4 => 52.0,
        6 => 45.0,
        8 => 34.0,
        _ => return ring_center(),
    };
    // Halfway between the links through servers 1 and 2, below the centre.
    let angle = std::f64::consts::FRAC_PI_2 - std::f64::consts::PI / nodes as f64;
    let (sin, cos) = sin_cos(angle);
    Point {
        x: CENTER.0 + off_center * cos,
        y: CENTER.1 + off_center * sin,
    }
}

/// The point a fraction `f` (0..=1) of the way from `a` to `b`, stopping
/// `margin` short of both centres so dots travel between circle edges.
pub fn along(a: Point, b: Point, f: f64, margin: f64) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let usable = (len - 2.0 * margin).max(0.0);
    let d = margin.min(len / 2.0) + usable * f.clamp(0.0, 1.0);
    Point {
        x: a.x + dx / len * d,
        y: a.y + dy / len * d,
    }
}

/// An SVG arc path on a circle around `c` covering `fraction` of a turn,
/// clockwise from the top: the election-timer arc.
pub fn arc_path(c: Point, radius: f64, fraction: f64) -> String {
    let f = fraction.clamp(0.0, 0.9999);
    if f <= 0.0 {
        return String::new();
    }
    let angle = -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * f;
    let (x0, y0) = (c.x, c.y - radius);
    let (sin, cos) = sin_cos(angle);
    let (x1, y1) = (c.x + radius * cos, c.y + radius * sin);
    let large = if f > 0.5 { 1 } else { 0 };
    let n = |x: f64| crate::sim::decimal::fixed(x, 2);
    format!(
        "M {} {} A {} {} 0 {large} 1 {} {}",
        n(x0),
        n(y0),
        n(radius),
        n(radius),
        n(x1),
        n(y1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A term fits its circle as it is while its digits do, and is
    /// squeezed to 1.6 radii once they would spill: five digits at five
    /// servers, three at nine.
    #[test]
    fn a_long_term_is_squeezed_into_its_circle() {
        assert_eq!(term_fit(0, node_radius(5)), None);
        assert_eq!(term_fit(9999, node_radius(5)), None);
        assert_eq!(term_fit(10_000, node_radius(5)), Some(1.6 * 34.0));
        assert_eq!(term_fit(99, node_radius(9)), None);
        assert_eq!(term_fit(100, node_radius(9)), Some(1.6 * 22.0));
        assert_eq!(term_fit(u64::MAX, 13.0), Some(1.6 * 13.0));
    }

    #[test]
    fn nodes_sit_on_the_ring_first_at_the_top() {
        let top = node_position(1, 5);
        assert!((top.x - 200.0).abs() < 1e-9 && (top.y - 75.0).abs() < 1e-9);
        for id in 1..=9 {
            let p = node_position(id, 9);
            let r = ((p.x - 200.0).powi(2) + (p.y - 200.0).powi(2)).sqrt();
            assert!((r - RING_RADIUS).abs() < 1e-9);
        }
    }

    #[test]
    fn circles_stand_apart_on_the_ring_up_to_25_servers() {
        for n in 2..=25 {
            let gap = distance(node_position(1, n), node_position(2, n));
            assert!(2.0 * node_radius(n) < gap, "{n} servers");
        }
        assert_eq!(node_radius(9), 22.0);
        assert!(labels_inside(node_radius(9)) && !labels_inside(node_radius(10)));
        // A phone's larger labels only where they fit: up to seven servers.
        assert!(!small_labels(node_radius(7)) && small_labels(node_radius(8)));
    }

    /// The distance from `p` to the segment from `a` to `b`.
    fn to_segment(p: Point, a: Point, b: Point) -> f64 {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
        distance(
            p,
            Point {
                x: a.x + t * dx,
                y: a.y + t * dy,
            },
        )
    }

    /// How far the clients sit from the nearest link between two of
    /// `nodes` servers.
    fn clearance(nodes: u64) -> f64 {
        let hub = clients_position(nodes);
        let mut nearest = f64::INFINITY;
        for a in 1..=nodes {
            for b in a + 1..=nodes {
                let (pa, pb) = (node_position(a, nodes), node_position(b, nodes));
                nearest = nearest.min(to_segment(hub, pa, pb));
            }
        }
        nearest
    }

    /// No message between two servers seems to pass through the clients:
    /// the hub (radius 10) stands clear of every link, at the centre when
    /// no link crosses it, and off it when the servers are even in number.
    #[test]
    fn no_link_between_servers_runs_through_the_clients() {
        let clear: Vec<u64> = (3..=9).map(|n| clearance(n).floor() as u64).collect();
        assert_eq!(clear, [62, 36, 38, 22, 27, 13, 21]);
        for n in [3, 5, 7, 9] {
            assert_eq!(clients_position(n), ring_center(), "{n}");
        }
        for n in 3..=9 {
            for id in 1..=n {
                let apart = distance(clients_position(n), node_position(id, n));
                assert!(apart > node_radius(n) + 30.0, "{n}: {id} at {apart}");
            }
        }
        // The centre, for comparison: a link between opposite servers
        // runs through it.
        assert!(to_segment(ring_center(), node_position(1, 4), node_position(3, 4)) < 1e-9);
    }

    #[test]
    fn sin_cos_matches_the_standard_library() {
        for i in -400..=400 {
            let angle = i as f64 * 0.0471;
            let (sin, cos) = sin_cos(angle);
            assert!((sin - angle.sin()).abs() < 1e-12, "sin {angle}");
            assert!((cos - angle.cos()).abs() < 1e-12, "cos {angle}");
        }
        let p = (Point { x: 1.0, y: 2.0 }, Point { x: 4.0, y: 6.0 });
        assert!((distance(p.0, p.1) - 5.0).abs() < 1e-12);
    }

    #[test]
    fn along_moves_from_edge_to_edge() {
        let (a, b) = (Point { x: 0.0, y: 0.0 }, Point { x: 100.0, y: 0.0 });
        assert_eq!(along(a, b, 0.0, 10.0), Point { x: 10.0, y: 0.0 });
        assert_eq!(along(a, b, 1.0, 10.0), Point { x: 90.0, y: 0.0 });
        assert_eq!(along(a, b, 0.5, 10.0), Point { x: 50.0, y: 0.0 });
    }

    #[test]
    fn arcs_are_empty_when_drained() {
        assert!(arc_path(Point { x: 0.0, y: 0.0 }, 10.0, 0.0).is_empty());
        assert!(arc_path(Point { x: 0.0, y: 0.0 }, 10.0, 0.75).contains(" 1 1 "));
    }
}
