//! The "Embed" snippet: the HTML a teacher pastes into a blog post or
//! course notes to show this run, live, in the compact layout.

use super::markup::escape;

/// The snippet made by "Embed", and what it shows, in words, for its
/// caption: a tour's step embeds that step, not the run on screen.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedCode {
    /// The `<iframe>` to paste.
    pub html: String,
    /// What it embeds: "the run", "step 2 of the tour “Figure 8”".
    pub embeds: String,
}

/// An `<iframe>` showing the playground at `page` (its address without
/// query or fragment) with the compact layout, plus `query` (say
/// `tour=split-vote&step=2`, may be empty) and `fragment` (say `z=...`, may
/// be empty).
pub fn snippet(page: &str, query: &str, fragment: &str, title: &str) -> String {
    let mut src = format!("{page}?embed=1");
    if !query.is_empty() {
        src.push('&');
        src.push_str(query);
    }
    if !fragment.is_empty() {
        src.push('#');
        src.push_str(fragment);
    }
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"460\" \
         style=\"border:0\" loading=\"lazy\"></iframe>",
        escape(&src),
        escape(title)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_is_an_iframe_in_the_compact_layout() {
        let html = snippet(
            "https://example.org/raft/",
            "tour=split-vote&step=2",
            "z=AbC",
            "Raft: \"split vote\"",
        );
        assert_eq!(
            html,
            "<iframe src=\"https://example.org/raft/?embed=1&amp;tour=split-vote&amp;step=2#z=AbC\" \
             title=\"Raft: &quot;split vote&quot;\" width=\"100%\" height=\"460\" \
             style=\"border:0\" loading=\"lazy\"></iframe>"
        );
        assert_eq!(
            snippet("/", "", "", "t"),
            "<iframe src=\"/?embed=1\" title=\"t\" width=\"100%\" height=\"460\" \
             style=\"border:0\" loading=\"lazy\"></iframe>"
        );
    }
}
