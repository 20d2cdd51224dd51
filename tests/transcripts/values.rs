//! Describing and parsing the core's values: operations, entries, memberships, client replies and outputs.

use super::*;

pub(crate) fn describe_op(op: &Op) -> String {
    match op {
        Op::Read { key } => format!("read({key})"),
        Op::Write { key, value } => format!("write({key},{value})"),
        Op::Cas { key, from, to } => format!("cas({key},{from},{to})"),
    }
}

pub(crate) fn parse_op(text: &str) -> Result<Op, String> {
    let (name, rest) = text
        .split_once('(')
        .ok_or_else(|| format!("{text:?} is not an op like write(k,v)"))?;
    let args: Vec<String> = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("{text:?} lacks its `)`"))?
        .split(',')
        .map(str::to_string)
        .collect();
    match (name, args.as_slice()) {
        ("read", [key]) => Ok(Op::Read { key: key.clone() }),
        ("write", [key, value]) => Ok(Op::Write {
            key: key.clone(),
            value: value.clone(),
        }),
        ("cas", [key, from, to]) => Ok(Op::Cas {
            key: key.clone(),
            from: from.clone(),
            to: to.clone(),
        }),
        _ => Err(format!(
            "{text:?} is not read(k), write(k,v) or cas(k,from,to)"
        )),
    }
}

pub(crate) fn describe_command(c: &ClientCommand) -> String {
    format!("c{}#{}:{}", c.client, c.request, describe_op(&c.op))
}

/// `c1#2` and an op.
pub(crate) fn parse_command(who: &str, op: &str) -> Result<ClientCommand, String> {
    let (client, request) = who
        .strip_prefix('c')
        .and_then(|s| s.split_once('#'))
        .ok_or_else(|| format!("{who:?} is not a client request like c1#2"))?;
    Ok(ClientCommand {
        client: number(client)?,
        request: number(request)?,
        op: parse_op(op)?,
    })
}

pub(crate) fn describe_entry(index: LogIndex, e: &Entry) -> String {
    match &e.payload {
        Payload::Noop => format!("{index}/{}", e.term),
        Payload::Command(c) => format!("{index}/{}:{}", e.term, describe_command(c)),
        Payload::Config(m) => format!("{index}/{}:config:{}", e.term, describe_membership(m)),
    }
}

/// `voters=1,2,3;learners=4;old=1,2` (empty parts left out).
pub(crate) fn describe_membership(m: &Membership) -> String {
    let parts = [
        ("voters", &m.voters),
        ("learners", &m.learners),
        ("old", &m.outgoing),
    ];
    let present = parts
        .iter()
        .filter(|(name, ids)| *name == "voters" || !ids.is_empty());
    let text: Vec<String> = present
        .map(|(name, ids)| {
            let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
            format!("{name}={}", ids.join(","))
        })
        .collect();
    text.join(";")
}

pub(crate) fn parse_membership(text: &str) -> Result<Membership, String> {
    let mut m = Membership::default();
    for part in text.split(';') {
        let (name, ids) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not like voters=1,2,3"))?;
        let ids = if ids.is_empty() {
            vec![]
        } else {
            members(ids)?
        };
        match name {
            "voters" => m.voters = ids,
            "learners" => m.learners = ids,
            "old" => m.outgoing = ids,
            _ => return Err(format!("{name:?} is not voters, learners or old")),
        }
    }
    Ok(m)
}

pub(crate) fn describe_entries(first: LogIndex, entries: &[Entry]) -> String {
    let items: Vec<String> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| describe_entry(first + i as LogIndex, e))
        .collect();
    format!("[{}]", items.join(" "))
}

/// `index/term` or `index/term:cC#R:op`.
pub(crate) fn parse_entry(text: &str) -> Result<(LogIndex, Entry), String> {
    let mut parts = text.splitn(3, ':');
    let position = parts.next().unwrap_or_default();
    let (index, term) = position
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not an entry like 3/2"))?;
    let payload = match (parts.next(), parts.next()) {
        (None, _) => Payload::Noop,
        (Some("config"), Some(m)) => Payload::Config(Rc::new(parse_membership(m)?)),
        (Some(who), Some(op)) => Payload::Command(Rc::new(parse_command(who, op)?)),
        (Some(_), None) => return Err(format!("{text:?}: a command entry is I/T:cC#R:op")),
    };
    Ok((
        number(index)?,
        Entry {
            term: number(term)?,
            payload,
        },
    ))
}

/// `[1/1 2/1 ...]`, checking that indices follow `first`, `first + 1`, ...
pub(crate) fn parse_entries(text: &str, first: LogIndex) -> Result<Vec<Entry>, String> {
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| format!("{text:?} is not a list of entries like [1/1 2/1]"))?;
    let mut out = Vec::new();
    for (i, word) in tokens(inner).iter().enumerate() {
        let (index, entry) = parse_entry(word)?;
        if index != first + i as LogIndex {
            return Err(format!(
                "entry {word:?} should have index {}",
                first + i as LogIndex
            ));
        }
        out.push(entry);
    }
    Ok(out)
}

pub(crate) fn describe_result(r: &OpResult) -> String {
    match r {
        OpResult::Written => "written".into(),
        OpResult::ReadValue(Some(v)) => format!("read {v}"),
        OpResult::ReadValue(None) => "read absent".into(),
        OpResult::CasOk => "cas ok".into(),
        OpResult::CasFailed { current: Some(v) } => format!("cas failed, current {v}"),
        OpResult::CasFailed { current: None } => "cas failed, current absent".into(),
        OpResult::Stale => "stale (not executed)".into(),
    }
}

pub(crate) fn describe_reply(node: NodeId, r: &ClientReply) -> String {
    let outcome = match &r.outcome {
        ReplyOutcome::Applied { index, result } => {
            format!("applied at {index}: {}", describe_result(result))
        }
        ReplyOutcome::NotLeader {
            leader_hint: Some(l),
        } => format!("not leader, try n{l}"),
        ReplyOutcome::NotLeader { leader_hint: None } => "not leader, no hint".into(),
        ReplyOutcome::Overwritten { index } => format!("overwritten at {index}"),
        ReplyOutcome::Read {
            index,
            result,
            served_by,
        } => format!(
            "{} by {} at {index}",
            describe_result(result),
            served_by.name()
        ),
    };
    format!("n{node} replies to c{}#{}: {outcome}", r.client, r.request)
}

pub(crate) fn vote_text(v: Option<NodeId>) -> String {
    v.map_or("none".into(), |n| format!("n{n}"))
}

/// What a test can see of a node between inputs, to print what changed.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Summary {
    role: Role,
    term: Term,
    vote: Option<NodeId>,
    commit: LogIndex,
    leader: Option<NodeId>,
    membership: Membership,
}

impl Summary {
    pub(crate) fn of(n: &RaftNode) -> Summary {
        Summary {
            role: n.role(),
            term: n.current_term(),
            vote: n.voted_for(),
            commit: n.commit_index(),
            leader: n.leader_hint(),
            membership: n.membership().clone(),
        }
    }

    /// `n1: role follower->candidate, term 1->2, vote none->n1`.
    pub(crate) fn changes(&self, after: &Summary, id: NodeId) -> Option<String> {
        let mut parts = Vec::new();
        if self.role != after.role {
            parts.push(format!(
                "role {}->{}",
                self.role.as_str(),
                after.role.as_str()
            ));
        }
        if self.term != after.term {
            parts.push(format!("term {}->{}", self.term, after.term));
        }
        if self.vote != after.vote {
            parts.push(format!(
                "vote {}->{}",
                vote_text(self.vote),
                vote_text(after.vote)
            ));
        }
        if self.membership != after.membership {
            let (old, new) = (&self.membership, &after.membership);
            let (old, new) = (describe_membership(old), describe_membership(new));
            parts.push(format!("membership {old} -> {new}"));
        }
        if self.commit != after.commit {
            parts.push(format!("commit {}->{}", self.commit, after.commit));
        }
        if self.leader != after.leader {
            parts.push(format!(
                "leader {}->{}",
                vote_text(self.leader),
                vote_text(after.leader)
            ));
        }
        (!parts.is_empty()).then(|| format!("n{id}: {}", parts.join(", ")))
    }
}

pub(crate) fn describe_output(node: &RaftNode, before: &Summary, out: &Output) -> Vec<String> {
    let id = node.id();
    let mut lines = Vec::new();
    lines.extend(before.changes(&Summary::of(node), id));
    for change in &out.log_changes {
        lines.push(match *change {
            LogChange::Truncated { from } => format!("n{id} log: deleted from {from} on"),
            LogChange::Compacted { through } => format!(
                "n{id} log: compacted through {through}/{} into a snapshot",
                node.log().snapshot_term()
            ),
            LogChange::Installed {
                through,
                kept_suffix,
            } => format!(
                "n{id} log: installed the snapshot through {through}/{}, {}",
                node.log().snapshot_term(),
                if kept_suffix {
                    "kept the entries after it"
                } else {
                    "discarded the rest of its log"
                }
            ),
            LogChange::Appended { from, to } => {
                let entries: Option<Vec<Entry>> =
                    (from..=to).map(|i| node.log().entry(i).cloned()).collect();
                match entries {
                    Some(e) => format!("n{id} log: appended {}", describe_entries(from, &e)),
                    None => format!("n{id} log: appended {from}..{to}"),
                }
            }
        });
    }
    for a in &out.applied {
        let result = a
            .result
            .as_ref()
            .map_or(String::new(), |r| format!(" -> {}", describe_result(r)));
        lines.push(format!(
            "n{id} applied {}{result}",
            describe_entry(a.index, &a.entry)
        ));
    }
    for r in &out.replies {
        lines.push(describe_reply(id, r));
    }
    for m in &out.messages {
        lines.push(describe_envelope(m));
    }
    lines
}

pub(crate) fn describe_state(n: &RaftNode) -> Vec<String> {
    let id = n.id();
    let deadline = match n.role() {
        Role::Leader => format!("heartbeat={}", show_time(n.next_deadline())),
        _ => format!("timer={}", show_time(n.election_deadline())),
    };
    let mut lines = vec![format!(
        "n{id} {} term={} vote={} commit={} applied={} leader={} {deadline}",
        n.role().as_str(),
        n.current_term(),
        vote_text(n.voted_for()),
        n.commit_index(),
        n.last_applied(),
        vote_text(n.leader_hint()),
    )];
    let log = n.log();
    let snapshot = match log.snapshot_index() {
        0 => String::new(),
        index => format!("snapshot={index}/{} ", log.snapshot_term()),
    };
    lines.push(format!(
        "n{id} {snapshot}log={}",
        describe_entries(log.first_index(), &log.entries())
    ));
    let data = n.state_machine().data();
    if !data.is_empty() {
        let pairs: Vec<String> = data.iter().map(|(k, v)| format!("{k}={v}")).collect();
        lines.push(format!("n{id} kv={{{}}}", pairs.join(" ")));
    }
    if n.role() == Role::Candidate {
        let votes: Vec<String> = n.votes().iter().map(|v| format!("n{v}")).collect();
        lines.push(format!("n{id} votes={}", votes.join(",")));
    }
    if n.role() == Role::Leader && !n.progress().is_empty() {
        let progress: Vec<String> = n
            .progress()
            .iter()
            .map(|(p, pr)| format!("n{p}:next={},match={}", pr.next_index, pr.match_index))
            .collect();
        lines.push(format!("n{id} progress {}", progress.join(" ")));
    }
    lines
}
