//! Motion the browser runs on its own: each message in flight is one Web
//! Animation from where it leaves its sender to where it reaches its
//! receiver, which the compositor plays without the page. A running frame
//! in which no message is sent or arrives then has nothing of them to
//! draw. The animation is started again (from the simulated time) when the
//! run pauses or plays, the speed changes, the person acts or time
//! travels, or a slow frame lets the simulation fall behind the wall
//! clock: then it shows exactly where the simulation is.

use super::geometry::Point;
use super::scene::{MessageView, NodeView};
use super::speed::MIN_SPEED;
use crate::raft::{Time, MILLIS};

/// One message's flight as the browser animates it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    /// Where the flight starts (the sender's edge), in picture units.
    pub start: Point,
    /// Where it ends (the receiver's edge).
    pub end: Point,
    /// The whole flight in wall milliseconds at the current speed.
    pub duration_ms: f64,
    /// How much of it has passed at the simulation's current time.
    pub elapsed_ms: f64,
    /// Whether it moves on (false: held where the simulation stands).
    pub running: bool,
}

/// The flight of `m` at simulated time `now`, played at `speed`.
pub fn flight(m: &MessageView, now: Time, speed: f64, paused: bool) -> Flight {
    let wall = |t: Time| t as f64 / MILLIS as f64 / speed.max(MIN_SPEED);
    let span = m.deliver_at.saturating_sub(m.sent_at).max(1);
    let elapsed = now.saturating_sub(m.sent_at).min(span);
    Flight {
        start: m.path.0,
        end: m.path.1,
        duration_ms: wall(span),
        elapsed_ms: wall(elapsed),
        running: !paused,
    }
}

impl Flight {
    /// Where the message is drawn `elapsed_ms` into its flight: what the
    /// animation shows then.
    pub fn at(&self, elapsed_ms: f64) -> Point {
        let f = (elapsed_ms / self.duration_ms).clamp(0.0, 1.0);
        Point {
            x: self.start.x + (self.end.x - self.start.x) * f,
            y: self.start.y + (self.end.y - self.start.y) * f,
        }
    }
}

/// How a box the browser moves moves: CSS transforms at offsets (0..=1)
/// of `duration_ms`, started `elapsed_ms` in, held still unless `running`.
/// `ui::motion::Moving` plays it; it is kept as figures and turned into
/// keyframes ([`Motion::keyframes`]) only when it starts.
#[derive(Clone, Debug, PartialEq)]
pub enum Motion {
    /// Not moved: only placed.
    Still,
    /// Translated through points in CSS pixels.
    Through {
        /// (offset, x, y).
        points: Vec<(f64, f64, f64)>,
        /// The whole motion, in wall milliseconds.
        duration_ms: f64,
        /// How far into it it starts.
        elapsed_ms: f64,
        /// Whether it plays on (false: held where it starts).
        running: bool,
    },
    /// Turned through angles in degrees, from its start.
    Turn {
        /// (offset, degrees clockwise).
        degrees: Vec<(f64, f64)>,
        /// The whole motion, in wall milliseconds.
        duration_ms: f64,
        /// Whether it plays on.
        running: bool,
    },
    /// Scaled across through factors, from its start, always playing.
    ScaleX {
        /// (offset, factor).
        factors: Vec<(f64, f64)>,
        /// The whole motion, in wall milliseconds.
        duration_ms: f64,
    },
}

/// A [`Motion`] as the browser's `animate()` takes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Keyframes {
    /// (offset 0..=1, CSS transform), in order.
    pub frames: Vec<(f64, String)>,
    /// The whole animation, in wall milliseconds.
    pub duration_ms: f64,
    /// How far into it the animation starts.
    pub elapsed_ms: f64,
    /// Whether it plays on (false: held at `elapsed_ms`).
    pub running: bool,
}

/// How long an animation holds its last frame before it finishes. Chrome
/// runs a main-thread frame for each animation that finishes, even one
/// the compositor plays, and the page's own frame for the same moment (a
/// message delivered, a timeline step) comes a little after it: two main
/// frames where one would do. Held by a last keyframe instead, an
/// animation is started again by the page before it ever finishes. In a
/// Chrome trace of 5 servers at the default speed this took main frames
/// from 30 to 18.5 a second for the page's 12.5 (README, "Measured
/// figures"). It looks the same as `fill: both` holding the end.
pub const HOLD_MS: f64 = 1000.0;

impl Keyframes {
    /// The same motion, then its last frame held for `hold_ms` more: the
    /// offsets shrink to fit the longer animation, and where it starts
    /// stays the same.
    pub fn held(mut self, hold_ms: f64) -> Keyframes {
        let total = self.duration_ms + hold_ms;
        if !(self.duration_ms > 0.0 && total.is_finite()) {
            return self;
        }
        let Some(last) = self.frames.last().map(|(_, css)| css.clone()) else {
            return self;
        };
        for (offset, _) in &mut self.frames {
            *offset *= self.duration_ms / total;
        }
        self.frames.push((1.0, last));
        self.duration_ms = total;
        self
    }
}

impl Motion {
    /// A message's flight (or a dot's), in picture units (the page draws
    /// messages in a layer of the picture's own units).
    pub fn flight(f: &Flight) -> Self {
        Motion::Through {
            points: vec![(0.0, f.start.x, f.start.y), (1.0, f.end.x, f.end.y)],
            duration_ms: f.duration_ms,
            elapsed_ms: f.elapsed_ms,
            running: f.running,
        }
    }

    /// Its keyframes and timing, held at its end for [`HOLD_MS`] more;
    /// none when it stands still.
    pub fn keyframes(&self) -> Option<Keyframes> {
        self.bare_keyframes().map(|k| k.held(HOLD_MS))
    }

    fn bare_keyframes(&self) -> Option<Keyframes> {
        let n = |x: f64| crate::sim::decimal::fixed(x, 2);
        let each = |frames: &[(f64, f64)], css: &dyn Fn(f64) -> String| {
            frames.iter().map(|&(o, v)| (o, css(v))).collect()
        };
        Some(match self {
            Motion::Still => return None,
            Motion::Through {
                points,
                duration_ms,
                elapsed_ms,
                running,
            } => Keyframes {
                frames: (points.iter())
                    .map(|(o, x, y)| (*o, format!("translate({}px, {}px)", n(*x), n(*y))))
                    .collect(),
                duration_ms: *duration_ms,
                elapsed_ms: *elapsed_ms,
                running: *running,
            },
            Motion::Turn {
                degrees,
                duration_ms,
                running,
            } => Keyframes {
                frames: each(degrees, &|d| format!("rotate({}deg)", n(d))),
                duration_ms: *duration_ms,
                elapsed_ms: 0.0,
                running: *running,
            },
            Motion::ScaleX {
                factors,
                duration_ms,
            } => Keyframes {
                frames: each(factors, &|f| {
                    format!("scaleX({})", crate::sim::decimal::fixed(f, 5))
                }),
                duration_ms: *duration_ms,
                elapsed_ms: 0.0,
                running: true,
            },
        })
    }
}

/// A server's election timer as the browser animates it. Its arc runs
/// clockwise from the top and shrinks back towards the top as the time
/// runs out, evenly; it is drawn as two half rings, each turned about the
/// server's centre inside a clip to one side of it (turning is what the
/// compositor can animate). The right side shows the first half turn of
/// the arc, the left side the rest.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The server's centre.
    pub center: Point,
    /// The arc's radius.
    pub radius: f64,
    /// Wall milliseconds until the timeout fires, at the current speed.
    pub duration_ms: f64,
    /// How far the right side's half ring is turned, degrees clockwise,
    /// over the sweep: (offset 0..=1, degrees).
    pub right: Vec<(f64, f64)>,
    /// The left side's, if the arc reaches past half a turn.
    pub left: Option<Vec<(f64, f64)>>,
    /// Whether it runs on (false: held where the simulation stands).
    pub running: bool,
}

/// Which side of the server a half ring shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The first half turn of the arc, from the top.
    Right,
    /// The second, from the bottom.
    Left,
}

/// The sweep of `n`'s election timer from simulated time `now`, at
/// `speed`; none for a leader or a stopped server.
pub fn sweep(n: &NodeView, now: Time, speed: f64, paused: bool) -> Option<Sweep> {
    let ends = n.timer_ends?;
    let turn = 360.0 * n.timer_left.clamp(0.0, 0.9999);
    if turn <= 0.0 {
        return None;
    }
    let duration_ms = ends.saturating_sub(now) as f64 / MILLIS as f64 / speed.max(MIN_SPEED);
    // The arc passes the bottom (half a turn) at this offset of the sweep.
    let half = 1.0 - 180.0 / turn;
    let (right, left) = if turn > 180.0 {
        let left = vec![(0.0, turn - 180.0), (half, 0.0), (1.0, 0.0)];
        (vec![(0.0, 180.0), (half, 180.0), (1.0, 0.0)], Some(left))
    } else {
        (vec![(0.0, turn), (1.0, 0.0)], None)
    };
    Some(Sweep {
        center: n.center,
        radius: n.radius + 5.0,
        duration_ms: duration_ms.max(1.0),
        right,
        left,
        running: !paused,
    })
}

impl Sweep {
    /// How far one side's half ring is turned at `offset` (0..=1) of the
    /// sweep, in degrees: what the animation shows then.
    pub fn turned(&self, side: Side, offset: f64) -> f64 {
        let frames = match side {
            Side::Right => &self.right,
            Side::Left => match &self.left {
                Some(frames) => frames,
                None => return 0.0,
            },
        };
        let after = frames
            .iter()
            .position(|(o, _)| *o >= offset)
            .unwrap_or(frames.len() - 1);
        if after == 0 {
            return frames[0].1;
        }
        let ((o0, d0), (o1, d1)) = (frames[after - 1], frames[after]);
        let f = if o1 > o0 {
            (offset - o0) / (o1 - o0)
        } else {
            1.0
        };
        d0 + (d1 - d0) * f.clamp(0.0, 1.0)
    }

    /// The square around the ring, with room for its stroke: left, top and
    /// side, in the picture's units. Each half ring is drawn in one, so the
    /// browser composites small boxes, not the whole picture.
    pub fn ring_box(&self) -> (f64, f64, f64) {
        let half = self.radius + RING_PAD;
        (self.center.x - half, self.center.y - half, 2.0 * half)
    }

    /// The clip that shows one side of the ring (left, top, width, height
    /// in the picture's units), and where the ring's box sits in it (its
    /// left edge, from the clip's).
    pub fn side_box(&self, side: Side) -> ([f64; 4], f64) {
        let (x, y, size) = self.ring_box();
        let half = size / 2.0;
        match side {
            Side::Left => ([x, y, half, size], 0.0),
            Side::Right => ([self.center.x, y, half, size], -half),
        }
    }

    /// One side's half ring, unturned: the right side's lies over the
    /// left half and ends at the top (turning it clockwise brings its end
    /// into view); the left side's lies over the right half and ends at
    /// the bottom. An SVG path.
    pub fn half_ring(&self, side: Side) -> String {
        let (c, r) = (self.center, self.radius);
        let n = |x: f64| crate::sim::decimal::fixed(x, 2);
        let (top, bottom) = (c.y - r, c.y + r);
        let (from, to) = match side {
            Side::Right => (bottom, top),
            Side::Left => (top, bottom),
        };
        format!(
            "M {x} {} A {r} {r} 0 0 1 {x} {}",
            n(from),
            n(to),
            x = n(c.x),
            r = n(r)
        )
    }
}

/// Room around a timer's ring for its stroke and rounded end.
const RING_PAD: f64 = 3.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::playground::Playground;
    use crate::view::speed::DEFAULT_SPEED;

    /// A playground a little into its run, with a message that has more
    /// than two simulated milliseconds of its flight left.
    fn running() -> (Playground, MessageView) {
        let mut p = Playground::new(3, 5).expect("a playground");
        loop {
            p.skip(1);
            let now = p.sim.now();
            let far = p
                .scene
                .messages
                .iter()
                .find(|m| m.deliver_at > now + 3 * MILLIS);
            if let Some(m) = far.filter(|_| now > 400 * MILLIS) {
                return (p.clone(), m.clone());
            }
        }
    }

    fn close(a: Point, b: Point) -> bool {
        (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6
    }

    #[test]
    fn the_animation_shows_each_message_where_the_picture_puts_it() {
        let (p, _) = running();
        let now = p.sim.now();
        for m in &p.scene.messages {
            let f = flight(m, now, DEFAULT_SPEED, false);
            assert!(close(f.at(f.elapsed_ms), m.at), "message {} now", m.id);
            assert!(close(f.at(0.0), m.path.0) && close(f.at(f.duration_ms), m.path.1));
        }
    }

    #[test]
    fn the_animation_keeps_pace_with_the_simulation() {
        let (mut p, m) = running();
        let f = flight(&m, p.sim.now(), DEFAULT_SPEED, false);
        // Two simulated milliseconds later the simulation draws the message
        // where the animation is two milliseconds of it (60 wall ms) on.
        p.skip(2);
        let later = p.scene.messages.iter().find(|x| x.id == m.id);
        let later = later.expect("still in flight two milliseconds on");
        assert!(close(later.at, f.at(f.elapsed_ms + 2.0 / DEFAULT_SPEED)));
        let twice = flight(&m, m.sent_at, 2.0 * DEFAULT_SPEED, false);
        assert!(
            (twice.duration_ms * 2.0 - f.duration_ms).abs() < 1e-6,
            "twice as fast, half as long"
        );
    }

    #[test]
    fn keyframes_are_transforms_in_picture_units() {
        let f = Flight {
            start: Point { x: 10.0, y: 20.5 },
            end: Point { x: 300.25, y: 4.0 },
            duration_ms: 100.0,
            elapsed_ms: 0.0,
            running: true,
        };
        let frames = Motion::flight(&f).bare_keyframes().expect("a flight moves");
        assert_eq!(
            frames.frames,
            [
                (0.0, "translate(10.00px, 20.50px)".to_string()),
                (1.0, "translate(300.25px, 4.00px)".to_string())
            ]
        );
        assert_eq!((frames.duration_ms, frames.running), (100.0, true));
        assert_eq!(Motion::Still.keyframes(), None);
        assert!(!flight(&running().1, 0, 1.0, true).running);
    }

    /// Held at its end, a motion moves the same way in the same time, then
    /// stands on its last frame instead of finishing; where it starts,
    /// and whether it runs, are kept.
    #[test]
    fn a_motion_holds_its_last_frame_instead_of_finishing() {
        let f = Flight {
            start: Point { x: 0.0, y: 0.0 },
            end: Point { x: 100.0, y: 0.0 },
            duration_ms: 250.0,
            elapsed_ms: 40.0,
            running: true,
        };
        let bare = Motion::flight(&f).bare_keyframes().unwrap();
        let held = Motion::flight(&f).keyframes().unwrap();
        assert_eq!(held, bare.clone().held(HOLD_MS));
        assert_eq!(held.duration_ms, 250.0 + HOLD_MS);
        assert_eq!((held.elapsed_ms, held.running), (40.0, true));
        // The same frames at the same wall times, then the end held.
        let at_ms = |k: &Keyframes| -> Vec<(f64, String)> {
            let ms = |(o, css): &(f64, String)| ((o * k.duration_ms).round(), css.clone());
            k.frames.iter().map(ms).collect()
        };
        let mut expected = at_ms(&bare);
        expected.push((250.0 + HOLD_MS, "translate(100.00px, 0.00px)".into()));
        assert_eq!(at_ms(&held), expected);
        // Nothing to stretch: an empty or zero-length motion is left as is.
        let still = Keyframes {
            frames: vec![(0.0, "none".into())],
            duration_ms: 0.0,
            elapsed_ms: 0.0,
            running: false,
        };
        assert_eq!(still.clone().held(HOLD_MS), still);
    }

    /// The two halves together show as much of a turn as the timer has
    /// left, at every moment of the sweep, and the simulation agrees.
    #[test]
    fn the_halves_show_the_time_left() {
        let (mut p, _) = running();
        let now = p.sim.now();
        let long = |p: &Playground| {
            let n = p.scene.nodes.iter().filter(|n| n.timer_ends.is_some());
            n.max_by(|a, b| a.timer_left.total_cmp(&b.timer_left))
                .cloned()
        };
        let n = long(&p).expect("a follower");
        let s = sweep(&n, now, DEFAULT_SPEED, false).expect("its timer runs");
        let shown = |offset: f64| s.turned(Side::Right, offset) + s.turned(Side::Left, offset);
        for i in 0..=20 {
            let offset = i as f64 / 20.0;
            let expected = 360.0 * n.timer_left.min(0.9999) * (1.0 - offset);
            assert!(
                (shown(offset) - expected).abs() < 1e-6,
                "at {offset}: {} of {expected}",
                shown(offset)
            );
            assert!(
                s.turned(Side::Right, offset) <= 180.0 && s.turned(Side::Left, offset) <= 180.0
            );
        }
        // Two simulated milliseconds on, the picture's own timer agrees.
        p.skip(2);
        let later = p.scene.nodes.iter().find(|m| m.id == n.id).unwrap();
        if later.timer_ends == n.timer_ends {
            let offset = 2.0 / DEFAULT_SPEED / s.duration_ms;
            assert!((shown(offset) - 360.0 * later.timer_left).abs() < 1e-6);
        }
    }

    #[test]
    fn a_short_timer_needs_only_the_right_half_and_a_leader_none() {
        let (p, _) = running();
        let mut n = p.scene.nodes[0].clone();
        n.timer_left = 0.25;
        n.timer_ends = Some(p.sim.now() + 50 * MILLIS);
        let s = sweep(&n, p.sim.now(), 1.0, true).unwrap();
        assert_eq!(
            (s.right.clone(), s.left.clone()),
            (vec![(0.0, 90.0), (1.0, 0.0)], None)
        );
        assert!((s.duration_ms - 50.0).abs() < 1e-9 && !s.running);
        n.timer_ends = None;
        assert_eq!(sweep(&n, p.sim.now(), 1.0, false), None);
    }

    #[test]
    fn the_halves_turn_about_the_server() {
        let s = Sweep {
            center: Point { x: 200.0, y: 75.0 },
            radius: 35.0,
            duration_ms: 1.0,
            right: vec![],
            left: None,
            running: true,
        };
        let turn = Motion::Turn {
            degrees: vec![(0.0, 90.0), (1.0, 0.0)],
            duration_ms: s.duration_ms,
            running: s.running,
        };
        let frames = turn.bare_keyframes().expect("a timer turns").frames;
        assert_eq!(frames[0], (0.0, "rotate(90.00deg)".to_string()));
        assert_eq!(frames[1], (1.0, "rotate(0.00deg)".to_string()));
        assert_eq!(
            s.half_ring(Side::Right),
            "M 200.00 110.00 A 35.00 35.00 0 0 1 200.00 40.00"
        );
        // A box of 76 around the centre, its halves either side of it.
        assert_eq!(s.ring_box(), (162.0, 37.0, 76.0));
        assert_eq!(s.side_box(Side::Left), ([162.0, 37.0, 38.0, 76.0], 0.0));
        assert_eq!(s.side_box(Side::Right), ([200.0, 37.0, 38.0, 76.0], -38.0));
    }
}
