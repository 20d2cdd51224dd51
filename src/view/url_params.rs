//! What the page's query string asks for:
//! `?seed=7&nodes=9&load=10&paused=1&embed=1&tour=split-vote&step=2`, and
//! for a shared link `autoplay=1` (play it from the start instead of
//! opening it paused where it was shared) and for a host page
//! `origin=https://example.org` (the only origin whose commands are obeyed).
//! A value out of range falls back to the default and is reported, rather
//! than breaking the page.

#[derive(Clone, Debug, PartialEq)]
pub struct UrlParams {
    pub seed: u64,
    pub nodes: u64,
    /// Background client operations per simulated second (0: none).
    pub load: f64,
    pub autoplay: bool,
    /// The compact layout for an iframe.
    pub embed: bool,
    pub tour: Option<String>,
    pub step: usize,
    /// A shared run plays from its start instead of opening paused at the
    /// moment it was shared.
    pub from_start: bool,
    /// The origin a host page must have for its commands to be obeyed
    /// (besides being the parent window).
    pub host_origin: Option<String>,
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
            host_origin: None,
        }
    }
}

impl UrlParams {
    /// Reads `search` (with or without its `?`). Returns the parameters and
    /// a message for each value that was ignored.
    pub fn parse(search: &str) -> (UrlParams, Vec<String>) {
        let mut params = UrlParams::default();
        let mut problems = Vec::new();
        for pair in search.trim_start_matches('?').split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if let Err(e) = params.set(key, value) {
                problems.push(e);
            }
        }
        (params, problems)
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let bad = |what: &str| Err(format!("ignored {key}={value}: {what}"));
        match key {
            "seed" => match value.parse() {
                Ok(seed) => self.seed = seed,
                Err(_) => return bad("the seed is a whole number"),
            },
            "nodes" => match value.parse() {
                Ok(n) if super::playground::PLAYGROUND_NODES.contains(&n) => self.nodes = n,
                _ => return bad("the playground shows 3 to 9 nodes"),
            },
            "load" => match parse_rate(value) {
                Some(rate) if rate <= 1000.0 => self.load = rate,
                _ => return bad("the load is 0 to 1000 requests per second"),
            },
            "autoplay" => self.from_start = value != "0",
            "origin" if value.starts_with("http://") || value.starts_with("https://") => {
                self.host_origin = Some(value.trim_end_matches('/').to_string())
            }
            "origin" => return bad("an origin is http://host or https://host"),
            "paused" => self.autoplay = value != "1",
            "embed" => self.embed = value != "0",
            "tour" if !value.is_empty() => self.tour = Some(value.to_string()),
            "step" => match value.parse::<usize>() {
                Ok(step) if step >= 1 => self.step = step - 1,
                _ => return bad("steps count from 1"),
            },
            _ => {}
        }
        Ok(())
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

    #[test]
    fn every_parameter_is_read() {
        let (p, problems) =
            UrlParams::parse("?seed=7&nodes=9&load=2.5&paused=1&embed=1&tour=split-vote&step=3&autoplay=1&origin=https://blog.example/");
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
                host_origin: Some("https://blog.example".into()),
            }
        );
        assert_eq!(UrlParams::parse("").0, UrlParams::default());
        assert!(UrlParams::parse("?embed").0.embed);
    }

    #[test]
    fn absurd_values_fall_back_and_say_why() {
        let (p, problems) = UrlParams::parse(
            "?nodes=1000000&seed=-1&load=NaN&step=0&load=1e3&load=2000&load=.5&origin=javascript:x",
        );
        assert_eq!(p, UrlParams::default());
        assert_eq!(problems.len(), 8, "{problems:?}");
        assert!(problems[0].contains("3 to 9 nodes"));
        assert_eq!(parse_rate("0.125"), Some(0.125));
        assert_eq!(parse_rate("1000"), Some(1000.0));
    }
}
