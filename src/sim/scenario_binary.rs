//! Scenarios in a few bytes, for links (`#z=` in the playground's URL): the
//! JSON format spells every field name, so a link to a short run was over a
//! kilobyte. The layout is documented byte by byte in docs/scenario-format.md
//! ("Links"). Numbers are LEB128 varints, times mostly whole milliseconds,
//! defaults cost one flag byte, and the decoder trusts nothing it reads.

use super::action::Action;
use super::json_read::MAX_INPUT;
use super::network::NetworkConfig;
use super::scenario::{Scenario, MAX_ACTIONS, MAX_TEXT};
use crate::raft::{NodeId, Op, Time, Timing, MILLIS};

/// The first byte of every encoding; another layout gets another number.
pub const FORMAT: u8 = 1;

/// The playground's timing (`view::playground::playground_config`): most
/// links come from there, so it is a preset like `Timing::default()`.
const PLAYGROUND_TIMING: Timing = Timing {
    election_timeout_min: 100 * MILLIS,
    election_timeout_max: 200 * MILLIS,
    heartbeat_interval: 50 * MILLIS,
};
/// Timing flag: the fields not given are the playground's, not the defaults.
const PLAYGROUND_BIT: u8 = 0x08;

/// A fraction that is a whole number of ten-thousandths (0.03, 0.25) is
/// stored as that number; `RAW_FRACTION` says the f64's bits follow.
const FRACTION_SCALE: f64 = 10_000.0;
const RAW_FRACTION: u64 = 10_001;

// One byte per action kind; a client request's operation is in its tag.
const STOP: u8 = 1;
const RESUME: u8 = 2;
const RESUME_ALL: u8 = 3;
const RESTART: u8 = 4;
const TIMEOUT: u8 = 5;
const PARTITION: u8 = 6;
const HEAL: u8 = 7;
const CUT: u8 = 8;
const RESTORE: u8 = 9;
const DROP: u8 = 10;
const CLIENT_READ: u8 = 11;
const CLIENT_WRITE: u8 = 12;
const CLIENT_CAS: u8 = 13;
const NETWORK: u8 = 14;
const ALIGN_TIMERS: u8 = 15;
const SPREAD_TIMERS: u8 = 16;

/// The bytes for `scenario`. Every scenario that validates comes back equal,
/// bit for bit (actions must be in time order, as `validate` demands).
pub fn to_bytes(scenario: &Scenario) -> Vec<u8> {
    let mut out = vec![FORMAT];
    put(&mut out, scenario.seed);
    put(&mut out, scenario.nodes);
    put_time(&mut out, scenario.duration);
    put_time(&mut out, scenario.client_timeout);
    put_timing(&mut out, &scenario.timing);
    put_network(&mut out, &scenario.network);
    put(&mut out, scenario.actions.len() as u64);
    let mut previous = 0;
    for (at, action) in &scenario.actions {
        put_time(&mut out, at.saturating_sub(previous));
        previous = previous.max(*at);
        put_action(&mut out, action);
    }
    out
}

/// Reads and validates a scenario (`Scenario::validate`, as for JSON).
pub fn from_bytes(bytes: &[u8]) -> Result<Scenario, String> {
    let scenario = from_bytes_unvalidated(bytes)?;
    scenario.validate()?;
    Ok(scenario)
}

/// Reads the structure only; the caller must `validate` the result. Errors
/// say what is wrong and at which byte.
pub fn from_bytes_unvalidated(bytes: &[u8]) -> Result<Scenario, String> {
    // The same cap as a JSON file: what a link decodes to stays small.
    if bytes.len() > MAX_INPUT {
        return Err(format!(
            "it is {} bytes; at most {MAX_INPUT} are accepted",
            bytes.len()
        ));
    }
    let mut r = Reader { bytes, at: 0 };
    let format = r.byte("format byte")?;
    if format != FORMAT {
        return Err(format!(
            "format {format} is not supported: this build reads format {FORMAT}"
        ));
    }
    let mut scenario = Scenario {
        seed: r.varint("seed")?,
        nodes: r.varint("node count")?,
        duration: r.time("duration")?,
        client_timeout: r.time("client timeout")?,
        timing: r.timing()?,
        network: r.network()?,
        actions: Vec::new(),
    };
    // Every action takes at least two bytes: its time and its tag.
    let count = r.count("action", MAX_ACTIONS, 2)?;
    scenario.actions.reserve(count);
    let mut at: Time = 0;
    for _ in 0..count {
        let delta_at = r.at;
        at = at
            .checked_add(r.time("action time")?)
            .ok_or_else(|| format!("action time too large at byte {delta_at}"))?;
        scenario.actions.push((at, r.action()?));
    }
    if r.left() > 0 {
        return Err(format!(
            "unexpected data after the last action, at byte {} ({} bytes)",
            r.at,
            r.left()
        ));
    }
    Ok(scenario)
}

/// LEB128: seven bits a byte, low bits first, high bit set on all but the
/// last byte.
fn put(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Times are mostly whole milliseconds: those are stored in milliseconds,
/// and the low bit says which unit. (Times from 2^63 µs, never valid, are
/// clamped rather than wrapped.)
fn put_time(out: &mut Vec<u8>, t: Time) {
    if t.is_multiple_of(MILLIS) {
        put(out, t / MILLIS * 2);
    } else {
        put(out, t.saturating_mul(2) | 1);
    }
}

/// Exact or not at all: the trace hash depends on every bit of a fraction,
/// so the short form is used only if decoding it gives back the same bits
/// (not for -0.0, NaN, 0.1 + 0.2, ...).
fn put_fraction(out: &mut Vec<u8>, x: f64) {
    let q = (x * FRACTION_SCALE).round() as u64;
    if q <= FRACTION_SCALE as u64 && (q as f64 / FRACTION_SCALE).to_bits() == x.to_bits() {
        put(out, q);
    } else {
        put(out, RAW_FRACTION);
        out.extend_from_slice(&x.to_bits().to_le_bytes());
    }
}

fn put_text(out: &mut Vec<u8>, s: &str) {
    put(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Presence bits, bit `i` for field `i`.
fn mask(present: &[bool]) -> u8 {
    present
        .iter()
        .enumerate()
        .filter(|(_, &p)| p)
        .fold(0, |m, (i, _)| m | 1 << i)
}

fn timing_fields(t: &Timing) -> [Time; 3] {
    [
        t.election_timeout_min,
        t.election_timeout_max,
        t.heartbeat_interval,
    ]
}

/// A flag byte naming the preset that needs fewer fields, then the fields
/// that differ from it.
fn put_timing(out: &mut Vec<u8>, timing: &Timing) {
    let values = timing_fields(timing);
    let differ = |preset: &Timing| {
        let preset = timing_fields(preset);
        [0, 1, 2].map(|i| values[i] != preset[i])
    };
    let ones = |present: &[bool; 3]| present.iter().filter(|&&p| p).count();
    let (mut present, mut flags) = (differ(&Timing::default()), 0);
    let playground = differ(&PLAYGROUND_TIMING);
    if ones(&playground) < ones(&present) {
        (present, flags) = (playground, PLAYGROUND_BIT);
    }
    out.push(flags | mask(&present));
    for (value, present) in values.iter().zip(present) {
        if present {
            put_time(out, *value);
        }
    }
}

/// A flag byte, then the fields that differ from `NetworkConfig::default()`.
fn put_network(out: &mut Vec<u8>, n: &NetworkConfig) {
    let d = NetworkConfig::default();
    let present = [
        n.latency_min != d.latency_min,
        n.latency_max != d.latency_max,
        n.loss.to_bits() != d.loss.to_bits(),
        n.duplication.to_bits() != d.duplication.to_bits(),
    ];
    out.push(mask(&present));
    if present[0] {
        put_time(out, n.latency_min);
    }
    if present[1] {
        put_time(out, n.latency_max);
    }
    if present[2] {
        put_fraction(out, n.loss);
    }
    if present[3] {
        put_fraction(out, n.duplication);
    }
}

fn tag(action: &Action) -> u8 {
    match action {
        Action::Stop(_) => STOP,
        Action::Resume(_) => RESUME,
        Action::ResumeAll => RESUME_ALL,
        Action::Restart(_) => RESTART,
        Action::ForceTimeout(_) => TIMEOUT,
        Action::Partition(_) => PARTITION,
        Action::Heal => HEAL,
        Action::CutLink { .. } => CUT,
        Action::RestoreLink { .. } => RESTORE,
        Action::DropMessage(_) => DROP,
        Action::ClientRequest { op, .. } => match op {
            Op::Read { .. } => CLIENT_READ,
            Op::Write { .. } => CLIENT_WRITE,
            Op::Cas { .. } => CLIENT_CAS,
        },
        Action::SetNetwork(_) => NETWORK,
        Action::AlignTimers => ALIGN_TIMERS,
        Action::SpreadTimers => SPREAD_TIMERS,
    }
}

fn put_action(out: &mut Vec<u8>, action: &Action) {
    out.push(tag(action));
    match action {
        Action::Stop(n)
        | Action::Resume(n)
        | Action::Restart(n)
        | Action::ForceTimeout(n)
        | Action::DropMessage(n) => put(out, *n),
        Action::CutLink { from, to } | Action::RestoreLink { from, to } => {
            put(out, *from);
            put(out, *to);
        }
        Action::Partition(groups) => {
            put(out, groups.len() as u64);
            for group in groups {
                put(out, group.len() as u64);
                group.iter().for_each(|n| put(out, *n));
            }
        }
        Action::SetNetwork(network) => put_network(out, network),
        Action::ClientRequest { to, op } => {
            // 0 is "the believed leader", so node n is n + 1.
            put(out, to.map_or(0, |n| n.saturating_add(1)));
            match op {
                Op::Read { key } => put_text(out, key),
                Op::Write { key, value } => [key, value].iter().for_each(|s| put_text(out, s)),
                Op::Cas { key, from, to } => [key, from, to].iter().for_each(|s| put_text(out, s)),
            }
        }
        Action::ResumeAll | Action::Heal | Action::AlignTimers | Action::SpreadTimers => {}
    }
}

/// A cursor over untrusted bytes: every read is bounds-checked and every
/// error names what was being read and where.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn byte(&mut self, what: &str) -> Result<u8, String> {
        let byte = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| format!("it ends at byte {} where the {what} should be", self.at))?;
        self.at += 1;
        Ok(byte)
    }

    fn varint(&mut self, what: &str) -> Result<u64, String> {
        let start = self.at;
        let mut value = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte(what)?;
            // The tenth byte holds bit 63 only.
            if shift == 63 && byte > 1 {
                break;
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!("the {what} at byte {start} is too large"))
    }

    fn time(&mut self, what: &str) -> Result<Time, String> {
        let start = self.at;
        let code = self.varint(what)?;
        if code & 1 == 1 {
            return Ok(code >> 1);
        }
        (code >> 1)
            .checked_mul(MILLIS)
            .ok_or_else(|| format!("the {what} at byte {start} is too large"))
    }

    /// A count of items that take at least `min_bytes` each: checked against
    /// the bytes left before anything is allocated for them.
    fn count(&mut self, what: &str, max: usize, min_bytes: usize) -> Result<usize, String> {
        let start = self.at;
        let n = self.varint(what)?;
        if n > max as u64 {
            return Err(format!(
                "{n} {what}s declared at byte {start}; at most {max} are accepted"
            ));
        }
        if n > (self.left() / min_bytes) as u64 {
            return Err(format!(
                "{n} {what}s declared at byte {start}, but only {} bytes follow",
                self.left()
            ));
        }
        Ok(n as usize)
    }

    fn text(&mut self) -> Result<String, String> {
        let start = self.at;
        let len = self.count("string byte", MAX_TEXT, 1)?;
        let bytes = self.bytes[self.at..self.at + len].to_vec();
        self.at += len;
        String::from_utf8(bytes).map_err(|_| format!("the string at byte {start} is not UTF-8"))
    }

    fn fraction(&mut self) -> Result<f64, String> {
        let start = self.at;
        match self.varint("fraction")? {
            q if q <= FRACTION_SCALE as u64 => Ok(q as f64 / FRACTION_SCALE),
            RAW_FRACTION => {
                let raw = self.bytes.get(self.at..self.at + 8).ok_or_else(|| {
                    format!("it ends inside the fraction that starts at byte {start}")
                })?;
                self.at += 8;
                let mut bits = [0; 8];
                bits.copy_from_slice(raw);
                Ok(f64::from_bits(u64::from_le_bytes(bits)))
            }
            q => Err(format!("unknown fraction code {q} at byte {start}")),
        }
    }

    /// A flag byte, refusing flags this build does not know.
    fn flags(&mut self, what: &str, known: u8) -> Result<u8, String> {
        let start = self.at;
        match self.byte(what)? {
            flags if flags & !known == 0 => Ok(flags),
            flags => Err(format!("unknown {what} {flags:#04x} at byte {start}")),
        }
    }

    fn timing(&mut self) -> Result<Timing, String> {
        let flags = self.flags("timing flags", 0x07 | PLAYGROUND_BIT)?;
        let preset = if flags & PLAYGROUND_BIT != 0 {
            PLAYGROUND_TIMING
        } else {
            Timing::default()
        };
        let mut values = timing_fields(&preset);
        for (i, value) in values.iter_mut().enumerate() {
            if flags & 1 << i != 0 {
                *value = self.time("timing")?;
            }
        }
        Ok(Timing {
            election_timeout_min: values[0],
            election_timeout_max: values[1],
            heartbeat_interval: values[2],
        })
    }

    fn network(&mut self) -> Result<NetworkConfig, String> {
        let flags = self.flags("network flags", 0x0f)?;
        let mut n = NetworkConfig::default();
        if flags & 1 != 0 {
            n.latency_min = self.time("latency")?;
        }
        if flags & 2 != 0 {
            n.latency_max = self.time("latency")?;
        }
        if flags & 4 != 0 {
            n.loss = self.fraction()?;
        }
        if flags & 8 != 0 {
            n.duplication = self.fraction()?;
        }
        Ok(n)
    }

    fn action(&mut self) -> Result<Action, String> {
        let start = self.at;
        Ok(match self.byte("action tag")? {
            STOP => Action::Stop(self.varint("node")?),
            RESUME => Action::Resume(self.varint("node")?),
            RESUME_ALL => Action::ResumeAll,
            RESTART => Action::Restart(self.varint("node")?),
            TIMEOUT => Action::ForceTimeout(self.varint("node")?),
            PARTITION => Action::Partition(self.groups()?),
            HEAL => Action::Heal,
            CUT => Action::CutLink {
                from: self.varint("node")?,
                to: self.varint("node")?,
            },
            RESTORE => Action::RestoreLink {
                from: self.varint("node")?,
                to: self.varint("node")?,
            },
            DROP => Action::DropMessage(self.varint("message id")?),
            tag @ (CLIENT_READ | CLIENT_WRITE | CLIENT_CAS) => self.client(tag)?,
            NETWORK => Action::SetNetwork(self.network()?),
            ALIGN_TIMERS => Action::AlignTimers,
            SPREAD_TIMERS => Action::SpreadTimers,
            tag => return Err(format!("unknown action tag {tag} at byte {start}")),
        })
    }

    fn groups(&mut self) -> Result<Vec<Vec<NodeId>>, String> {
        let count = self.count("partition group", usize::MAX, 1)?;
        let mut groups = Vec::new();
        for _ in 0..count {
            let len = self.count("node", usize::MAX, 1)?;
            let group: Result<Vec<NodeId>, String> =
                (0..len).map(|_| self.varint("node")).collect();
            groups.push(group?);
        }
        Ok(groups)
    }

    fn client(&mut self, tag: u8) -> Result<Action, String> {
        let to = self.varint("node")?.checked_sub(1);
        let key = self.text()?;
        let op = match tag {
            CLIENT_READ => Op::Read { key },
            CLIENT_WRITE => Op::Write {
                key,
                value: self.text()?,
            },
            _ => Op::Cas {
                key,
                from: self.text()?,
                to: self.text()?,
            },
        };
        Ok(Action::ClientRequest { to, op })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Rng, SECONDS};

    fn scenario(actions: Vec<(Time, Action)>) -> Scenario {
        Scenario {
            seed: 7,
            nodes: 5,
            timing: Timing::default(),
            network: NetworkConfig::default(),
            duration: 10 * SECONDS,
            client_timeout: SECONDS,
            actions,
        }
    }

    /// One of every action and operation, odd times and fractions that
    /// need their raw bits.
    fn every_action() -> Scenario {
        let client = |to, op| Action::ClientRequest { to, op };
        let text = |s: &str| s.to_string();
        let actions = vec![
            Action::Stop(1),
            Action::Resume(1),
            Action::ResumeAll,
            Action::Restart(2),
            Action::ForceTimeout(3),
            Action::Partition(vec![vec![1, 2], vec![], vec![3, 4, 5, 5]]),
            Action::Heal,
            Action::CutLink { from: 4, to: 5 },
            Action::RestoreLink { from: 5, to: 4 },
            Action::DropMessage(123_456_789),
            client(None, Op::Read { key: text("k") }),
            client(
                Some(5),
                Op::Write {
                    key: text("msg"),
                    value: text("h\u{e9} \"\u{65e5}\u{672c}\" \u{0}"),
                },
            ),
            client(
                Some(1),
                Op::Cas {
                    key: text(""),
                    from: text("1"),
                    to: "x".repeat(MAX_TEXT),
                },
            ),
            Action::SetNetwork(NetworkConfig {
                latency_min: 1,
                latency_max: 60 * SECONDS,
                loss: 0.1 + 0.2,
                duplication: -0.0,
            }),
            Action::SetNetwork(NetworkConfig {
                loss: 0.03,
                duplication: 1.0,
                ..NetworkConfig::default()
            }),
            Action::AlignTimers,
            Action::SpreadTimers,
        ];
        let times = (0..).map(|i| i * 333_333 + i % 2);
        let mut s = scenario(times.zip(actions).collect());
        s.actions.push((s.actions[16].0, Action::Heal));
        s.network.loss = 1e-300;
        s.timing.heartbeat_interval = 1;
        s
    }

    fn round_trip(s: &Scenario) {
        let bytes = to_bytes(s);
        let back = from_bytes(&bytes).unwrap();
        assert_eq!(&back, s);
        // Equal bytes again: every f64 bit survived, -0.0 included.
        assert_eq!(to_bytes(&back), bytes);
    }

    /// The example in docs/scenario-format.md, "Links".
    #[test]
    fn the_documented_example() {
        let mut s = scenario(vec![(4 * SECONDS, Action::Heal)]);
        (s.duration, s.client_timeout) = (6 * SECONDS, 5 * SECONDS);
        let documented = [1, 7, 5, 0xe0, 0x5d, 0x90, 0x4e, 0, 0, 1, 0xc0, 0x3e, 7];
        assert_eq!(to_bytes(&s), documented);
        assert_eq!(from_bytes(&documented), Ok(s));
    }

    #[test]
    fn every_action_round_trips_exactly() {
        let s = every_action();
        let tags: Vec<u8> = s.actions.iter().map(|(_, a)| tag(a)).collect();
        assert!((STOP..=SPREAD_TIMERS).all(|t| tags.contains(&t)));
        round_trip(&s);
    }

    /// A time: whole milliseconds half the time, since those are encoded
    /// differently.
    fn time(rng: &mut Rng, max: Time) -> Time {
        match rng.index(2) {
            0 => rng.range_inclusive(0, max / MILLIS) * MILLIS,
            _ => rng.range_inclusive(0, max),
        }
    }

    fn fraction(rng: &mut Rng) -> f64 {
        match rng.index(4) {
            0 => 0.0,
            1 => rng.range_inclusive(0, 10_000) as f64 / 10_000.0,
            2 => rng.range_inclusive(0, 100) as f64 / 100.0,
            _ => (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64,
        }
    }

    fn network(rng: &mut Rng) -> NetworkConfig {
        if rng.index(3) == 0 {
            return NetworkConfig::default();
        }
        let latency_max = time(rng, 60 * SECONDS);
        NetworkConfig {
            latency_min: rng.range_inclusive(0, latency_max),
            latency_max,
            loss: fraction(rng),
            duplication: fraction(rng),
        }
    }

    fn text(rng: &mut Rng) -> String {
        let chars = [
            'a',
            'z',
            '0',
            ' ',
            '"',
            '\\',
            '\u{e9}',
            '\u{65e5}',
            '\u{1f980}',
            '\n',
        ];
        let len = rng.range_inclusive(0, 12);
        (0..len).map(|_| chars[rng.index(chars.len())]).collect()
    }

    fn action(rng: &mut Rng, nodes: u64) -> Action {
        let mut node = || rng.range_inclusive(1, nodes);
        let (a, b) = (node(), node());
        let b = if a == b { a % nodes + 1 } else { b };
        match rng.index(16) {
            0 => Action::Stop(a),
            1 => Action::Resume(a),
            2 => Action::ResumeAll,
            3 => Action::Restart(a),
            4 => Action::ForceTimeout(a),
            5 => {
                let groups = rng.range_inclusive(0, 4);
                let mut group = || {
                    (0..rng.range_inclusive(0, 4))
                        .map(|_| rng.range_inclusive(1, nodes))
                        .collect()
                };
                Action::Partition((0..groups).map(|_| group()).collect())
            }
            6 => Action::Heal,
            7 => Action::CutLink { from: a, to: b },
            8 => Action::RestoreLink { from: a, to: b },
            9 => Action::DropMessage(rng.next_u64() >> 20),
            10 => Action::SetNetwork(network(rng)),
            11 => Action::AlignTimers,
            12 => Action::SpreadTimers,
            kind => {
                let to = (rng.index(2) == 0).then_some(a);
                let key = text(rng);
                let op = match kind {
                    13 => Op::Read { key },
                    14 => Op::Write {
                        key,
                        value: text(rng),
                    },
                    _ => Op::Cas {
                        key,
                        from: text(rng),
                        to: text(rng),
                    },
                };
                Action::ClientRequest { to, op }
            }
        }
    }

    /// A valid scenario whose actions are at most `step` apart.
    fn random_scenario(rng: &mut Rng, step: Time) -> Scenario {
        let nodes = rng.range_inclusive(2, 9);
        let timing = match rng.index(3) {
            0 => Timing::default(),
            1 => PLAYGROUND_TIMING,
            _ => {
                let max = time(rng, 60 * SECONDS).max(2);
                let min = rng.range_inclusive(2, max);
                let heartbeat_interval = rng.range_inclusive(1, min - 1);
                Timing {
                    election_timeout_min: min,
                    election_timeout_max: max,
                    heartbeat_interval,
                }
            }
        };
        let mut at = 0;
        let actions = (0..rng.range_inclusive(0, 30))
            .map(|_| {
                at += time(rng, step);
                (at, action(rng, nodes))
            })
            .collect();
        let s = Scenario {
            seed: rng.next_u64() >> rng.range_inclusive(12, 63),
            nodes,
            timing,
            network: network(rng),
            duration: at + time(rng, step),
            client_timeout: time(rng, 3600 * SECONDS).max(1),
            actions,
        };
        assert_eq!(s.validate(), Ok(()), "{s:?}");
        s
    }

    #[test]
    fn random_scenarios_round_trip_and_replay_to_the_same_hash() {
        let mut rng = Rng::new(11);
        for _ in 0..500 {
            round_trip(&random_scenario(&mut rng, 40 * 60 * SECONDS));
        }
        for _ in 0..6 {
            let s = random_scenario(&mut rng, 100 * MILLIS);
            let back = from_bytes(&to_bytes(&s)).unwrap();
            let (a, b) = (s.run().unwrap(), back.run().unwrap());
            assert_eq!(a.trace_hash(), b.trace_hash());
        }
    }

    #[test]
    fn fractions_keep_every_bit() {
        let mut rng = Rng::new(3);
        let mut values = vec![
            0.0,
            -0.0,
            1.0,
            0.03,
            0.1,
            0.25,
            1e-4,
            5e-324,
            f64::NAN,
            -1.0,
        ];
        values.extend((0..2_000).map(|_| fraction(&mut rng)));
        for x in values {
            let mut s = scenario(Vec::new());
            s.network.loss = x;
            let back = from_bytes_unvalidated(&to_bytes(&s)).unwrap();
            assert_eq!(back.network.loss.to_bits(), x.to_bits(), "{x}");
        }
        // Ten-thousandths take at most two bytes, anything else ten.
        let size = |x| {
            let mut bytes = Vec::new();
            put_fraction(&mut bytes, x);
            bytes.len()
        };
        assert_eq!([size(0.03), size(0.5), size(0.1 + 0.2)], [2, 2, 10]);
    }

    #[test]
    fn defaults_and_the_playground_settings_cost_a_byte_each() {
        let playground = crate::view::playground::playground_config(1, 5);
        assert_eq!(playground.timing, PLAYGROUND_TIMING);
        let mut s = scenario(Vec::new());
        let plain = to_bytes(&s);
        s.timing = playground.timing;
        s.network = playground.network;
        let bytes = to_bytes(&s);
        assert_eq!(bytes.len(), plain.len());
        // format, seed, nodes, 10 s (3), 1 s (2), timing, network, no actions
        assert_eq!(bytes.len(), 11);
        assert_eq!(bytes[8..], [PLAYGROUND_BIT, 0, 0]);
    }

    /// The bytes of `scenario(vec![])` without the action count.
    fn header() -> Vec<u8> {
        let mut bytes = to_bytes(&scenario(Vec::new()));
        bytes.pop();
        bytes
    }

    fn error(bytes: &[u8]) -> String {
        from_bytes(bytes).unwrap_err()
    }

    #[test]
    fn unknown_formats_tags_and_flags_say_what_and_where() {
        let h = header();
        let with = |tail: &[u8]| [h.as_slice(), tail].concat();
        let cases = [
            (
                vec![],
                "it ends at byte 0 where the format byte should be".to_string(),
            ),
            (
                vec![9, 1, 2],
                "format 9 is not supported: this build reads format 1".into(),
            ),
            (
                with(&[1, 0, 42]),
                format!("unknown action tag 42 at byte {}", h.len() + 2),
            ),
            (
                with(&[0, 0]),
                format!(
                    "unexpected data after the last action, at byte {}",
                    h.len() + 1
                ),
            ),
            (with(&[1, 0, STOP]), "where the node should be".into()),
            (
                with(&[1, 0, NETWORK, 4, 0xff, 0x7f]),
                "unknown fraction code 16383".into(),
            ),
            (
                with(&[1, 0, NETWORK, 0x10]),
                "unknown network flags 0x10".into(),
            ),
            (
                with(&[1, 0, NETWORK, 4, 0x91, 0x4e, 1, 2]),
                "it ends inside the fraction".into(),
            ),
            (
                with(&[1, 0, CLIENT_READ, 0, 2, 0xff, 0xfe]),
                "is not UTF-8".into(),
            ),
        ];
        for (bytes, expected) in cases {
            let err = error(&bytes);
            assert!(err.contains(&expected), "'{err}' lacks '{expected}'");
        }
        let mut bad_timing = h.clone();
        let at = h.len() - 2;
        bad_timing[at] = 0x30;
        let expected = format!("unknown timing flags 0x30 at byte {at}");
        assert_eq!(error(&bad_timing), expected);
    }

    #[test]
    fn hostile_lengths_are_refused_before_allocating() {
        let h = header();
        let with = |tail: &[u8]| [h.as_slice(), tail].concat();
        let mut huge = Vec::new();
        put(&mut huge, 1 << 62);
        let started = std::time::Instant::now();
        let cases = [
            (with(&huge), "at most 10000 are accepted"),
            (
                with(&[0xc8, 0x01]),
                "200 actions declared at byte 10, but only 0 bytes follow",
            ),
            (
                with(&[&[1, 0, CLIENT_READ, 0], huge.as_slice()].concat()),
                "at most 200 are accepted",
            ),
            (
                with(&[1, 0, CLIENT_READ, 0, 100, b'a']),
                "100 string bytes declared",
            ),
            (
                with(&[&[1, 0, PARTITION], huge.as_slice()].concat()),
                "partition groups declared",
            ),
            (with(&[1, 0, PARTITION, 1, 50, 1]), "50 nodes declared"),
            (with(&[0xff; 11]), "is too large"),
            (
                with(&[
                    1, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, HEAL,
                ]),
                "is too large",
            ),
            (vec![0; MAX_INPUT + 1], "at most 1048576 are accepted"),
        ];
        for (bytes, expected) in cases {
            let err = error(&bytes);
            assert!(err.contains(expected), "'{err}' lacks '{expected}'");
        }
        assert!(started.elapsed().as_secs() < 1);
    }

    #[test]
    fn decoded_scenarios_get_the_json_validation() {
        let bad = [
            (
                Action::CutLink { from: 2, to: 9 },
                "action 1: there is no node 9: nodes are 1..=5",
            ),
            (
                Action::DropMessage(u64::MAX),
                "action 1: \"message\" must be at most",
            ),
        ];
        for (action, expected) in bad {
            let err = error(&to_bytes(&scenario(vec![(0, action)])));
            assert!(err.contains(expected), "'{err}' lacks '{expected}'");
        }
        let mut s = scenario(Vec::new());
        s.seed = u64::MAX;
        assert!(error(&to_bytes(&s)).contains("\"seed\" must be at most"));
        s = scenario(Vec::new());
        s.nodes = 0;
        assert_eq!(from_bytes(&to_bytes(&s)), Scenario::from_json(&s.to_json()));
    }

    /// Property: any mutation of a valid encoding (bytes changed, removed,
    /// inserted, cut short) either decodes to a scenario that validates and
    /// round-trips, or is refused with a message; it never panics.
    #[test]
    fn mutated_encodings_decode_or_are_refused() {
        let mut rng = Rng::new(5);
        let mut bases = vec![to_bytes(&every_action())];
        bases.extend((0..4).map(|_| to_bytes(&random_scenario(&mut rng, SECONDS))));
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let mut bytes = bases[rng.index(bases.len())].clone();
            for _ in 0..rng.range_inclusive(1, 3) {
                let at = rng.index(bytes.len() + 1);
                let byte = rng.next_u64() as u8;
                match rng.index(4) {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 if at < bytes.len() => drop(bytes.remove(at)),
                    2 => bytes.insert(at, byte),
                    _ => bytes.truncate(at),
                }
            }
            match from_bytes(&bytes) {
                Ok(s) => {
                    accepted += 1;
                    round_trip(&s);
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.is_empty());
                }
            }
        }
        assert!(
            accepted > 100 && refused > 100,
            "{accepted} accepted, {refused} refused"
        );
    }
}
