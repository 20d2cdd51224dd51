//! The client panel's list of the person's own requests, newest first, each
//! with what became of it in words: committed where, failed why, still
//! waiting where, or timed out with its outcome unknown (a linearizability
//! checker must then consider both, paper §6.3).

use crate::raft::{Op, ServedBy};
use crate::sim::workload::is_user_client;
use crate::sim::{Failure, Operation, Outcome, Simulation};

/// One request as the panel lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestLine {
    /// What was asked ("write msg hello").
    pub op: String,
    /// What became of it.
    pub status: String,
    /// Its outcome, for the line's colour.
    pub outcome: Outcome,
}

/// How many of the person's requests the client panel lists.
pub const SHOWN: usize = 8;

/// The person's own requests in `sim` (not the background clients'),
/// newest first.
pub fn own(sim: &Simulation) -> impl Iterator<Item = &Operation> {
    sim.history()
        .iter()
        .rev()
        .filter(|o| is_user_client(o.client))
}

/// The person's last `count` requests in `sim`, newest first.
pub fn latest(sim: &Simulation, count: usize) -> Vec<RequestLine> {
    own(sim)
        .take(count)
        .map(|o| {
            let waiting = sim
                .workload()
                .outstanding()
                .find(|w| w.command.client == o.client);
            let at = o.index.map_or(String::new(), |i| format!(" at index {i}"));
            let redirected = match o.redirects {
                0 => String::new(),
                n => format!(", redirected {n}×"),
            };
            let status = match (o.outcome, waiting) {
                // A read that wrote no log entry says what answered it.
                (Outcome::Ok, _) if o.served_by.is_some() => {
                    let read = o.read_result.as_deref().unwrap_or("nothing (no such key)");
                    let index = o.index.unwrap_or(0);
                    // "answered by local" read as a server's name (a tester).
                    let answered = match o.served_by {
                        Some(ServedBy::Local) => {
                            "answered from one server's own state (not linearizable)".to_string()
                        }
                        by => format!("answered by {}", by.map_or("", |s| s.name())),
                    };
                    format!("read {read}, {answered} as of index {index}{redirected}")
                }
                (Outcome::Ok, _) => {
                    let effect = match (&o.op, &o.read_result) {
                        (_, Some(v)) => format!(", read {v}"),
                        (Op::Read { .. }, None) => ", read nothing (no such key)".into(),
                        (Op::Cas { key, from, to }, None) => {
                            format!(": {key} was {from}, now {to}")
                        }
                        _ => String::new(),
                    };
                    format!("committed{at} and applied{effect}{redirected}")
                }
                (Outcome::Fail, _) => failed(o, &at),
                (Outcome::Unknown, Some(w)) if w.redirects > 0 => format!(
                    "sent to n{}, redirected {}×, waiting",
                    w.target, w.redirects
                ),
                (Outcome::Unknown, Some(w)) => format!("sent to n{}, waiting", w.target),
                (Outcome::Unknown, None) => "timed out (outcome unknown)".to_string(),
            };
            RequestLine {
                op: o.op.to_string(),
                status,
                outcome: o.outcome,
            }
        })
        .collect()
}

/// Why `o` had no effect, in words: a compare-and-set that found another
/// value was committed and applied like any entry, unlike one whose entry
/// was overwritten.
fn failed(o: &Operation, at: &str) -> String {
    match (&o.failure, &o.op) {
        (Some(Failure::CasFound(found)), Op::Cas { key, from, .. }) => {
            let found = found
                .as_ref()
                .map_or("did not exist".to_string(), |v| format!("was {v}"));
            format!("committed{at}, did nothing: {key} {found}, not {from}")
        }
        (Some(Failure::Overwritten), _) => format!("failed: another entry was committed{at}"),
        (Some(Failure::Stale), _) => "not applied: a later request of its client was".to_string(),
        _ => "failed (had no effect)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{Op, MILLIS, SECONDS};
    use crate::sim::{Action, NetworkConfig};
    use crate::view::playground::Playground;

    fn write(value: &str) -> Op {
        Op::Write {
            key: "msg".into(),
            value: value.into(),
        }
    }

    fn statuses(p: &Playground) -> Vec<String> {
        latest(&p.sim, 8).into_iter().map(|l| l.status).collect()
    }

    #[test]
    fn a_request_waits_at_its_server_then_commits_at_an_index() {
        let mut p = Playground::new(1, 3).unwrap();
        p.skip(1_000);
        p.send(write("a"), None);
        let leader = p.sim.leader().unwrap();
        assert_eq!(statuses(&p), vec![format!("sent to n{leader}, waiting")]);
        p.skip(500);
        let lines = latest(&p.sim, 8);
        assert_eq!(lines[0].outcome, Outcome::Ok);
        assert!(
            lines[0].status.starts_with("committed at index ")
                && lines[0].status.ends_with(" and applied"),
            "{}",
            lines[0].status
        );
        assert_eq!(lines[0].op, write("a").to_string());
    }

    #[test]
    fn a_request_to_a_follower_is_redirected_and_the_count_is_said() {
        let mut p = Playground::new(1, 3).unwrap();
        p.skip(1_000);
        let leader = p.sim.leader().unwrap();
        let follower = (1..=3).find(|&n| n != leader).unwrap();
        p.send(write("b"), Some(follower));
        p.skip(500);
        let status = &statuses(&p)[0];
        assert!(status.ends_with(", redirected 1×"), "{status}");
    }

    #[test]
    fn a_request_cut_off_from_every_server_times_out_with_its_outcome_unknown() {
        let mut p = Playground::new(1, 3).unwrap();
        p.skip(1_000);
        let lossy = NetworkConfig {
            loss: 1.0,
            ..p.sim.network().config
        };
        p.act(Action::SetNetwork(lossy));
        p.send(write("c"), None);
        p.skip(6 * SECONDS / MILLIS);
        assert_eq!(statuses(&p), vec!["timed out (outcome unknown)"]);
    }

    #[test]
    fn a_read_without_the_log_says_what_answered_it() {
        let mut p = Playground::new(1, 3).unwrap();
        p.skip(1_000);
        p.send(write("a"), None);
        p.skip(300);
        let leader = p.sim.leader().unwrap();
        p.act(Action::SetReads(crate::raft::ReadPath::ReadIndex));
        let read = Op::Read { key: "msg".into() };
        p.send(read.clone(), Some(leader));
        p.send(read, Some(leader % 3 + 1));
        p.skip(300);
        let lines = statuses(&p);
        assert_eq!(
            lines[0],
            format!("read a, answered by follower read as of index 2"),
            "{lines:?}"
        );
        assert_eq!(lines[1], "read a, answered by ReadIndex as of index 2");
        p.act(Action::SetReads(crate::raft::ReadPath::Local));
        p.send(Op::Read { key: "msg".into() }, Some(leader % 3 + 1));
        p.skip(300);
        assert_eq!(
            statuses(&p)[0],
            "read a, answered from one server's own state (not linearizable) as of index 2"
        );
    }

    #[test]
    fn a_cas_says_what_it_found_and_a_read_of_no_key_says_so() {
        let mut p = Playground::new(3, 3).unwrap();
        p.skip(1_000);
        let cas = |from: &str, to: &str| Op::Cas {
            key: "x".into(),
            from: from.into(),
            to: to.into(),
        };
        for op in [
            Op::Write {
                key: "x".into(),
                value: "1".into(),
            },
            cas("1", "2"),
            cas("5", "6"),
            Op::Read { key: "y".into() },
        ] {
            p.send(op, None);
            p.skip(300);
        }
        let lines = statuses(&p);
        let index = |line: &str| line.split(" at index ").nth(1).map(|s| s.to_string());
        assert!(
            lines[0].starts_with("committed at index ")
                && lines[0].ends_with(" and applied, read nothing (no such key)"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("committed at index ")
                && lines[1].ends_with(", did nothing: x was 2, not 5"),
            "{lines:?}"
        );
        assert!(
            lines[2].ends_with(" and applied: x was 1, now 2"),
            "{lines:?}"
        );
        assert!(index(&lines[1]).is_some() && index(&lines[1]) != index(&lines[2]));
        assert_eq!(p.sim.history().last().unwrap().outcome, Outcome::Ok);
        assert_eq!(latest(&p.sim, 4)[1].outcome, Outcome::Fail);
    }

    #[test]
    fn newest_first_and_only_the_persons_own() {
        let mut p = Playground::with_load(1, 3, 20.0).unwrap();
        p.skip(1_000);
        for v in ["1", "2", "3"] {
            p.send(write(v), None);
        }
        let ops: Vec<String> = latest(&p.sim, 2).into_iter().map(|l| l.op).collect();
        assert_eq!(ops, vec![write("3").to_string(), write("2").to_string()]);
        assert!(
            p.sim.history().len() > 3,
            "the background load is there too"
        );
    }
}
