//! An action as the event log says it. The trace keeps each action as the
//! simulator wrote it (`partition [[3]]`, part of the trace's hash); the
//! page reads it back in words: servers as "n3", lists as a sentence
//! lists them ("n3 cut off from the rest").

use super::words::listed;

/// `description` (an [`Action`](crate::sim::Action) as the trace wrote it)
/// in words; what it does not know stays as written.
pub fn action_words(description: &str) -> String {
    let d = description;
    let said = if let Some(groups) = d.strip_prefix("partition ") {
        partition(groups)
    } else if let Some((old, add)) = d
        .strip_prefix("replace servers ")
        .and_then(|r| r.strip_suffix(" new")?.split_once(" with "))
    {
        let added: u64 = add.parse().unwrap_or(0);
        nodes(old).map(|old| {
            let servers = super::words::counted(added as usize, "new server");
            format!("replace {} with {servers}", listed(&old))
        })
    } else if let Some((node, peers)) = d.split_once(" reaches only ") {
        nodes(peers).and_then(|peers| {
            let whom = if peers.is_empty() {
                "no one".into()
            } else {
                listed(&peers)
            };
            Some(format!("{} reaches only {whom}", name(node)?))
        })
    } else if let Some((of, rate)) = d
        .strip_prefix("clock of ")
        .and_then(|r| r.split_once(" runs "))
    {
        name(of).map(|n| format!("{n}'s clock runs {rate}"))
    } else if let Some((verb, link)) = d
        .split_once(' ')
        .filter(|(v, _)| ["cut", "restore"].contains(v))
    {
        let (from, to) = link.split_once("->").unwrap_or_default();
        name(from)
            .zip(name(to))
            .map(|(f, t)| format!("{verb} the link {f}->{t}"))
    } else if let Some((head, n)) = d.rsplit_once(' ') {
        // "stop 3", "remove server 3", "transfer leadership to 3", "client
        // write x=1 to 3": the server named last.
        let verb = match head {
            "timeout" => "time out",
            "remove server" => "remove",
            "heartbeat" => "heartbeat from",
            _ => head,
        };
        let named = [
            "stop",
            "resume",
            "restart",
            "deafen",
            "time out",
            "remove",
            "heartbeat from",
        ];
        (named.contains(&verb) || head.ends_with(" to"))
            .then(|| name(n).map(|n| format!("{verb} {n}")))
            .flatten()
    } else {
        None
    };
    said.unwrap_or_else(|| d.to_string())
}

/// "3" as "n3".
fn name(id: &str) -> Option<String> {
    id.parse::<u64>().ok().map(|id| format!("n{id}"))
}

/// "[1, 2]" as ["n1", "n2"].
fn nodes(list: &str) -> Option<Vec<String>> {
    let inner = list.strip_prefix('[')?.strip_suffix(']')?;
    inner
        .split(", ")
        .filter(|s| !s.is_empty())
        .map(name)
        .collect()
}

/// "[[1, 2], [3]]": one group is cut off from the rest; more are split
/// from each other.
fn partition(groups: &str) -> Option<String> {
    let inner = groups.strip_prefix('[')?.strip_suffix(']')?;
    let mut sides = Vec::new();
    for group in inner.split("], [") {
        let group = format!("[{}]", group.trim_start_matches('[').trim_end_matches(']'));
        let names = nodes(&group)?;
        if !names.is_empty() {
            sides.push(listed(&names));
        }
    }
    Some(match sides.as_slice() {
        [] => "no partition".into(),
        [one] => format!("{one} cut off from the rest"),
        _ => format!("split: {}", sides.join(" | ")),
    })
}

#[cfg(test)]
mod tests {
    use super::action_words;
    use crate::raft::{Op, ReadPath};
    use crate::sim::Action;

    /// Each action as the trace writes it, and as the event log says it.
    #[test]
    fn actions_read_as_words_with_servers_named_n() {
        let said = |a: Action| action_words(&a.to_string());
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
            "n3 reaches only no one"
        );
        assert_eq!(
            said(Action::CutLink { from: 1, to: 2 }),
            "cut the link n1->n2"
        );
        assert_eq!(
            said(Action::RestoreLink { from: 2, to: 1 }),
            "restore the link n2->n1"
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
            "snapshot every 5 entries"
        );
        assert_eq!(said(Action::AddServer), "add a server");
    }
}
