//! The search for a linearization of one key's history.
//!
//! The search is the one of Wing & Gong ("Testing and verifying concurrent
//! objects", 1993), made practical by Lowe ("Testing for linearizability",
//! 2017) and used by Knossos and Porcupine:
//!
//! * Calls and returns are laid out in time order in a doubly linked list.
//!   Walking the list from its head, any call met before the first return is
//!   an operation that may take effect next. Linearizing it removes its call
//!   and return from the list and restarts the walk; meeting a return means
//!   that operation had to take effect already, so the search backtracks.
//! * Lowe's memoization: the rest of the search depends only on which
//!   operations have taken effect and on the register's value, so each such
//!   configuration is explored at most once.
//! * Sound reductions on top, each argued where it is implemented: a read
//!   that may take effect now is taken without trying alternatives; unknown
//!   ops are tried only where an op already invoked could require their
//!   value next, after the acknowledged ops, and only one of several
//!   interchangeable ones; the memo treats all values nobody will observe as
//!   one, and prunes configurations subsumed by one already explored (see
//!   `Candidates` and `Memo`).
//!   Acknowledged ops are tried earliest return first.
//!
//! Real-time order is strict: A precedes B only if A returned before B was
//! invoked; at equal times the two are concurrent.
//!
//! Cost: the problem is NP-complete (Gibbons & Korach 1997). A linearizable
//! history is usually checked in time about linear in its length. Proving a
//! violation means exhausting every order up to the bad op, about 2^w
//! configurations per op for w ops in flight at once: instant for a handful
//! of clients, seconds at w = 20. The step budget bounds this; the memo keeps
//! at most one entry per step, of a few hundred bytes.

use super::model::{Effect, KeyHistory, KeyOp, State, UNOBSERVED};
use crate::raft::Time;
use crate::sim::stable_hash::StableHasher;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

// ---------------------------------------------------------------------------
// The set of operations that have taken effect.
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Bitset {
    words: Vec<u64>,
    /// How many words at the start are full, and a bound past the last
    /// word that is not empty: kept as bits are set and cleared, so that
    /// `window` need not scan a long history's ops at every step.
    full: usize,
    high: usize,
}

impl Bitset {
    fn new(len: usize) -> Self {
        Bitset {
            words: vec![0; len.div_ceil(64)],
            full: 0,
            high: 0,
        }
    }

    fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
        self.high = self.high.max(i / 64 + 1);
        while self.words.get(self.full) == Some(&u64::MAX) {
            self.full += 1;
        }
    }

    fn clear(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
        self.full = self.full.min(i / 64);
    }

    fn is_subset_of(&self, other: &Bitset) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .all(|(a, b)| a & !b == 0)
    }

    /// The set, compactly, for a memo key: all words before `start` are
    /// full, all after the window are empty. Ops are numbered in invocation
    /// order and taken roughly in that order, so the window stays short
    /// however long the history.
    fn window(&self) -> Window {
        let start = self.full;
        let end = self.words[start..self.high.max(start)]
            .iter()
            .rposition(|&w| w != 0)
            .map_or(start, |last| start + last + 1);
        Window {
            start,
            words: self.words[start..end].to_vec(),
        }
    }
}

/// A `Bitset` of known length, as `Bitset::window` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Window {
    start: usize,
    words: Vec<u64>,
}

/// Lowe's memo of explored configurations, with subsumption on unknown ops:
/// for each (acknowledged ops done, state), the minimal sets of unknown ops
/// done that were seen. A configuration with a superset of one of them adds
/// nothing to explore: its extra unknown ops are only options given up, as
/// unknown ops have no return and so never force anything to follow them.
#[derive(Default)]
struct Memo {
    seen: HashMap<(Window, State), Vec<Bitset>, BuildHasherDefault<StableHasher>>,
}

impl Memo {
    /// Records a configuration; `false` if it, or one subsuming it, was seen.
    fn insert(&mut self, required: &Bitset, unknown: &Bitset, state: State) -> bool {
        let minimal = self.seen.entry((required.window(), state)).or_default();
        if minimal.iter().any(|seen| seen.is_subset_of(unknown)) {
            return false;
        }
        minimal.retain(|seen| !unknown.is_subset_of(seen));
        minimal.push(unknown.clone());
        true
    }
}

// ---------------------------------------------------------------------------
// The event list (Lowe §3): calls and returns in time order, as a doubly
// linked list over index vectors. Removal keeps the removed node's own links
// ("dancing links"), so removals undone in reverse order restore the list.
// ---------------------------------------------------------------------------

/// Node 0 is a sentinel before the first event.
const HEAD: usize = 0;

struct EventList {
    next: Vec<Option<usize>>,
    prev: Vec<usize>,
    /// For each node: the operation it belongs to (unused for `HEAD`).
    op_of: Vec<usize>,
    is_call: Vec<bool>,
    call_of: Vec<usize>,
    return_of: Vec<Option<usize>>,
}

impl EventList {
    /// Sorts events by time, calls before returns at equal times (so that
    /// ops touching at a single instant are concurrent), then by operation.
    fn new(ops: &[KeyOp]) -> Self {
        let mut events: Vec<(Time, bool, usize)> = Vec::with_capacity(2 * ops.len());
        for (op, key_op) in ops.iter().enumerate() {
            events.push((key_op.invoke, false, op));
            if let Some(deadline) = key_op.deadline {
                events.push((deadline, true, op));
            }
        }
        events.sort_unstable();
        let nodes = events.len() + 1;
        let mut list = EventList {
            next: (1..=nodes).map(|n| (n < nodes).then_some(n)).collect(),
            prev: (0..nodes).map(|n| n.saturating_sub(1)).collect(),
            op_of: vec![usize::MAX; nodes],
            is_call: vec![false; nodes],
            call_of: vec![HEAD; ops.len()],
            return_of: vec![None; ops.len()],
        };
        for (i, &(_, is_return, op)) in events.iter().enumerate() {
            let node = i + 1;
            list.op_of[node] = op;
            list.is_call[node] = !is_return;
            if is_return {
                list.return_of[op] = Some(node);
            } else {
                list.call_of[op] = node;
            }
        }
        list
    }

    fn first(&self) -> Option<usize> {
        self.next[HEAD]
    }

    fn next(&self, node: usize) -> Option<usize> {
        self.next[node]
    }

    /// Takes an operation's call and return out of the list.
    fn lift(&mut self, op: usize) {
        self.unlink(self.call_of[op]);
        if let Some(ret) = self.return_of[op] {
            self.unlink(ret);
        }
    }

    /// Undoes the matching `lift`, which must be the latest one not undone.
    fn unlift(&mut self, op: usize) {
        if let Some(ret) = self.return_of[op] {
            self.relink(ret);
        }
        self.relink(self.call_of[op]);
    }

    fn unlink(&mut self, node: usize) {
        let (prev, next) = (self.prev[node], self.next[node]);
        self.next[prev] = next;
        if let Some(next) = next {
            self.prev[next] = prev;
        }
    }

    fn relink(&mut self, node: usize) {
        let (prev, next) = (self.prev[node], self.next[node]);
        self.next[prev] = Some(node);
        if let Some(next) = next {
            self.prev[next] = node;
        }
    }
}

// ---------------------------------------------------------------------------
// The search (Lowe §3, with the memoization of §4).
// ---------------------------------------------------------------------------

/// How the search of one key ended.
pub(super) enum KeyOutcome {
    Linearizable,
    /// `None` only if the search never reached a return, which cannot happen
    /// while an acknowledged operation is left.
    NotLinearizable(Option<Stuck>),
    Inconclusive,
}

/// The deepest dead end found: the operations linearized so far (positions in
/// `KeyHistory::ops`, in order), the register's state after them, and the
/// operation whose return was reached before it could be placed.
pub(super) struct Stuck {
    pub(super) prefix: Vec<usize>,
    pub(super) state: State,
    pub(super) blocked: usize,
}

/// An operation that has taken effect, and the state before it.
struct Frame {
    op: usize,
    before: State,
}

/// The ops that may take effect next, in the order to try them.
///
/// Candidates are the calls met before the first return (Lowe). Three sound
/// reductions decide which of them are tried, and two rules in what order:
///
/// * A read that may take effect now is taken alone, with no alternative
///   tried (a partial-order reduction): if any order works, so does the one
///   that moves the read to now, since a read changes nothing and every op
///   that had to precede it is already linearized.
/// * An unknown op is tried only if the value it leaves could lead, through
///   unknown cas ops of the window (the calls before the first return), to
///   a value an acknowledged op of the window requires. In a completion
///   where the op right after an unknown one does not require its value,
///   that next op is a write (a read or a cas would require it) or there is
///   none, so dropping the unknown op leaves a valid completion. Hence some
///   completion has each unknown op followed at once by an op requiring its
///   value: a run of unknown ops, each a cas from the value before but the
///   first, ends in an acknowledged op requiring the last value. All of
///   them are in the window already, since unknown ops have no return and
///   taking them unblocks nothing. The rule before 2026-12-03, some op left
///   anywhere in the history requires the value, kept every unknown op of a
///   popular value a candidate to the end: 12 of 3,000 runs of the sweep
///   matrix's third line ran out of budget, one of them still at ten times
///   the budget (docs/measurements.md).
/// * Of unknown candidates with the same effect only the first is tried: they
///   are interchangeable, having no return (so nothing must follow them) and
///   being invoked already (so all that must precede them has taken effect).
/// * Unknown ops come after acknowledged ones, so that configurations without
///   them are explored first and those with them are pruned by subsumption
///   (see `Memo`).
/// * Acknowledged ops are tried by earliest return first: the most urgent
///   first. This only changes how soon a linearization is found.
struct Candidates {
    ops: Vec<usize>,
    /// The op whose return ends the candidates: it could not be placed if
    /// none of them works.
    blocked: Option<usize>,
}

/// What `Search::take_first` did.
enum Took {
    One,
    None,
    OutOfBudget,
}

pub(super) struct Search<'h> {
    history: &'h KeyHistory,
    list: EventList,
    state: State,
    /// Acknowledged and unknown ops that have taken effect, by slot.
    required_done: Bitset,
    unknown_done: Bitset,
    memo: Memo,
    stack: Vec<Frame>,
    /// Acknowledged operations not yet linearized; at zero we are done.
    required_left: usize,
    /// For each value: how many ops not yet linearized require it.
    observers: Vec<usize>,
    steps: u64,
    budget: u64,
    deepest: Option<Stuck>,
}

impl<'h> Search<'h> {
    pub(super) fn new(history: &'h KeyHistory, budget: u64) -> Self {
        Search {
            history,
            list: EventList::new(&history.ops),
            state: None,
            required_done: Bitset::new(history.required),
            unknown_done: Bitset::new(history.unknown),
            memo: Memo::default(),
            stack: Vec::new(),
            required_left: history.required,
            observers: history.observers(),
            steps: 0,
            budget,
            deepest: None,
        }
    }

    /// Depth first: take the first candidate that works; when none does,
    /// undo the latest choice and go on with the candidate after it.
    pub(super) fn run(mut self) -> KeyOutcome {
        let mut resume_after = None;
        while self.required_left > 0 {
            let candidates = self.candidates();
            let start = resume_after.take().map_or(0, |op| {
                // Undoing restored the configuration, so `op` is a candidate.
                let at = candidates.ops.iter().position(|&c| c == op);
                debug_assert!(at.is_some(), "undone op {op} is not a candidate");
                at.map_or(candidates.ops.len(), |i| i + 1)
            });
            match self.take_first(&candidates.ops[start..]) {
                Took::One => {}
                Took::None => {
                    if let Some(blocked) = candidates.blocked {
                        self.note_dead_end(blocked);
                    }
                    match self.undo() {
                        Some(op) => resume_after = Some(op),
                        None => return KeyOutcome::NotLinearizable(self.deepest),
                    }
                }
                Took::OutOfBudget => return KeyOutcome::Inconclusive,
            }
        }
        KeyOutcome::Linearizable
    }

    /// Linearizes the first of `ops` that works.
    fn take_first(&mut self, ops: &[usize]) -> Took {
        for &op in ops {
            if self.steps >= self.budget {
                return Took::OutOfBudget;
            }
            if self.try_linearize(op) {
                return Took::One;
            }
        }
        Took::None
    }

    /// See `Candidates`. The same configuration always yields the same list,
    /// which is what lets `run` resume after an undone op.
    fn candidates(&self) -> Candidates {
        let (mut required, mut unknown): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
        let mut node = self.list.first();
        while let Some(call) = node.filter(|&n| self.list.is_call[n]) {
            let op = self.list.op_of[call];
            let key_op = &self.history.ops[op];
            match key_op.effect {
                Effect::Read(seen) if seen == self.state => {
                    return Candidates {
                        ops: vec![op],
                        blocked: None,
                    };
                }
                Effect::Read(_) => {}
                _ if key_op.is_required() => required.push(op),
                _ => unknown.push(op),
            }
            node = self.list.next(call);
        }
        // Most windows hold no unknown op, and then no value is weighed.
        if !unknown.is_empty() {
            let useful = self.useful_values(node);
            let mut tried: Vec<usize> = Vec::new();
            for op in unknown.drain(..) {
                if self.worth_trying(op, &tried, &useful) {
                    tried.push(op);
                }
            }
            unknown = tried;
        }
        required.sort_by_key(|&op| (self.history.ops[op].deadline, op));
        required.append(&mut unknown);
        let blocked = node.map(|n| self.list.op_of[n]);
        Candidates {
            ops: required,
            blocked,
        }
    }

    /// For each value, whether an unknown op leaving it could be followed
    /// by a chain of the window's unknown cas ops (`from` the value before,
    /// `to` the next) ending in a value an acknowledged op of the window
    /// requires (see `Candidates`). A backward fixed point over values:
    /// ignoring that each cas can be used once only makes it say yes more
    /// often, which is sound.
    ///
    /// The window is the list's calls before `first_return`.
    fn useful_values(&self, first_return: Option<usize>) -> Vec<bool> {
        let mut useful = vec![false; self.observers.len()];
        let mut unknown_cas = Vec::new();
        let mut node = self.list.first();
        while let Some(call) = node.filter(|&n| Some(n) != first_return) {
            node = self.list.next(call);
            let key_op = &self.history.ops[self.list.op_of[call]];
            match (key_op.effect, key_op.is_required()) {
                (Effect::Cas { from, to }, false) => unknown_cas.push((from, to)),
                (effect, true) => {
                    if let Some(value) = effect.observes() {
                        useful[value as usize] = true;
                    }
                }
                _ => {}
            }
        }
        let mut grew = true;
        while grew {
            grew = false;
            for &(from, to) in &unknown_cas {
                if useful[to as usize] && !useful[from as usize] {
                    useful[from as usize] = true;
                    grew = true;
                }
            }
        }
        useful
    }

    /// Whether to try an unknown op (see `Candidates`): the value it leaves
    /// is `useful`, and no interchangeable op is tried already.
    fn worth_trying(&self, op: usize, chosen: &[usize], useful: &[bool]) -> bool {
        let effect = self.history.ops[op].effect;
        effect.produces().is_some_and(|v| useful[v as usize])
            && chosen.iter().all(|&c| self.history.ops[c].effect != effect)
    }

    /// Lets `op` take effect now if the specification allows it and the
    /// resulting configuration has not been explored before. One step.
    fn try_linearize(&mut self, op: usize) -> bool {
        self.steps += 1;
        let Some(after) = self.history.ops[op].effect.apply(self.state) else {
            return false;
        };
        self.commit(op, after);
        let state = self.memo_state();
        let fresh = self
            .memo
            .insert(&self.required_done, &self.unknown_done, state);
        if !fresh {
            self.undo();
        }
        fresh
    }

    /// The state as the memo sees it. A value that no op left requires can
    /// only be overwritten, so which value it is no longer matters: all such
    /// values are one. This merges the orders of concurrent writes nobody
    /// reads, which would otherwise multiply the configurations.
    fn memo_state(&self) -> State {
        match self.state {
            Some(value) if self.observers[value as usize] == 0 => Some(UNOBSERVED),
            state => state,
        }
    }

    /// Linearizes `op`, leading to state `after`.
    fn commit(&mut self, op: usize, after: State) {
        self.stack.push(Frame {
            op,
            before: self.state,
        });
        self.state = after;
        self.mark(op, true);
        self.list.lift(op);
        let key_op = &self.history.ops[op];
        if key_op.is_required() {
            self.required_left -= 1;
        }
        if let Some(value) = key_op.effect.observes() {
            self.observers[value as usize] -= 1;
        }
    }

    /// Undoes the latest linearization, if any, and returns its op.
    fn undo(&mut self) -> Option<usize> {
        let Frame { op, before } = self.stack.pop()?;
        self.state = before;
        self.mark(op, false);
        self.list.unlift(op);
        let key_op = &self.history.ops[op];
        if key_op.is_required() {
            self.required_left += 1;
        }
        if let Some(value) = key_op.effect.observes() {
            self.observers[value as usize] += 1;
        }
        Some(op)
    }

    /// Records whether `op` has taken effect.
    fn mark(&mut self, op: usize, done: bool) {
        let history = self.history;
        let key_op = &history.ops[op];
        let set = if key_op.is_required() {
            &mut self.required_done
        } else {
            &mut self.unknown_done
        };
        if done {
            set.set(key_op.slot);
        } else {
            set.clear(key_op.slot);
        }
    }

    /// Remembers the deepest dead end, the most telling one for a human.
    fn note_dead_end(&mut self, blocked: usize) {
        if self
            .deepest
            .as_ref()
            .is_some_and(|d| d.prefix.len() >= self.stack.len())
        {
            return;
        }
        self.deepest = Some(Stuck {
            prefix: self.stack.iter().map(|frame| frame.op).collect(),
            state: self.state,
            blocked,
        });
    }
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
