//! History builders and assertions shared by the checker's tests.

use super::{check, Verdict};
use crate::raft::{Op, Time};
use crate::sim::history::{Operation, Outcome};

pub(super) const BUDGET: u64 = 1_000_000;

pub(super) fn operation(op: Op, invoke: Time, ret: Option<Time>, outcome: Outcome) -> Operation {
    Operation {
        client: 1,
        request: 0,
        op,
        invoke_t: invoke,
        return_t: ret,
        outcome,
        read_result: None,
        index: None,
        served_by: None,
        redirects: 0,
        failure: None,
    }
}

pub(super) fn write(key: &str, value: &str, invoke: Time, ret: Time) -> Operation {
    let op = Op::Write {
        key: key.into(),
        value: value.into(),
    };
    operation(op, invoke, Some(ret), Outcome::Ok)
}

pub(super) fn unknown_write(key: &str, value: &str, invoke: Time) -> Operation {
    let op = Op::Write {
        key: key.into(),
        value: value.into(),
    };
    operation(op, invoke, None, Outcome::Unknown)
}

pub(super) fn failed_write(key: &str, value: &str, invoke: Time, ret: Time) -> Operation {
    let op = Op::Write {
        key: key.into(),
        value: value.into(),
    };
    operation(op, invoke, Some(ret), Outcome::Fail)
}

pub(super) fn read(key: &str, seen: Option<&str>, invoke: Time, ret: Time) -> Operation {
    let mut read = operation(Op::Read { key: key.into() }, invoke, Some(ret), Outcome::Ok);
    read.read_result = seen.map(str::to_string);
    read
}

pub(super) fn cas(key: &str, from: &str, to: &str, invoke: Time, ret: Time) -> Operation {
    let op = Op::Cas {
        key: key.into(),
        from: from.into(),
        to: to.into(),
    };
    operation(op, invoke, Some(ret), Outcome::Ok)
}

pub(super) fn unknown_cas(key: &str, from: &str, to: &str, invoke: Time) -> Operation {
    let op = Op::Cas {
        key: key.into(),
        from: from.into(),
        to: to.into(),
    };
    operation(op, invoke, None, Outcome::Unknown)
}

pub(super) fn verdict(history: &[Operation]) -> Verdict {
    check(history, BUDGET).verdict
}

pub(super) fn assert_linearizable(history: &[Operation]) {
    assert_eq!(verdict(history), Verdict::Linearizable);
}

/// Asserts a violation on `key` and returns its `ops`.
pub(super) fn assert_violation(history: &[Operation], key: &str) -> Vec<usize> {
    match verdict(history) {
        Verdict::NotLinearizable { key: k, ops, .. } if k == key => ops,
        other => panic!("expected a violation on {key:?}, got {other:?}"),
    }
}
