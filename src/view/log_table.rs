//! The log table as the page shows it: one row per server and one cell per
//! index of a window of the most recent indices, each entry with its term
//! and whether that server knows it committed, and the leader's nextIndex
//! and matchIndex for each follower marked in that follower's row (paper
//! Figure 2, "volatile state on leaders"). A compacted prefix (thesis
//! chapter 5) is one block, the snapshot, named by its last included index
//! and term: those entries are gone, and their terms with them.

use super::membership::{self, Standing};
use crate::raft::{LogIndex, Membership, NodeId, Payload, RaftNode, Term, MILLIS};
use crate::sim::{DiskConfig, Simulation};
use std::rc::Rc;

/// A leader's bookkeeping shown in a follower's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogMark {
    /// The next index the leader will send this follower.
    Next,
    /// The highest index the leader knows this follower holds.
    Match,
}

impl LogMark {
    /// The mark's word, also its CSS class.
    pub fn as_str(self) -> &'static str {
        match self {
            LogMark::Next => "next",
            LogMark::Match => "match",
        }
    }
}

/// One cell: an index in one server's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogCell {
    /// The log index.
    pub index: LogIndex,
    /// The entry's term and whether the server knows it committed; `None`
    /// past the end of its log.
    pub entry: Option<(Term, bool)>,
    /// The leader's marks at this index.
    pub marks: Vec<LogMark>,
    /// In the server's log in memory but not yet durable on its disk: a
    /// crash now would lose it.
    pub unsynced: bool,
    /// A configuration entry's membership (thesis §4.1): the server uses
    /// it from the moment it is in the log.
    pub config: Option<Rc<Membership>>,
}

/// The part of a row a snapshot replaced: one block over the window's
/// compacted indices (paper §7, Figure 12).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotBlock {
    /// The snapshot's last included index.
    pub last_index: LogIndex,
    /// The term of the entry at `last_index`.
    pub last_term: Term,
    /// How many of the window's columns it covers (from the first shown).
    pub columns: u64,
    /// The leader's marks at the indices it covers.
    pub marks: Vec<LogMark>,
}

impl SnapshotBlock {
    /// What the block says: "snapshot ≤ 24 · t2", shortened to "≤ 24" when
    /// it covers too few columns for the whole.
    pub fn label(&self) -> String {
        match self.columns {
            0..=3 => format!("≤ {}", self.last_index),
            _ => format!("snapshot ≤ {} · t{}", self.last_index, self.last_term),
        }
    }

    /// Its tooltip, in full.
    pub fn title(&self) -> String {
        format!(
            "snapshot: entries through index {} (term {}) compacted into the state machine",
            self.last_index, self.last_term
        )
    }
}

/// One server's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRow {
    /// The server.
    pub id: NodeId,
    /// Stopped servers' rows are greyed.
    pub stopped: bool,
    /// Voter, learner or removed (`view::membership`).
    pub standing: Standing,
    /// Its snapshot, where the window shows some of what it replaced.
    pub snapshot: Option<SnapshotBlock>,
    /// One cell per index shown after the snapshot block, in order.
    pub cells: Vec<LogCell>,
}

/// The whole table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogTable {
    /// The first index shown.
    pub first: LogIndex,
    /// The last index of the longest log.
    pub last: LogIndex,
    /// A row per server, in id order.
    pub rows: Vec<LogRow>,
}

impl LogTable {
    /// The indices shown, one column each.
    pub fn indices(&self) -> std::ops::RangeInclusive<LogIndex> {
        self.first..=self.last.max(self.first)
    }
}

/// The table for `sim`, showing at most `width` of the latest indices.
pub fn log_table(sim: &Simulation, width: u64) -> LogTable {
    let last = sim
        .servers()
        .iter()
        .map(|s| s.node.log().last_index())
        .max()
        .unwrap_or(0);
    let first = last.saturating_sub(width.saturating_sub(1)).max(1);
    let leader = sim.leader().and_then(|id| sim.server(id));
    let standings = membership::Standings::of(sim);
    let rows = sim
        .servers()
        .iter()
        .map(|s| {
            let node = &s.node;
            let progress = leader.and_then(|l| l.node.progress().get(&node.id()));
            let marks_at = |index: LogIndex| {
                let mut marks = Vec::new();
                if progress.is_some_and(|p| p.next_index == index) {
                    marks.push(LogMark::Next);
                }
                if progress.is_some_and(|p| p.match_index == index) {
                    marks.push(LogMark::Match);
                }
                marks
            };
            let log = node.log();
            // Entries through the snapshot's last index are gone: their
            // terms too (`term_at` is None below it).
            let compacted = log.snapshot_index();
            let snapshot = (compacted >= first).then(|| SnapshotBlock {
                last_index: compacted,
                last_term: log.snapshot_term(),
                columns: compacted - first + 1,
                marks: (first..=compacted).flat_map(marks_at).collect(),
            });
            let synced = s.disk.synced_index();
            let cells = (first.max(compacted + 1)..=last.max(first))
                .map(|index| {
                    let entry = log
                        .entry(index)
                        .map(|e| (e.term, index <= node.commit_index()));
                    LogCell {
                        index,
                        unsynced: entry.is_some() && index > synced,
                        entry,
                        marks: marks_at(index),
                        config: config_at(node, index),
                    }
                })
                .collect();
            LogRow {
                id: node.id(),
                stopped: !s.up,
                standing: standings.of_server(node.id()),
                snapshot,
                cells,
            }
        })
        .collect();
    LogTable { first, last, rows }
}

/// The membership in `node`'s entry at `index`, if that is a configuration
/// entry.
fn config_at(node: &RaftNode, index: LogIndex) -> Option<Rc<Membership>> {
    match &node.log().entry(index)?.payload {
        Payload::Config(membership) => Some(Rc::clone(membership)),
        _ => None,
    }
}

/// What the Logs panel says of disks that are not instant (`?disk=slow`):
/// a page tester saw six terms go by with no leader and nothing to say
/// why. A server makes its term and vote durable before it answers
/// (Figure 2), so each round of an election takes the disk's time too.
pub fn slow_disk_note(disk: &DiskConfig) -> Option<String> {
    if disk.is_synchronous() {
        return None;
    }
    let ms = (disk.write_latency + disk.fsync_latency) / MILLIS;
    // A disk whose fsyncs vary (`raft-sim --disk-faults`, a failure the
    // What-if search found on it) takes up to its jitter more.
    let ms = match disk.fsync_jitter / MILLIS {
        0 => format!("{ms}"),
        more => format!("{ms} to {}", ms + more),
    };
    Some(format!(
        "A write takes {ms} ms to be durable here, and a server writes its term and vote \
         before it answers: elections take longer, so votes split more often (paper §5.6: \
         the time to persist and send must stay well under the election timeout)."
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_slow_disk_has_a_note() {
        assert_eq!(slow_disk_note(&DiskConfig::default()), None);
        let note = slow_disk_note(&DiskConfig::slow()).unwrap();
        assert!(
            note.starts_with("A write takes 50 ms to be durable"),
            "{note}"
        );
        // Fsyncs that vary give the range (it said 5 ms of 5 to 55).
        let note = slow_disk_note(&DiskConfig::faulty()).unwrap();
        assert!(note.starts_with("A write takes 5 to 55 ms"), "{note}");
    }

    use super::*;
    use crate::raft::{Op, MILLIS};
    use crate::sim::{Action, SimConfig};

    fn sim() -> Simulation {
        let config = SimConfig {
            nodes: 3,
            seed: 3,
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).unwrap();
        sim.run_until(1000 * MILLIS);
        sim
    }

    fn write(value: &str) -> Action {
        write_to(None, value)
    }

    fn write_to(to: Option<NodeId>, value: &str) -> Action {
        Action::ClientRequest {
            to,
            op: Op::Write {
                key: "x".into(),
                value: value.into(),
            },
        }
    }

    #[test]
    fn committed_entries_are_marked_and_every_row_has_every_column() {
        let sim = sim();
        let t = log_table(&sim, 10);
        assert_eq!((t.first, t.last), (1, 1), "the leader's no-op");
        for row in &t.rows {
            assert_eq!(row.cells.len(), 1);
            assert!(matches!(row.cells[0].entry, Some((_, true))), "committed");
        }
    }

    /// A follower that missed entries: the leader's nextIndex sits past its
    /// log's end and its matchIndex at its last entry; its empty cells are
    /// still there to carry the marks.
    #[test]
    fn the_leader_marks_next_and_match_in_each_follower_row() {
        let mut sim = sim();
        let leader = sim.leader().unwrap();
        let lagging = (1..=3).find(|&n| n != leader).unwrap();
        sim.act(Action::Stop(lagging)).unwrap();
        for v in ["a", "b", "c"] {
            sim.act(write_to(Some(leader), v)).unwrap();
        }
        sim.run_until(sim.now() + 300 * MILLIS);
        let t = log_table(&sim, 10);
        assert_eq!(t.last, 4);
        let row = &t.rows[lagging as usize - 1];
        assert!(row.stopped);
        let marked = |mark| {
            row.cells
                .iter()
                .filter(|c| c.marks.contains(&mark))
                .map(|c| c.index)
                .collect::<Vec<_>>()
        };
        assert_eq!(marked(LogMark::Match), vec![1]);
        assert_eq!(row.cells[1].entry, None, "missing entries are empty cells");
        assert!(marked(LogMark::Next).len() <= 1);
        let leader_row = &t.rows[leader as usize - 1];
        assert!(
            leader_row.cells.iter().all(|c| c.marks.is_empty()),
            "not for itself"
        );
    }

    #[test]
    fn entries_not_yet_durable_are_marked_unsynced() {
        let config = SimConfig {
            nodes: 3,
            seed: 3,
            disk: crate::sim::DiskConfig::slow(),
            ..SimConfig::default()
        };
        let mut sim = Simulation::new(config).unwrap();
        sim.run_until(1000 * MILLIS);
        let leader = sim.leader().unwrap();
        let before = sim.server(leader).unwrap().node.log().last_index();
        sim.act(write("1")).unwrap();
        while sim.server(leader).unwrap().node.log().last_index() == before {
            sim.step();
        }
        let t = log_table(&sim, 10);
        let row = &t.rows[leader as usize - 1];
        let unsynced: Vec<LogIndex> = row
            .cells
            .iter()
            .filter(|c| c.unsynced)
            .map(|c| c.index)
            .collect();
        assert_eq!(unsynced, vec![t.last], "only the new entry");
        sim.run_until(sim.now() + 100 * MILLIS);
        let t = log_table(&sim, 10);
        assert!(t.rows.iter().flat_map(|r| &r.cells).all(|c| !c.unsynced));
    }

    #[test]
    fn a_long_log_shows_its_latest_window() {
        let mut sim = sim();
        for i in 0..12 {
            sim.act(write(&i.to_string())).unwrap();
        }
        sim.run_until(sim.now() + 300 * MILLIS);
        let t = log_table(&sim, 5);
        assert_eq!((t.first, t.last), (9, 13));
        assert!(t.rows.iter().all(|r| r.cells.len() == 5));
        assert_eq!(t.indices().count(), 5);
    }

    #[test]
    fn an_added_server_gets_a_row_and_the_change_is_a_marked_entry() {
        let mut sim = sim();
        sim.act(Action::AddServer).unwrap();
        let t = log_table(&sim, 10);
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.rows[3].standing, Standing::Learner);
        let leader = sim.leader().unwrap();
        let cell = &t.rows[leader as usize - 1].cells[1];
        let config = cell.config.as_ref().expect("the change is entry 2");
        assert_eq!(
            (config.voters.as_slice(), config.learners.as_slice()),
            (&[1, 2, 3][..], &[4][..])
        );
        assert!(
            t.rows[leader as usize - 1].cells[0].config.is_none(),
            "the no-op"
        );
        sim.run_until(sim.now() + 1000 * MILLIS);
        let t = log_table(&sim, 10);
        let row = &t.rows[3];
        assert_eq!(row.standing, Standing::Voter);
        let configs: Vec<String> = row
            .cells
            .iter()
            .filter_map(|c| c.config.as_ref().map(|m| m.to_string()))
            .collect();
        assert_eq!(configs, ["voters 1,2,3 learners 4", "voters 1,2,3,4"]);
    }

    /// A compacted prefix is one block named by the snapshot's last index
    /// and term, never cells of term 0; the leader's marks for a follower
    /// that installed the snapshot sit on its block or after it.
    #[test]
    fn a_compacted_prefix_is_one_snapshot_block() {
        let mut sim = sim();
        let leader = sim.leader().unwrap();
        let behind = (1..=3).find(|&n| n != leader).unwrap();
        sim.act(Action::SetSnapshots(Some(5))).unwrap();
        sim.act(Action::Stop(behind)).unwrap();
        // Entries 2-5 make the snapshot through 5; 6-8 stay in the log.
        for batch in [0..4, 4..7] {
            for i in batch {
                sim.act(write_to(Some(leader), &i.to_string())).unwrap();
            }
            sim.run_until(sim.now() + 300 * MILLIS);
        }
        let node = &sim.server(leader).unwrap().node;
        let (through, term) = (node.log().snapshot_index(), node.log().snapshot_term());
        assert_eq!((through, node.log().last_index()), (5, 8));
        let t = log_table(&sim, 10);
        assert_eq!((t.first, t.last), (1, 8));
        let row = &t.rows[leader as usize - 1];
        let block = row.snapshot.as_ref().expect("the leader compacted");
        assert_eq!(
            (block.last_index, block.last_term, block.columns),
            (5, term, 5)
        );
        assert_eq!(block.label(), format!("snapshot ≤ 5 · t{term}"));
        let shown: Vec<LogIndex> = row.cells.iter().map(|c| c.index).collect();
        assert_eq!(shown, [6, 7, 8], "cells only after the block");
        assert!(row.cells.iter().all(|c| c.entry == Some((term, true))));
        let stopped = &t.rows[behind as usize - 1];
        assert_eq!(stopped.snapshot, None);
        assert_eq!(stopped.cells.len(), 8);
        assert!(stopped
            .cells
            .iter()
            .all(|c| c.entry.is_none_or(|(t, _)| t > 0)));

        // A narrow window shows the part of the block it reaches, shortened.
        let t = log_table(&sim, 4);
        let block = t.rows[leader as usize - 1].snapshot.clone().unwrap();
        assert_eq!((t.first, block.columns), (5, 1));
        assert_eq!(block.label(), "≤ 5");

        sim.act(Action::Resume(behind)).unwrap();
        sim.run_until(sim.now() + 500 * MILLIS);
        let follower = &sim.server(behind).unwrap().node;
        assert!(follower.log().snapshot_index() >= 5, "installed");
        let t = log_table(&sim, 10);
        let row = &t.rows[behind as usize - 1];
        let block = row.snapshot.as_ref().expect("the follower's snapshot");
        assert_eq!(block.last_index, follower.log().snapshot_index());
        let marks: Vec<LogMark> = block
            .marks
            .iter()
            .chain(row.cells.iter().flat_map(|c| &c.marks))
            .copied()
            .collect();
        assert!(marks.contains(&LogMark::Match), "{row:?}");
        let row_len = block.columns + row.cells.len() as u64;
        assert_eq!(row_len, t.indices().count() as u64, "every column once");
    }
}
