//! Motion the browser runs on its own: each message in flight is one Web
//! Animation from where it leaves its sender to where it reaches its
//! receiver, which the compositor plays without the page. A running frame
//! in which no message is sent or arrives then has nothing of them to
//! draw. The animation is started again (from the simulated time) when the
//! run pauses or plays, the speed changes, the person acts or time
//! travels, or a slow frame lets the simulation fall behind the wall
//! clock: then it shows exactly where the simulation is.

use super::geometry::Point;
use super::scene::MessageView;
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

    /// The animation's two keyframes: CSS transforms in picture units (the
    /// page draws messages in a layer of the picture's own units).
    pub fn keyframes(&self) -> [String; 2] {
        [translate(self.start), translate(self.end)]
    }
}

fn translate(p: Point) -> String {
    let n = |x: f64| crate::sim::decimal::fixed(x, 2);
    format!("translate({}px, {}px)", n(p.x), n(p.y))
}

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
        assert_eq!(
            f.keyframes(),
            [
                "translate(10.00px, 20.50px)".to_string(),
                "translate(300.25px, 4.00px)".to_string()
            ]
        );
        assert!(!flight(&running().1, 0, 1.0, true).running);
    }
}
