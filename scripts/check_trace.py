#!/usr/bin/env python3
"""An outside checker for raft-sim traces and client histories.

Usage:
    python3 scripts/check_trace.py --trace FILE [--history FILE] [--max-steps N]

It reads the files that `raft-sim run --trace FILE --history FILE` (or
`raft-sim sweep ... --trace FILE`) writes, as documented in
docs/trace-format.md and docs/history-format.md, and checks, with its own
code and nothing from the simulator:

* election_safety       at most one leader per term (state events);
* state_machine_safety  every node applies the same command and term at each
                        index (apply events);
* leader_completeness   a newly elected leader holds every entry that was
                        committed, in an earlier term, before its election
                        (leader_log, apply and state events);
* linearizability       the history is linearizable under lin-kv semantics
                        (Wing & Gong search with memoization, per key).

The simulator's own `violation` lines are NOT trusted: they are counted and
reported on a separate line, but no verdict depends on them.

Output: one line per property, `NAME: ok`, `NAME: VIOLATED: <details>`,
`NAME: inconclusive: <why>` or `NAME: not checked: <why>`.

Exit status: 0 when every checked property is ok; 1 when any is violated;
2 on unreadable input (missing file, bad JSON, missing or mistyped field);
3 when nothing is violated but the linearizability search ran out of budget
(inconclusive is never reported as ok).

Python 3.8+, standard library only.
"""

import argparse
import json
import sys

EXIT_OK = 0
EXIT_VIOLATED = 1
EXIT_UNREADABLE = 2
EXIT_INCONCLUSIVE = 3

# Default search budget per key: a step is one attempt to let an operation
# take effect in the linearizability search.
DEFAULT_MAX_STEPS = 2_000_000

# How many individual problems to spell out per property.
MAX_DETAILS = 3

INF = float("inf")
NOTHING = object()  # "needs no particular value"


class InputError(Exception):
    """The input cannot be read or does not have the documented format."""


# ---------------------------------------------------------------------------
# Reading the trace
# ---------------------------------------------------------------------------

INT = "integer"
STR = "string"
OPT_INT = "integer or null"
OPT_STR = "string or null"
PAIRS = "array of [index, term] pairs"
INTS = "array of integers"

# The fields every trace kind must have (docs/trace-format.md). Extra fields
# are allowed, so that the format may grow.
TRACE_FIELDS = {
    "state": {
        "node": INT,
        "term": INT,
        "role": STR,
        "voted_for": OPT_INT,
        "commit": INT,
        "last_index": INT,
        "last_term": INT,
    },
    "apply": {"node": INT, "index": INT, "term": INT, "command": STR},
    "leader_log": {"node": INT, "term": INT, "log": PAIRS},
    "send": {
        "id": INT,
        "from": STR,
        "to": STR,
        "type": STR,
        "term": OPT_INT,
        "deliver_t": INT,
    },
    "deliver": {"id": INT},
    "drop": {"id": INT, "reason": STR},
    "action": {"action": STR},
    "invoke": {"client": INT, "request": INT, "op": STR},
    "return": {"client": INT, "request": INT, "outcome": STR, "result": OPT_STR},
    "violation": {"invariant": STR, "nodes": INTS, "detail": STR},
    "snapshot": {"node": INT, "index": INT, "term": INT, "how": STR},
    "unsafe_step": {"node": INT, "switch": STR, "peer": OPT_INT, "index": OPT_INT},
}


def is_int(x):
    """A JSON integer (not a boolean, which Python counts as an int)."""
    return isinstance(x, int) and not isinstance(x, bool)


def has_type(value, expected):
    """Whether a decoded JSON value has one of the documented field types."""
    if expected == INT:
        return is_int(value)
    if expected == STR:
        return isinstance(value, str)
    if expected == OPT_INT:
        return value is None or is_int(value)
    if expected == OPT_STR:
        return value is None or isinstance(value, str)
    if expected == INTS:
        return isinstance(value, list) and all(is_int(v) for v in value)
    if expected == PAIRS:
        return isinstance(value, list) and all(
            isinstance(p, list) and len(p) == 2 and is_int(p[0]) and is_int(p[1])
            for p in value
        )
    raise AssertionError(expected)


def check_fields(record, fields, where):
    """Raises InputError unless `record` has every field with its type."""
    for name, expected in fields.items():
        if name not in record:
            raise InputError(f"{where}: missing field {name!r}")
        if not has_type(record[name], expected):
            raise InputError(
                f"{where}: field {name!r} should be {expected}, got {record[name]!r}"
            )


# The kinds the checks read; the others (the bulk of a trace: send, deliver,
# drop) are validated and then dropped, to keep memory small.
KEPT_KINDS = {"state", "apply", "leader_log", "violation", "snapshot"}


def read_trace(path):
    """Reads and validates a JSON Lines trace; returns its events of the
    kinds in KEPT_KINDS, as dicts in file order.

    Each event gets a `line` field with its line number, for messages.
    Lines of kinds this checker does not know are skipped, not rejected, so
    that the format may grow.
    """
    events = []
    count = 0
    try:
        with open(path, encoding="utf-8") as f:
            for number, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                event = parse_trace_line(text, f"trace {path!r} line {number}")
                count += 1
                if event["kind"] in KEPT_KINDS:
                    event["line"] = number
                    events.append(event)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read trace {path!r}: {e}") from None
    if count == 0:
        raise InputError(f"trace {path!r} holds no events")
    return events


def parse_trace_line(text, where):
    """One trace line as a dict, with its fields checked."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{where}: not valid JSON ({e.msg})") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    if not isinstance(event, dict):
        raise InputError(f"{where}: expected a JSON object")
    check_fields(event, {"t": INT, "kind": STR}, where)
    fields = TRACE_FIELDS.get(event["kind"])
    if fields is not None:
        check_fields(event, fields, where)
    return event


# ---------------------------------------------------------------------------
# Election Safety
# ---------------------------------------------------------------------------


def check_election_safety(events):
    """Election Safety (Raft paper, Figure 3): at most one leader per term.

    Every `state` event with role "leader" says that its node was leader of
    its term at that moment. Returns a list of problems (empty when ok).
    """
    first_leader = {}  # term -> the first state event naming a leader of it
    problems = []
    reported = set()
    for e in events:
        if e["kind"] != "state" or e["role"] != "leader":
            continue
        term, node = e["term"], e["node"]
        first = first_leader.setdefault(term, e)
        if first["node"] != node and (term, node) not in reported:
            reported.add((term, node))
            problems.append(
                f"term {term} has two leaders: n{first['node']} "
                f"(t={first['t']}us, line {first['line']}) and n{node} "
                f"(t={e['t']}us, line {e['line']})"
            )
    return problems


# ---------------------------------------------------------------------------
# State Machine Safety
# ---------------------------------------------------------------------------


def check_state_machine_safety(events):
    """State Machine Safety (Figure 3): no two nodes apply different entries
    at the same index.

    Every `apply` event at an index must carry the same entry term and the
    same command text as the first `apply` at that index. (A restarted node
    applies its log again from index 1; that is fine as long as it applies
    the same entries.) Returns a list of problems (empty when ok).

    A `snapshot` through index i must end with the term of the entry
    applied at i: a snapshot holds committed entries only, so it agrees
    with what was applied there (an apply seen later is compared with it
    the same way).
    """
    first_apply = {}  # index -> first apply event (or snapshot) at that index
    problems = []
    reported = set()
    for e in events:
        if e["kind"] == "snapshot":
            first = first_apply.setdefault(e["index"], dict(e, command=None))
            if first["term"] != e["term"] and e["index"] not in reported:
                reported.add(e["index"])
                problems.append(
                    f"index {e['index']}: n{e['node']}'s snapshot at t={e['t']}us "
                    f"(line {e['line']}) ends with term {e['term']}, but "
                    f"n{first['node']} has term {first['term']} there "
                    f"(line {first['line']})"
                )
            continue
        if e["kind"] != "apply":
            continue
        first = first_apply.setdefault(e["index"], e)
        if first["command"] is None:  # a snapshot came first: it names the term
            first_apply[e["index"]] = first = dict(e, term=first["term"])
        same = first["term"] == e["term"] and first["command"] == e["command"]
        if not same and e["index"] not in reported:  # once per index
            reported.add(e["index"])
            problems.append(
                f"index {e['index']}: n{first['node']} applied "
                f"{first['command']!r} (term {first['term']}) at t={first['t']}us "
                f"(line {first['line']}), n{e['node']} applied {e['command']!r} "
                f"(term {e['term']}) at t={e['t']}us (line {e['line']})"
            )
    return problems


# ---------------------------------------------------------------------------
# Leader Completeness
# ---------------------------------------------------------------------------


def check_leader_completeness(events):
    """Leader Completeness (Figure 3): an entry committed in term T is in
    the log of every leader of every term higher than T.

    What the trace shows, in file order (the simulator's event order):

    * an entry is known committed once some node applies it (`apply`); the
      first `apply` at an index names the entry (index, term);
    * the term in which index i became committed is the term of the first
      `state` event, of any node, whose `commit` reaches i: only a leader
      advances a commit index on its own, and followers learn it later;
    * a `leader_log` event lists, as (index, term) pairs, the whole log of a
      node that just took office as leader of `term`.

    So at each `leader_log` of term T, every entry applied earlier in the
    file whose commit term is lower than T must appear in `log` with the same
    index and term. Entries committed in term T itself or later are skipped:
    they can be "older" than a leader_log event of term T only when that
    event repeats an old leadership (a stopped leader resumed, still in its
    old term) or comes from a belated election in a lower term. Neither is
    covered by Leader Completeness, which speaks of higher terms only.
    Returns a list of problems (empty when ok).
    """
    commit_term = []  # commit_term[i - 1]: term in which index i was committed
    applied = {}  # index -> (entry term, command, first apply event)
    problems = []
    reported = set()  # (node, term) of leaderships already found lacking
    for e in events:
        kind = e["kind"]
        if kind == "state":
            while len(commit_term) < e["commit"]:
                commit_term.append(e["term"])
        elif kind == "apply":
            applied.setdefault(e["index"], (e["term"], e["command"], e))
        elif kind == "leader_log":
            if (e["node"], e["term"]) in reported:
                continue  # once per leadership is enough
            log = {index: term for index, term in e["log"]}
            # A log compacted by a snapshot starts at the snapshot's last
            # included index: what it compacted is committed and held.
            start = e["log"][0][0] if e["log"] else 1
            for index in sorted(applied):
                entry_term, command, first = applied[index]
                # An index applied but never seen committed would be its own
                # bug (not this property); count it as committed right away.
                committed_in = (
                    commit_term[index - 1] if index <= len(commit_term) else first["term"]
                )
                if committed_in >= e["term"] or log.get(index) == entry_term:
                    continue
                if index < start:
                    continue
                holds = log.get(index)
                has = "nothing" if holds is None else f"an entry of term {holds}"
                problems.append(
                    f"n{e['node']} became leader of term {e['term']} at "
                    f"t={e['t']}us (line {e['line']}) with {has} at index "
                    f"{index}, but index {index} holds {command!r} (term "
                    f"{entry_term}), committed in term {committed_in} and "
                    f"applied by n{first['node']} at t={first['t']}us "
                    f"(line {first['line']})"
                )
                reported.add((e["node"], e["term"]))
                break  # one missing entry per leader_log is enough to say
    return problems


# ---------------------------------------------------------------------------
# Reading the history
# ---------------------------------------------------------------------------

HISTORY_FIELDS = {
    "client": INT,
    "op": STR,
    "key": STR,
    "value": OPT_STR,
    "from": OPT_STR,
    "to": OPT_STR,
    "invoke_t": INT,
    "return_t": OPT_INT,
    "outcome": STR,
    "result": OPT_STR,
}


def read_history(path):
    """Reads a history (a JSON array of operations) and validates it.

    Each operation gets an `n` field: its position in the array (0-based).
    """
    try:
        with open(path, encoding="utf-8") as f:
            history = json.load(f)
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read history {path!r}: {e}") from None
    except json.JSONDecodeError as e:
        raise InputError(
            f"history {path!r}: not valid JSON at line {e.lineno}: {e.msg}"
        ) from None
    except RecursionError:
        raise InputError(f"history {path!r}: JSON nested too deeply") from None
    if not isinstance(history, list):
        raise InputError(f"history {path!r}: expected a JSON array")
    for n, op in enumerate(history):
        where = f"history {path!r} operation #{n}"
        if not isinstance(op, dict):
            raise InputError(f"{where}: expected a JSON object")
        check_fields(op, HISTORY_FIELDS, where)
        if op["op"] not in ("read", "write", "cas"):
            raise InputError(f"{where}: unknown op {op['op']!r}")
        if op["outcome"] not in ("ok", "fail", "unknown"):
            raise InputError(f"{where}: unknown outcome {op['outcome']!r}")
        if op["op"] == "write" and op["value"] is None:
            raise InputError(f"{where}: a write needs a value")
        if op["op"] == "cas" and (op["from"] is None or op["to"] is None):
            raise InputError(f"{where}: a cas needs from and to")
        if op["outcome"] == "ok" and op["return_t"] is None:
            raise InputError(f"{where}: an ok operation needs a return_t")
        if op["return_t"] is not None and op["return_t"] < op["invoke_t"]:
            raise InputError(f"{where}: return_t is before invoke_t")
        op["n"] = n
    return history


# ---------------------------------------------------------------------------
# Linearizability
# ---------------------------------------------------------------------------


def describe_op(op):
    """One operation in words, for messages."""
    if op["op"] == "read":
        what = f"read {op['key']} -> {'absent' if op['result'] is None else repr(op['result'])}"
    elif op["op"] == "write":
        what = f"write {op['key']}={op['value']!r}"
    else:
        what = f"cas {op['key']} {op['from']!r}->{op['to']!r}"
    end = "?" if op["return_t"] is None else op["return_t"]
    return f"#{op['n']} (client {op['client']}: {what}, {op['outcome']}, t={op['invoke_t']}..{end})"


def step(op, value):
    """The lin-kv sequential specification for one register.

    Returns the register's value after `op` when `op` can take effect while
    the register holds `value` (None: key absent), else raises ValueError.
    An ok read must return the value; an ok cas must find `from`.
    """
    if op["op"] == "read":
        if op["result"] != value:
            raise ValueError
        return value
    if op["op"] == "write":
        return op["value"]
    if value != op["from"]:
        raise ValueError
    return op["to"]


def needs(op):
    """The value an ok read or an ok cas needs the register to hold (None:
    absent), or NOTHING for a write, which takes any value."""
    if op["op"] == "read":
        return op["result"]
    if op["op"] == "cas":
        return op["from"]
    return NOTHING


class KeySearch:
    """Wing & Gong's depth-first search for one key, with Lowe's memoization.

    `required` are the key's ok operations, `optional` its unknown writes
    and cas (fails and unknown reads are left out before), both sorted by
    invoke_t. A configuration is (ok ops done, unknown ops used, register
    value, in_run), the op sets as bit masks (bit i: op i of its list).

    From a configuration, an operation may take effect next if it was
    invoked no later than the earliest return among the ok operations not
    yet done: an operation that returned strictly before another was
    invoked must take effect first. Unknown operations return "at
    infinity", so they never force anything. The search succeeds once
    every ok operation has taken effect; unknown ones may be left out, as
    they may never have happened. Each configuration is explored at most
    once, and the search stops after `max_steps` attempts to let an
    operation take effect ("inconclusive").
    """

    def __init__(self, ops):
        by_invoke = sorted(ops, key=lambda o: o["invoke_t"])
        self.required = [o for o in by_invoke if o["outcome"] == "ok"]
        self.optional = [o for o in by_invoke if o["outcome"] != "ok"]
        self.ret = [o["return_t"] for o in self.required]
        self.effect = [(o["op"], o["value"], o["from"], o["to"]) for o in self.optional]

    def moves(self, config):
        """The operations that may take effect next, ok ones first, as
        ("r", index into required) or ("o", index into optional).

        Unknown ops are only tried as part of a "run" that brings the
        register to a value some ok read or cas may take effect at now
        (directly, or through further unknown cas ops). Any linearization
        can be brought to that form: a run of unknown ops before an ok
        write, or at the very end, can be left out, as can any op of a run
        that does not lead to the value needed next. So within a run
        (`in_run`), the next op is another unknown op or an ok read or cas,
        never an ok write.
        """
        req_mask, opt_mask, value, in_run = config
        required, optional, ret = self.required, self.optional, self.ret
        # Lowest ok op not yet done: every ok op before it is done.
        lo = ((~req_mask) & (req_mask + 1)).bit_length() - 1
        deadline = INF
        window = []
        for i in range(lo, len(required)):
            if required[i]["invoke_t"] > deadline:
                break  # invoked after some remaining op must have returned
            if not (req_mask >> i) & 1:
                window.append(i)
                deadline = min(deadline, ret[i])
        window = [i for i in window if required[i]["invoke_t"] <= deadline]
        window.sort(key=lambda i: ret[i])  # the most constrained first
        result = [("r", i) for i in window if not (in_run and required[i]["op"] == "write")]

        available = []
        for j, o in enumerate(optional):
            if o["invoke_t"] > deadline:
                break
            if not (opt_mask >> j) & 1:
                available.append(j)
        wanted = {needs(required[i]) for i in window}
        wanted.update(optional[j]["from"] for j in available if optional[j]["op"] == "cas")
        wanted.discard(NOTHING)
        effects = set()
        for j in available:
            o = optional[j]
            if o["op"] == "cas" and o["from"] != value:
                continue
            produced = o["value"] if o["op"] == "write" else o["to"]
            if produced == value or produced not in wanted:
                continue
            # Unknown ops with the same effect, once invoked, can stand in
            # for each other for the rest of the search: try only the
            # earliest invoked one of each.
            if self.effect[j] not in effects:
                effects.add(self.effect[j])
                result.append(("o", j))
        return result

    def run(self, max_steps, reuse_unknown):
        """Searches; returns (verdict, detail, steps used).

        With `reuse_unknown`, an unknown operation may take effect any
        number of times (configurations forget which were used). That
        relaxation allows more, so when even it finds no order, none
        exists; and its configurations are few, so it fails fast where the
        exact search would try many subsets of unknown operations.
        """
        all_req = (1 << len(self.required)) - 1
        seen = set()  # every configuration reached so far
        failed = {}  # (req_mask, value, in_run) -> used-op sets that led nowhere
        steps = 0
        best = (-1, 0, None)  # (ok ops done, req_mask, value) at the deepest point
        start = (0, 0, None, False)
        seen.add(start)
        stack = [(start, iter(self.moves(start)))]
        while stack:
            (req_mask, opt_mask, value, in_run), pending = stack[-1]
            done = bin(req_mask).count("1")
            if done > best[0]:
                best = (done, req_mask, value)
            for which, i in pending:
                steps += 1
                if steps > max_steps:
                    why = f"search budget of {max_steps} steps exhausted"
                    return ("inconclusive", why, steps)
                op = self.required[i] if which == "r" else self.optional[i]
                try:
                    new_value = step(op, value)
                except ValueError:
                    continue
                if which == "r":
                    config = (req_mask | (1 << i), opt_mask, new_value, False)
                elif reuse_unknown:
                    config = (req_mask, opt_mask, new_value, True)
                else:
                    config = (req_mask, opt_mask | (1 << i), new_value, True)
                if config[0] == all_req:
                    return ("ok", None, steps)
                if config in seen or (not reuse_unknown and subsumed(failed, config)):
                    continue
                seen.add(config)
                stack.append((config, iter(self.moves(config))))
                break
            else:  # no move left from here: this configuration leads nowhere
                stack.pop()
                if not reuse_unknown:
                    failed.setdefault((req_mask, value, in_run), []).append(opt_mask)
        return ("violated", self.explain(best, reuse_unknown), steps)

    def explain(self, best, reuse_unknown):
        """Says which ok operation could not be placed, from the deepest
        point the search reached: (ok ops done, their mask, value)."""
        done, req_mask, value = best
        remaining = [o for i, o in enumerate(self.required) if not (req_mask >> i) & 1]
        stuck = min(remaining, key=lambda o: o["return_t"])
        shown = "absent" if value is None else repr(value)
        even = " (even letting unknown ops take effect repeatedly)" if reuse_unknown else ""
        return (
            f"{describe_op(stuck)} cannot take effect before it returned: at "
            f"best {done} of {len(self.required)} ok operations take effect in "
            f"a legal order{even}, after which the key is {shown}"
        )


def subsumed(failed, config):
    """Whether `config` is known to lead nowhere in the exact search.

    If the search failed from (ok ops done A, value v) having used the
    unknown ops U, it fails from (A, v) having used any U' that contains U:
    the ops of U' but not U are mere options given up, as unknown ops never
    have to take effect.
    """
    req_mask, opt_mask, value, in_run = config
    return any(u & ~opt_mask == 0 for u in failed.get((req_mask, value, in_run), ()))


def unwritten_value(ops):
    """An ok operation that needs a value (a read's result, a cas's from)
    which no operation on its key writes and which is not the key's
    initial absence, with that value; else None. No order satisfies it,
    and the search would only learn so after trying the orders of
    everything else (40 concurrent writes ran it out of budget)."""
    written = {None}
    for op in ops:
        if op["op"] == "write":
            written.add(op["value"])
        elif op["op"] == "cas":
            written.add(op["to"])
    for op in ops:
        value = needs(op)
        if op["outcome"] == "ok" and value is not NOTHING and value not in written:
            return op, value
    return None


def check_key(ops, max_steps):
    """Checks one key's ok ops, unknown writes and unknown cas.

    First the relaxed search (unknown ops reusable): if it finds no order,
    the key is not linearizable. Otherwise the exact search decides, with
    what is left of the budget. Returns ("ok", None), ("violated",
    explanation) or ("inconclusive", why).
    """
    unwritten = unwritten_value(ops)
    if unwritten is not None:
        op, value = unwritten
        return ("violated", f"{describe_op(op)} needs the value {value!r}, which no operation on the key writes")
    key = KeySearch(ops)
    if not key.required:
        return ("ok", None)
    verdict, detail, used = key.run(max_steps, reuse_unknown=True)
    if verdict != "ok":
        return (verdict, detail)
    verdict, detail, _ = key.run(max_steps - used, reuse_unknown=False)
    return (verdict, detail)


def check_linearizability(history, max_steps):
    """Checks a whole history, key by key (linearizability is local:
    a history is linearizable iff its restriction to each key is).

    Fail operations did not happen and are left out; unknown reads
    constrain nothing and are left out too. Returns ("ok", None),
    ("violated", details) or ("inconclusive", details).
    """
    by_key = {}
    for op in history:
        if op["outcome"] == "fail":
            continue
        if op["outcome"] == "unknown" and op["op"] == "read":
            continue
        by_key.setdefault(op["key"], []).append(op)
    inconclusive = None
    for key in sorted(by_key):
        verdict, detail = check_key(by_key[key], max_steps)
        if verdict == "violated":
            return ("violated", f"not linearizable on key {key!r}: {detail}")
        if verdict == "inconclusive" and inconclusive is None:
            inconclusive = f"key {key!r}: {detail}"
    if inconclusive is not None:
        return ("inconclusive", inconclusive)
    return ("ok", None)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def safety_line(name, problems):
    """The output line of one safety property."""
    if not problems:
        return f"{name}: ok"
    more = len(problems) - MAX_DETAILS
    text = "; ".join(problems[:MAX_DETAILS])
    if more > 0:
        text += f"; and {more} more"
    return f"{name}: VIOLATED: {text}"


def main(argv=None):
    """Parses arguments, runs every check, prints verdicts, returns the exit code."""
    parser = argparse.ArgumentParser(
        description="Outside checker for raft-sim traces (JSON Lines) and histories (JSON)."
    )
    parser.add_argument("--trace", required=True, help="trace file written by raft-sim --trace")
    parser.add_argument("--history", help="history file written by raft-sim --history")
    parser.add_argument(
        "--max-steps",
        type=int,
        default=DEFAULT_MAX_STEPS,
        help=f"linearizability search budget per key (default {DEFAULT_MAX_STEPS})",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return EXIT_UNREADABLE if e.code else EXIT_OK
    try:
        events = read_trace(args.trace)
        history = read_history(args.history) if args.history else None
    except InputError as e:
        print(f"check_trace: {e}", file=sys.stderr)
        return EXIT_UNREADABLE

    verdicts = []
    for name, check in (
        ("election_safety", check_election_safety),
        ("state_machine_safety", check_state_machine_safety),
        ("leader_completeness", check_leader_completeness),
    ):
        problems = check(events)
        verdicts.append("violated" if problems else "ok")
        print(safety_line(name, problems))

    if history is None:
        print("linearizability: not checked: no --history given")
    else:
        verdict, detail = check_linearizability(history, args.max_steps)
        verdicts.append(verdict)
        if verdict == "ok":
            print("linearizability: ok")
        elif verdict == "violated":
            print(f"linearizability: VIOLATED: {detail}")
        else:
            print(f"linearizability: inconclusive: {detail}")

    reported = sum(1 for e in events if e["kind"] == "violation")
    print(f"simulator reported {reported} violations (not used for the verdicts above)")

    if "violated" in verdicts:
        return EXIT_VIOLATED
    if "inconclusive" in verdicts:
        return EXIT_INCONCLUSIVE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
