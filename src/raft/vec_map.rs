//! A small ordered map kept as a vector sorted by key: what the core and the
//! simulator use for their maps (a leader's progress, pending proposals,
//! client sessions, the key-value data, partition groups, workload clients,
//! the checker's views), which hold a handful to a few hundred entries.
//!
//! It exists for the browser bundle's size: every `BTreeMap<K, V>` with a
//! new `K, V` brings its own copy of the B-tree's node code (search, split,
//! merge, steal, clone, drop), about 4 KB of wasm each; this is a binary
//! search and `Vec::insert`/`Vec::remove`. Same iteration order (by key),
//! same answers, and the `BTreeMap` methods its users call (`get` by a
//! borrowed key, `map[&key]`, `iter`, `keys`, `values`, `len`...).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Index;

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

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value of `key`, if present.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// Is `key` present?
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// The value of `key`, if present, to change.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
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

    /// Every key, ascending.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Every value, by ascending key.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Every value, mutable, by ascending key.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
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

/// `map[&key]`, which panics if `key` is absent, as for a `BTreeMap`.
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> Index<&Q> for VecMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// As `BTreeMap::from_iter`: a later entry for a key replaces an earlier
/// one. (Inserted one by one: no copy of the standard sort.)
impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = VecMap::new();
        for (k, v) in entries {
            map.insert(k, v);
        }
        map
    }
}

/// A set kept as a sorted vector, for the same reason: `VecMap<T, ()>`
/// with the `BTreeSet` calls its users make.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct VecSet<T>(VecMap<T, ()>);

impl<T: Ord> VecSet<T> {
    /// An empty set.
    pub fn new() -> Self {
        VecSet(VecMap::new())
    }

    /// Adds `value`; false if it was there.
    pub fn insert(&mut self, value: T) -> bool {
        self.0.insert(value, ()).is_none()
    }

    /// Takes `value` out; false if it was not there.
    pub fn remove(&mut self, value: &T) -> bool {
        self.0.remove(value).is_some()
    }

    /// Is `value` in the set?
    pub fn contains(&self, value: &T) -> bool {
        self.0.contains_key(value)
    }

    /// Every element, ascending.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.0.keys()
    }

    /// How many elements.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No elements?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes every element.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        VecSet(values.into_iter().map(|v| (v, ())).collect())
    }
}

/// Equal to a `BTreeSet` with the same elements.
impl<T: Ord> PartialEq<std::collections::BTreeSet<T>> for VecSet<T> {
    fn eq(&self, other: &std::collections::BTreeSet<T>) -> bool {
        self.iter().eq(other.iter())
    }
}

/// As a `BTreeSet` prints: `{a, b}`.
impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.debug_set()
            .entries(self.0.entries.iter().map(|(t, _)| t))
            .finish()
    }
}

/// Sorts `items` by `key`, keeping equal keys in their order: the result of
/// `slice::sort_by_key`, by binary insertion. For short or nearly sorted
/// lists (timeline marks, a scenario's actions, diagram spans), where it is
/// fast, and for the bundle: each `sort_by_key` of a new type links its own
/// copy of the standard stable sort (about 3 KB of wasm).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let k = key(&items[i]);
        let at = items[..i].partition_point(|x| key(x) <= k);
        items[at..=i].rotate_right(1);
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
                assert!(ours.keys().eq(std.keys()));
                assert!((&ours).into_iter().eq(&std));
                assert_eq!(ours.contains_key(&key), std.contains_key(&key));
                if let Some(v) = std.get(&key) {
                    assert_eq!(&ours[&key], v);
                }
                assert_eq!(format!("{ours:?}"), format!("{std:?}"));
            }
        }
        ours.clear();
        assert!(ours.is_empty());
    }

    #[test]
    fn collects_as_btree_collections_do() {
        let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd')];
        let ours: VecMap<i32, char> = pairs.into_iter().collect();
        let std: BTreeMap<i32, char> = pairs.into_iter().collect();
        assert!(ours.iter().eq(std.iter()));
        let ours: VecSet<i32> = [3, 1, 3, 2].into_iter().collect();
        assert_eq!(ours, std::collections::BTreeSet::from([1, 2, 3]));
    }

    /// Property: `sort_by_key` gives what the standard stable sort gives.
    #[test]
    fn sorts_as_the_standard_stable_sort() {
        let mut rng = Rng::new(5);
        for len in 0..60 {
            let items: Vec<(u64, usize)> =
                (0..len).map(|i| (rng.range_inclusive(0, 7), i)).collect();
            let (mut ours, mut std) = (items.clone(), items);
            sort_by_key(&mut ours, |x| x.0);
            std.sort_by_key(|x| x.0);
            assert_eq!(ours, std);
        }
    }

    /// Property: a `VecSet` answers as a `BTreeSet` does.
    #[test]
    fn behaves_as_a_btree_set() {
        let mut rng = Rng::new(4);
        let (mut ours, mut std) = (VecSet::new(), std::collections::BTreeSet::new());
        for _ in 0..10_000 {
            let value = (rng.range_inclusive(0, 9), rng.range_inclusive(0, 9));
            match rng.range_inclusive(0, 1) {
                0 => assert_eq!(ours.insert(value), std.insert(value)),
                _ => assert_eq!(ours.remove(&value), std.remove(&value)),
            }
            assert_eq!(ours.contains(&value), std.contains(&value));
            assert_eq!(ours.len(), std.len());
            assert_eq!(ours.is_empty(), std.is_empty());
            assert!(ours.iter().eq(std.iter()));
            assert_eq!(ours, std);
            // Equality can fail too: one element more is another set.
            let mut more = std.clone();
            more.insert((10, 10));
            assert!(ours != more);
            assert_eq!(format!("{ours:?}"), format!("{std:?}"));
        }
        ours.clear();
        assert!(ours.is_empty());
    }
}
