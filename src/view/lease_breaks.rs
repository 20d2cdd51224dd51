//! Why a read lease broke, when the run itself broke one on purpose.
//!
//! A lease is safe only with CheckQuorum on and with every election timer
//! running its course on a clock within the drift bound (thesis §6.4.1:
//! the leader "would assume that no other server will become leader for
//! about an election timeout"). The page lets a person do what that
//! assumption rules out: fire a timer by hand ("Time out"), set a
//! server's clock beyond the drift bound or lower the bound, or turn
//! CheckQuorum off. (A clock within the bound cannot break a lease, which
//! gives up twice the bound; nor can raising the bound, which ends the
//! lease held and shortens the next: counting those excused a real bug,
//! a reviewer found.) When
//! `lease_exclusive` fires after one of those, the safety panel says which
//! and when. A run with an unsafe switch on breaks a rule on purpose from
//! the start: a switch of the lease's own rules (`lease-ignores-drift`,
//! `lease-after-timeout-now`) is named before any action, since the
//! explorer's counterexamples fire timers by action as a matter of course;
//! another switch is named when no action explains the break. When it
//! fires with none of these, the core has a bug, and the panel says that
//! instead.

use crate::raft::{NodeId, Time, UnsafeSwitch};
use crate::sim::decimal;
use crate::sim::{Action, Invariant, Scenario, Violation};
use crate::view::drift_bound;

/// Something a run did that a read lease does not allow for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseBreak {
    /// CheckQuorum was off from the start (`at` 0: votes given then are
    /// not held back, even once it is on), or turned off at `at`.
    CheckQuorumOff {
        /// Simulated microseconds.
        at: Time,
    },
    /// A server's election timer was fired by hand.
    TimerFiredByHand {
        /// Simulated microseconds.
        at: Time,
        /// The server.
        node: NodeId,
    },
    /// A server's clock was set to run further off real time than the
    /// drift bound then in force.
    ClockBeyondBound {
        /// Simulated microseconds.
        at: Time,
        /// The server.
        node: NodeId,
        /// Its new rate, parts per million off real time.
        ppm: i64,
        /// The drift bound then, parts per million.
        bound: u64,
    },
    /// The drift bound was lowered after the start: clocks within the old
    /// bound may be beyond the new one.
    DriftBoundLowered {
        /// Simulated microseconds.
        at: Time,
    },
    /// An unsafe switch was on from the start.
    SwitchOn(UnsafeSwitch),
}

/// The switches that break a rule of the lease itself.
const LEASE_SWITCHES: [UnsafeSwitch; 2] = [
    UnsafeSwitch::LeaseIgnoresDrift,
    UnsafeSwitch::LeaseAfterTimeoutNow,
];

/// What `scenario` did up to `until` that a lease does not allow for, if
/// anything: a switch of the lease's own rules; else the first such action
/// (settings made at time 0 are the run's own, as no server holds a lease
/// before the first election, except CheckQuorum left off and a drift
/// bound below the one the clocks were drawn within); else any other
/// unsafe switch.
pub fn first_until(scenario: &Scenario, until: Time) -> Option<LeaseBreak> {
    let switches = scenario.unsafe_switches;
    if let Some(&switch) = LEASE_SWITCHES.iter().find(|s| switches.is_on(**s)) {
        return Some(LeaseBreak::SwitchOn(switch));
    }
    let by_action = first_action_until(scenario, until);
    by_action.or_else(|| switches.enabled().next().map(LeaseBreak::SwitchOn))
}

/// The first action of `scenario` up to `until` that a lease does not
/// allow for, or CheckQuorum left off.
fn first_action_until(scenario: &Scenario, until: Time) -> Option<LeaseBreak> {
    let mut check_quorum = scenario.raft.check_quorum;
    let bounds = DriftBounds::of(scenario);
    let mut first: Option<LeaseBreak> = None;
    for (index, &(at, ref action)) in scenario.actions.iter().enumerate() {
        if at > until {
            continue;
        }
        let found = match *action {
            Action::SetRaft(options) if at == 0 => {
                check_quorum = options.check_quorum;
                None
            }
            Action::SetRaft(options) if !options.check_quorum => {
                Some(LeaseBreak::CheckQuorumOff { at })
            }
            Action::ForceTimeout(node) => Some(LeaseBreak::TimerFiredByHand { at, node }),
            Action::SetClockRate { node, ppm } => {
                let bound = bounds.before(at, index);
                (ppm.unsigned_abs() > bound).then_some(LeaseBreak::ClockBeyondBound {
                    at,
                    node,
                    ppm,
                    bound,
                })
            }
            // At time 0 too: the clocks were drawn within the run's own
            // bound, and a lower one leaves them beyond it.
            Action::SetDriftBound(ppm) if ppm < bounds.before(at, index) => {
                Some(LeaseBreak::DriftBoundLowered { at })
            }
            _ => None,
        };
        // The actions are in time order within what was loaded and within
        // what the person did, not across the two: keep the earliest.
        if let Some(found) = found.filter(|f| first.is_none_or(|g| f.at() < g.at())) {
            first = Some(found);
        }
    }
    match check_quorum {
        false => Some(LeaseBreak::CheckQuorumOff { at: 0 }),
        true => first,
    }
}

/// The run's drift bounds: its own, and each `drift` action's with its
/// time and place in the list.
struct DriftBounds {
    own: u64,
    set: Vec<(Time, usize, u64)>,
}

impl DriftBounds {
    fn of(scenario: &Scenario) -> Self {
        let set = (scenario.actions.iter().enumerate())
            .filter_map(|(i, &(t, ref action))| match *action {
                Action::SetDriftBound(ppm) => Some((t, i, ppm)),
                _ => None,
            })
            .collect();
        DriftBounds {
            own: scenario.reads.clock_drift_ppm,
            set,
        }
    }

    /// The bound in force just before the action at `index`, done at `at`:
    /// the last set before it in time, of two at one time the one listed
    /// first, as the simulation does them. The list is in time order
    /// within what was loaded and within what the person did, not across
    /// the two, so every bound set is looked at.
    fn before(&self, at: Time, index: usize) -> u64 {
        (self.set.iter())
            .filter(|&&(t, i, _)| (t, i) < (at, index))
            .max_by_key(|&&(t, i, _)| (t, i))
            .map_or(self.own, |&(_, _, ppm)| ppm)
    }
}

impl LeaseBreak {
    /// When it happened.
    pub fn at(&self) -> Time {
        match *self {
            LeaseBreak::CheckQuorumOff { at }
            | LeaseBreak::TimerFiredByHand { at, .. }
            | LeaseBreak::ClockBeyondBound { at, .. }
            | LeaseBreak::DriftBoundLowered { at } => at,
            LeaseBreak::SwitchOn(_) => 0,
        }
    }

    /// One sentence for the safety panel, under a `lease_exclusive`
    /// violation.
    pub fn explain(&self) -> String {
        let when = |at: Time| format!("at {} s", decimal::seconds(at, 3));
        let what = match *self {
            LeaseBreak::CheckQuorumOff { at: 0 } => "CheckQuorum was off at the start".to_string(),
            LeaseBreak::CheckQuorumOff { at } => format!("CheckQuorum was turned off {}", when(at)),
            LeaseBreak::TimerFiredByHand { at, node } => {
                format!(
                    "n{node}'s election timer was fired by hand (\"Time out\") {}",
                    when(at)
                )
            }
            LeaseBreak::ClockBeyondBound {
                at,
                node,
                ppm,
                bound,
            } => {
                let rate = Action::SetClockRate { node, ppm }.to_string();
                let rate = rate.rsplit(' ').next().unwrap_or_default();
                let beyond = match bound {
                    0 => "with no drift allowed for".to_string(),
                    _ => format!("beyond the drift bound of {}", drift_bound::label(bound)),
                };
                format!(
                    "n{node}'s clock was set to run {rate} {}, {beyond}",
                    when(at)
                )
            }
            LeaseBreak::DriftBoundLowered { at } => {
                format!("the drift bound was lowered {}", when(at))
            }
            LeaseBreak::SwitchOn(switch) => {
                // The rule it breaks and where it is stated, as the What
                // if list says them: not the CLI's flags the description
                // ends with ("needs --reads lease ...").
                let (name, rule) = (switch.name(), switch.rule_and_source());
                return format!("Broken on purpose: the unsafe switch {name} is on: {rule}.");
            }
        };
        format!(
            "Broken on purpose: {what}. A lease counts on no election timer firing early, \
             on clocks within the drift bound (thesis §6.4.1), and on CheckQuorum (thesis §6.2, §4.2.3)."
        )
    }
}

/// What the safety panel says under its violations when one is
/// `lease_exclusive`: the verdict on the first such.
pub fn note(scenario: &Scenario, violations: &[Violation]) -> Option<String> {
    (violations.iter())
        .find(|v| v.invariant == Invariant::LeaseExclusive)
        .map(|v| verdict(scenario, v.t))
}

/// What the safety panel says under a `lease_exclusive` violation seen at
/// `t`: the run's own reason, or that there is none and this is a bug.
pub fn verdict(scenario: &Scenario, t: Time) -> String {
    match first_until(scenario, t) {
        Some(cause) => cause.explain(),
        None => "Nothing this run did allows it: a bug in the core. Please share this run \
                 (Share) and report it."
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{UnsafeSwitches, MILLIS, SECONDS};
    use crate::sim::config::RaftOptions;

    fn leased(actions: Vec<(Time, Action)>) -> Scenario {
        let mut config = crate::sim::SimConfig::default();
        config.raft.check_quorum = true;
        crate::sim::find::scenario_of(&config, 10 * SECONDS, &actions)
    }

    fn check_quorum(on: bool) -> Action {
        Action::SetRaft(RaftOptions {
            pre_vote: false,
            check_quorum: on,
        })
    }

    /// The note speaks of the first `lease_exclusive` violation, at its
    /// own time, and of nothing else.
    #[test]
    fn the_panel_s_note_is_about_the_first_lease_violation() {
        let violation = |invariant, t| Violation {
            invariant,
            t,
            nodes: vec![1, 2],
            detail: String::new(),
            term: None,
            index: None,
        };
        let s = leased(vec![(2 * SECONDS, Action::ForceTimeout(2))]);
        let two_leaders = violation(Invariant::ElectionSafety, SECONDS);
        assert_eq!(note(&s, std::slice::from_ref(&two_leaders)), None);
        let early = violation(Invariant::LeaseExclusive, SECONDS);
        let late = violation(Invariant::LeaseExclusive, 3 * SECONDS);
        let bug = note(&s, &[two_leaders, early, late.clone()]).unwrap();
        assert!(bug.contains("a bug in the core"), "{bug}");
        let by_hand = note(&s, &[late]).unwrap();
        assert!(by_hand.starts_with("Broken on purpose: n2's"), "{by_hand}");
    }

    #[test]
    fn a_run_that_keeps_every_assumption_explains_nothing_and_calls_it_a_bug() {
        let s = leased(vec![(SECONDS, Action::Heal)]);
        assert_eq!(first_until(&s, u64::MAX), None);
        assert!(verdict(&s, SECONDS).contains("a bug in the core"));
    }

    #[test]
    fn a_timer_fired_by_hand_explains_only_what_came_after_it() {
        let s = leased(vec![(1200 * MILLIS, Action::ForceTimeout(3))]);
        assert_eq!(first_until(&s, SECONDS), None, "before it");
        let cause = first_until(&s, 2 * SECONDS);
        let at = 1200 * MILLIS;
        assert_eq!(cause, Some(LeaseBreak::TimerFiredByHand { at, node: 3 }));
        let text = verdict(&s, 2 * SECONDS);
        assert!(
            text.contains("n3's election timer was fired by hand"),
            "{text}"
        );
        assert!(
            text.contains("at 1.200 s") && text.contains("§6.4.1"),
            "{text}"
        );
    }

    #[test]
    fn settings_of_time_zero_are_the_run_s_own_but_check_quorum_off_is_not() {
        let mut s = leased(vec![(0, Action::SetDriftBound(10_000))]);
        assert_eq!(first_until(&s, SECONDS), None);
        s.raft.check_quorum = false;
        let off = Some(LeaseBreak::CheckQuorumOff { at: 0 });
        assert_eq!(first_until(&s, SECONDS), off);
        s.actions.push((0, check_quorum(true)));
        assert_eq!(first_until(&s, SECONDS), None, "turned on at the start");
        s.actions.push((500 * MILLIS, check_quorum(false)));
        let at = 500 * MILLIS;
        assert_eq!(
            first_until(&s, SECONDS),
            Some(LeaseBreak::CheckQuorumOff { at })
        );
        assert!(verdict(&s, SECONDS).contains("CheckQuorum was turned off at 0.500 s"));
    }

    /// The clocks are drawn within the run's own bound when it starts: a
    /// lower bound set at time 0 leaves them beyond it (a review saw lease
    /// violations of such runs called a bug in the core). Of a clock and a
    /// bound set at one moment, the one listed first is done first (the
    /// clock was judged by the bound listed after it).
    #[test]
    fn a_bound_lowered_at_time_zero_and_ties_at_one_moment() {
        let mut s = leased(vec![(0, Action::SetDriftBound(0))]);
        s.reads.clock_drift_ppm = 500_000;
        let at = 0;
        let lowered = Some(LeaseBreak::DriftBoundLowered { at });
        assert_eq!(first_until(&s, SECONDS), lowered);
        let (at, node, ppm, bound) = (SECONDS, 2, 200_000, 100_000);
        let rate = Action::SetClockRate { node, ppm };
        let raise = Action::SetDriftBound(300_000);
        let mut s = leased(vec![(at, raise), (at, rate)]);
        s.reads.clock_drift_ppm = bound;
        assert_eq!(first_until(&s, 2 * SECONDS), None, "raised, then within it");
        s.actions.reverse();
        let beyond = LeaseBreak::ClockBeyondBound {
            at,
            node,
            ppm,
            bound,
        };
        assert_eq!(
            first_until(&s, 2 * SECONDS),
            Some(beyond),
            "beyond, then raised"
        );
    }

    /// The explorer's counterexamples fire election timers by action: with
    /// a switch of the lease's own rules on, the switch is the cause, not
    /// the first "Time out" (which came before any lease).
    #[test]
    fn a_lease_switch_is_named_before_any_action() {
        let mut s = leased(vec![(MILLIS, Action::ForceTimeout(1))]);
        let by_hand = Some(LeaseBreak::TimerFiredByHand {
            at: MILLIS,
            node: 1,
        });
        assert_eq!(first_until(&s, SECONDS), by_hand);
        let switch = UnsafeSwitch::LeaseAfterTimeoutNow;
        s.unsafe_switches = UnsafeSwitches::none().with(switch);
        assert_eq!(first_until(&s, SECONDS), Some(LeaseBreak::SwitchOn(switch)));
        let text = verdict(&s, SECONDS);
        assert!(
            text.starts_with("Broken on purpose: the unsafe switch lease-after-timeout-now is on"),
            "{text}"
        );
        assert!(
            text.ends_with("stickiness (thesis §3.10, §4.2.3, §6.4.1; etcd #12704)."),
            "{text}"
        );
        assert!(!text.contains("--"), "no command-line flags: {text}");
    }

    /// Another switch is named only when no action explains the break, and
    /// rather than calling the run a bug in the core.
    #[test]
    fn another_switch_is_named_when_no_action_explains_the_break() {
        let switch = UnsafeSwitch::VoteWithoutLogCheck;
        let mut s = leased(vec![(SECONDS, Action::Heal)]);
        s.unsafe_switches = UnsafeSwitches::none().with(switch);
        assert_eq!(
            first_until(&s, 2 * SECONDS),
            Some(LeaseBreak::SwitchOn(switch))
        );
        assert!(!verdict(&s, 2 * SECONDS).contains("a bug in the core"));
        s.actions.push((SECONDS, Action::ForceTimeout(2)));
        let at = SECONDS;
        let by_hand = Some(LeaseBreak::TimerFiredByHand { at, node: 2 });
        assert_eq!(first_until(&s, 2 * SECONDS), by_hand);
    }

    /// A loaded run's actions come first in the list, the person's after,
    /// so the list is not in time order: the earliest cause is the one.
    #[test]
    fn the_earliest_cause_is_named_whatever_the_order_of_the_list() {
        let s = leased(vec![
            (2 * SECONDS, Action::ForceTimeout(1)),
            (
                SECONDS,
                Action::SetClockRate {
                    node: 2,
                    ppm: 500_000,
                },
            ),
            (3 * SECONDS, Action::SetDriftBound(0)),
        ]);
        let at = SECONDS;
        let (node, ppm, bound) = (2, 500_000, 0);
        let cause = Some(LeaseBreak::ClockBeyondBound {
            at,
            node,
            ppm,
            bound,
        });
        assert_eq!(first_until(&s, 4 * SECONDS), cause);
        let text = verdict(&s, 4 * SECONDS);
        assert!(
            text.contains("n2's clock was set to run +50% at 1.000 s, with no drift allowed for"),
            "{text}"
        );
    }

    /// Only what a lease does not allow for counts: a clock within the
    /// bound in force, or a bound raised, cannot break one (it gives up
    /// twice the bound), and excusing them hid a bug in the core.
    #[test]
    fn clocks_within_the_bound_and_a_raised_bound_explain_nothing() {
        let rate = |node, ppm| Action::SetClockRate { node, ppm };
        let mut s = leased(vec![
            (SECONDS, rate(1, -100_000)),
            (2 * SECONDS, Action::SetDriftBound(300_000)),
            (3 * SECONDS, rate(2, 300_000)),
        ]);
        s.reads.clock_drift_ppm = 100_000;
        assert_eq!(first_until(&s, 10 * SECONDS), None);
        assert!(verdict(&s, 10 * SECONDS).contains("a bug in the core"));
        // Beyond the bound then in force: the raise came after it.
        s.actions.push((1500 * MILLIS, rate(3, 200_000)));
        let (at, node, ppm, bound) = (1500 * MILLIS, 3, 200_000, 100_000);
        let beyond = Some(LeaseBreak::ClockBeyondBound {
            at,
            node,
            ppm,
            bound,
        });
        assert_eq!(first_until(&s, 10 * SECONDS), beyond);
        assert!(
            verdict(&s, 10 * SECONDS).contains("+20% at 1.500 s, beyond the drift bound of ±10%")
        );
        // Lowered: clocks drawn within the old bound may be beyond it.
        s.actions.pop();
        s.actions.push((4 * SECONDS, Action::SetDriftBound(50_000)));
        let at = 4 * SECONDS;
        assert_eq!(
            first_until(&s, 10 * SECONDS),
            Some(LeaseBreak::DriftBoundLowered { at })
        );
        assert!(verdict(&s, 10 * SECONDS).contains("the drift bound was lowered at 4.000 s"));
    }
}
