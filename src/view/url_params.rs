//! What the page's query string asks for:
//! `?seed=7&nodes=9&load=10&paused=1&embed=1&tour=split-vote&step=2`, and
//! for a shared link `autoplay=1` (play it from the start instead of
//! opening it paused where it was shared) and for a host page
//! `origin=https://example.org` (the only origin whose commands are obeyed),
//! and `disk=slow` for disks whose writes take 50 ms to be durable.
//! A value out of range falls back to the default and is reported, rather
//! than breaking the page.

use crate::sim::DiskConfig;

/// Which host pages an embed obeys (`origin=`), always only its parent
/// window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum HostOrigin {
    /// No `origin=`: the parent, whatever its origin.
    #[default]
    Any,
    /// The parent, at this origin only.
    Only(String),
    /// An `origin=` that names no origin, or two that differ: nobody. A
    /// misspelt restriction must not lift it (it used to: the value was
    /// ignored, and every origin obeyed).
    Nobody,
}

impl HostOrigin {
    /// The one origin obeyed, if there is one.
    pub fn only(&self) -> Option<&str> {
        match self {
            HostOrigin::Only(origin) => Some(origin),
            _ => None,
        }
    }
}

/// The page's parameters, each at its default unless the query string set it.
#[derive(Clone, Debug, PartialEq)]
pub struct UrlParams {
    /// The simulation's seed (`seed=`).
    pub seed: u64,
    /// How many servers, 3 to 9 (`nodes=`).
    pub nodes: u64,
    /// Background client operations per simulated second (0: none).
    pub load: f64,
    /// Whether the run starts playing (`paused=1`: it opens paused).
    pub autoplay: bool,
    /// The compact layout for an iframe.
    pub embed: bool,
    /// The guided tour to open, by id (`tour=`).
    pub tour: Option<String>,
    /// The tour step to open, from 0 (`step=` counts from 1).
    pub step: usize,
    /// A shared run plays from its start instead of opening paused at the
    /// moment it was shared.
    pub from_start: bool,
    /// Which host page's commands are obeyed (besides being the parent
    /// window's).
    pub host_origin: HostOrigin,
    /// Every server's disk (`disk=slow`: writes take 50 ms to be durable).
    pub disk: DiskConfig,
    /// The view the page opens on (`view=experiments`).
    pub view: super::experiments::PageView,
}

impl Default for UrlParams {
    fn default() -> Self {
        UrlParams {
            seed: 1,
            nodes: 5,
            load: 0.0,
            autoplay: true,
            embed: false,
            tour: None,
            step: 0,
            from_start: false,
            host_origin: HostOrigin::Any,
            disk: DiskConfig::default(),
            view: Default::default(),
        }
    }
}

impl UrlParams {
    /// Reads `search` (with or without its `?`). Returns the parameters and
    /// a message for each value that was ignored.
    pub fn parse(search: &str) -> (UrlParams, Vec<String>) {
        let mut params = UrlParams::default();
        let mut problems = Vec::new();
        let mut unread = Vec::new();
        let mut taken: Vec<(&str, &str)> = Vec::new();
        // Percent-encoded keys and values read as what they spell (`%37`
        // was reported as no whole number); `&` and `=` split first.
        let decoded: Vec<(String, String)> = search
            .trim_start_matches('?')
            .split('&')
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decoded(key), percent_decoded(value))
            })
            .collect();
        for (key, value) in &decoded {
            let (key, value) = (key.as_str(), value.as_str());
            let result = match KEYS.contains(&key) {
                true => {
                    let before = params.clone();
                    let set = params.set(key, value);
                    let changed = params != before;
                    set.and_then(|()| once(key, value, changed, &mut taken))
                }
                false => unknown(key, value, &mut unread),
            };
            if let Err(e) = result {
                problems.push(e);
            }
        }
        // A step is a tour's: alone it opened the fresh cluster, unsaid.
        if let (Some((_, step)), None) = (taken.iter().find(|(k, _)| *k == "step"), &params.tour) {
            problems.push(format!(
                "ignored step={}: a step belongs to a tour, as in tour=split-vote&step=2",
                shown(step)
            ));
            params.step = 0;
        }
        // The keys that are no slip of one of ours, said once.
        if !unread.is_empty() {
            problems.push(format!(
                "ignored {}: the page reads only {}",
                unread.join(", "),
                KEYS.join(", ")
            ));
        }
        (params, problems)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = |what: &str| Err(format!("ignored {key}={}: {what}", shown(value)));
        match key {
            "seed" => match super::playground::parse_seed(value) {
                Ok(seed) => self.seed = seed,
                Err(why) => return bad(&why),
            },
            "nodes" => match value.parse() {
                Ok(n) if super::playground::PLAYGROUND_NODES.contains(&n) => self.nodes = n,
                _ => return bad("the playground shows 3 to 9 nodes"),
            },
            "load" => match parse_rate(value) {
                Some(rate) if rate <= 1000.0 => self.load = rate,
                _ => {
                    return bad(
                        "the load is 0 to 1000 requests per second, with at most 3 decimals",
                    )
                }
            },
            "autoplay" => self.from_start = switch(key, value)?,
            "origin" => match (parse_origin(value), &self.host_origin) {
                (Some(origin), HostOrigin::Any) => self.host_origin = HostOrigin::Only(origin),
                (Some(origin), HostOrigin::Only(first)) if origin == *first => {}
                (Some(_), _) => {
                    self.host_origin = HostOrigin::Nobody;
                    return bad("two different origins: no host page is obeyed");
                }
                (None, _) => {
                    self.host_origin = HostOrigin::Nobody;
                    return bad(
                        "an origin is http(s)://host or http(s)://host:port; no host page is \
                         obeyed until it is right",
                    );
                }
            },
            "paused" => self.autoplay = !switch(key, value)?,
            "disk" => match value {
                "slow" => self.disk = DiskConfig::slow(),
                _ => return bad("disk=slow is the one disk on offer"),
            },
            "embed" => self.embed = switch(key, value)?,
            "view" => match super::experiments::PageView::parse(value) {
                Some(view) => self.view = view,
                None => return bad("the views are player and experiments"),
            },
            "tour" if value.is_empty() => return bad("name a tour, as in tour=split-vote"),
            "tour" => self.tour = Some(value.to_string()),
            "step" => match value.parse::<usize>() {
                Ok(step) if step >= 1 => self.step = step - 1,
                Ok(_) => return bad("steps count from 1"),
                // Whole, but past any machine's count (it was told it was
                // not whole: a page tester).
                Err(_) if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                    return bad("no tour has that many steps")
                }
                Err(_) => return bad("a step is a whole number, from 1"),
            },
            _ => {}
        }
        Ok(())
    }
}

/// A key given twice with two settings (`?seed=5&seed=6`; not
/// `?paused&paused=1`): the last is used, and said to be (it was used
/// silently). `changed`: the second changed the setting. `origin=` says
/// its own.
fn once<'a>(
    key: &'a str,
    value: &'a str,
    changed: bool,
    taken: &mut Vec<(&'a str, &'a str)>,
) -> Result<(), String> {
    let before = taken.iter().position(|(k, _)| *k == key);
    let said = match before.map(|i| std::mem::replace(&mut taken[i].1, value)) {
        Some(first) if changed && key != "origin" => Err(format!(
            "{key}= is given twice, {key}={} and {key}={}: the last is used",
            shown(first),
            shown(value)
        )),
        _ => Ok(()),
    };
    if before.is_none() {
        taken.push((key, value));
    }
    said
}

/// A yes-or-no parameter: `paused=1`, `paused=0`, or a bare `paused`;
/// `true`/`false` and `yes`/`no` as people write them. Anything else is
/// reported, where it used to count as "no" (`?paused=true` played).
fn switch(key: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!(
            "ignored {key}={}: {key}=1 or {key}=0 (or true/false, yes/no)",
            shown(value)
        )),
    }
}

/// Every key [`UrlParams::parse`] reads.
const KEYS: [&str; 11] = [
    "seed", "nodes", "load", "paused", "autoplay", "embed", "tour", "step", "view", "disk",
    "origin",
];

/// Whether an address keeps `key` when the page rewrites it: one the page
/// reads, or one a sharing site added; a key reported as ignored goes.
pub fn kept_in_address(key: &str) -> bool {
    KEYS.contains(&key) || added_by_a_site(key)
}

/// The keys that sites sharing a link add (`utm_source`, `fbclid`,
/// `gclid`, `ref`, `si`, `igshid`, `mc_cid`, `_ga`), and an empty one
/// (`?&seed=7`): not the person's, so they pass quietly.
fn added_by_a_site(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let prefixed = ["utm_", "mc_", "igsh", "_"];
    lower.is_empty()
        || lower.ends_with("clid")
        || matches!(lower.as_str(), "ref" | "si")
        || prefixed.iter().any(|p| lower.starts_with(p))
}

/// A key the page does not read: so that `?Seed=7` or `?node=9` does not
/// silently open the default run, a slip of one of ours is reported with
/// the key it is nearest to; any other goes into `unread`, to be said
/// once for all.
fn unknown(key: &str, value: &str, unread: &mut Vec<String>) -> Result<(), String> {
    if added_by_a_site(key) {
        return Ok(());
    }
    let lower = key.to_ascii_lowercase();
    let (key, value) = (shown(key), shown(value));
    // A guess only for a slip: another case, a plural, a letter wrong or
    // two swapped; `speed=` is not a misspelt `seed=`.
    let slip = |known: &str| {
        lower.len() >= 3 && known.starts_with(lower.as_str())
            || lower.starts_with(known)
            || one_letter_off(&lower, known)
    };
    match KEYS.iter().find(|known| slip(known)) {
        Some(known) => Err(format!("ignored {key}={value}: did you mean {known}=?")),
        None => {
            unread.push(key);
            Ok(())
        }
    }
}

/// Whether `a` and `b`, of one length, differ in one letter or in two
/// neighbours swapped ("setp", "step"): the edit distance's one case a
/// slip needs, without a distance table.
fn one_letter_off(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match differ[..] {
        [_] => true,
        [i, j] => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

/// `text` with its `%XX` escapes decoded (invalid UTF-8 shown as U+FFFD).
fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// An origin as a browser writes `MessageEvent.origin`: scheme, lower-case
/// host and a port (1 to 65535) only when it is not the scheme's default;
/// a page's whole address stands for its origin (authors paste one);
/// `None` for anything else (another scheme, no host, a bad port). A
/// percent-encoded one (`https%3A%2F%2F...`, as some pages write it in a
/// query) comes decoded, as every value does ([`UrlParams::parse`]).
fn parse_origin(value: &str) -> Option<String> {
    let value = value.to_ascii_lowercase();
    let (scheme, rest) = value.split_once("://")?;
    let default_port = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    // The authority ends where a path, query or fragment starts.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        // In `[::1]` the last colon is the address's, not a port's.
        Some((host, port)) if !authority.starts_with('[') || host.ends_with(']') => {
            (host, Some(port))
        }
        _ => (authority, None),
    };
    let host_ok = !host.is_empty()
        && (host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            || (host.starts_with('[') && host.ends_with(']')));
    // As a number: a browser writes `:08731` as `:8731` (the embed
    // posted to the host and refused its every command, a page tester).
    let port = match port {
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => match p.parse::<u16>() {
            Ok(0) | Err(_) => return None,
            Ok(n) => Some(n),
        },
        Some(_) => return None,
        None => None,
    };
    if !host_ok {
        return None;
    }
    Some(match port {
        Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
        _ => format!("{scheme}://{host}"),
    })
}

/// `text` as a notice quotes it: at most 24 characters, so that a hostile
/// address cannot fill the page with its words.
pub fn shown(text: &str) -> String {
    match text.char_indices().nth(24) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// A rate such as `10` or `2.5`: digits, then at most three decimals. (A
/// general float parser would add 15 KB of gzip to the wasm for this one
/// parameter.)
fn parse_rate(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 6
        || fraction.len() > 3
        || !digits(whole)
        || !digits(fraction)
    {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction = fraction.parse::<u32>().unwrap_or(0) as f64 / 10f64.powi(fraction.len() as i32);
    Some(whole as f64 + fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As a browser or a sharing site may escape them (`%37` was reported
    /// as no whole number, `split%2Dvote` as no tour).
    #[test]
    fn percent_encoded_keys_and_values_are_read() {
        let (p, problems) = UrlParams::parse("?seed=%37&tour=split%2Dvote&%6Eodes=9&load=2%2E5");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            (p.seed, p.tour.as_deref(), p.nodes, p.load),
            (7, Some("split-vote"), 9, 2.5)
        );
        let (_, problems) = UrlParams::parse("?seed=%FF");
        assert!(problems[0].contains("ignored seed="), "{problems:?}");
    }

    #[test]
    fn every_parameter_is_read() {
        let (p, problems) =
            UrlParams::parse("?seed=7&nodes=9&load=2.5&paused=1&embed=1&tour=split-vote&step=3&autoplay=1&origin=https://blog.example/&disk=slow&view=experiments");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            p,
            UrlParams {
                seed: 7,
                nodes: 9,
                load: 2.5,
                autoplay: false,
                embed: true,
                tour: Some("split-vote".into()),
                step: 2,
                from_start: true,
                host_origin: HostOrigin::Only("https://blog.example".into()),
                disk: DiskConfig::slow(),
                view: crate::view::experiments::PageView::Experiments,
            }
        );
        assert_eq!(UrlParams::parse("").0, UrlParams::default());
        assert!(UrlParams::parse("?embed").0.embed);
    }

    /// Yes or no, as people write it; anything else is reported, where
    /// it used to count as no (`?paused=true` played).
    #[test]
    fn switches_read_yes_and_no_and_report_the_rest() {
        for on in ["", "1", "true", "Yes", "on"] {
            let (p, problems) = UrlParams::parse(&format!("?paused={on}&embed={on}&autoplay={on}"));
            assert!(problems.is_empty(), "{problems:?}");
            assert!(!p.autoplay && p.embed && p.from_start, "{on}");
        }
        for off in ["0", "false", "no", "OFF"] {
            let (p, problems) =
                UrlParams::parse(&format!("?paused={off}&embed={off}&autoplay={off}"));
            assert!(problems.is_empty(), "{problems:?}");
            assert!(p.autoplay && !p.embed && !p.from_start, "{off}");
        }
        let (p, problems) = UrlParams::parse("?paused=maybe&autoplay=2");
        assert_eq!(p, UrlParams::default());
        assert_eq!(
            problems,
            [
                "ignored paused=maybe: paused=1 or paused=0 (or true/false, yes/no)",
                "ignored autoplay=2: autoplay=1 or autoplay=0 (or true/false, yes/no)"
            ]
        );
    }

    #[test]
    fn absurd_values_fall_back_and_say_why() {
        let (p, problems) = UrlParams::parse(
            "?nodes=1000000&seed=-1&load=NaN&step=0&load=1e3&load=2000&load=.5&origin=javascript:x&disk=fast",
        );
        let refused = HostOrigin::Nobody;
        assert_eq!(
            p,
            UrlParams {
                host_origin: refused,
                ..UrlParams::default()
            }
        );
        assert_eq!(problems.len(), 9, "{problems:?}");
        assert!(problems[0].contains("3 to 9 nodes"));
        let load = UrlParams::parse("?load=0.0001").1;
        assert!(
            load[0].contains("0 to 1000") && load[0].contains("at most 3 decimals"),
            "{load:?}"
        );
        let (p, seed) = UrlParams::parse("?seed=9007199254740993");
        assert_eq!(p.seed, UrlParams::default().seed);
        assert!(seed[0].contains("at most 9006999999999999"), "{seed:?}");
        assert_eq!(parse_rate("0.125"), Some(0.125));
        assert_eq!(parse_rate("1000"), Some(1000.0));
        let (p, empty_tour) = UrlParams::parse("?tour=");
        assert_eq!(p.tour, None);
        assert!(empty_tour[0].contains("name a tour"), "{empty_tour:?}");
    }

    /// A page tester's addresses that opened something without a word: a
    /// key given twice, a step without a tour, a step that is no number.
    #[test]
    fn a_value_used_in_place_of_another_is_said() {
        for same in [
            "?paused&paused=1",
            "?paused=1&paused=true",
            "?seed=05&seed=5",
        ] {
            assert!(UrlParams::parse(same).1.is_empty(), "{same}");
        }
        let (p, twice) = UrlParams::parse("?seed=5&seed=6&nodes=5&nodes=5");
        assert_eq!(p.seed, 6);
        assert_eq!(
            twice,
            ["seed= is given twice, seed=5 and seed=6: the last is used"]
        );
        let (p, alone) = UrlParams::parse("?step=3&seed=2");
        assert_eq!((p.step, p.seed), (0, 2));
        assert_eq!(
            alone,
            ["ignored step=3: a step belongs to a tour, as in tour=split-vote&step=2"]
        );
        assert!(UrlParams::parse("?tour=split-vote&step=3").1.is_empty());
        let (_, abc) = UrlParams::parse("?tour=split-vote&step=abc");
        assert_eq!(abc, ["ignored step=abc: a step is a whole number, from 1"]);
        let huge = "99999999999999999999";
        let (p, said) = UrlParams::parse(&format!("?tour=split-vote&step={huge}"));
        assert_eq!(p.step, 0);
        assert_eq!(
            said,
            [format!("ignored step={huge}: no tour has that many steps")]
        );
        let (_, zero) = UrlParams::parse("?tour=split-vote&step=0");
        assert_eq!(zero, ["ignored step=0: steps count from 1"]);
    }

    /// A key the page does not read is named, with the setting it is
    /// nearest to; it used to be dropped without a word, and `?Seed=7`
    /// opened seed 1 as if asked for.
    #[test]
    fn unknown_keys_are_reported_with_the_nearest_setting() {
        let (p, problems) = UrlParams::parse("?Seed=7&node=9&setp=2&embeds=1&seed=3");
        assert_eq!(p.seed, 3);
        assert_eq!(p.nodes, UrlParams::default().nodes);
        assert_eq!(
            problems,
            [
                "ignored Seed=7: did you mean seed=?",
                "ignored node=9: did you mean nodes=?",
                "ignored setp=2: did you mean step=?",
                "ignored embeds=1: did you mean embed=?",
            ]
        );
        // Not a slip of any of them: the list, not a wrong guess.
        for far in ["?speed=2", "?s=2"] {
            let (_, said) = UrlParams::parse(far);
            assert!(said[0].contains("the page reads only seed"), "{said:?}");
        }
        // Keys that are no slip of ours are said once, all together.
        let (_, far) = UrlParams::parse("?colour=blue&seed=2&size=big");
        assert_eq!(
            far,
            [
                "ignored colour, size: the page reads only seed, nodes, load, paused, autoplay, \
              embed, tour, step, view, disk, origin"
            ]
        );
        // A hostile key or value is cut short in the notice, a known
        // key's too.
        let long = "x".repeat(500);
        let (_, cut) = UrlParams::parse(&format!("?{long}={long}&Seed={long}&seed={long}"));
        assert_eq!(cut.len(), 3, "{cut:?}");
        assert!(cut.iter().all(|said| said.len() < 200), "{cut:?}");
        assert!(
            cut[0].starts_with("ignored Seed=xxx") && cut[0].ends_with("x…: did you mean seed=?"),
            "{cut:?}"
        );
        assert!(
            cut[1].starts_with("ignored seed=xxx")
                && cut[1].ends_with("not 'xxxxxxxxxxxxxxxxxxxxxxxx…'"),
            "{cut:?}"
        );
        assert!(
            cut[2].starts_with("ignored xxxxxxxxxxxxxxxxxxxxxxxx…: the page"),
            "{cut:?}"
        );
        // What sharing sites add, and empty pairs, are not the person's.
        let (p, quiet) = UrlParams::parse(
            "?&utm_source=x&fbclid=1&gclid=2&ref=a&si=b&igshid=c&mc_cid=d&_ga=e&&seed=4&",
        );
        assert!(quiet.is_empty(), "{quiet:?}");
        assert_eq!(p.seed, 4);
    }

    /// A misspelt or doubled `origin=` obeys nobody, where it used to lift
    /// the restriction; the notice says so.
    #[test]
    fn a_wrong_origin_obeys_nobody() {
        let one = |q: &str| UrlParams::parse(q);
        assert_eq!(one("").0.host_origin, HostOrigin::Any);
        assert_eq!(
            one("?origin=https://a.example/post").0.host_origin,
            HostOrigin::Only("https://a.example".into())
        );
        for q in [
            "?origin=htps://a.example",
            "?origin=",
            "?origin=*",
            "?origin=https://a.example&origin=https://b.example",
            "?origin=garbage&origin=https://a.example",
        ] {
            let (p, problems) = one(q);
            assert_eq!(p.host_origin, HostOrigin::Nobody, "{q}");
            assert!(
                problems[0].contains("no host page is obeyed"),
                "{q}: {problems:?}"
            );
        }
        // Percent-encoded, as some pages write it in a query.
        assert_eq!(
            one("?origin=https%3A%2F%2Fblog.example").0.host_origin,
            HostOrigin::Only("https://blog.example".into())
        );
        let same = one("?origin=https://a.example&origin=https://A.example/");
        assert_eq!(same.0.host_origin.only(), Some("https://a.example"));
        assert!(same.1.is_empty());
    }

    #[test]
    fn origins_are_read_as_browsers_write_them() {
        let cases = [
            ("https://Blog.Example/", Some("https://blog.example")),
            ("https://blog.example:443", Some("https://blog.example")),
            ("http://127.0.0.1:8080", Some("http://127.0.0.1:8080")),
            ("https://blog.example/page", Some("https://blog.example")),
            (
                "https://blog.example:8443/a/b?x=1#y",
                Some("https://blog.example:8443"),
            ),
            ("https://blog.example?x=1", Some("https://blog.example")),
            // A port is a number: leading zeros go, as a browser's do.
            ("http://127.0.0.1:08731", Some("http://127.0.0.1:8731")),
            ("https://blog.example:0443", Some("https://blog.example")),
            ("http://127.0.0.1:00", None),
            ("http://127.0.0.1:+80", None),
            ("http://127.0.0.1:99999", None),
            ("http://[::1]", Some("http://[::1]")),
            ("http://[::1]:8080/x", Some("http://[::1]:8080")),
            ("https://[::1]:443", Some("https://[::1]")),
            ("http://127.0.0.1:0", None),
            ("htps://blog.example", None),
            ("*", None),
            ("", None),
            ("javascript:alert(1)", None),
            ("ftp://blog.example", None),
            ("https://", None),
            ("https://a:99999x", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_origin(value).as_deref(), expected, "{value}");
        }
    }
}
