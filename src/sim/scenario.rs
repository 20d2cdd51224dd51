//! Scenarios: a seed, a cluster size, timing and network settings, and a
//! list of timed actions. A scenario replays to the same trace hash every
//! time, natively (`raft-sim run --scenario FILE`) and in the browser. The
//! JSON format is versioned and documented in docs/scenario-format.md.

use super::action::Action;
use super::config::{SimConfig, MAX_NODES};
use super::decimal;
use super::json::push_str;
use super::json_read::{self, Json};
use super::network::NetworkConfig;
use super::simulation::Simulation;
use crate::raft::{NodeId, Op, Time, Timing};

/// The format version this build writes and reads.
pub const VERSION: u64 = 1;
/// More actions than this are refused (a hostile file cannot exhaust memory).
pub const MAX_ACTIONS: usize = 10_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub seed: u64,
    pub nodes: u64,
    pub timing: Timing,
    pub network: NetworkConfig,
    /// How long to run, in simulated microseconds.
    pub duration: Time,
    /// How long a client waits for an answer before the outcome is unknown.
    pub client_timeout: Time,
    /// Actions and when they happen, in time order.
    pub actions: Vec<(Time, Action)>,
}

impl Scenario {
    /// The simulator configuration this scenario runs with.
    pub fn config(&self) -> SimConfig {
        let mut config = SimConfig {
            seed: self.seed,
            nodes: self.nodes,
            timing: self.timing,
            network: self.network,
            ..SimConfig::default()
        };
        config.workload.timeout = self.client_timeout;
        config
    }

    /// A simulation at time 0 with every action scheduled.
    pub fn start(&self, record_trace: bool) -> Result<Simulation, String> {
        let mut config = self.config();
        config.record_trace = record_trace;
        let mut sim = Simulation::new(config)?;
        for (i, (at, action)) in self.actions.iter().enumerate() {
            sim.schedule(*at, action.clone())
                .map_err(|e| format!("action {} ({action}): {e}", i + 1))?;
        }
        Ok(sim)
    }

    /// Runs the whole scenario; returns the finished simulation.
    pub fn run(&self) -> Result<Simulation, String> {
        let mut sim = self.start(false)?;
        sim.run_until(self.duration);
        Ok(sim)
    }

    pub fn to_json(&self) -> String {
        let t = &self.timing;
        let n = &self.network;
        let mut s = format!(
            "{{\"version\":{VERSION},\"seed\":{},\"nodes\":{},\"duration_us\":{},\"client_timeout_us\":{},\
             \"timing\":{{\"election_timeout_min_us\":{},\"election_timeout_max_us\":{},\"heartbeat_us\":{}}},\
             \"network\":{{\"latency_min_us\":{},\"latency_max_us\":{},\"loss\":{},\"duplication\":{}}},\"actions\":[",
            self.seed,
            self.nodes,
            self.duration,
            self.client_timeout,
            t.election_timeout_min,
            t.election_timeout_max,
            t.heartbeat_interval,
            n.latency_min,
            n.latency_max,
            decimal::shortest(n.loss),
            decimal::shortest(n.duplication)
        );
        for (i, (at, action)) in self.actions.iter().enumerate() {
            s.push_str(if i == 0 { "\n" } else { ",\n" });
            s.push_str(&action_json(*at, action));
        }
        s.push_str("\n]}\n");
        s
    }

    /// Reads a scenario, checking every field; the error says what is wrong.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let root = json_read::parse(text)?;
        let version = uint(&root, "version", u64::MAX)?;
        if version != VERSION {
            return Err(format!(
                "scenario version {version} is not supported: this build reads version {VERSION}"
            ));
        }
        let defaults = SimConfig::default();
        let timing = match root.get("timing") {
            None => defaults.timing,
            Some(t) => Timing {
                election_timeout_min: uint(t, "election_timeout_min_us", MAX_SETTING)?,
                election_timeout_max: uint(t, "election_timeout_max_us", MAX_SETTING)?,
                heartbeat_interval: uint(t, "heartbeat_us", MAX_SETTING)?,
            },
        };
        let network = match root.get("network") {
            None => defaults.network,
            Some(n) => network(n)?,
        };
        let scenario = Scenario {
            seed: uint(&root, "seed", u64::MAX)?,
            nodes: uint(&root, "nodes", MAX_NODES)?,
            timing,
            network,
            duration: uint(&root, "duration_us", MAX_DURATION)?,
            client_timeout: match root.get("client_timeout_us") {
                None => defaults.workload.timeout,
                Some(_) => uint(&root, "client_timeout_us", MAX_CLIENT_TIMEOUT)?,
            },
            actions: actions(&root)?,
        };
        scenario.validate()?;
        Ok(scenario)
    }

    /// Everything a scenario must satisfy, whatever it was read from (JSON,
    /// a link): the limits the JSON reader checks field by field (they never
    /// fail after `from_json`, whose own messages come first), then the
    /// configuration and every action against the cluster.
    pub fn validate(&self) -> Result<(), String> {
        self.check_limits()?;
        self.config().validate()?;
        let sim = Simulation::new(self.config())?;
        for (i, (_, action)) in self.actions.iter().enumerate() {
            sim.validate_action(action)
                .map_err(|e| format!("action {}: {e}", i + 1))?;
        }
        Ok(())
    }

    /// The ranges `from_json` enforces while reading, for scenarios that
    /// were not read from JSON, so every format accepts the same scenarios.
    fn check_limits(&self) -> Result<(), String> {
        // min <= max and heartbeat < min are checked with the configuration.
        let maxima = [
            ("\"seed\"", self.seed, MAX_WHOLE - 1),
            ("\"duration_us\"", self.duration, MAX_DURATION),
            (
                "\"client_timeout_us\"",
                self.client_timeout,
                MAX_CLIENT_TIMEOUT,
            ),
            (
                "\"election_timeout_max_us\"",
                self.timing.election_timeout_max,
                MAX_SETTING,
            ),
        ];
        if let Some((name, value, max)) = maxima.iter().find(|(_, value, max)| value > max) {
            return Err(format!("{name} must be at most {max}, got {value}"));
        }
        if self.actions.len() > MAX_ACTIONS {
            return Err(format!(
                "{} actions; at most {MAX_ACTIONS} are accepted",
                self.actions.len()
            ));
        }
        let mut previous = 0;
        for (i, (at, action)) in self.actions.iter().enumerate() {
            let problem = if *at > MAX_DURATION {
                Some(format!("\"t\" must be at most {MAX_DURATION}, got {at}"))
            } else if *at < previous {
                Some("actions must be in time order".to_string())
            } else {
                action_limits(action)
            };
            if let Some(problem) = problem {
                return Err(format!("action {}: {problem}", i + 1));
            }
            previous = *at;
        }
        Ok(())
    }
}

/// Seeds and message ids must be below this: JSON numbers are f64, whole
/// only below 2^53, and the reader takes no more.
const MAX_WHOLE: u64 = 9_007_000_000_000_000;
const MAX_DURATION: Time = 24 * 3600 * 1_000_000;
const MAX_CLIENT_TIMEOUT: Time = 3600 * 1_000_000;
/// The most any timing or latency setting may be.
const MAX_SETTING: Time = 60_000_000;
/// The longest key or value, in bytes.
pub const MAX_TEXT: usize = 200;

/// What is out of range in an action's own fields, if anything (node ids
/// and network settings are checked against the cluster later).
fn action_limits(action: &Action) -> Option<String> {
    let texts: &[&String] = match action {
        Action::DropMessage(id) if *id >= MAX_WHOLE => {
            return Some(format!("\"message\" must be at most {}", MAX_WHOLE - 1))
        }
        Action::ClientRequest { op, .. } => match op {
            Op::Read { key } => &[key],
            Op::Write { key, value } => &[key, value],
            Op::Cas { key, from, to } => &[key, from, to],
        },
        _ => &[],
    };
    texts
        .iter()
        .any(|s| s.len() > MAX_TEXT)
        .then(|| format!("a key or value is longer than {MAX_TEXT} characters"))
}

fn field<'a>(obj: &'a Json, key: &str) -> Result<&'a Json, String> {
    obj.get(key)
        .ok_or_else(|| format!("missing field \"{key}\""))
}

/// A whole number in `0..=max`.
fn uint(obj: &Json, key: &str, max: u64) -> Result<u64, String> {
    match field(obj, key)? {
        Json::Number(x) if *x >= 0.0 && x.fract() == 0.0 && *x <= max as f64 && *x < 9.007e15 => {
            Ok(*x as u64)
        }
        Json::Number(x) => Err(format!(
            "\"{key}\" must be a whole number from 0 to {max}, got {}",
            decimal::shortest(*x)
        )),
        _ => Err(format!("\"{key}\" must be a number")),
    }
}

fn network(n: &Json) -> Result<NetworkConfig, String> {
    Ok(NetworkConfig {
        latency_min: uint(n, "latency_min_us", MAX_SETTING)?,
        latency_max: uint(n, "latency_max_us", MAX_SETTING)?,
        loss: fraction(n, "loss")?,
        duplication: fraction(n, "duplication")?,
    })
}

fn fraction(obj: &Json, key: &str) -> Result<f64, String> {
    match field(obj, key)? {
        Json::Number(x) if (0.0..=1.0).contains(x) => Ok(*x),
        _ => Err(format!("\"{key}\" must be a number from 0 to 1")),
    }
}

fn text(obj: &Json, key: &str) -> Result<String, String> {
    match field(obj, key)? {
        Json::String(s) if s.len() <= MAX_TEXT => Ok(s.clone()),
        Json::String(_) => Err(format!("\"{key}\" is longer than {MAX_TEXT} characters")),
        _ => Err(format!("\"{key}\" must be a string")),
    }
}

fn node(obj: &Json, key: &str) -> Result<NodeId, String> {
    uint(obj, key, MAX_NODES)
}

fn actions(root: &Json) -> Result<Vec<(Time, Action)>, String> {
    let Json::Array(items) = field(root, "actions")? else {
        return Err("\"actions\" must be an array".into());
    };
    if items.len() > MAX_ACTIONS {
        return Err(format!(
            "{} actions; at most {MAX_ACTIONS} are accepted",
            items.len()
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let parsed = uint(item, "t", MAX_DURATION).and_then(|t| Ok((t, action(item)?)));
        out.push(parsed.map_err(|e| format!("action {}: {e}", i + 1))?);
    }
    // A stable sort keeps same-time actions in file order.
    out.sort_by_key(|(t, _)| *t);
    Ok(out)
}

fn action(item: &Json) -> Result<Action, String> {
    let kind = text(item, "action")?;
    Ok(match kind.as_str() {
        "stop" => Action::Stop(node(item, "node")?),
        "resume" => Action::Resume(node(item, "node")?),
        "resume_all" => Action::ResumeAll,
        "restart" => Action::Restart(node(item, "node")?),
        "timeout" => Action::ForceTimeout(node(item, "node")?),
        "heal" => Action::Heal,
        "align_timers" => Action::AlignTimers,
        "spread_timers" => Action::SpreadTimers,
        "cut" => Action::CutLink {
            from: node(item, "from")?,
            to: node(item, "to")?,
        },
        "restore" => Action::RestoreLink {
            from: node(item, "from")?,
            to: node(item, "to")?,
        },
        "drop" => Action::DropMessage(uint(item, "message", u64::MAX)?),
        "partition" => Action::Partition(groups(item)?),
        "network" => Action::SetNetwork(network(item)?),
        "client" => Action::ClientRequest {
            to: match item.get("node") {
                None | Some(Json::Null) => None,
                Some(_) => Some(node(item, "node")?),
            },
            op: op(item)?,
        },
        other => return Err(format!("unknown action \"{other}\"")),
    })
}

fn groups(item: &Json) -> Result<Vec<Vec<NodeId>>, String> {
    let bad = || "\"groups\" must be an array of arrays of node ids".to_string();
    let Json::Array(groups) = field(item, "groups")? else {
        return Err(bad());
    };
    groups
        .iter()
        .map(|g| match g {
            Json::Array(ids) => ids
                .iter()
                .map(|id| match id {
                    Json::Number(x) if *x >= 1.0 && x.fract() == 0.0 && *x <= MAX_NODES as f64 => {
                        Ok(*x as NodeId)
                    }
                    _ => Err(bad()),
                })
                .collect(),
            _ => Err(bad()),
        })
        .collect()
}

fn op(item: &Json) -> Result<Op, String> {
    let key = text(item, "key")?;
    Ok(match text(item, "op")?.as_str() {
        "read" => Op::Read { key },
        "write" => Op::Write {
            key,
            value: text(item, "value")?,
        },
        "cas" => Op::Cas {
            key,
            from: text(item, "from")?,
            to: text(item, "to")?,
        },
        other => return Err(format!("unknown op \"{other}\": read, write or cas")),
    })
}

fn action_json(at: Time, action: &Action) -> String {
    let head = |name: &str| format!("{{\"t\":{at},\"action\":\"{name}\"");
    let mut s = match action {
        Action::Stop(n) => format!("{},\"node\":{n}", head("stop")),
        Action::Resume(n) => format!("{},\"node\":{n}", head("resume")),
        Action::ResumeAll => head("resume_all"),
        Action::Restart(n) => format!("{},\"node\":{n}", head("restart")),
        Action::ForceTimeout(n) => format!("{},\"node\":{n}", head("timeout")),
        Action::Heal => head("heal"),
        Action::AlignTimers => head("align_timers"),
        Action::SpreadTimers => head("spread_timers"),
        Action::CutLink { from, to } => format!("{},\"from\":{from},\"to\":{to}", head("cut")),
        Action::RestoreLink { from, to } => {
            format!("{},\"from\":{from},\"to\":{to}", head("restore"))
        }
        Action::DropMessage(id) => format!("{},\"message\":{id}", head("drop")),
        Action::Partition(groups) => {
            format!("{},\"groups\":{groups:?}", head("partition")).replace(' ', "")
        }
        Action::SetNetwork(n) => format!(
            "{},\"latency_min_us\":{},\"latency_max_us\":{},\"loss\":{},\"duplication\":{}",
            head("network"),
            n.latency_min,
            n.latency_max,
            decimal::shortest(n.loss),
            decimal::shortest(n.duplication)
        ),
        Action::ClientRequest { to, op } => {
            let mut s = head("client");
            if let Some(n) = to {
                s.push_str(&format!(",\"node\":{n}"));
            }
            s.push_str(&format!(",\"op\":\"{}\",\"key\":", op.kind()));
            push_str(&mut s, op.key());
            match op {
                Op::Read { .. } => {}
                Op::Write { value, .. } => {
                    s.push_str(",\"value\":");
                    push_str(&mut s, value);
                }
                Op::Cas { from, to, .. } => {
                    s.push_str(",\"from\":");
                    push_str(&mut s, from);
                    s.push_str(",\"to\":");
                    push_str(&mut s, to);
                }
            }
            s
        }
    };
    s.push('}');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Rng, MILLIS, SECONDS};

    fn sample() -> Scenario {
        Scenario {
            seed: 42,
            nodes: 5,
            timing: Timing::default(),
            network: NetworkConfig::default(),
            duration: 10 * SECONDS,
            client_timeout: 5 * SECONDS,
            actions: vec![
                (
                    500 * MILLIS,
                    Action::Partition(vec![vec![1, 2], vec![3, 4, 5]]),
                ),
                (
                    600 * MILLIS,
                    Action::ClientRequest {
                        to: Some(1),
                        op: Op::Write {
                            key: "msg".into(),
                            value: "say \"hi\"".into(),
                        },
                    },
                ),
                (
                    700 * MILLIS,
                    Action::ClientRequest {
                        to: None,
                        op: Op::Cas {
                            key: "x".into(),
                            from: "1".into(),
                            to: "2".into(),
                        },
                    },
                ),
                (900 * MILLIS, Action::CutLink { from: 2, to: 3 }),
                (SECONDS, Action::Heal),
                (SECONDS, Action::Restart(3)),
                (
                    2 * SECONDS,
                    Action::SetNetwork(NetworkConfig {
                        loss: 0.25,
                        ..NetworkConfig::default()
                    }),
                ),
                (3 * SECONDS, Action::AlignTimers),
            ],
        }
    }

    #[test]
    fn scenario_json_round_trips() {
        let s = sample();
        assert_eq!(Scenario::from_json(&s.to_json()), Ok(s));
    }

    #[test]
    fn a_scenario_replays_to_the_same_trace_hash() {
        let s = sample();
        let (a, b) = (s.run().unwrap(), s.run().unwrap());
        assert_eq!(a.trace_hash(), b.trace_hash());
        let reread = Scenario::from_json(&s.to_json()).unwrap().run().unwrap();
        assert_eq!(reread.trace_hash(), a.trace_hash());
        assert_eq!(
            a.trace_hash(),
            SAMPLE_HASH,
            "the pinned hash the browser test also expects"
        );
    }

    /// The trace hash of `sample()`, also asserted by the wasm test in
    /// tests/browser.rs: native and browser runs of one scenario agree.
    pub const SAMPLE_HASH: u64 = 1787152094570809161;

    #[test]
    fn bad_scenarios_say_what_is_wrong() {
        let good = sample().to_json();
        let cases = [
            (
                good.replace("\"version\":1", "\"version\":7"),
                "version 7 is not supported",
            ),
            (
                good.replace("\"nodes\":5", "\"nodes\":1000000"),
                "\"nodes\" must be a whole number from 0 to 25",
            ),
            (
                good.replace("\"latency_min_us\":10000", "\"latency_min_us\":-5"),
                "\"latency_min_us\" must be a whole number",
            ),
            (
                good.replace("\"action\":\"heal\"", "\"action\":\"explode\""),
                "unknown action \"explode\"",
            ),
            (
                good.replace("\"from\":2,\"to\":3", "\"from\":2,\"to\":9"),
                "there is no node 9",
            ),
            (good.replace("\"seed\":42,", ""), "missing field \"seed\""),
            ("{not json".to_string(), "not valid JSON"),
        ];
        for (text, expected) in cases {
            let err = Scenario::from_json(&text).unwrap_err();
            assert!(err.contains(expected), "'{err}' lacks '{expected}'");
        }
    }

    /// Property: any mutation of a valid scenario either decodes to a
    /// scenario that validates and re-encodes to itself, or is refused with
    /// a message; it never panics.
    #[test]
    fn mutated_scenarios_decode_or_are_refused() {
        let base = sample().to_json();
        let mut rng = Rng::new(7);
        let (mut accepted, mut refused) = (0, 0);
        for _ in 0..5_000 {
            let mut bytes = base.clone().into_bytes();
            for _ in 0..rng.range_inclusive(1, 3) {
                let at = rng.index(bytes.len());
                let alphabet = b"0123456789-.,:[]{}\"aeltx ";
                bytes[at] = alphabet[rng.index(alphabet.len())];
            }
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            match Scenario::from_json(&text) {
                Ok(s) => {
                    accepted += 1;
                    assert_eq!(Scenario::from_json(&s.to_json()).as_ref(), Ok(&s));
                }
                Err(e) => {
                    refused += 1;
                    assert!(!e.is_empty());
                }
            }
        }
        assert!(
            accepted > 0 && refused > 0,
            "{accepted} accepted, {refused} refused"
        );
    }
}
