//! The host-page protocol (docs/embedding.md) between the page's two wasm
//! modules. The studio, the second module, reads a host's message with
//! serde-wasm-bindgen (checks, field paths in errors, as before) and hands
//! the page the command as one string; the page hands the studio each
//! event as one string, which the studio posts to the host as the
//! documented JavaScript object. Strings are postcard in base64url
//! (`view::studio_wire::{encode, decode}`), scenarios in them link
//! fragments, so the page's wasm carries no serde-wasm-bindgen.
//!
//! [`HostEvent`] is tagged by a `type` field for the host, a shape postcard
//! cannot read back, so [`HostEventWire`] is its externally tagged twin.

use super::host_api::{EventKind, HostAction, HostCommand, HostEvent};
use super::permalink;
use crate::raft::{LogIndex, NodeId, Term, Time};
use crate::sim::action::Action;
use crate::sim::history::Outcome;
use crate::sim::link::{from_bytes_unvalidated, unbase64url};
use serde::{Deserialize, Serialize};

/// A host's command, as the studio hands it to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum HostCommandWire {
    /// [`HostCommand::Play`].
    Play,
    /// [`HostCommand::Pause`].
    Pause,
    /// [`HostCommand::SetSpeed`].
    SetSpeed {
        /// Simulated time per wall time.
        speed: f64,
    },
    /// [`HostCommand::Seek`].
    Seek {
        /// The simulated time to go to.
        t_us: i64,
    },
    /// [`HostCommand::Load`], the scenario as a link fragment.
    Load {
        /// `view::permalink::encode` of the scenario.
        scenario: String,
    },
    /// [`HostCommand::StartTour`].
    StartTour {
        /// The tour's id.
        tour: String,
        /// The step to open at.
        step: u64,
    },
    /// [`HostCommand::Act`].
    Act {
        /// The action, in its compact (link) form.
        action: Action,
    },
    /// [`HostCommand::Subscribe`].
    Subscribe {
        /// The kinds of event.
        events: Vec<EventKind>,
    },
    /// [`HostCommand::Unsubscribe`].
    Unsubscribe {
        /// The kinds of event.
        events: Vec<EventKind>,
    },
}

impl HostCommandWire {
    /// `command` for the page.
    pub fn of(command: HostCommand) -> HostCommandWire {
        match command {
            HostCommand::Play => HostCommandWire::Play,
            HostCommand::Pause => HostCommandWire::Pause,
            HostCommand::SetSpeed { speed } => HostCommandWire::SetSpeed { speed },
            HostCommand::Seek { t_us } => HostCommandWire::Seek { t_us },
            HostCommand::Load { scenario } => HostCommandWire::Load {
                scenario: permalink::encode(&scenario),
            },
            HostCommand::StartTour { tour, step } => HostCommandWire::StartTour { tour, step },
            HostCommand::Act { action } => HostCommandWire::Act { action: action.0 },
            HostCommand::Subscribe { events } => HostCommandWire::Subscribe { events },
            HostCommand::Unsubscribe { events } => HostCommandWire::Unsubscribe { events },
        }
    }

    /// The command again, in the page.
    pub fn into_command(self) -> Result<HostCommand, String> {
        Ok(match self {
            HostCommandWire::Play => HostCommand::Play,
            HostCommandWire::Pause => HostCommand::Pause,
            HostCommandWire::SetSpeed { speed } => HostCommand::SetSpeed { speed },
            HostCommandWire::Seek { t_us } => HostCommand::Seek { t_us },
            // Not validated here: the session refuses a scenario that does
            // not validate with its own message, as it did before the split.
            HostCommandWire::Load { scenario } => {
                let bytes = scenario
                    .strip_prefix("r=")
                    .and_then(unbase64url)
                    .ok_or("the command's scenario is damaged (not an r= link)")?;
                HostCommand::Load {
                    scenario: Box::new(
                        from_bytes_unvalidated(&bytes)
                            .map_err(|e| format!("the command's scenario is damaged: {e}"))?,
                    ),
                }
            }
            HostCommandWire::StartTour { tour, step } => HostCommand::StartTour { tour, step },
            HostCommandWire::Act { action } => HostCommand::Act {
                action: HostAction(action),
            },
            HostCommandWire::Subscribe { events } => HostCommand::Subscribe { events },
            HostCommandWire::Unsubscribe { events } => HostCommand::Unsubscribe { events },
        })
    }
}

/// A [`HostEvent`] as the page hands it to the studio: the same variants
/// and fields, tagged the way postcard reads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)] // each variant and field is its HostEvent twin's
pub enum HostEventWire {
    Ready {
        protocol: u32,
        nodes: u64,
        t_us: Time,
        paused: bool,
        leader: Option<NodeId>,
    },
    LeaderElected {
        t_us: Time,
        node: NodeId,
        term: Term,
    },
    Committed {
        t_us: Time,
        node: NodeId,
        term: Term,
        index: LogIndex,
    },
    Applied {
        t_us: Time,
        node: NodeId,
        index: LogIndex,
        term: Term,
        command: String,
    },
    RequestFinished {
        t_us: Time,
        client: u64,
        request: u64,
        op: Option<String>,
        outcome: Outcome,
        result: Option<String>,
    },
    Violation {
        t_us: Time,
        invariant: String,
        nodes: Vec<NodeId>,
        detail: String,
    },
    Clock {
        t_us: Time,
        paused: bool,
        speed: f64,
        leader: Option<NodeId>,
    },
    Error {
        command: String,
        message: String,
    },
}

/// `From` both ways between [`HostEvent`] and [`HostEventWire`], moving
/// every field of each variant across; the list is written once.
macro_rules! twins {
    ($($variant:ident { $($field:ident),* }),* $(,)?) => {
        impl From<HostEvent> for HostEventWire {
            fn from(event: HostEvent) -> HostEventWire {
                match event {
                    $(HostEvent::$variant { $($field),* } => HostEventWire::$variant { $($field),* },)*
                }
            }
        }

        impl From<HostEventWire> for HostEvent {
            fn from(event: HostEventWire) -> HostEvent {
                match event {
                    $(HostEventWire::$variant { $($field),* } => HostEvent::$variant { $($field),* },)*
                }
            }
        }
    };
}

twins!(
    Ready {
        protocol,
        nodes,
        t_us,
        paused,
        leader
    },
    LeaderElected { t_us, node, term },
    Committed {
        t_us,
        node,
        term,
        index
    },
    Applied {
        t_us,
        node,
        index,
        term,
        command
    },
    RequestFinished {
        t_us,
        client,
        request,
        op,
        outcome,
        result
    },
    Violation {
        t_us,
        invariant,
        nodes,
        detail
    },
    Clock {
        t_us,
        paused,
        speed,
        leader
    },
    Error { command, message },
);

#[cfg(test)]
#[path = "host_wire_tests.rs"]
mod tests;
