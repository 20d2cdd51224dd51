//! Keyboard shortcuts, RaftScope's where they exist.

/// What a key asks the playground to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCommand {
    /// Pause a running simulation, or run a paused one.
    TogglePause,
    /// Pause and step to the next event.
    Step,
    /// Pause and step back one event.
    StepBack,
    /// One notch faster on the speed scale.
    Faster,
    /// One notch slower on the speed scale.
    Slower,
    /// Send the leader a client write.
    ClientRequestToLeader,
    /// Crash and reboot the leader.
    RestartLeader,
    /// Spread the election deadlines evenly across the timeout range.
    SpreadTimers,
    /// Give the followers and candidates one election deadline, to provoke a
    /// split vote.
    AlignTimers,
    /// Resume every stopped server.
    ResumeAll,
    /// Partition the leader away from the other servers.
    IsolateLeader,
    /// Cut every link into the leader: it sends but hears nothing.
    DeafenLeader,
    /// Hand leadership over to the selected node, or else to the next node
    /// after the leader (thesis §3.10).
    TransferLeadership,
    /// Heal the network: no partitions or cut links.
    Heal,
    /// Show or hide the help overlay.
    ToggleHelp,
    /// Close the help overlay and the node or message looked at in detail.
    Close,
}

/// Every binding, for the help overlay: (keys, what they do).
pub const BINDINGS: [(&str, &str); 18] = [
    ("Space or .", "pause / play"),
    ("S or →", "step to the next event"),
    ("Z or ←", "step back one event"),
    ("+ / -", "faster / slower"),
    ("C", "client request to the leader"),
    ("R", "restart the leader (crash)"),
    ("T", "spread election timers"),
    ("A", "align election timers (split vote)"),
    ("B", "resume all stopped nodes"),
    ("P", "partition the leader away"),
    ("D", "deafen the leader (it sends, hears nothing)"),
    ("L", "transfer leadership to the selected (or next) node"),
    ("H", "heal the network"),
    ("?", "this help"),
    ("Esc", "close panels"),
    ("Tab / Enter", "focus a node or message, open it"),
    ("← / → in a tour", "previous / next step of the tour"),
    (
        "arrows on the timeline",
        "one event back or on (in a tour, a step); Home / End: start / end",
    ),
];

/// Whether a key, as `KeyboardEvent.key` names it, is a single
/// character (a letter, a digit, punctuation, Space): the shortcuts the
/// help's switch turns off (WCAG 2.1.4). Arrows and Escape stay on.
pub fn is_single_key(key: &str) -> bool {
    key.chars().count() == 1
}

/// The `aria-keyshortcuts` a control names, if that key is on: with the
/// single-key shortcuts off, a control names none that no longer presses
/// it (a review). `Space` is the key `" "`.
pub fn announced(single_keys: bool, key: &'static str) -> Option<&'static str> {
    let single = key == "Space" || is_single_key(key);
    (single_keys || !single).then_some(key)
}

/// The command for a key as `KeyboardEvent.key` names it.
pub fn command_for(key: &str) -> Option<KeyCommand> {
    let command = match key {
        " " | "." => KeyCommand::TogglePause,
        "s" | "S" | "ArrowRight" => KeyCommand::Step,
        "z" | "Z" | "ArrowLeft" => KeyCommand::StepBack,
        "+" | "=" => KeyCommand::Faster,
        "-" | "_" => KeyCommand::Slower,
        "c" | "C" => KeyCommand::ClientRequestToLeader,
        "r" | "R" => KeyCommand::RestartLeader,
        "t" | "T" => KeyCommand::SpreadTimers,
        "a" | "A" => KeyCommand::AlignTimers,
        "b" | "B" => KeyCommand::ResumeAll,
        "p" | "P" => KeyCommand::IsolateLeader,
        "d" | "D" => KeyCommand::DeafenLeader,
        "l" | "L" => KeyCommand::TransferLeadership,
        "h" | "H" => KeyCommand::Heal,
        "?" => KeyCommand::ToggleHelp,
        "Escape" => KeyCommand::Close,
        _ => return None,
    };
    Some(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raftscope_keys_are_bound() {
        assert_eq!(command_for(" "), Some(KeyCommand::TogglePause));
        assert_eq!(command_for("."), Some(KeyCommand::TogglePause));
        assert_eq!(command_for("C"), Some(KeyCommand::ClientRequestToLeader));
        assert_eq!(command_for("R"), Some(KeyCommand::RestartLeader));
        assert_eq!(command_for("T"), Some(KeyCommand::SpreadTimers));
        assert_eq!(command_for("A"), Some(KeyCommand::AlignTimers));
        assert_eq!(command_for("B"), Some(KeyCommand::ResumeAll));
        assert_eq!(command_for("d"), Some(KeyCommand::DeafenLeader));
        assert_eq!(command_for("L"), Some(KeyCommand::TransferLeadership));
        assert_eq!(command_for("?"), Some(KeyCommand::ToggleHelp));
        assert_eq!(command_for("ArrowLeft"), Some(KeyCommand::StepBack));
        assert_eq!(command_for("x"), None);
    }

    /// The help's switch turns off every shortcut of one character, which
    /// WCAG 2.1.4 asks to be switchable, and none of the named keys.
    #[test]
    fn single_keys_are_the_characters() {
        for (keys, _) in BINDINGS.iter().take(14) {
            let first = keys.split(' ').next().unwrap();
            let first = if first == "Space" { " " } else { first };
            assert!(is_single_key(first), "{keys}");
        }
        for key in ["é", "ß", "+", "?", "."] {
            assert!(is_single_key(key), "{key}");
        }
        for key in [
            "ArrowLeft",
            "ArrowUp",
            "Escape",
            "Home",
            "Enter",
            "Tab",
            "F5",
        ] {
            assert!(!is_single_key(key), "{key}");
        }
        // What the controls name as their keys follows the switch.
        assert_eq!(announced(false, "Space"), None);
        assert_eq!(announced(false, "R"), None);
        assert_eq!(announced(false, "ArrowLeft"), Some("ArrowLeft"));
        assert_eq!(announced(true, "R"), Some("R"));
    }
}
