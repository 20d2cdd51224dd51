//! Tests of the search (`search.rs`): real-time order, unknown outcomes, and
//! random histories, against a brute-force checker for tiny ones.

use crate::raft::Op;
use crate::sim::history::{Operation, Outcome};
use crate::sim::linearizability::test_support::{
    assert_linearizable, assert_violation, cas, read, unknown_cas, unknown_write, write, BUDGET,
};
use crate::sim::linearizability::{check, Verdict};
use std::collections::BTreeMap;

#[test]
fn concurrent_read_may_see_old_or_new_value() {
    for seen in ["1", "2"] {
        let history = [
            write("x", "1", 0, 10),
            write("x", "2", 20, 40),
            read("x", Some(seen), 25, 35),
        ];
        assert_linearizable(&history);
    }
}

#[test]
fn touching_intervals_are_concurrent() {
    // The read is invoked at the instant the write returns: either order.
    assert_linearizable(&[write("x", "1", 0, 10), read("x", None, 10, 20)]);
}

#[test]
fn unknown_write_later_observed() {
    assert_linearizable(&[unknown_write("x", "1", 0), read("x", Some("1"), 50, 60)]);
}

#[test]
fn unknown_write_never_observed() {
    let history = [
        unknown_write("x", "1", 0),
        read("x", None, 50, 60),
        read("x", None, 70, 80),
    ];
    assert_linearizable(&history);
}

#[test]
fn unknown_write_cannot_take_effect_before_its_invocation() {
    assert_violation(
        &[read("x", Some("1"), 0, 10), unknown_write("x", "1", 20)],
        "x",
    );
}

#[test]
fn unknown_cas_may_never_take_effect() {
    // The cas cannot apply (x is never "2"); it must be allowed to vanish.
    let history = [
        write("x", "1", 0, 10),
        unknown_cas("x", "2", "3", 5),
        read("x", Some("1"), 20, 30),
    ];
    assert_linearizable(&history);
}

#[test]
fn unknown_cas_may_take_effect() {
    let history = [
        write("x", "1", 0, 10),
        unknown_cas("x", "1", "2", 5),
        read("x", Some("2"), 20, 30),
    ];
    assert_linearizable(&history);
}

#[test]
fn concurrent_cas_chain_in_either_invocation_order() {
    // Invoked c2 first, but c1 must take effect first.
    let history = [
        write("x", "a", 0, 10),
        cas("x", "b", "c", 20, 60),
        cas("x", "a", "b", 25, 50),
    ];
    assert_linearizable(&history);
}

#[test]
fn new_then_old_value_during_a_concurrent_write() {
    // Each read alone is fine; together they see time go backwards.
    let history = [
        write("x", "1", 0, 100),
        read("x", Some("1"), 10, 20),
        read("x", None, 30, 40),
    ];
    assert_eq!(assert_violation(&history, "x"), vec![0, 1, 2]);
}

/// A tiny deterministic generator (Marsaglia's xorshift64).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A history that is linearizable by construction: operation `i` takes
/// effect on a real register at time `t = spread + 10 i` and its interval
/// is stretched around `t` by up to `spread` either side, so intervals
/// overlap. A cas from a wrong value fails (and is left out); an unknown
/// write takes effect or not, at random.
fn sequential_history(
    seed: u64,
    n: usize,
    keys: &[&str],
    spread: u64,
    values: u64,
) -> Vec<Operation> {
    let mut rng = XorShift(seed);
    let mut registers: BTreeMap<&str, Option<String>> = BTreeMap::new();
    let mut history = Vec::with_capacity(n);
    for i in 0..n as u64 {
        let t = spread + 10 * i;
        let key = keys[rng.below(keys.len() as u64) as usize];
        let (invoke, ret) = (t - rng.below(spread), t + rng.below(spread));
        let register = registers.entry(key).or_default();
        let value = rng.below(values).to_string();
        let entry = match rng.below(10) {
            0..=3 => read(key, register.as_deref(), invoke, ret),
            4..=6 => {
                *register = Some(value.clone());
                write(key, &value, invoke, ret)
            }
            7..=8 => {
                let from = if rng.below(2) == 0 {
                    register.clone().unwrap_or_default()
                } else {
                    value
                };
                let to = rng.below(values).to_string();
                let mut op = cas(key, &from, &to, invoke, ret);
                if register.as_ref() == Some(&from) {
                    *register = Some(to);
                } else {
                    op.outcome = Outcome::Fail;
                }
                op
            }
            _ => {
                if rng.below(2) == 0 {
                    *register = Some(value.clone());
                }
                unknown_write(key, &value, invoke)
            }
        };
        history.push(entry);
    }
    history
}

#[test]
fn random_sequential_history_and_a_corruption_of_it() {
    let mut history = sequential_history(0x9E37_79B9_7F4A_7C15, 300, &["a", "b", "c"], 30, 4);
    let report = check(&history, BUDGET);
    assert_eq!(report.verdict, Verdict::Linearizable);
    assert_eq!(report.keys_checked, 3);

    let victim = (150..300)
        .find(|&i| history[i].outcome == Outcome::Ok && matches!(history[i].op, Op::Read { .. }))
        .expect("the generator makes reads");
    history[victim].read_result = Some("never-written".into());
    let key = history[victim].op.key().to_string();
    let ops = assert_violation(&history, &key);
    assert_eq!(ops.last(), Some(&victim));
}

/// An independent checker for tiny histories, straight from the
/// definition: try every order of the ops, acknowledged ones all placed,
/// unknown ones placed or not, respecting real time and the register.
fn brute_force(history: &[Operation]) -> bool {
    let ops: Vec<&Operation> = history
        .iter()
        .filter(|o| match (o.outcome, &o.op) {
            (Outcome::Ok, _) => true,
            (Outcome::Unknown, Op::Read { .. }) | (Outcome::Fail, _) => false,
            (Outcome::Unknown, _) => true,
        })
        .collect();
    brute_force_from(&ops, &mut vec![false; ops.len()], None)
}

fn brute_force_from(ops: &[&Operation], placed: &mut [bool], state: Option<String>) -> bool {
    let acknowledged = |o: &Operation| o.outcome == Outcome::Ok;
    if (0..ops.len()).all(|i| placed[i] || !acknowledged(ops[i])) {
        return true;
    }
    for i in 0..ops.len() {
        let ready = (0..ops.len()).all(|p| {
            placed[p] || !acknowledged(ops[p]) || ops[p].return_t >= Some(ops[i].invoke_t)
        });
        let next = match &ops[i].op {
            Op::Read { .. } => (ops[i].read_result == state).then(|| state.clone()),
            Op::Write { value, .. } => Some(Some(value.clone())),
            Op::Cas { from, to, .. } => (state.as_ref() == Some(from)).then(|| Some(to.clone())),
        };
        if let (false, true, Some(next)) = (placed[i], ready, next) {
            placed[i] = true;
            if brute_force_from(ops, placed, next) {
                return true;
            }
            placed[i] = false;
        }
    }
    false
}

/// The shape of tiny random histories: how many ops at most, and in ten,
/// how many are cas ops and how many have an unknown outcome.
struct Tiny {
    max_ops: u64,
    cas_in_10: u64,
    unknown_in_10: u64,
}

/// A tiny random history on one key: few values, random intervals, all
/// three outcomes, reads returning anything plausible.
fn tiny_history(rng: &mut XorShift, shape: &Tiny) -> Vec<Operation> {
    let value = |rng: &mut XorShift| ["1", "2", "3"][rng.below(3) as usize];
    (0..1 + rng.below(shape.max_ops))
        .map(|_| {
            let invoke = rng.below(40);
            let ret = invoke + rng.below(20);
            let kind = rng.below(10);
            let mut op = if kind < shape.cas_in_10 {
                cas("x", value(rng), value(rng), invoke, ret)
            } else if kind.is_multiple_of(2) {
                read(
                    "x",
                    [None, Some("1"), Some("2")][rng.below(3) as usize],
                    invoke,
                    ret,
                )
            } else {
                write("x", value(rng), invoke, ret)
            };
            let outcome = rng.below(10);
            if outcome < shape.unknown_in_10 {
                (op.outcome, op.return_t) = (Outcome::Unknown, None);
            } else if outcome == shape.unknown_in_10 {
                op.outcome = Outcome::Fail;
            }
            op
        })
        .collect()
}

/// Asserts that `check` and `brute_force` agree on `cases` histories of
/// `shape`, and that both verdicts are common enough to mean something.
fn agrees_with_brute_force(seed: u64, cases: usize, shape: &Tiny) {
    let mut rng = XorShift(seed);
    let mut linearizable = 0;
    for case in 0..cases {
        let history = tiny_history(&mut rng, shape);
        let expected = brute_force(&history);
        let verdict = check(&history, BUDGET).verdict;
        assert_eq!(
            verdict == Verdict::Linearizable,
            expected,
            "case {case}: {history:#?}\n{verdict}"
        );
        assert!(!matches!(verdict, Verdict::Inconclusive { .. }));
        linearizable += usize::from(expected);
    }
    assert!(
        (cases / 5..cases * 4 / 5).contains(&linearizable),
        "{linearizable} of {cases} linearizable"
    );
}

#[test]
fn agrees_with_brute_force_on_tiny_random_histories() {
    let shape = Tiny {
        max_ops: 7,
        cas_in_10: 3,
        unknown_in_10: 2,
    };
    agrees_with_brute_force(0x2545_F491_4F6C_DD1D, 5000, &shape);
}

/// Mostly cas ops, half of them unknown: chains of unknown cas ops leading
/// to a value an acknowledged op requires (`Search::useful_values`).
#[test]
fn agrees_with_brute_force_on_tiny_histories_of_unknown_cas_chains() {
    let shape = Tiny {
        max_ops: 8,
        cas_in_10: 7,
        unknown_in_10: 5,
    };
    agrees_with_brute_force(0x9E37_79B9_7F4A_7C15, 20_000, &shape);
}

#[test]
fn many_seeds_of_random_histories_are_linearizable() {
    for seed in 1..=50 {
        let history = sequential_history(seed, 200, &["a", "b"], 40, 3);
        assert_eq!(
            check(&history, BUDGET).verdict,
            Verdict::Linearizable,
            "seed {seed}"
        );
    }
}

#[test]
fn a_violation_among_many_unknown_writes_is_found() {
    // Few values, so every unknown write could matter, and about sixty
    // are pending at the end: without the symmetry reduction (one of
    // several interchangeable unknown ops) this exceeds the budget.
    let mut history = sequential_history(7, 600, &["x"], 50, 3);
    let victim = (300..600)
        .find(|&i| history[i].outcome == Outcome::Ok && matches!(history[i].op, Op::Read { .. }))
        .expect("the generator makes reads");
    history[victim].read_result = Some("never-written".into());
    let ops = assert_violation(&history, "x");
    assert_eq!(ops.last(), Some(&victim));
}

#[test]
fn two_thousand_ops_on_one_key_with_twenty_concurrent() {
    // Intervals up to 200 wide every 10: about 20 ops overlap each one.
    for values in [3, 1_000_000] {
        let history = sequential_history(42, 2000, &["x"], 100, values);
        let report = check(&history, BUDGET);
        assert_eq!(report.verdict, Verdict::Linearizable, "{values} values");
    }
}

/// A linearizable history in which unknown writes and cas ops pile up and
/// take effect, if at all, long after they were invoked, as a request that
/// timed out at its client and was committed later does: acknowledged op
/// `i` takes effect at `100 + 10 i`, inside its interval; an unknown op
/// invoked then takes effect 5 before that instant of a later `j`, up to
/// `delay` slots on, or never.
fn late_unknowns_history(seed: u64, n: u64, delay: u64, values: u64) -> Vec<Operation> {
    let mut rng = XorShift(seed);
    let mut register: Option<String> = None;
    let mut late: BTreeMap<u64, Vec<Operation>> = BTreeMap::new();
    let mut history = Vec::new();
    for i in 1..=n {
        for op in late.remove(&i).unwrap_or_default() {
            register = match &op.op {
                Op::Write { value, .. } => Some(value.clone()),
                Op::Cas { from, to, .. } if register.as_ref() == Some(from) => Some(to.clone()),
                _ => register,
            };
        }
        let t = 100 + 10 * i;
        let (invoke, ret) = (t - rng.below(30), t + rng.below(30));
        let value = rng.below(values).to_string();
        let entry = match rng.below(10) {
            0..=3 => read("x", register.as_deref(), invoke, ret),
            4..=5 => {
                register = Some(value.clone());
                write("x", &value, invoke, ret)
            }
            6..=7 => {
                let from = register.clone().unwrap_or_default();
                let op = unknown_cas("x", &from, &value, invoke);
                take_effect_at(&mut late, i + 1 + rng.below(delay), &op);
                op
            }
            _ => {
                let op = unknown_write("x", &value, invoke);
                if rng.below(3) > 0 {
                    take_effect_at(&mut late, i + 1 + rng.below(delay), &op);
                }
                op
            }
        };
        history.push(entry);
    }
    history
}

/// Has the unknown `op` take effect just before slot `slot`.
fn take_effect_at(late: &mut BTreeMap<u64, Vec<Operation>>, slot: u64, op: &Operation) {
    late.entry(slot).or_default().push(op.clone());
}

#[test]
fn unknown_ops_taking_effect_late_are_tried_only_where_they_lead_somewhere() {
    // About 400 unknown ops of ten values pending by the end, most of them
    // a candidate at every step under the rule before 2026-12-03 (some op
    // anywhere later requires the value): it ran out of this budget on 7 of
    // these 8 seeds. Tried only where the value leads, through the window's
    // unknown cas ops, to a value an acknowledged op of the window
    // requires, each history is proven linearizable within it.
    for seed in 1..=8 {
        let history = late_unknowns_history(seed, 1000, 100, 10);
        assert_eq!(
            check(&history, BUDGET).verdict,
            Verdict::Linearizable,
            "seed {seed}"
        );
    }
}

#[test]
fn a_bitset_window_leaves_out_full_words_before_it_and_empty_ones_after() {
    use super::Bitset;
    let mut set = Bitset::new(300);
    for i in 0..130 {
        set.set(i);
    }
    let window = set.window();
    assert_eq!((window.start, window.words), (2, vec![0b11]));
    set.clear(5);
    let window = set.window();
    assert_eq!((window.start, window.words.len()), (0, 3));
    assert_eq!(window.words[0], !(1 << 5));
    set.set(5);
    set.clear(129);
    set.clear(128);
    let window = set.window();
    assert_eq!((window.start, window.words), (2, vec![]));
    set.set(299);
    assert_eq!(
        set.window().words.len(),
        3,
        "words 2 to 4, the last holding 299"
    );
}
