//! The `#z=` links this project wrote before scenario version 2: a
//! hand-made binary layout (docs/scenario-format.md, "Links, format 1").
//! Links now use postcard (`sim::link`); this decoder stays so that every
//! link ever shared still opens (tests/compat/links.tsv pins them). It
//! trusts nothing it reads: every error says what and at which byte.

use crate::json::MAX_INPUT;
use crate::raft::{NodeId, Op, Time, Timing, MILLIS};
use crate::sim::action::Action;
use crate::sim::network::NetworkConfig;
use crate::sim::scenario::{Scenario, MAX_ACTIONS, MAX_TEXT};

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
        client_retry: None,
        timing: r.timing()?,
        network: r.network()?,
        disk: crate::sim::disk::DiskConfig::default(),
        faults: Default::default(),
        raft: Default::default(),
        reads: Default::default(),
        unsafe_switches: Default::default(),
        workload: None,
        cursor: None,
        cursor_events: None,
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

fn timing_fields(t: &Timing) -> [Time; 3] {
    [
        t.election_timeout_min,
        t.election_timeout_max,
        t.heartbeat_interval,
    ]
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

    /// Format 1, seed 7, 5 nodes, 10 s, 1 s, default timing and network.
    const HEADER: [u8; 10] = [1, 7, 5, 0xa0, 0x9c, 0x01, 0xd0, 0x0f, 0, 0];

    fn scenario(actions: Vec<(Time, Action)>) -> Scenario {
        Scenario {
            seed: 7,
            nodes: 5,
            timing: Timing::default(),
            network: NetworkConfig::default(),
            disk: crate::sim::disk::DiskConfig::default(),
            faults: Default::default(),
            raft: Default::default(),
            reads: Default::default(),
            unsafe_switches: Default::default(),
            duration: 10 * SECONDS,
            client_timeout: SECONDS,
            client_retry: None,
            workload: None,
            cursor: None,
            cursor_events: None,
            actions,
        }
    }

    fn error(bytes: &[u8]) -> String {
        from_bytes(bytes).unwrap_err()
    }

    /// The example in docs/scenario-format.md, "Links, format 1".
    #[test]
    fn the_documented_example() {
        let mut s = scenario(vec![(4 * SECONDS, Action::Heal)]);
        (s.duration, s.client_timeout) = (6 * SECONDS, 5 * SECONDS);
        let documented = [1, 7, 5, 0xe0, 0x5d, 0x90, 0x4e, 0, 0, 1, 0xc0, 0x3e, 7];
        assert_eq!(from_bytes(&documented), Ok(s));
        assert_eq!(
            from_bytes(&[&HEADER[..], &[0]].concat()),
            Ok(scenario(vec![]))
        );
    }

    #[test]
    fn unknown_formats_tags_and_flags_say_what_and_where() {
        let h = HEADER;
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
        let mut bad_timing = h.to_vec();
        let at = h.len() - 2;
        bad_timing[at] = 0x30;
        bad_timing.push(0);
        let expected = format!("unknown timing flags 0x30 at byte {at}");
        assert_eq!(error(&bad_timing), expected);
    }

    #[test]
    fn hostile_lengths_are_refused_before_allocating() {
        let h = HEADER;
        let with = |tail: &[u8]| [h.as_slice(), tail].concat();
        // 2^62 as LEB128.
        let huge = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40];
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
    }

    #[test]
    fn decoded_scenarios_get_the_json_validation() {
        // One action at time 0: cut 2 -> 9.
        let err = error(&[&HEADER[..], &[1, 0, CUT, 2, 9]].concat());
        assert!(
            err.contains("action 1 (actions[0].to): there is no node 9"),
            "{err}"
        );
        let err = error(&[&HEADER[..], &[1, 0, RESUME, 0]].concat());
        assert!(err.contains("action 1"), "{err}");
    }

    /// Property: any mutation of an old link's bytes (changed, removed,
    /// inserted, cut short) either decodes to a scenario that validates, or
    /// is refused with a message; it never panics.
    #[test]
    fn mutated_encodings_decode_or_are_refused() {
        let corpus = include_str!("../../../tests/compat/links.tsv");
        let bases: Vec<Vec<u8>> = corpus
            .lines()
            .filter_map(|line| line.split('\t').nth(1)?.strip_prefix("z="))
            .map(|data| crate::sim::link::unbase64url(data).unwrap())
            .collect();
        assert!(bases.len() >= 8);
        let mut rng = Rng::new(5);
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..20_000 {
            let base = &bases[rng.index(bases.len())];
            let bytes = crate::sim::link::tests::mutated(&mut rng, base);
            match from_bytes(&bytes) {
                Ok(s) => {
                    accepted += 1;
                    assert_eq!(s.validate(), Ok(()));
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
