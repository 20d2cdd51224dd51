//! An action as the event log and the timeline's marks say it. The trace
//! keeps each action as the simulator wrote it (`partition [[3]]`, part of
//! the trace's hash); the page says it in words, from the action itself:
//! servers as "n3", lists as a sentence lists them ("n3 cut off from the
//! rest"). The match names every variant, so a new one must be worded.

use super::words::{counted, read_path_label, read_path_words, servers};
use super::{drift_bound, snapshot_threshold};
use crate::raft::NodeId;
use crate::sim::decimal::plain;
use crate::sim::Action;

/// `action` in words.
pub fn action_words(action: &Action) -> String {
    match action {
        Action::Stop(n) => format!("stop n{n}"),
        Action::Resume(n) => format!("resume n{n}"),
        Action::Restart(n) => format!("restart n{n}"),
        Action::ForceTimeout(n) => format!("time out n{n}"),
        Action::Deafen(n) => format!("deafen n{n}"),
        Action::Heartbeat(n) => format!("heartbeat from n{n}"),
        Action::SyncDisk(n) => format!("n{n}'s disk syncs"),
        Action::RemoveServer(n) => format!("remove n{n}"),
        Action::TransferLeadership(n) => format!("transfer leadership to n{n}"),
        Action::Partition(groups) => partition(groups),
        Action::CutLink { from, to } => format!("cut the link n{from}->n{to}"),
        Action::RestoreLink { from, to } => format!("restore the link n{from}->n{to}"),
        Action::ReachOnly { node, peers } if peers.is_empty() => format!("n{node} reaches no one"),
        Action::ReachOnly { node, peers } => format!("n{node} reaches only {}", servers(peers)),
        Action::ReplaceServers { remove, add } => format!(
            "replace {} with {}",
            servers(remove),
            counted(*add as usize, "new server")
        ),
        Action::ClientRequest { to: Some(n), op } => format!("client {op} to n{n}"),
        Action::ClientRead {
            to: Some(n),
            key,
            path,
        } => format!("client read {key} {} to n{n}", read_path_words(*path)),
        Action::ClientRead {
            to: None,
            key,
            path,
        } => format!("client read {key} {}", read_path_words(*path)),
        // As the Network panel's menus name them.
        Action::SetReads(path) => format!("reads: {}", read_path_label(*path)),
        Action::SetDriftBound(ppm) => format!("drift bound: {}", drift_bound::label(*ppm)),
        Action::SetSnapshots(every) => format!("snapshots: {}", snapshot_threshold::label(*every)),
        Action::SetClockRate { node, .. } => {
            // "clock of 2 runs +5%": the rate as the simulator words it.
            let said = action.to_string();
            let rate = said.rsplit(' ').next().unwrap_or_default();
            format!("n{node}'s clock runs {rate}")
        }
        // In the units the Network panel shows (the trace says "latency
        // 50000..50000us loss 0", which a page tester read on a mark).
        Action::SetNetwork(c) => {
            let (ms, percent) = (
                |us: u64| plain(us as f64 / 1000.0),
                |p: f64| plain(p * 100.0),
            );
            format!(
                "network: latency {} to {} ms, {}% lost, {}% duplicated",
                ms(c.latency_min),
                ms(c.latency_max),
                percent(c.loss),
                percent(c.duplication)
            )
        }
        // Nothing to name: as the simulator says it.
        Action::ResumeAll
        | Action::Heal
        | Action::DropMessage(_)
        | Action::DeliverMessage(_)
        | Action::DuplicateMessage(_)
        | Action::ClientRequest { to: None, .. }
        | Action::AlignTimers
        | Action::SpreadTimers
        | Action::SetRaft(_)
        | Action::AddServer
        | Action::SetReplacement(_) => action.to_string(),
    }
}

/// One group is cut off from the rest; more are split from each other.
fn partition(groups: &[Vec<NodeId>]) -> String {
    let sides: Vec<String> = groups
        .iter()
        .filter(|g| !g.is_empty())
        .map(|g| servers(g))
        .collect();
    match sides.as_slice() {
        [] => "no partition".into(),
        [one] => format!("{one} cut off from the rest"),
        _ => format!("split: {}", sides.join(" | ")),
    }
}

#[cfg(test)]
mod tests {
    use super::action_words;
    use crate::raft::{Op, ReadPath};
    use crate::sim::Action;

    /// Each action as the event log says it.
    #[test]
    fn actions_read_as_words_with_servers_named_n() {
        let said = |a: Action| action_words(&a);
        assert_eq!(
            said(Action::Partition(vec![vec![3]])),
            "n3 cut off from the rest"
        );
        assert_eq!(
            said(Action::Partition(vec![vec![1, 2], vec![3, 4, 5]])),
            "split: n1 and n2 | n3, n4 and n5"
        );
        assert_eq!(said(Action::Partition(vec![vec![]])), "no partition");
        assert_eq!(
            said(Action::ReplaceServers {
                remove: vec![1, 2],
                add: 2
            }),
            "replace n1 and n2 with 2 new servers"
        );
        assert_eq!(
            said(Action::ReachOnly {
                node: 3,
                peers: vec![1, 2]
            }),
            "n3 reaches only n1 and n2"
        );
        assert_eq!(
            said(Action::ReachOnly {
                node: 3,
                peers: vec![]
            }),
            "n3 reaches no one"
        );
        assert_eq!(
            said(Action::CutLink { from: 1, to: 2 }),
            "cut the link n1->n2"
        );
        assert_eq!(
            said(Action::RestoreLink { from: 2, to: 1 }),
            "restore the link n2->n1"
        );
        let network = crate::sim::NetworkConfig {
            latency_min: 50_000,
            latency_max: 10_500,
            loss: 0.03,
            duplication: 0.0,
        };
        assert_eq!(
            said(Action::SetNetwork(network)),
            "network: latency 50 to 10.5 ms, 3% lost, 0% duplicated"
        );
        assert_eq!(said(Action::Stop(3)), "stop n3");
        assert_eq!(said(Action::Restart(3)), "restart n3");
        assert_eq!(said(Action::ForceTimeout(2)), "time out n2");
        assert_eq!(said(Action::Heartbeat(2)), "heartbeat from n2");
        assert_eq!(said(Action::RemoveServer(4)), "remove n4");
        assert_eq!(
            said(Action::TransferLeadership(1)),
            "transfer leadership to n1"
        );
        assert_eq!(
            said(Action::SetClockRate {
                node: 2,
                ppm: 50_000
            }),
            "n2's clock runs +5%"
        );
        let write = Op::Write {
            key: "x".into(),
            value: "1".into(),
        };
        assert_eq!(
            said(Action::ClientRequest {
                to: Some(2),
                op: write.clone()
            }),
            "client write x=1 to n2"
        );
        assert_eq!(
            said(Action::ClientRead {
                to: Some(2),
                key: "x".into(),
                path: ReadPath::Lease
            }),
            "client read x by lease to n2"
        );
        assert_eq!(
            said(Action::ClientRead {
                to: None,
                key: "x".into(),
                path: ReadPath::ReadIndex
            }),
            "client read x by ReadIndex"
        );
        assert_eq!(
            said(Action::SetReads(ReadPath::ReadIndex)),
            "reads: ReadIndex"
        );
        assert_eq!(said(Action::SetDriftBound(10_000)), "drift bound: ±1%");
        assert_eq!(
            said(Action::SetDriftBound(0)),
            "drift bound: none (exact clocks)"
        );
        // Nothing to name: as written.
        assert_eq!(
            said(Action::ClientRequest {
                to: None,
                op: write
            }),
            "client write x=1"
        );
        assert_eq!(said(Action::Heal), "heal");
        assert_eq!(
            said(Action::SetSnapshots(Some(5))),
            "snapshots: every 5 entries"
        );
        assert_eq!(said(Action::SetSnapshots(None)), "snapshots: off");
        assert_eq!(said(Action::AddServer), "add a server");
    }
}
