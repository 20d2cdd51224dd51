//! A small, strict JSON reader for scenario files and links: no dependency,
//! bounded depth and size, and an error that says where and what is wrong.
//! Hostile input gets a message, never a panic.

/// A parsed JSON value. Objects keep their keys in file order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Inputs larger than this are refused before parsing.
pub const MAX_INPUT: usize = 1 << 20;
/// Nesting deeper than this is refused (a scenario needs four levels).
const MAX_DEPTH: usize = 32;

pub fn parse(text: &str) -> Result<Json, String> {
    if text.len() > MAX_INPUT {
        return Err(format!(
            "input is {} bytes; at most {MAX_INPUT} are accepted",
            text.len()
        ));
    }
    let mut reader = Reader {
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = reader.value(0)?;
    reader.skip_space();
    if reader.at != reader.bytes.len() {
        return Err(reader.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self, what: &str) -> String {
        format!("not valid JSON at byte {}: {what}", self.at)
    }

    fn skip_space(&mut self) {
        while self.at < self.bytes.len()
            && matches!(self.bytes[self.at], b' ' | b'\n' | b'\r' | b'\t')
        {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        if self.peek() != Some(byte) {
            return Err(self.error(&format!("expected '{}'", byte as char)));
        }
        self.at += 1;
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<Json, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.skip_space();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("unexpected end of input")),
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, String> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected true, false or null"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json, String> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_space();
            let key = self.string()?;
            self.skip_space();
            self.expect(b':')?;
            members.push((key, self.value(depth + 1)?));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, String> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected ',' or ']'")),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.at;
            while self.at < self.bytes.len()
                && !matches!(self.bytes[self.at], b'"' | b'\\')
                && self.bytes[self.at] >= 0x20
            {
                self.at += 1;
            }
            // The input is a &str and we stopped at ASCII, so this slice is valid UTF-8.
            out.push_str(
                std::str::from_utf8(&self.bytes[start..self.at])
                    .map_err(|_| self.error("invalid UTF-8"))?,
            );
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, String> {
        let c = self
            .peek()
            .ok_or_else(|| self.error("unterminated escape"))?;
        self.at += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hex = self
                    .bytes
                    .get(self.at..self.at + 4)
                    .ok_or_else(|| self.error("short \\u escape"))?;
                let code = std::str::from_utf8(hex)
                    .ok()
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .ok_or_else(|| self.error("bad \\u escape"))?;
                self.at += 4;
                // Surrogate pairs are not needed by scenarios: refuse them.
                char::from_u32(code)
                    .ok_or_else(|| self.error("unsupported \\u escape (surrogate)"))?
            }
            _ => return Err(self.error("unknown escape")),
        })
    }

    fn number(&mut self) -> Result<Json, String> {
        let start = self.at;
        while self.at < self.bytes.len()
            && matches!(
                self.bytes[self.at],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).unwrap_or("");
        // Not `str::parse`: see `decimal` for why, and for its range.
        match super::decimal::parse(text) {
            Some(x) => Ok(Json::Number(x)),
            None => Err(self.error(&format!(
                "'{text}' is not a number that can be read exactly \
                 (at most 15 significant digits, powers of ten up to 22)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Rng;

    #[test]
    fn parses_what_scenarios_use() {
        let v = parse(r#" {"a": [1, -2.5e3, true, null], "b": {"c": "x\"\u00e9\n"}} "#).unwrap();
        assert_eq!(
            v.get("a"),
            Some(&Json::Array(vec![
                Json::Number(1.0),
                Json::Number(-2500.0),
                Json::Bool(true),
                Json::Null
            ]))
        );
        assert_eq!(
            v.get("b").and_then(|b| b.get("c")),
            Some(&Json::String("x\"é\n".into()))
        );
    }

    #[test]
    fn bad_input_says_what_and_where() {
        assert!(parse("{\"a\":}").unwrap_err().contains("byte 5"));
        assert!(parse("[1,2").unwrap_err().contains("expected ',' or ']'"));
        assert!(parse("\"abc").unwrap_err().contains("unterminated"));
        assert!(parse("1e999").unwrap_err().contains("not a number"));
        assert!(parse(&"[".repeat(100))
            .unwrap_err()
            .contains("nested too deeply"));
        assert!(parse("{} x").unwrap_err().contains("after the JSON value"));
    }

    /// Fuzzing by mutation: random bytes spliced into valid JSON never panic.
    #[test]
    fn random_mutations_never_panic() {
        let base =
            r#"{"version":1,"seed":7,"actions":[{"t":10,"action":"stop","node":2}],"s":"a\u0041"}"#;
        let mut rng = Rng::new(99);
        for _ in 0..20_000 {
            let mut bytes = base.as_bytes().to_vec();
            for _ in 0..rng.range_inclusive(1, 4) {
                let at = rng.index(bytes.len());
                match rng.range_inclusive(0, 2) {
                    0 => bytes[at] = rng.range_inclusive(0, 127) as u8,
                    1 => {
                        bytes.remove(at);
                    }
                    _ => {
                        let alphabet = b"{}[]\",:\\u0e-9";
                        bytes.insert(at, alphabet[rng.index(alphabet.len())]);
                    }
                }
                if bytes.is_empty() {
                    break;
                }
            }
            if let Ok(text) = String::from_utf8(bytes) {
                let _ = parse(&text);
            }
        }
    }
}
