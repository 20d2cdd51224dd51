//! The client command language of the playground's text box:
//! `read K`, `write K V`, `cas K FROM TO`, or any other text, which is a
//! write of that message to the key `msg`.

use crate::raft::Op;
use crate::sim::scenario::MAX_TEXT;

/// The key plain messages are written to.
pub const MESSAGE_KEY: &str = "msg";

/// Parses what a person typed into an operation.
pub fn parse_op(text: &str) -> Result<Op, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("type a message, or read K / write K V / cas K FROM TO".into());
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let op = match words.as_slice() {
        ["read", key] => Op::Read {
            key: key.to_string(),
        },
        ["write", key, value] => Op::Write {
            key: key.to_string(),
            value: value.to_string(),
        },
        ["cas", key, from, to] => Op::Cas {
            key: key.to_string(),
            from: from.to_string(),
            to: to.to_string(),
        },
        ["read" | "write" | "cas", ..] => {
            let shown = crate::view::url_params::shown(text);
            return Err(format!("'{shown}': use read K, write K V or cas K FROM TO"));
        }
        _ if text.len() > MAX_TEXT => {
            let why = match text.is_ascii() {
                true => "",
                false => " (a letter beyond ASCII takes 2 to 4)",
            };
            return Err(format!(
                "a message is at most {MAX_TEXT} bytes, this one has {}{why}",
                text.len()
            ));
        }
        _ => Op::Write {
            key: MESSAGE_KEY.into(),
            value: text.to_string(),
        },
    };
    // The limits every entry point asks (files, links, the host page's
    // act): each key and value at most MAX_TEXT bytes, not the whole line
    // (a write the host page could send was refused here); split at
    // whitespace, a key may still hold a control character (a paste).
    let request = crate::sim::Action::ClientRequest {
        to: None,
        op: op.clone(),
    };
    match crate::sim::scenario::action_limits(&request) {
        Some(problem) => Err(problem),
        None => Ok(op),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_with_a_control_character_is_refused() {
        let e = parse_op("read a\u{1}b").unwrap_err();
        assert_eq!(
            e,
            "\"key\" must hold no whitespace or control characters, got \"a\\u{1}b\""
        );
        // In a plain message's text it is only a value.
        assert!(parse_op("hello\u{1}there").is_ok());
    }

    #[test]
    fn the_limits_are_each_key_and_value_in_bytes_as_for_files_and_hosts() {
        let x200 = "x".repeat(200);
        let write = parse_op(&format!("write k {x200}"));
        assert_eq!(write.map(|op| op.to_string().len()), Ok(6 + 2 + 200));
        assert_eq!(
            parse_op(&format!("write k {x200}y")).unwrap_err(),
            "a key or value is at most 200 bytes, got 201"
        );
        // 150 letters, 300 bytes: said in bytes, with why.
        assert_eq!(
            parse_op(&"\u{e9}".repeat(150)).unwrap_err(),
            "a message is at most 200 bytes, this one has 300 (a letter beyond ASCII takes 2 to 4)"
        );
        assert!(parse_op(&"\u{e9}".repeat(100)).is_ok());
        assert_eq!(
            parse_op(&"x".repeat(201)).unwrap_err(),
            "a message is at most 200 bytes, this one has 201"
        );
    }

    #[test]
    fn commands_and_plain_messages() {
        assert_eq!(parse_op("read x"), Ok(Op::Read { key: "x".into() }));
        assert_eq!(
            parse_op(" cas x 1 2 "),
            Ok(Op::Cas {
                key: "x".into(),
                from: "1".into(),
                to: "2".into()
            })
        );
        assert_eq!(
            parse_op("hello world"),
            Ok(Op::Write {
                key: "msg".into(),
                value: "hello world".into()
            })
        );
        assert!(parse_op("write x").unwrap_err().contains("write K V"));
        assert!(parse_op("   ").is_err());
        assert!(parse_op(&"x".repeat(500))
            .unwrap_err()
            .contains("at most 200"));
    }
}
