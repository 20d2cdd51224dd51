//! Arguments of a transcript command: tokens, key=value pairs, numbers, times and node ids.

use super::*;

/// Splits on spaces outside `{}`, `[]` and `()`.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            _ => {}
        }
        if c.is_whitespace() && depth == 0 {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Positional arguments and `key=value` options of one command line.
pub(crate) struct Args {
    pub(crate) positional: Vec<String>,
    options: BTreeMap<String, String>,
}

impl Args {
    pub(crate) fn parse(words: &[String]) -> Args {
        let mut positional = Vec::new();
        let mut options = BTreeMap::new();
        for w in words {
            match w.split_once('=') {
                Some((k, v)) if !w.starts_with(['{', '[', '(']) && !k.contains(['{', '(']) => {
                    options.insert(k.to_string(), v.to_string());
                }
                _ => positional.push(w.clone()),
            }
        }
        Args {
            positional,
            options,
        }
    }

    pub(crate) fn take(&mut self, key: &str) -> Option<String> {
        self.options.remove(key)
    }

    pub(crate) fn done(&self) -> Result<(), String> {
        match self.options.keys().next() {
            Some(k) => Err(format!("unknown option {k}=")),
            None => Ok(()),
        }
    }
}

pub(crate) fn number(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a number"))
}

pub(crate) fn node_id(text: &str) -> Result<NodeId, String> {
    number(text.strip_prefix('n').unwrap_or(text))
}

pub(crate) fn time(text: &str) -> Result<Time, String> {
    if text.chars().all(|c| c.is_ascii_digit()) {
        return number(text);
    }
    raft_playground::sim::parse_duration(text)
}

pub(crate) fn show_time(t: Time) -> String {
    if t.is_multiple_of(MILLIS) {
        format!("{}ms", t / MILLIS)
    } else {
        format!("{t}us")
    }
}

pub(crate) fn members(text: &str) -> Result<Vec<NodeId>, String> {
    if text == "none" {
        return Ok(vec![]);
    }
    if let Some((a, b)) = text.split_once("..") {
        return Ok((number(a)?..=number(b)?).collect());
    }
    text.split(',').map(number).collect()
}
