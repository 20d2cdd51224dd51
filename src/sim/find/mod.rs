//! "Find a failure": for one unsafe switch, search seeds with the nemesis
//! until a checker fails, turn the failing run into an explicit scenario,
//! shrink it, and say what the page needs to narrate it.
//!
//! Every piece works in slices bounded by simulator events, so a Web
//! Worker can report progress and stop between them:
//! * `needs`: the settings each switch needs to show ([`settings_for`]);
//! * `trial`: one run of a scenario, checked after every event, resumable;
//! * `search`: [`FailureSearch`], seed after seed, until a run fails;
//! * `shrink`: [`Shrinker`], fewer servers, clients and actions, an earlier
//!   end, each candidate kept only if it fails the same way;
//! * `report`: [`FailureReport`], the switch, its first unsafe step and
//!   the violation, from a recorded replay of the shrunk scenario.

mod needs;
mod report;
mod search;
mod shrink;
mod trial;

pub use needs::{settings_for, unconsulted, LATE_TIMEOUT_NOW_TAIL};
pub use report::{FailureReport, Highlight, StaleRead, StepMark, ViolationMark};
pub use search::{FailureSearch, Found, SearchProgress};
pub use shrink::{ShrinkProgress, ShrinkSizes, Shrinker};
pub use trial::{scenario_of, Failure, FailureKind, Trial, TrialEnd, TRIAL_LIN_STEPS};
