//! The geometry of a cumulative-distribution chart, as the Raft paper's
//! Figure 16 draws one: time on a logarithmic x axis (ms), the cumulative
//! percent of trials on a linear y axis, one step line per series. All of
//! it in the SVG's own coordinates (its `viewBox`), so the page only draws.

use crate::sim::decimal::fixed;

/// The drawing's size and margins, in `viewBox` units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// The whole drawing's width.
    pub width: f64,
    /// The whole drawing's height.
    pub height: f64,
    /// Room left of the plot (the y labels).
    pub left: f64,
    /// Room right of the plot.
    pub right: f64,
    /// Room above the plot.
    pub top: f64,
    /// Room below the plot (x labels and the axis title).
    pub bottom: f64,
}

impl Frame {
    /// A wide drawing, for a desktop column.
    pub const WIDE: Frame = Frame {
        width: 640.0,
        height: 300.0,
        left: 44.0,
        right: 28.0,
        top: 18.0,
        bottom: 40.0,
    };
    /// A narrow one, for a phone: fewer units across, so the same font
    /// size stays readable when the SVG is scaled to the screen.
    pub const NARROW: Frame = Frame {
        width: 360.0,
        height: 260.0,
        left: 40.0,
        right: 24.0,
        top: 18.0,
        bottom: 40.0,
    };

    /// The plot's left edge.
    pub fn x0(&self) -> f64 {
        self.left
    }
    /// The plot's right edge.
    pub fn x1(&self) -> f64 {
        self.width - self.right
    }
    /// The plot's top edge (100%).
    pub fn y0(&self) -> f64 {
        self.top
    }
    /// The plot's bottom edge (0%).
    pub fn y1(&self) -> f64 {
        self.height - self.bottom
    }

    /// The y of a cumulative `fraction` (0 to 1).
    pub fn y(&self, fraction: f64) -> f64 {
        self.y1() - fraction.clamp(0.0, 1.0) * (self.y1() - self.y0())
    }

    /// The fraction at height `y`, clamped to 0..=1.
    pub fn fraction_at(&self, y: f64) -> f64 {
        ((self.y1() - y) / (self.y1() - self.y0())).clamp(0.0, 1.0)
    }

    /// A pointer position inside an element drawn `rect_w` by `rect_h`
    /// pixels (offsets from its top left corner) in `viewBox` units: the SVG
    /// is scaled to its box, aspect kept (`xMidYMid meet`).
    pub fn to_view(&self, px: f64, py: f64, rect_w: f64, rect_h: f64) -> (f64, f64) {
        if rect_w <= 0.0 || rect_h <= 0.0 {
            return (px, py);
        }
        let scale = (rect_w / self.width).min(rect_h / self.height);
        let dx = (rect_w - self.width * scale) / 2.0;
        let dy = (rect_h - self.height * scale) / 2.0;
        ((px - dx) / scale, (py - dy) / scale)
    }

    /// The baseline of the time axis's labels, under the plot: their tops
    /// 9 units (0.8 em) below it. With the percent labels' ends 8 units
    /// left of the plot, the first ("10", centred on the corner) and the
    /// "0%" beside it keep apart, as the glyphs' boxes (font ascent and
    /// descent) tell in Chromium and Firefox; at 14 below and 4 left the
    /// two touched (a review at 375 px).
    pub fn x_label_y(&self) -> f64 {
        self.y1() + 17.0
    }

    /// Where the percent axis's labels end, left of the plot.
    pub fn y_label_x(&self) -> f64 {
        self.x0() - 8.0
    }

    /// The baseline of the percent axis's label at height `at`: a digit's
    /// height (8 units at the ticks' 11 px) centred on its grid line.
    pub fn y_label_baseline(&self, at: f64) -> f64 {
        at + 4.0
    }

    /// The y axis's ticks: 0, 25, 50, 75 and 100%.
    pub fn percent_ticks(&self) -> Vec<Tick> {
        (0..=4)
            .map(|i| Tick {
                at: self.y(i as f64 / 4.0),
                label: Some(format!("{}%", i * 25)),
            })
            .collect()
    }
}

/// A mark on an axis: where, and its label if it has one (minor ticks
/// have none).
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    /// Its x (on the time axis) or y (on the percent axis).
    pub at: f64,
    /// Its text.
    pub label: Option<String>,
}

/// A logarithmic time axis over whole decades of milliseconds, from
/// `10^lo` to `10^hi`, drawn from `x0` to `x1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogAxis {
    /// The first decade's exponent.
    pub lo: i32,
    /// The last decade's exponent (> `lo`).
    pub hi: i32,
    /// The x of `10^lo` ms.
    pub x0: f64,
    /// The x of `10^hi` ms.
    pub x1: f64,
}

impl LogAxis {
    /// The smallest run of whole decades holding `min_ms..=max_ms` (at
    /// least one decade; 100 to 1,000 ms when there is nothing to show).
    pub fn fitting(min_ms: f64, max_ms: f64, x0: f64, x1: f64) -> LogAxis {
        let (lo, hi) = if min_ms > 0.0 && max_ms >= min_ms {
            let lo = min_ms.log10().floor() as i32;
            let hi = (max_ms.log10().ceil() as i32).max(lo + 1);
            (lo, hi)
        } else {
            (2, 3)
        };
        LogAxis { lo, hi, x0, x1 }
    }

    /// The x of `ms` milliseconds (clamped to the axis).
    pub fn x(&self, ms: f64) -> f64 {
        let decades = (self.hi - self.lo) as f64;
        let at = if ms > 0.0 {
            (ms.log10() - self.lo as f64) / decades
        } else {
            0.0
        };
        self.x0 + at.clamp(0.0, 1.0) * (self.x1 - self.x0)
    }

    /// The milliseconds at `x` (clamped to the axis).
    pub fn ms_at(&self, x: f64) -> f64 {
        let at = ((x - self.x0) / (self.x1 - self.x0)).clamp(0.0, 1.0);
        10f64.powf(self.lo as f64 + at * (self.hi - self.lo) as f64)
    }

    /// A labelled tick at every power of ten (10, 100, 1,000 ...) and an
    /// unlabelled one at each of 2 to 9 times it in between.
    pub fn ticks(&self) -> Vec<Tick> {
        let mut ticks = Vec::new();
        for e in self.lo..=self.hi {
            let decade = 10f64.powi(e);
            ticks.push(Tick {
                at: self.x(decade),
                label: Some(ms_label(decade)),
            });
            if e < self.hi {
                ticks.extend((2..10).map(|k| Tick {
                    at: self.x(k as f64 * decade),
                    label: None,
                }));
            }
        }
        ticks
    }
}

/// A round number of milliseconds as an axis label: `1,000`, `0.1`.
pub fn ms_label(ms: f64) -> String {
    if ms < 1.0 {
        return fixed(ms, 1);
    }
    let digits = fixed(ms, 0);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The vertices of a cumulative step line through `points` (x, y), in
/// increasing x: from 0% up at the first point, then across to each next
/// point's x and up to its y. Points at the same x share one rise (a
/// thousand trials do not make a thousand vertices where they pile up).
pub fn step_line(points: &[(f64, f64)], zero_y: f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for &(x, y) in points {
        match out.last_mut() {
            Some(last) if last.0 == x => last.1 = y,
            Some(&mut (_, last_y)) => out.extend([(x, last_y), (x, y)]),
            None => out.extend([(x, zero_y), (x, y)]),
        }
    }
    out
}

/// Vertices as an SVG `points` attribute, to a tenth of a unit.
pub fn svg_points(vertices: &[(f64, f64)]) -> String {
    let mut out = String::with_capacity(vertices.len() * 12);
    for (i, (x, y)) in vertices.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&fixed(*x, 1));
        out.push(',');
        out.push_str(&fixed(*y, 1));
    }
    out
}

/// Rounds to a tenth, as drawn (so that points drawn at one x are equal).
pub fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis() -> LogAxis {
        LogAxis::fitting(12.0, 60_000.0, 40.0, 640.0)
    }

    #[test]
    fn decades_are_evenly_spaced_and_ticked() {
        let a = axis();
        assert_eq!((a.lo, a.hi), (1, 5), "12 ms to 60 s: 10 to 100,000 ms");
        let labelled: Vec<(f64, String)> = a
            .ticks()
            .into_iter()
            .filter_map(|t| Some((t.at, t.label?)))
            .collect();
        let expected = [
            (40.0, "10"),
            (190.0, "100"),
            (340.0, "1,000"),
            (490.0, "10,000"),
            (640.0, "100,000"),
        ];
        assert_eq!(labelled.len(), expected.len());
        for ((x, label), (ex, el)) in labelled.iter().zip(expected) {
            assert!((x - ex).abs() < 1e-9, "{label} at {x}, not {ex}");
            assert_eq!(label, el);
        }
        assert_eq!(a.ticks().len(), 5 + 4 * 8, "8 minor ticks per decade");
    }

    #[test]
    fn a_point_at_100_ms_lands_on_the_100_tick() {
        let a = axis();
        let tick = a
            .ticks()
            .into_iter()
            .find(|t| t.label.as_deref() == Some("100"));
        assert_eq!(tick.map(|t| t.at), Some(a.x(100.0)));
        // Between ticks the scale is logarithmic: 2 ms-decades apart is
        // log10(2) of a decade, not a fifth.
        let decade = a.x(100.0) - a.x(10.0);
        assert!((a.x(20.0) - a.x(10.0) - decade * 2f64.log10()).abs() < 1e-9);
        assert!((a.ms_at(a.x(287.0)) - 287.0).abs() < 1e-6);
        assert_eq!(a.x(1.0), 40.0, "below the axis: clamped to its start");
        assert_eq!(a.x(1e9), 640.0, "beyond it: clamped to its end");
    }

    #[test]
    fn the_axis_fits_whole_decades() {
        let a = LogAxis::fitting(150.0, 513.0, 0.0, 1.0);
        assert_eq!((a.lo, a.hi), (2, 3));
        let a = LogAxis::fitting(100.0, 100.0, 0.0, 1.0);
        assert_eq!((a.lo, a.hi), (2, 3), "at least one decade");
        assert_eq!(
            LogAxis::fitting(0.0, 0.0, 0.0, 1.0),
            LogAxis::fitting(100.0, 1000.0, 0.0, 1.0)
        );
    }

    #[test]
    fn labels() {
        assert_eq!(ms_label(10_000.0), "10,000");
        assert_eq!(ms_label(100_000.0), "100,000");
        assert_eq!(ms_label(1_000.0), "1,000");
        assert_eq!(ms_label(100.0), "100");
        assert_eq!(ms_label(0.1), "0.1");
    }

    #[test]
    fn percent_axis_runs_up() {
        let f = Frame::WIDE;
        assert_eq!(f.y(0.0), f.y1());
        assert_eq!(f.y(1.0), f.y0());
        assert_eq!(f.fraction_at(f.y(0.25)), 0.25);
        let labels: Vec<String> = f
            .percent_ticks()
            .into_iter()
            .filter_map(|t| t.label)
            .collect();
        assert_eq!(labels, ["0%", "25%", "50%", "75%", "100%"]);
    }

    #[test]
    fn steps_rise_at_each_point_and_share_a_rise_at_one_x() {
        let v = step_line(
            &[(10.0, 90.0), (20.0, 80.0), (20.0, 70.0), (30.0, 60.0)],
            100.0,
        );
        assert_eq!(
            v,
            [
                (10.0, 100.0),
                (10.0, 90.0),
                (20.0, 90.0),
                (20.0, 70.0),
                (30.0, 70.0),
                (30.0, 60.0)
            ]
        );
        assert_eq!(svg_points(&v[..2]), "10.0,100.0 10.0,90.0");
        assert!(step_line(&[], 100.0).is_empty());
    }

    /// The glyphs of `text` in the ticks' 11 px font, as a box (left,
    /// top, right, bottom) for its anchor (`anchor_x` at its left,
    /// middle or right, `baseline`): digits and "%" about 0.64 and 0.95 em
    /// wide, 0.73 em tall (DejaVu Sans, the page's font here in Chromium
    /// and Firefox).
    fn glyphs(text: &str, anchor_x: f64, middle: bool, baseline: f64) -> [f64; 4] {
        const EM: f64 = 11.0;
        let width: f64 = text
            .chars()
            .map(|c| if c == '%' { 0.95 } else { 0.64 } * EM)
            .sum();
        let left = match middle {
            true => anchor_x - width / 2.0,
            false => anchor_x - width,
        };
        [left, baseline - 0.73 * EM, left + width, baseline]
    }

    #[test]
    fn the_corner_labels_keep_apart() {
        for f in [Frame::WIDE, Frame::NARROW] {
            let zero = glyphs("0%", f.y_label_x(), false, f.y_label_baseline(f.y1()));
            let ten = glyphs("10", f.x0(), true, f.x_label_y());
            // Apart along one axis or the other, by 3 units (2.7 px on a
            // 375 px phone) at least.
            let apart = (ten[0] - zero[2]).max(ten[1] - zero[3]);
            assert!(apart >= 3.0, "{f:?}: \"0%\" and \"10\" {apart} apart");
            // The labels stay in the drawing: "100%" left of the plot, the
            // time labels above the axis title (baseline 4 up from the
            // bottom, 8 units tall).
            let hundred = glyphs("100%", f.y_label_x(), false, f.y_label_baseline(f.y0()));
            assert!(hundred[0] >= 0.0, "{f:?}: 100% cut off");
            assert!(f.x_label_y() + 3.0 <= f.height - 4.0 - 8.0, "{f:?}");
        }
    }

    #[test]
    fn pointer_pixels_map_to_view_units() {
        let f = Frame::WIDE; // 640 x 300
                             // Drawn at half size: pixels count double.
        assert_eq!(f.to_view(160.0, 75.0, 320.0, 150.0), (320.0, 150.0));
        // A box taller than the aspect: the drawing is centred vertically.
        let (x, y) = f.to_view(320.0, 150.0 + 50.0, 640.0, 400.0);
        assert_eq!((x, y), (320.0, 150.0));
    }
}
