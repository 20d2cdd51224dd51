//! A crash that lost writes: the server's memory had run ahead of its disk,
//! and it restarts from the disk. (Added by the disk model of issue 10 §1,
//! in a file of its own so the checker's own files stay as they are.)

use super::{InvariantChecker, ServerView};
use crate::raft::{LogIndex, NodeId, PersistentState};
use crate::sim::stable_hash::chain;

impl InvariantChecker {
    /// Server `id` crashed before some of its writes were durable and came
    /// back with `durable`, what its disk kept; its log in memory agreed
    /// with the disk up to `synced` and ran ahead after it. The view goes
    /// back to what the disk kept: a term, vote or entry that was never
    /// durable was, by the durability contract, never vouched for in a
    /// message either, so losing it is no violation. (What a server *did*
    /// vouch for and then lost, as with the unsafe `reply-before-persist`,
    /// shows up as two leaders of one term, or a leader lacking a committed
    /// entry.) Call [`InvariantChecker::observe_restart`] too, as for any
    /// restart.
    pub fn observe_recovery(&mut self, id: NodeId, durable: &PersistentState, synced: LogIndex) {
        let view: &mut ServerView = self.servers.get_or_insert_with(id, Box::default);
        view.term = durable.current_term;
        view.voted_for = durable.voted_for;
        let keep = synced.min(durable.log.last_index());
        view.prefix.truncate(keep as usize);
        view.config_clean_through = view.config_clean_through.min(keep);
        let committed = &self.committed;
        for index in keep + 1..=durable.log.last_index() {
            // The durable snapshot's entries are committed ones.
            let prefix = match durable.log.entry(index) {
                Some(entry) => chain(view.prefix_at(index - 1).unwrap_or(0), entry),
                None => committed.get(index as usize - 1).map_or(0, |c| c.prefix),
            };
            view.prefix.push(prefix);
        }
    }
}
