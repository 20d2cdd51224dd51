//! The replicated state machine: a key-value store fed by committed entries,
//! plus the ordered list of everything it applied, so anyone can see that all
//! servers deliver the same commands in the same order.

use super::command::{ClientCommand, Key, Op, OpResult, Payload, Value};
use super::log::{Entry, RaftLog};
use super::shared_vec::SharedVec;
use super::snapshot::SnapshotRecord;
use super::types::{ClientId, LogIndex, RequestId};
use super::vec_map::VecMap;

/// A key-value store with lin-kv semantics. Volatile: a restarted server
/// rebuilds it by re-applying its log as it learns the commit index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KvStore {
    data: VecMap<Key, Value>,
    /// Every applied entry, in order; position `i` holds log index `i + 1`.
    /// Shared storage, as the log's: it grows as long as the log does.
    applied: SharedVec<Entry>,
    /// §8: "The state machine tracks the latest serial number processed for
    /// each client, along with the associated response", so a command that
    /// reaches the log twice (a duplicated message, a retry) runs once.
    sessions: VecMap<ClientId, (RequestId, OpResult)>,
}

impl KvStore {
    /// The index of the last applied entry (lastApplied in Figure 2).
    pub fn last_applied(&self) -> LogIndex {
        self.applied.len() as LogIndex
    }

    /// Every entry applied so far, no-ops included, in log order: position
    /// `i` holds log index `i + 1`. State Machine Safety (Figure 3, §5.4.3) says these
    /// lists agree on every server wherever both have an entry.
    pub fn applied(&self) -> &SharedVec<Entry> {
        &self.applied
    }

    /// The current value of `key`, if it exists.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.data.get(key)
    }

    /// All keys and their current values, sorted by key.
    pub fn data(&self) -> &VecMap<Key, Value> {
        &self.data
    }

    /// Applies the next committed entry; returns the command's result
    /// (`None` for a no-op). The list of applied entries shares the
    /// storage of `log`, the server's own, where it holds the same entries
    /// (`RaftLog::push_applied` compares them, so any log is safe: the
    /// tests give an empty one), so each entry is held once.
    pub fn apply(&mut self, entry: &Entry, log: &RaftLog) -> Option<OpResult> {
        log.push_applied(&mut self.applied, entry.clone());
        match &entry.payload {
            Payload::Noop | Payload::Config(_) => None,
            Payload::Command(command) => Some(self.execute_once(command)),
        }
    }

    fn execute_once(&mut self, command: &ClientCommand) -> OpResult {
        match self.sessions.get(&command.client) {
            Some((last, result)) if *last == command.request => return result.clone(),
            Some((last, _)) if *last > command.request => return OpResult::Stale,
            _ => {}
        }
        let result = self.execute(&command.op);
        self.sessions
            .insert(command.client, (command.request, result.clone()));
        result
    }

    /// The state as a snapshot's records, in a fixed order: every key and
    /// its value, then every client's session.
    pub fn records(&self) -> Vec<SnapshotRecord> {
        let pairs = self.data.iter().map(|(k, v)| SnapshotRecord::Pair {
            key: k.clone(),
            value: v.clone(),
        });
        let sessions =
            self.sessions
                .iter()
                .map(|(&client, (request, result))| SnapshotRecord::Session {
                    client,
                    request: *request,
                    result: result.clone(),
                });
        pairs.chain(sessions).collect()
    }

    /// The store a snapshot's records describe; `history` is the
    /// observers' list of what was applied to reach it.
    pub fn from_records(records: Vec<SnapshotRecord>, history: SharedVec<Entry>) -> KvStore {
        let mut store = KvStore {
            applied: history,
            ..KvStore::default()
        };
        for record in records {
            match record {
                SnapshotRecord::Pair { key, value } => {
                    store.data.insert(key, value);
                }
                SnapshotRecord::Session {
                    client,
                    request,
                    result,
                } => {
                    store.sessions.insert(client, (request, result));
                }
            }
        }
        store
    }

    /// What `op` returns against the current state, without changing it:
    /// the unsafe local-read path uses this.
    pub fn read(&self, key: &str) -> OpResult {
        OpResult::ReadValue(self.data.get(key).cloned())
    }

    fn set(&mut self, key: &str, value: &str) {
        match self.data.get_mut(key) {
            Some(slot) => value.clone_into(slot),
            None => {
                self.data.insert(key.to_string(), value.to_string());
            }
        }
    }

    fn execute(&mut self, op: &Op) -> OpResult {
        match op {
            Op::Read { key } => self.read(key),
            Op::Write { key, value } => {
                self.set(key, value);
                OpResult::Written
            }
            Op::Cas { key, from, to } => {
                let current = self.data.get(key);
                if current == Some(from) {
                    self.set(key, to);
                    OpResult::CasOk
                } else {
                    OpResult::CasFailed {
                        current: current.cloned(),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn entry(client: ClientId, request: RequestId, op: Op) -> Entry {
        let command = ClientCommand {
            client,
            request,
            op,
        };
        Entry {
            term: 1,
            payload: Payload::Command(Rc::new(command)),
        }
    }

    fn write(value: &str) -> Op {
        Op::Write {
            key: "x".into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_command_in_the_log_twice_runs_once() {
        let mut kv = KvStore::default();
        let cas = Op::Cas {
            key: "x".into(),
            from: "1".into(),
            to: "2".into(),
        };
        assert_eq!(
            kv.apply(&entry(1, 1, write("1")), &RaftLog::new()),
            Some(OpResult::Written)
        );
        assert_eq!(
            kv.apply(&entry(2, 1, cas.clone()), &RaftLog::new()),
            Some(OpResult::CasOk)
        );
        assert_eq!(
            kv.apply(&entry(2, 1, cas), &RaftLog::new()),
            Some(OpResult::CasOk),
            "cached reply"
        );
        assert_eq!(kv.get("x"), Some(&"2".to_string()));
        assert_eq!(
            kv.apply(&entry(1, 1, write("1")), &RaftLog::new()),
            Some(OpResult::Written)
        );
        assert_eq!(
            kv.get("x"),
            Some(&"2".to_string()),
            "the duplicate write did not run again"
        );
        assert_eq!(kv.last_applied(), 4);
    }

    #[test]
    fn a_store_rebuilt_from_its_records_is_the_same_store() {
        let mut kv = KvStore::default();
        kv.apply(&entry(1, 1, write("1")), &RaftLog::new());
        kv.apply(&entry(2, 4, Op::Read { key: "x".into() }), &RaftLog::new());
        let records = kv.records();
        assert_eq!(records.len(), 3, "one key, two sessions");
        let rebuilt = KvStore::from_records(records, kv.applied().clone());
        assert_eq!(rebuilt, kv);
        let mut twice = rebuilt.clone();
        assert_eq!(
            twice.apply(&entry(2, 4, Op::Read { key: "x".into() }), &RaftLog::new()),
            Some(OpResult::ReadValue(Some("1".into()))),
            "the session came along: the duplicate gets the cached reply"
        );
        assert_eq!(twice.last_applied(), 3);
    }

    #[test]
    fn an_abandoned_older_request_does_not_run_after_a_newer_one() {
        let mut kv = KvStore::default();
        kv.apply(&entry(1, 2, write("new")), &RaftLog::new());
        assert_eq!(
            kv.apply(&entry(1, 1, write("old")), &RaftLog::new()),
            Some(OpResult::Stale)
        );
        assert_eq!(kv.get("x"), Some(&"new".to_string()));
    }
}
