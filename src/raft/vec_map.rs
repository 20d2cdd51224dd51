//! A small ordered map kept as a vector sorted by key: what the core and the
//! simulator use for their internal maps (votes' peers, pending proposals,
//! client sessions, workload clients, the checker's views), which hold a
//! handful to a few hundred entries.
//!
//! It exists for the browser bundle's size: every `BTreeMap<K, V>` with a
//! new `K, V` brings its own copy of the B-tree's node code (search, split,
//! merge, steal, clone, drop), about 4 KB of wasm each; this is a binary
//! search and `Vec::insert`/`Vec::remove`. Same iteration order (by key),
//! same answers. The maps the crate hands out (`RaftNode::progress`,
//! `KvStore::data`, `Network::groups`...) stay `BTreeMap`s.

use std::fmt;

/// Keys in ascending order, each once, with their values.
#[derive(Clone, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.cmp(key))
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value of `key`, if present, to change.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        match self.find(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Takes `key` out; returns its value.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value of `key`, inserting `make()` first if it is absent (as
    /// `BTreeMap::entry(key).or_insert_with(make)`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Every entry, by ascending key.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Every value, by ascending key.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No entries?
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

/// As a `BTreeMap` prints: `{k: v, ...}`.
impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Rng;
    use std::collections::BTreeMap;

    /// Property: any sequence of inserts, removes and lookups answers as a
    /// `BTreeMap` does, and iterates in the same order.
    #[test]
    fn behaves_as_a_btree_map() {
        let mut rng = Rng::new(3);
        let (mut ours, mut std) = (VecMap::new(), BTreeMap::new());
        for step in 0..20_000u64 {
            let key = rng.range_inclusive(0, 60);
            match rng.range_inclusive(0, 4) {
                0 | 1 => assert_eq!(ours.insert(key, step), std.insert(key, step)),
                2 => assert_eq!(ours.remove(&key), std.remove(&key)),
                3 => {
                    *ours.get_or_insert_with(key, || step) += 1;
                    *std.entry(key).or_insert_with(|| step) += 1;
                }
                _ => assert_eq!(ours.get_mut(&key), std.get_mut(&key)),
            }
            assert_eq!(ours.get(&key), std.get(&key));
            assert_eq!(ours.len(), std.len());
            if step % 97 == 0 {
                assert!(ours.iter().eq(std.iter()));
                assert!(ours.values().eq(std.values()));
                assert_eq!(format!("{ours:?}"), format!("{std:?}"));
            }
        }
        ours.clear();
        assert!(ours.is_empty());
    }
}
