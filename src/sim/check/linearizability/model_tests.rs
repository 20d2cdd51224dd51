//! Tests of the register's specification and of which operations are
//! checked (`model.rs`), through `check`.

use crate::sim::history::Outcome;
use crate::sim::linearizability::test_support::{
    assert_linearizable, assert_violation, cas, failed_write, read, write, BUDGET,
};
use crate::sim::linearizability::{check, Verdict};

#[test]
fn sequential_write_then_read() {
    assert_linearizable(&[write("x", "1", 0, 10), read("x", Some("1"), 20, 30)]);
}

#[test]
fn reading_an_absent_key_initially_is_fine() {
    assert_linearizable(&[read("x", None, 0, 10), write("x", "1", 20, 30)]);
}

#[test]
fn read_of_a_value_never_written() {
    let ops = assert_violation(&[write("x", "1", 0, 10), read("x", Some("2"), 20, 30)], "x");
    assert_eq!(ops, vec![0, 1]);
}

#[test]
fn unknown_reads_are_ignored() {
    let mut lost = read("x", Some("garbage"), 0, 10);
    (lost.outcome, lost.return_t) = (Outcome::Unknown, None);
    let report = check(&[write("x", "1", 0, 10), lost], BUDGET);
    assert_eq!(report.verdict, Verdict::Linearizable);
    assert_eq!(report.ops_checked, 1);
}

#[test]
fn failed_write_observed_by_a_read() {
    let history = [failed_write("x", "1", 0, 10), read("x", Some("1"), 20, 30)];
    let report = check(&history, BUDGET);
    assert_eq!(report.ops_checked, 1);
    assert!(matches!(report.verdict, Verdict::NotLinearizable { ref ops, .. } if ops == &[1]));
}

#[test]
fn cas_chain() {
    let history = [
        write("x", "a", 0, 10),
        cas("x", "a", "b", 20, 30),
        cas("x", "b", "c", 40, 50),
        read("x", Some("c"), 60, 70),
    ];
    assert_linearizable(&history);
}

#[test]
fn cas_from_the_wrong_value_acknowledged() {
    let history = [write("x", "a", 0, 10), cas("x", "z", "b", 20, 30)];
    assert_eq!(assert_violation(&history, "x"), vec![0, 1]);
}

#[test]
fn cas_on_an_absent_key_acknowledged() {
    assert_violation(&[cas("x", "a", "b", 0, 10)], "x");
}
