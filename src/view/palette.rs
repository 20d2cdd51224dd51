//! Colours. A server's fill is its term's colour, from a cycling qualitative
//! palette as in RaftScope; stopped servers are grey. Role is never shown by
//! colour alone: the outline and shape carry it too.

/// Okabe-Ito-like qualitative colours, readable with common colour-vision
/// deficiencies, light enough for dark text.
const TERM_COLORS: [&str; 8] = [
    "#e6f0fa", "#9ecae1", "#fdd0a2", "#a1d99b", "#dadaeb", "#fcbba1", "#c7e9c0", "#fdae6b",
];

/// The grey fill of a stopped server, whatever its term.
pub const STOPPED: &str = "#b0b0b0";

/// The fill colour for `term` (term 0 is the pale "no term yet").
pub fn term_color(term: u64) -> &'static str {
    if term == 0 {
        return TERM_COLORS[0];
    }
    TERM_COLORS[1 + ((term - 1) as usize % (TERM_COLORS.len() - 1))]
}

/// The CSS class giving an HTML element `term`'s colour as its background
/// (the page allows no inline styles: see the Content-Security-Policy in
/// index.html).
pub fn term_class(term: u64) -> &'static str {
    const CLASSES: [&str; TERM_COLORS.len()] = [
        "term-0", "term-1", "term-2", "term-3", "term-4", "term-5", "term-6", "term-7",
    ];
    let color = term_color(term);
    CLASSES[TERM_COLORS.iter().position(|c| *c == color).unwrap_or(0)]
}

/// The colour of a message by RPC type.
pub fn message_color(kind: &str) -> &'static str {
    match kind {
        "RequestVote" | "RequestVoteReply" => "#2b8a3e",
        // The lighter green of a question that commits no one (thesis §9.6).
        "PreVote" | "PreVoteReply" => "#74b816",
        // The leader's order to a successor to stand now (thesis §3.10).
        "TimeoutNow" => "#7048e8",
        "AppendEntries" | "AppendEntriesReply" => "#1c5fae",
        // A ReadIndex round and a follower's request for a read index
        // (thesis §6.4): reads that write no log entry.
        "ReadHeartbeat" | "ReadHeartbeatReply" | "ReadIndex" | "ReadIndexReply" => "#c2255c",
        // A snapshot in chunks, and the follower's acknowledgements (§7).
        "InstallSnapshot" | "InstallSnapshotReply" => "#d9480f",
        _ => "#8a4b08",
    }
}

/// What each message colour means, for the help's legend: the words, and
/// a kind of that colour.
pub const MESSAGE_LEGEND: [(&str, &str); 7] = [
    ("RequestVote: elections", "RequestVote"),
    ("PreVote: may I stand? (thesis §9.6)", "PreVote"),
    ("AppendEntries: entries and heartbeats", "AppendEntries"),
    (
        "InstallSnapshot: a snapshot in chunks (§7)",
        "InstallSnapshot",
    ),
    (
        "ReadIndex: reads without the log (thesis §6.4)",
        "ReadIndex",
    ),
    (
        "TimeoutNow: leadership transfer (thesis §3.10)",
        "TimeoutNow",
    ),
    ("clients' requests and answers", "ClientRequest"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_terms_differ_and_the_palette_cycles() {
        for t in 1..20 {
            assert_ne!(term_color(t), term_color(t + 1));
        }
        assert_eq!(term_color(1), term_color(8));
        assert_ne!(term_color(0), term_color(1));
    }

    /// The legend names every message colour once.
    #[test]
    fn the_legend_has_each_message_colour_once() {
        let colors: Vec<&str> = MESSAGE_LEGEND
            .iter()
            .map(|(_, k)| message_color(k))
            .collect();
        for (i, c) in colors.iter().enumerate() {
            assert!(!colors[..i].contains(c), "{c} twice");
        }
        for kind in [
            "RequestVoteReply",
            "AppendEntriesReply",
            "ReadHeartbeat",
            "ClientReply",
        ] {
            assert!(colors.contains(&message_color(kind)), "{kind}");
        }
    }

    /// The stylesheet's term classes carry the very same colours.
    #[test]
    fn term_classes_match_the_stylesheet() {
        let css = include_str!("../../www/style.css");
        for term in 0..10 {
            let rule = format!(
                ".{} {{ background: {}; }}",
                term_class(term),
                term_color(term)
            );
            assert!(css.contains(&rule), "style.css lacks `{rule}`");
        }
    }
}
