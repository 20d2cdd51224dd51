//! Time travel's memory: copies of the simulation taken as the run goes, so
//! any moment can be reached by restoring the nearest copy and replaying
//! deterministically from there.
//!
//! The copies stay evenly spread however long the run gets: one per slot of
//! `spacing` time; when there are too many, the slots double in length and
//! each keeps its first copy. So the replay a jump needs is at most two
//! spacings, about `4 * run / MAX` in the worst case.

use crate::raft::{Time, MILLIS};
use crate::sim::Simulation;

/// The spacing a run starts with.
pub const FIRST_SPACING: Time = 250 * MILLIS;
/// Copies kept at most.
pub const MAX_SNAPSHOTS: usize = 64;

/// A copy of the simulation, with how many of the person's actions it
/// already contains (the later ones are replayed after restoring it).
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// The simulation as it was.
    pub sim: Simulation,
    /// How many of the person's actions it already contains.
    pub user_actions_done: usize,
}

/// The copies of one run, evenly spread over its time.
#[derive(Clone, Debug)]
pub struct Snapshots {
    /// Oldest first; the first is always the run's start.
    list: Vec<Snapshot>,
    spacing: Time,
}

impl Snapshots {
    /// Copies of a run starting at `start`, whose copy is the first.
    pub fn new(start: &Simulation) -> Self {
        Snapshots {
            list: vec![Snapshot {
                sim: start.clone(),
                user_actions_done: 0,
            }],
            spacing: FIRST_SPACING,
        }
    }

    /// How many copies are kept.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Are there no copies? Never in practice: the run's start is always kept.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The times of the copies, oldest first.
    pub fn times(&self) -> impl Iterator<Item = Time> + '_ {
        self.list.iter().map(|s| s.sim.now())
    }

    /// Copies `sim` if it has entered a new slot of `spacing` time since the
    /// last copy.
    pub fn maybe_take(&mut self, sim: &Simulation, user_actions_done: usize) {
        let last = self.list.last().map_or(0, |s| s.sim.now());
        if sim.now() / self.spacing <= last / self.spacing {
            return;
        }
        self.list.push(Snapshot {
            sim: sim.clone(),
            user_actions_done,
        });
        while self.list.len() > MAX_SNAPSHOTS {
            self.thin();
        }
    }

    /// Doubles the spacing and keeps the first copy in each new slot, so
    /// the copies stay evenly spread: no gap exceeds two spacings.
    fn thin(&mut self) {
        self.spacing *= 2;
        let spacing = self.spacing;
        let mut last_slot = None;
        self.list.retain(|s| {
            let slot = s.sim.now() / spacing;
            let first_in_slot = last_slot != Some(slot);
            last_slot = Some(slot);
            first_in_slot
        });
    }

    /// The latest copy at or before `t` whose event count is at most
    /// `max_events` (so replaying from it can reach that exact event).
    pub fn nearest(&self, t: Time, max_events: u64) -> &Snapshot {
        self.list
            .iter()
            .rev()
            .find(|s| s.sim.now() <= t && s.sim.events() <= max_events)
            .unwrap_or(&self.list[0])
    }

    /// A fork at the moment `sim` is at, after `user_actions_done` of the
    /// person's actions, that discarded the last `from_file_now` actions
    /// the scenario file has at that moment: copies of the discarded
    /// future are dropped, those of its own moment after the fork's event
    /// too, and the copies of that moment no longer owe those actions (a
    /// copy holds the file's actions of its moment not yet done; the
    /// person's are armed again from the list).
    pub fn forget_after(
        &mut self,
        sim: &Simulation,
        user_actions_done: usize,
        from_file_now: usize,
    ) {
        let (now, events) = (sim.now(), sim.events());
        self.list.retain(|s| {
            s.sim.now() <= now
                && s.sim.events() <= events
                && s.user_actions_done <= user_actions_done
        });
        for s in self.list.iter_mut().filter(|s| s.sim.now() == now) {
            s.sim.cancel_last_due_now(from_file_now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::shared_vec::SharedVec;
    use crate::raft::{Entry, SECONDS};
    use crate::view::playground::playground_config;
    use std::collections::BTreeSet;

    /// However long the run, the copies cover it evenly: no gap is more than
    /// twice the final spacing, so no jump replays more than that.
    #[test]
    fn copies_stay_evenly_spread_on_a_long_run() {
        let mut sim = Simulation::new(playground_config(3, 3)).unwrap();
        let mut snapshots = Snapshots::new(&sim);
        for second in 1..=600 {
            sim.run_until(second * SECONDS);
            snapshots.maybe_take(&sim, 0);
        }
        assert!(snapshots.len() <= MAX_SNAPSHOTS);
        let times: Vec<Time> = snapshots.times().collect();
        let widest = times.windows(2).map(|w| w[1] - w[0]).max().unwrap();
        let even = 600 * SECONDS / MAX_SNAPSHOTS as u64;
        assert!(
            widest <= 4 * even,
            "widest gap {widest} µs, even spacing {even} µs: {times:?}"
        );
        assert_eq!(times[0], 0);
        assert!(*times.last().unwrap() >= 590 * SECONDS);
    }

    #[test]
    fn nearest_respects_time_and_event_count() {
        let mut sim = Simulation::new(playground_config(3, 3)).unwrap();
        let mut snapshots = Snapshots::new(&sim);
        for step in 1..=8 {
            sim.run_until(step * FIRST_SPACING);
            snapshots.maybe_take(&sim, 0);
        }
        let at_one_second = snapshots.nearest(SECONDS, u64::MAX);
        assert_eq!(at_one_second.sim.now(), SECONDS);
        let events = at_one_second.sim.events();
        let earlier = snapshots.nearest(SECONDS, events - 1);
        assert!(earlier.sim.now() < SECONDS);
        let mut fork = Simulation::new(playground_config(3, 3)).unwrap();
        fork.run_until(SECONDS);
        snapshots.forget_after(&fork, 0, 0);
        assert_eq!(snapshots.times().last(), Some(SECONDS));
    }

    type Parts = for<'a> fn(&'a Simulation) -> Vec<&'a SharedVec<Entry>>;

    fn logs(sim: &Simulation) -> Vec<&SharedVec<Entry>> {
        let servers = sim.servers().iter();
        servers.map(|s| s.node.log().shared_entries()).collect()
    }

    fn applied(sim: &Simulation) -> Vec<&SharedVec<Entry>> {
        let servers = sim.servers().iter();
        servers.map(|s| s.node.state_machine().applied()).collect()
    }

    /// (distinct chunks, chunk references) over `vecs`.
    fn count_chunks<'a, T: Clone + 'a>(
        vecs: impl IntoIterator<Item = &'a SharedVec<T>>,
    ) -> (usize, usize) {
        let mut distinct = BTreeSet::new();
        let mut total = 0;
        for ptr in vecs.into_iter().flat_map(|v| v.chunk_ptrs()) {
            distinct.insert(ptr);
            total += 1;
        }
        (distinct.len(), total)
    }

    /// `all` (the same vectors in every snapshot) hold about the full chunks
    /// of `one` (the vectors once), plus at most one chunk per vector per
    /// snapshot copied on write; without sharing they would hold one copy
    /// per snapshot. (Tails, under a chunk each, are every copy's own.)
    fn assert_shared<T: Clone>(what: &str, one: Vec<&SharedVec<T>>, all: Vec<&SharedVec<T>>) {
        let (one_copy, _) = count_chunks(one);
        let (distinct, total) = count_chunks(all.iter().copied());
        assert!(
            distinct <= one_copy + all.len() && total > 5 * distinct,
            "{what}: {distinct} distinct chunks of {total} referenced; one copy has {one_copy}"
        );
    }

    /// Time travel's copies of a long run under load share what they have in
    /// common: over all snapshots, the logs, what the servers applied and the
    /// client history take about one copy's worth of chunks, not one copy per
    /// snapshot. Played as `Playground::with_load(1, 5, 10.0)` in 10 ms frames.
    #[test]
    fn snapshots_share_logs_and_history_instead_of_copying_them() {
        let mut config = playground_config(1, 5);
        config.workload.clients = 1;
        config.workload.rate = 10.0;
        let mut sim = Simulation::new(config).unwrap();
        let mut snapshots = Snapshots::new(&sim);
        for frame in 1..=30_000 {
            sim.run_until(frame * 10 * MILLIS);
            snapshots.maybe_take(&sim, 0);
            sim.trace_mut().take_recorded();
        }
        assert!(snapshots.len() > MAX_SNAPSHOTS / 2);
        assert!(
            sim.history().len() > 2_500,
            "{} operations",
            sim.history().len()
        );
        let sims = || snapshots.list.iter().map(|s| &s.sim);
        for (what, parts) in [("logs", logs as Parts), ("applied", applied)] {
            assert_shared(what, parts(&sim), sims().flat_map(parts).collect());
        }
        let histories = sims().map(|s| s.history()).collect();
        assert_shared("history", vec![sim.history()], histories);
    }
}
