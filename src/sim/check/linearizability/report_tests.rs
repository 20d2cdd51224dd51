//! Tests of the report (`report.rs`): which key is reported, the verdict's
//! explanation and wording, and an exhausted budget.

use super::*;
use crate::sim::linearizability::test_support::{assert_violation, read, write, BUDGET};

#[test]
fn empty_history_is_linearizable() {
    let report = check(&[], BUDGET);
    assert_eq!(
        report,
        LinearizabilityReport {
            keys_checked: 0,
            ops_checked: 0,
            verdict: Verdict::Linearizable
        }
    );
}

#[test]
fn stale_read_after_a_completed_write() {
    let history = [write("x", "1", 0, 10), read("x", None, 20, 30)];
    let report = check(&history, BUDGET);
    let Verdict::NotLinearizable {
        key,
        explanation,
        ops,
    } = &report.verdict
    else {
        panic!("expected a violation, got {:?}", report.verdict);
    };
    assert_eq!((key.as_str(), ops.as_slice()), ("x", &[0, 1][..]));
    assert!(
        explanation.starts_with("#1 (client 1: read x -> absent, ok, t=20..30)"),
        "{explanation}"
    );
    assert!(
        explanation.contains("1 op(s) (#0), after which x = \"1\""),
        "{explanation}"
    );
    let line = report.verdict.to_string();
    assert!(
        line.starts_with("NOT linearizable on key \"x\": #1"),
        "{line}"
    );
}

#[test]
fn keys_are_independent_and_the_bad_one_is_reported() {
    let history = [
        write("a", "1", 0, 10),
        write("b", "1", 0, 10),
        read("a", Some("1"), 20, 30),
        read("b", None, 20, 30),
    ];
    let report = check(&history, BUDGET);
    assert_eq!((report.keys_checked, report.ops_checked), (2, 4));
    assert!(
        matches!(report.verdict, Verdict::NotLinearizable { ref key, ref ops, .. }
        if key == "b" && ops == &[1, 3])
    );
}

#[test]
fn first_bad_key_in_sorted_order_is_reported() {
    let history = [read("zz", Some("1"), 0, 10), read("aa", Some("1"), 0, 10)];
    assert_violation(&history, "aa");
}

/// Three concurrent writes then a read: many orders to try.
fn busy_history(key: &str) -> Vec<Operation> {
    vec![
        write(key, "1", 0, 100),
        write(key, "2", 0, 100),
        write(key, "3", 0, 100),
        read(key, Some("1"), 200, 300),
    ]
}

#[test]
fn a_tiny_budget_is_inconclusive() {
    let verdict = check(&busy_history("x"), 1).verdict;
    let expected = Verdict::Inconclusive {
        key: "x".into(),
        reason: "search budget of 1 steps exhausted".into(),
    };
    assert_eq!(verdict, expected);
    assert_eq!(
        verdict.to_string(),
        "inconclusive on key \"x\": search budget of 1 steps exhausted"
    );
    assert_eq!(
        check(&busy_history("x"), BUDGET).verdict,
        Verdict::Linearizable
    );
}

#[test]
fn a_violation_beats_an_earlier_inconclusive_key() {
    let mut history = busy_history("a");
    history.extend([write("b", "1", 0, 10), read("b", None, 20, 30)]);
    let verdict = check(&history, 4).verdict;
    assert!(
        matches!(verdict, Verdict::NotLinearizable { ref key, .. } if key == "b"),
        "{verdict:?}"
    );
    assert_eq!(Verdict::Linearizable.to_string(), "linearizable");
}
