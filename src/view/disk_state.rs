//! What a server's details panel says about its disk: the term, vote and
//! log that would survive a crash now, set against what the server has in
//! memory (Figure 2's persistent state, "updated on stable storage before
//! responding to RPCs").

use crate::raft::{LogIndex, NodeId, Term};
use crate::sim::Server;

/// A server's durable state beside its state in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskState {
    /// The durable term and vote.
    pub term: Term,
    /// The durable vote.
    pub voted_for: Option<NodeId>,
    /// The durable log's last index.
    pub last_index: LogIndex,
    /// Writes issued and not yet durable.
    pub unsynced_writes: usize,
    /// The log is durable as it is in memory up to here.
    pub synced_index: LogIndex,
    /// The last index in memory.
    pub memory_last_index: LogIndex,
    /// A torn record the last restart dropped, if any.
    pub dropped_torn: Option<LogIndex>,
}

impl DiskState {
    /// What `server`'s disk holds now.
    pub fn of(server: &Server) -> Self {
        let disk = &server.disk;
        let durable = disk.durable_hard_state();
        DiskState {
            term: durable.term,
            voted_for: durable.voted_for,
            last_index: disk.durable_log().last_index(),
            unsynced_writes: disk.unsynced_writes(),
            synced_index: disk.synced_index(),
            memory_last_index: server.node.log().last_index(),
            dropped_torn: disk.last_dropped_torn(),
        }
    }

    /// The panel's rows, as (term, description) pairs: what is durable,
    /// and, while writes are on their way, what is not yet.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let vote = self.voted_for.map_or("none".into(), |v| format!("n{v}"));
        let mut rows = vec![(
            "on disk",
            format!(
                "term {}, votedFor {vote}, last index {}",
                self.term, self.last_index
            ),
        )];
        if self.unsynced_writes > 0 {
            let writes = match self.unsynced_writes {
                1 => "1 write".to_string(),
                n => format!("{n} writes"),
            };
            let entries = match self.memory_last_index.checked_sub(self.synced_index) {
                Some(0) | None => String::new(),
                Some(n) => format!(
                    "; entries {}–{}",
                    self.synced_index + 1,
                    n + self.synced_index
                ),
            };
            rows.push((
                "not yet on disk",
                format!("{writes}{entries} (lost if it crashes now)"),
            ));
        }
        if let Some(index) = self.dropped_torn {
            let text =
                format!("a torn record at index {index} failed its checksum and was dropped");
            rows.push(("last restart", text));
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::SECONDS;
    use crate::sim::{Action, DiskConfig, SimConfig, Simulation};

    fn slow_cluster() -> Simulation {
        let config = SimConfig {
            nodes: 3,
            seed: 3,
            disk: DiskConfig::slow(),
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).unwrap();
        sim.run_until(SECONDS);
        sim
    }

    #[test]
    fn a_synced_server_shows_only_what_is_on_disk() {
        let sim = slow_cluster();
        let leader = sim.leader().unwrap();
        let state = DiskState::of(sim.server(leader).unwrap());
        assert_eq!(state.unsynced_writes, 0);
        let rows = state.rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, "on disk");
        assert!(
            rows[0].1.contains(&format!("votedFor n{leader}")),
            "{rows:?}"
        );
    }

    #[test]
    fn entries_on_their_way_are_listed_as_not_yet_on_disk() {
        let mut sim = slow_cluster();
        let leader = sim.leader().unwrap();
        let op = crate::raft::Op::Write {
            key: "x".into(),
            value: "1".into(),
        };
        let before = sim.server(leader).unwrap().node.log().last_index();
        sim.act(Action::ClientRequest { to: None, op }).unwrap();
        while sim.server(leader).unwrap().node.log().last_index() == before {
            sim.step();
        }
        let state = DiskState::of(sim.server(leader).unwrap());
        assert_eq!(state.unsynced_writes, 1);
        let last = state.memory_last_index;
        let rows = state.rows();
        assert_eq!(rows[1].0, "not yet on disk");
        assert_eq!(
            rows[1].1,
            format!("1 write; entries {last}–{last} (lost if it crashes now)")
        );
    }

    /// A write becoming durable changes nothing else a log row shows, yet
    /// the log table's change key must move, or its cell stays marked.
    #[test]
    fn a_write_becoming_durable_redraws_the_log_table() {
        use crate::view::session::Session;
        use crate::view::url_params::UrlParams;
        let params = UrlParams {
            disk: DiskConfig::slow(),
            load: 20.0,
            ..UrlParams::default()
        };
        let mut s = Session::open(&params, &[], "", true);
        let shown = |s: &Session| -> Vec<(u64, u64, u64, u64)> {
            let sim = &s.playground.sim;
            let row = |v: &crate::sim::Server| {
                let n = &v.node;
                (
                    n.current_term(),
                    n.log().last_index(),
                    n.commit_index(),
                    n.last_applied(),
                )
            };
            sim.servers().iter().map(row).collect()
        };
        let synced = |s: &Session| -> Vec<u64> {
            let servers = s.playground.sim.servers();
            servers.iter().map(|v| v.disk.synced_index()).collect()
        };
        for _ in 0..100_000 {
            let (before, rows, disk) = (s.versions().logs, shown(&s), synced(&s));
            s.playground.sim.step();
            if shown(&s) == rows && synced(&s) != disk {
                assert_ne!(s.versions().logs, before, "the synced index moved");
                return;
            }
        }
        panic!("no write became durable on its own");
    }
}
