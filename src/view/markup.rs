//! Text made safe inside HTML or SVG markup and double-quoted attributes,
//! for the pieces of the page written as text (the message diagram, the
//! embed snippet).

/// `text` with `&`, `<`, `>` and `"` replaced by their entities.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            super::escape(r#"a<b & "c">"#),
            "a&lt;b &amp; &quot;c&quot;&gt;"
        );
    }
}
