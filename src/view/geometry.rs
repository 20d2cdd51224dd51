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

/// Radius of a server's circle: smaller when there are many.
pub fn node_radius(nodes: u64) -> f64 {
    if nodes <= 5 {
        34.0
    } else {
        34.0 - (nodes - 5) as f64 * 3.0
    }
}

/// Server `id` (1-based) of `nodes`, on a ring starting at the top and going
/// clockwise, as RaftScope draws it.
pub fn node_position(id: u64, nodes: u64) -> Point {
    let angle = -std::f64::consts::FRAC_PI_2
        + 2.0 * std::f64::consts::PI * (id - 1) as f64 / nodes.max(1) as f64;
    Point {
        x: CENTER.0 + RING_RADIUS * angle.cos(),
        y: CENTER.1 + RING_RADIUS * angle.sin(),
    }
}

/// Where clients live: the centre of the ring.
pub fn clients_position() -> Point {
    Point {
        x: CENTER.0,
        y: CENTER.1,
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
    let (x1, y1) = (c.x + radius * angle.cos(), c.y + radius * angle.sin());
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
