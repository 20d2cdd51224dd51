//! Scenarios in a few bytes, for links (`#r=` in the playground's URL):
//! postcard (varints, length-prefixed strings, one byte per enum variant)
//! over a link-shaped copy of the scenario, then base64url.
//!
//! The copy exists for length alone, measured on
//! docs/examples/minority-leader.json: postcard of `Scenario` as it is takes
//! more characters than the hand-made format-1 links did, because every
//! field is spelt in full. Here the timing is a preset when it is the
//! paper's or the playground's, the network and the workload are absent
//! when they are the defaults, times count milliseconds when they are whole
//! milliseconds, and action times are the gap since the one before.
//!
//! Format 3 is format 2 followed by the disk's settings, and format 4 is
//! format 3 followed by the settings added since (`LinkExtras`: the fault
//! model and client retries). Format 5 adds the read settings, format 6
//! the unsafe switches, format 7 who delivers messages, and format 8 how
//! much a disk's fsyncs vary. Each is written only for a scenario that uses
//! what it adds, so every other link is byte for byte what it was, and
//! opens in builds that predate the newer formats.

use crate::json::MAX_INPUT;
use crate::raft::{Time, Timing, MILLIS};
use crate::sim::action::Action;
use crate::sim::config::RaftOptions;
use crate::sim::disk::DiskConfig;
use crate::sim::fault_model::{FaultModel, LatencyTail, PartitionMode, PausedInbox};
use crate::sim::network::NetworkConfig;
use crate::sim::scenario::{unsafe_switches_named, ClientLoad, Scenario};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// The first byte of a link of a scenario with none of the settings below:
/// which layout follows. Format 1 is the hand-made layout of `legacy_link`.
pub const FORMAT: u8 = 2;
/// Format 2 followed by the disk's settings: written only for a scenario
/// whose disk is not the default and that uses none of format 4's settings,
/// so every other link stays byte for byte what format 2 wrote.
pub const FORMAT_WITH_DISK: u8 = 3;
/// Format 3 followed by the settings added since (`LinkExtras`): written
/// only for a scenario that uses them.
pub const FORMAT_WITH_EXTRAS: u8 = 4;
/// Format 4 followed by how reads are answered and how far clocks drift
/// (`ReadSettings`): written only for a scenario whose settings are not
/// the defaults.
pub const FORMAT_WITH_READS: u8 = 5;
/// Format 5 followed by the names of the unsafe switches turned on
/// (`UnsafeSwitch::name`, a postcard list of strings): written only for a
/// scenario with at least one, a run that breaks Raft on purpose.
pub const FORMAT_WITH_UNSAFE: u8 = 6;
/// Format 6 followed by who delivers messages (`Delivery`): written only
/// for a run whose messages wait for actions, as the explorer's
/// counterexamples do.
pub const FORMAT_WITH_DELIVERY: u8 = 7;
/// Format 7 followed by the disk's fsync jitter (`DiskConfig::fsync_jitter`,
/// a postcard varint of microseconds): written only for a disk whose
/// fsyncs vary, as `raft-sim --disk-faults` has.
pub const FORMAT_WITH_FSYNC_JITTER: u8 = 8;

/// The disk as formats 3 to 8 write it: the members `DiskConfig` had when
/// format 3 was made, in their order (format 8 adds the jitter at the end).
#[derive(Serialize, Deserialize)]
struct LinkDisk {
    write_latency: Time,
    fsync_latency: Time,
    torn_write: f64,
}

impl From<&DiskConfig> for LinkDisk {
    fn from(d: &DiskConfig) -> Self {
        LinkDisk {
            write_latency: d.write_latency,
            fsync_latency: d.fsync_latency,
            torn_write: d.torn_write,
        }
    }
}

impl From<LinkDisk> for DiskConfig {
    fn from(d: LinkDisk) -> Self {
        DiskConfig {
            write_latency: d.write_latency,
            fsync_latency: d.fsync_latency,
            fsync_jitter: 0,
            torn_write: d.torn_write,
        }
    }
}

/// The playground's timing (`view::playground::playground_config`): most
/// links come from there.
pub const PLAYGROUND_TIMING: Timing = Timing {
    election_timeout_min: 100 * MILLIS,
    election_timeout_max: 200 * MILLIS,
    heartbeat_interval: 50 * MILLIS,
};

#[derive(Serialize, Deserialize)]
struct LinkScenario {
    seed: u64,
    nodes: u64,
    duration: LinkTime,
    client_timeout: LinkTime,
    timing: TimingPreset,
    network: Option<NetworkConfig>,
    workload: Option<ClientLoad>,
    cursor: Option<LinkTime>,
    cursor_events: Option<u64>,
    /// Each action with the time since the previous one.
    actions: Vec<(LinkTime, Action)>,
}

#[derive(Serialize, Deserialize)]
enum TimingPreset {
    /// `Timing::default()`, the paper's 150-300 ms.
    Paper,
    /// The playground's 100-200 ms.
    Playground,
    Other(Timing),
}

/// What format 4 adds after format 3's body: the fault model, in a fixed
/// postcard layout (the JSON one leaves default fields out, which postcard
/// cannot read back), the client retry interval, and PreVote and
/// CheckQuorum.
#[derive(Serialize, Deserialize)]
struct LinkExtras {
    /// Probability, least and greatest extra delay; absent when off.
    latency_tail: Option<(f64, LinkTime, LinkTime)>,
    partitions: PartitionMode,
    paused_inbox: PausedInbox,
    client_duplication: bool,
    client_retry: Option<LinkTime>,
    pre_vote: bool,
    check_quorum: bool,
}

impl LinkExtras {
    fn of(s: &Scenario) -> Option<LinkExtras> {
        if s.faults.is_off() && s.client_retry.is_none() && s.raft.is_default() {
            return None;
        }
        Some(LinkExtras::all_of(s))
    }

    /// The extras as they are, defaults or not (format 5 always has them).
    fn all_of(s: &Scenario) -> LinkExtras {
        let tail = s.faults.latency_tail;
        LinkExtras {
            latency_tail: (!tail.is_default()).then_some((
                tail.probability,
                LinkTime(tail.min),
                LinkTime(tail.max),
            )),
            partitions: s.faults.partitions,
            paused_inbox: s.faults.paused_inbox,
            client_duplication: s.faults.client_duplication,
            client_retry: s.client_retry.map(LinkTime),
            pre_vote: s.raft.pre_vote,
            check_quorum: s.raft.check_quorum,
        }
    }

    fn apply(self, s: &mut Scenario) {
        let (probability, min, max) = self
            .latency_tail
            .map_or((0.0, 0, 0), |(p, min, max)| (p, min.0, max.0));
        s.faults = FaultModel {
            latency_tail: LatencyTail {
                probability,
                min,
                max,
            },
            partitions: self.partitions,
            paused_inbox: self.paused_inbox,
            client_duplication: self.client_duplication,
            delivery: Default::default(),
        };
        s.client_retry = self.client_retry.map(|t| t.0);
        s.raft = RaftOptions {
            pre_vote: self.pre_vote,
            check_quorum: self.check_quorum,
        };
    }
}

/// A time as one varint: whole milliseconds `ms << 1`, anything else
/// `us << 1 | 1`, so a second costs two bytes instead of three.
#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(from = "u64", into = "u64")]
struct LinkTime(Time);

impl From<LinkTime> for u64 {
    fn from(t: LinkTime) -> u64 {
        match t.0 % MILLIS {
            0 if t.0 / MILLIS < 1 << 62 => (t.0 / MILLIS) << 1,
            _ => t.0.saturating_mul(2) | 1,
        }
    }
}

impl From<u64> for LinkTime {
    /// Too large a time saturates, and validation then refuses it.
    fn from(code: u64) -> LinkTime {
        LinkTime(match code & 1 {
            1 => code >> 1,
            _ => (code >> 1).saturating_mul(MILLIS),
        })
    }
}

impl From<&Scenario> for LinkScenario {
    fn from(s: &Scenario) -> Self {
        let timing = match s.timing {
            t if t == Timing::default() => TimingPreset::Paper,
            t if t == PLAYGROUND_TIMING => TimingPreset::Playground,
            t => TimingPreset::Other(t),
        };
        let mut previous = 0;
        let actions = s
            .actions
            .iter()
            .map(|(at, action)| {
                let gap = at.saturating_sub(previous);
                previous = previous.max(*at);
                (LinkTime(gap), action.clone())
            })
            .collect();
        LinkScenario {
            seed: s.seed,
            nodes: s.nodes,
            duration: LinkTime(s.duration),
            client_timeout: LinkTime(s.client_timeout),
            timing,
            network: (s.network != NetworkConfig::default()).then_some(s.network),
            workload: s.workload,
            cursor: s.cursor.map(LinkTime),
            cursor_events: s.cursor_events,
            actions,
        }
    }
}

impl From<LinkScenario> for Scenario {
    fn from(l: LinkScenario) -> Scenario {
        let mut at: Time = 0;
        let actions = l
            .actions
            .into_iter()
            .map(|(gap, action)| {
                at = at.saturating_add(gap.0);
                (at, action)
            })
            .collect();
        Scenario {
            seed: l.seed,
            nodes: l.nodes,
            timing: match l.timing {
                TimingPreset::Paper => Timing::default(),
                TimingPreset::Playground => PLAYGROUND_TIMING,
                TimingPreset::Other(t) => t,
            },
            network: l.network.unwrap_or_default(),
            disk: DiskConfig::default(),
            faults: FaultModel::default(),
            raft: RaftOptions::default(),
            reads: Default::default(),
            unsafe_switches: Default::default(),
            duration: l.duration.0,
            client_timeout: l.client_timeout.0,
            client_retry: None,
            workload: l.workload,
            cursor: l.cursor.map(|c| c.0),
            cursor_events: l.cursor_events,
            actions,
        }
    }
}

/// The bytes for `scenario`: the format byte, then postcard of the
/// scenario, then (formats 3 and 4) of the disk, then (format 4) of the
/// extras.
pub fn to_bytes(scenario: &Scenario) -> Vec<u8> {
    let with_jitter = scenario.disk.fsync_jitter > 0;
    let with_delivery = with_jitter || !scenario.faults.delivery.is_network();
    let with_unsafe = with_delivery || !scenario.unsafe_switches.is_empty();
    let with_reads = with_unsafe || !scenario.reads.is_default();
    let extras =
        LinkExtras::of(scenario).or_else(|| with_reads.then(|| LinkExtras::all_of(scenario)));
    let with_disk = !scenario.disk.is_synchronous();
    let format = match (&extras, with_disk) {
        _ if with_jitter => FORMAT_WITH_FSYNC_JITTER,
        _ if with_delivery => FORMAT_WITH_DELIVERY,
        _ if with_unsafe => FORMAT_WITH_UNSAFE,
        _ if with_reads => FORMAT_WITH_READS,
        (Some(_), _) => FORMAT_WITH_EXTRAS,
        (None, true) => FORMAT_WITH_DISK,
        (None, false) => FORMAT,
    };
    let mut bytes = vec![format];
    // Serializing plain data into a Vec cannot fail.
    bytes.extend(postcard::to_allocvec(&LinkScenario::from(scenario)).expect("plain data"));
    if format != FORMAT {
        bytes.extend(postcard::to_allocvec(&LinkDisk::from(&scenario.disk)).expect("plain data"));
    }
    if let Some(extras) = extras {
        bytes.extend(postcard::to_allocvec(&extras).expect("plain data"));
    }
    if with_reads {
        bytes.extend(postcard::to_allocvec(&scenario.reads).expect("plain data"));
    }
    if with_unsafe {
        let names: Vec<&str> = scenario
            .unsafe_switches
            .enabled()
            .map(|u| u.name())
            .collect();
        bytes.extend(postcard::to_allocvec(&names).expect("plain data"));
    }
    if with_delivery {
        bytes.extend(postcard::to_allocvec(&scenario.faults.delivery).expect("plain data"));
    }
    if with_jitter {
        bytes.extend(postcard::to_allocvec(&scenario.disk.fsync_jitter).expect("plain data"));
    }
    bytes
}

/// Reads a link's bytes, either format, without validating the scenario
/// (the caller must: damaged bytes and a wrong scenario deserve different
/// messages).
pub fn from_bytes_unvalidated(bytes: &[u8]) -> Result<Scenario, String> {
    if bytes.len() > MAX_INPUT {
        return Err(format!(
            "it is {} bytes; at most {MAX_INPUT} are accepted",
            bytes.len()
        ));
    }
    match bytes.first() {
        Some(1) => crate::sim::legacy_link::from_bytes_unvalidated(bytes),
        Some(
            &format @ (FORMAT
            | FORMAT_WITH_DISK
            | FORMAT_WITH_EXTRAS
            | FORMAT_WITH_READS
            | FORMAT_WITH_UNSAFE
            | FORMAT_WITH_DELIVERY
            | FORMAT_WITH_FSYNC_JITTER),
        ) => {
            let (link, mut rest): (LinkScenario, _) =
                postcard::take_from_bytes(&bytes[1..]).map_err(in_words)?;
            let mut scenario = Scenario::from(link);
            if format != FORMAT {
                let (disk, after): (LinkDisk, _) =
                    postcard::take_from_bytes(rest).map_err(in_words)?;
                scenario.disk = disk.into();
                rest = after;
            }
            if format >= FORMAT_WITH_EXTRAS {
                let (extras, after): (LinkExtras, _) =
                    postcard::take_from_bytes(rest).map_err(in_words)?;
                extras.apply(&mut scenario);
                rest = after;
            }
            if format >= FORMAT_WITH_READS {
                (scenario.reads, rest) = postcard::take_from_bytes(rest).map_err(in_words)?;
            }
            if format >= FORMAT_WITH_UNSAFE {
                let (names, after): (Vec<String>, _) =
                    postcard::take_from_bytes(rest).map_err(in_words)?;
                scenario.unsafe_switches = unsafe_switches_named(&names)?;
                rest = after;
            }
            if format >= FORMAT_WITH_DELIVERY {
                (scenario.faults.delivery, rest) =
                    postcard::take_from_bytes(rest).map_err(in_words)?;
            }
            if format == FORMAT_WITH_FSYNC_JITTER {
                (scenario.disk.fsync_jitter, rest) =
                    postcard::take_from_bytes(rest).map_err(in_words)?;
            }
            if !rest.is_empty() {
                let bytes = if rest.len() == 1 { "byte" } else { "bytes" };
                return Err(format!("{} unexpected {bytes} at the end", rest.len()));
            }
            Ok(scenario)
        }
        Some(other) => Err(format!(
            "format {other} is not supported: this build reads formats 1 to {FORMAT_WITH_FSYNC_JITTER}"
        )),
        None => Err("it is empty".into()),
    }
}

/// What postcard's error means for a link: a person did not write the
/// bytes, so the library's words ("Hit the end of buffer, expected more
/// data", "Serde Deserialization Error") tell them nothing; how the link
/// came to be broken does.
fn in_words(e: postcard::Error) -> String {
    match e {
        postcard::Error::DeserializeUnexpectedEnd => {
            "it ends too soon (was the link cut short?)".into()
        }
        _ => "its bytes do not spell a scenario (was the link changed?)".into(),
    }
}

/// Reads and validates, as for a JSON file.
pub fn from_bytes(bytes: &[u8]) -> Result<Scenario, String> {
    let scenario = from_bytes_unvalidated(bytes)?;
    scenario.validate()?;
    Ok(scenario)
}

/// Encodes bytes as unpadded base64url, which a URL fragment carries as it is.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `None` for anything that is not canonical base64url, or is longer than
/// any scenario could be. Links are written unpadded; a hand-made one,
/// as the browser's `btoa` writes it, may be padded and use `+` and `/`
/// (a page tester's was refused as mangled).
pub fn unbase64url(text: &str) -> Option<Vec<u8>> {
    if text.len() > 2 * MAX_INPUT {
        return None;
    }
    let text = (text.strip_suffix("==").or_else(|| text.strip_suffix('='))).unwrap_or(text);
    let mut bytes = text.as_bytes().to_vec();
    for b in &mut bytes {
        *b = match *b {
            b'+' => b'-',
            b'/' => b'_',
            b => b,
        };
    }
    URL_SAFE_NO_PAD.decode(bytes).ok()
}

#[cfg(test)]
#[path = "link_tests.rs"]
pub(crate) mod tests;
