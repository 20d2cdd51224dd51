//! The snapshot menu: how many applied entries make every server take a
//! snapshot and compact its log (thesis chapter 5), or none. Choosing one
//! records a `snapshots` action, as a scenario turns them on.

/// The thresholds the menu offers: off, then every 5, 10 and 20 entries,
/// few enough for a compaction to show within a short run.
pub const CHOICES: [Option<u64>; 4] = [None, Some(5), Some(10), Some(20)];

/// The menu's entries: every choice, and the run's own threshold if a
/// scenario set one that is not among them.
pub fn entries(current: Option<u64>) -> Vec<Option<u64>> {
    let mut all = CHOICES.to_vec();
    if !all.contains(&current) {
        // In order (`None` first); an insertion, not a sort, which would
        // link another copy of the standard sort into the wasm.
        let at = all.iter().position(|&c| c > current).unwrap_or(all.len());
        all.insert(at, current);
    }
    all
}

/// A threshold as the menu names it: "off", "every 10 entries".
pub fn label(every: Option<u64>) -> String {
    match every {
        None => "off".into(),
        Some(1) => "every entry".into(),
        Some(n) => format!("every {n} entries"),
    }
}

/// A threshold as an option's value: "off" or the number.
pub fn value(every: Option<u64>) -> String {
    every.map_or("off".into(), |n| n.to_string())
}

/// The threshold an option's value names; `None` inside for "off", and
/// nothing for a value no option has.
pub fn parse(value: &str) -> Option<Option<u64>> {
    match value {
        "off" => Some(None),
        n => n.parse().ok().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_menu_names_each_threshold_and_reads_back_its_values() {
        let names: Vec<String> = CHOICES.iter().map(|&c| label(c)).collect();
        assert_eq!(
            names,
            [
                "off",
                "every 5 entries",
                "every 10 entries",
                "every 20 entries"
            ]
        );
        for choice in CHOICES {
            assert_eq!(parse(&value(choice)), Some(choice));
        }
        assert_eq!(parse("five"), None);
        assert_eq!(label(Some(1)), "every entry");
    }

    #[test]
    fn a_scenarios_own_threshold_joins_the_menu_in_order() {
        assert_eq!(entries(Some(10)), CHOICES.to_vec());
        assert_eq!(
            entries(Some(6)),
            [None, Some(5), Some(6), Some(10), Some(20)]
        );
    }
}
