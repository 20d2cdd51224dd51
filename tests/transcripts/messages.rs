//! Describing and parsing Raft messages and envelopes, as transcripts write them.

use super::*;

/// The one text form of a message, read back by `parse_message`.
pub(crate) fn describe_message(m: &Message) -> String {
    match m {
        Message::RequestVote {
            term,
            last_log_index,
            last_log_term,
            leadership_transfer,
        } => format!(
            "RequestVote{{term:{term} last:{last_log_index}/{last_log_term}{}}}",
            if *leadership_transfer {
                " transfer"
            } else {
                ""
            }
        ),
        Message::TimeoutNow { term } => format!("TimeoutNow{{term:{term}}}"),
        Message::ReadHeartbeat { term, round } => {
            format!("ReadHeartbeat{{term:{term} round:{round}}}")
        }
        Message::ReadHeartbeatReply { term, round } => {
            format!("ReadHeartbeatReply{{term:{term} round:{round}}}")
        }
        Message::ReadIndex {
            term,
            client,
            request,
        } => format!("ReadIndex{{term:{term} read:c{client}#{request}}}"),
        Message::ReadIndexReply {
            term,
            client,
            request,
            index,
        } => match index {
            Some(i) => format!("ReadIndexReply{{term:{term} read:c{client}#{request} index:{i}}}"),
            None => format!("ReadIndexReply{{term:{term} read:c{client}#{request} refused}}"),
        },
        Message::RequestVoteReply { term, vote_granted } => format!(
            "RequestVoteReply{{term:{term} {}}}",
            if *vote_granted { "granted" } else { "rejected" }
        ),
        Message::PreVote {
            term,
            last_log_index,
            last_log_term,
        } => format!("PreVote{{term:{term} last:{last_log_index}/{last_log_term}}}"),
        Message::PreVoteReply { term, vote_granted } => format!(
            "PreVoteReply{{term:{term} {}}}",
            if *vote_granted { "granted" } else { "rejected" }
        ),
        Message::AppendEntries {
            term,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
        } => {
            let mut s = format!(
                "AppendEntries{{term:{term} prev:{prev_log_index}/{prev_log_term} commit:{leader_commit}"
            );
            if !entries.is_empty() {
                s.push_str(" entries:");
                s.push_str(&describe_entries(prev_log_index + 1, entries));
            }
            s.push('}');
            s
        }
        Message::AppendEntriesReply {
            term,
            success: true,
            match_index,
            ..
        } => format!("AppendEntriesReply{{term:{term} ok match:{match_index}}}"),
        Message::AppendEntriesReply {
            term,
            success: false,
            rejected_index,
            hint,
            ..
        } => {
            let hint = match hint.term {
                Some(t) => format!("{}/{t}", hint.index),
                None => hint.index.to_string(),
            };
            format!("AppendEntriesReply{{term:{term} reject prev:{rejected_index} hint:{hint}}}")
        }
        // Written, never read back: a transcript cannot forge a snapshot.
        Message::InstallSnapshot {
            term,
            meta,
            offset,
            records,
        } => {
            let data: Vec<String> = records.iter().map(describe_record).collect();
            format!(
                "InstallSnapshot{{term:{term} last:{}/{} offset:{offset} of:{} data:[{}]}}",
                meta.last_index,
                meta.last_term,
                meta.records,
                data.join(" ")
            )
        }
        Message::InstallSnapshotReply {
            term,
            last_index,
            received,
            done,
        } => format!(
            "InstallSnapshotReply{{term:{term} last:{last_index} received:{received}{}}}",
            if *done { " done" } else { "" }
        ),
    }
}

pub(crate) fn describe_record(record: &SnapshotRecord) -> String {
    match record {
        SnapshotRecord::Pair { key, value } => format!("{key}={value}"),
        SnapshotRecord::Session {
            client, request, ..
        } => format!("c{client}#{request}"),
    }
}

pub(crate) fn pair(text: &str) -> Result<(u64, u64), String> {
    let (a, b) = text
        .split_once('/')
        .ok_or_else(|| format!("{text:?} is not index/term"))?;
    Ok((number(a)?, number(b)?))
}

pub(crate) fn parse_message(text: &str) -> Result<Message, String> {
    let (kind, rest) = text
        .split_once('{')
        .ok_or_else(|| format!("{text:?} is not a message like RequestVote{{term:2 last:0/0}}"))?;
    let body = rest
        .strip_suffix('}')
        .ok_or_else(|| format!("{text:?} lacks its `}}`"))?;
    let mut fields = BTreeMap::new();
    let mut flags = Vec::new();
    for word in tokens(body) {
        match word.split_once(':') {
            Some((k, v)) => {
                fields.insert(k.to_string(), v.to_string());
            }
            None => flags.push(word),
        }
    }
    let field = |k: &str| {
        fields
            .get(k)
            .cloned()
            .ok_or_else(|| format!("{kind} needs {k}:"))
    };
    let term = number(&field("term")?)?;
    let flag = |f: &str| flags.iter().any(|x| x == f);
    Ok(match kind {
        "RequestVote" => {
            let (last_log_index, last_log_term) = pair(&field("last")?)?;
            Message::RequestVote {
                term,
                last_log_index,
                last_log_term,
                leadership_transfer: flag("transfer"),
            }
        }
        "TimeoutNow" => Message::TimeoutNow { term },
        "ReadHeartbeat" => Message::ReadHeartbeat {
            term,
            round: number(&field("round")?)?,
        },
        "ReadHeartbeatReply" => Message::ReadHeartbeatReply {
            term,
            round: number(&field("round")?)?,
        },
        "ReadIndex" => {
            let read = parse_command(&field("read")?, "read(x)")?;
            Message::ReadIndex {
                term,
                client: read.client,
                request: read.request,
            }
        }
        "ReadIndexReply" => {
            let read = parse_command(&field("read")?, "read(x)")?;
            let index = match flag("refused") {
                true => None,
                false => Some(number(&field("index")?)?),
            };
            Message::ReadIndexReply {
                term,
                client: read.client,
                request: read.request,
                index,
            }
        }
        "RequestVoteReply" if flag("granted") || flag("rejected") => Message::RequestVoteReply {
            term,
            vote_granted: flag("granted"),
        },
        "PreVote" => {
            let (last_log_index, last_log_term) = pair(&field("last")?)?;
            Message::PreVote {
                term,
                last_log_index,
                last_log_term,
            }
        }
        "InstallSnapshotReply" => Message::InstallSnapshotReply {
            term,
            last_index: number(&field("last")?)?,
            received: number(&field("received")?)?,
            done: flag("done"),
        },
        "PreVoteReply" if flag("granted") || flag("rejected") => Message::PreVoteReply {
            term,
            vote_granted: flag("granted"),
        },
        "AppendEntries" => {
            let (prev_log_index, prev_log_term) = pair(&field("prev")?)?;
            let entries = match fields.get("entries") {
                Some(e) => parse_entries(e, prev_log_index + 1)?,
                None => Vec::new(),
            };
            Message::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit: number(&field("commit")?)?,
            }
        }
        "AppendEntriesReply" if flag("ok") => Message::AppendEntriesReply {
            term,
            success: true,
            match_index: number(&field("match")?)?,
            rejected_index: 0,
            hint: ConflictHint::default(),
        },
        "AppendEntriesReply" if flag("reject") => {
            let hint_text = field("hint")?;
            let hint = match hint_text.split_once('/') {
                Some(_) => {
                    let (index, term) = pair(&hint_text)?;
                    ConflictHint {
                        index,
                        term: Some(term),
                    }
                }
                None => ConflictHint {
                    index: number(&hint_text)?,
                    term: None,
                },
            };
            Message::AppendEntriesReply {
                term,
                success: false,
                match_index: 0,
                rejected_index: number(&field("prev")?)?,
                hint,
            }
        }
        _ => return Err(format!("{text:?} is not a message this runner knows")),
    })
}

pub(crate) fn describe_envelope(e: &Envelope) -> String {
    format!("n{} -> n{} {}", e.from, e.to, describe_message(&e.message))
}
