//! The notice line under the picture: a shared run's opening, the answer
//! to the person's last command, or news of a run opened for them.

use super::{Input, Session};
use crate::raft::Time;
use crate::sim::decimal::seconds;
use crate::view::host_api::HostEvent;

impl Session {
    /// The notice line: how a shared run's opening is coming on, or how
    /// the person's last command went (a form's error, or a refusal), or
    /// which run the page opened for them.
    pub fn notice_text(&self) -> Option<String> {
        self.notice().map(|(text, _)| text)
    }

    /// Whether the notice line answers a command the person gave (rather
    /// than telling what the address asked that could not be done): a
    /// phone's width keeps such an answer in view.
    pub fn notice_answers_a_command(&self) -> bool {
        // Not the standing line of a wrong origin=, which answers nothing:
        // kept in view, it covered a narrow page's top for good (a review).
        self.commanded && self.passing_notice().is_some()
    }

    /// What the address asked that could not be had, until the person's
    /// first command: the Experiments view, which has no notice line,
    /// shows it at its top (`?view=experiments&seed=abc` said nothing).
    pub fn address_report(&self) -> Option<String> {
        let (text, news) = self.notice().filter(|_| !self.commanded)?;
        (!news).then_some(text)
    }

    /// Whether the notice line tells news (how an opening comes on, which
    /// run was opened) rather than what went wrong.
    pub fn notice_is_news(&self) -> bool {
        self.notice().is_some_and(|(_, news)| news)
    }

    /// The notice line's text, and whether it is news: one order of
    /// precedence for both. Last, an embed's standing line of a wrong
    /// `origin=`.
    pub(super) fn notice(&self) -> Option<(String, bool)> {
        self.passing_notice()
            .or_else(|| self.obeys_no_host.then(|| (NO_HOST.to_string(), false)))
    }

    /// The notice line but for the standing line: an opening, an answer
    /// to a command, or news, each gone with the next command.
    fn passing_notice(&self) -> Option<(String, bool)> {
        if let Some((t, cursor)) = self.playground.opening() {
            let text = format!(
                "Opening the shared run: {}; the controls wait until it is there.",
                replayed(t, cursor)
            );
            return Some((text, true));
        }
        let error = self.drafts.error.clone().filter(|_| !self.import_failed);
        let refusal = error.or_else(|| self.playground.notice.clone());
        refusal
            .map(|text| (text, false))
            .or_else(|| self.told.clone().map(|text| (text, true)))
    }

    /// An input a shared run still opening cannot take yet: a host page
    /// is told by an error event; the person sees the notice line say the
    /// run is opening ([`Session::notice_text`]).
    pub(super) fn still_opening(&mut self, input: Input, (t, cursor): (Time, Time)) {
        if let Input::Host(command) = input {
            self.host_errors.push(HostEvent::Error {
                command: command.name().to_string(),
                message: format!("the shared run is still opening: {}", replayed(t, cursor)),
            });
        }
    }
}

/// What stays in the notice line of a page whose `origin=` is wrong, once
/// the address's own report is gone (it went at a tour's first Next,
/// while the page still obeyed nobody: a page tester).
const NO_HOST: &str = "No host page is obeyed: the address's origin= is not one origin \
    of the form http(s)://host or http(s)://host:port; reload with it corrected.";

/// How far a shared run's replay has come: "120 of 3600 simulated
/// seconds replayed".
pub(super) fn replayed(t: Time, cursor: Time) -> String {
    format!(
        "{} of {} simulated seconds replayed",
        seconds(t, 0),
        seconds(cursor, 0)
    )
}
