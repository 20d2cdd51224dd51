//! A vector whose clones share their storage, for state that grows with the
//! run (logs, the checker's mirrors, the client history) and that time travel
//! copies into every snapshot.
//!
//! Elements live in full chunks of `CHUNK` behind `Rc`, then a short tail
//! of fewer than `CHUNK` that each copy owns. Cloning copies the chunk
//! pointers and the tail; changing an element of a chunk that a clone still
//! holds copies that one chunk first (copy-on-write). A vector that mostly
//! grows at the end therefore shares every full chunk with its earlier
//! clones, and a snapshot costs about the elements added since the previous
//! one, not the whole run.
//!
//! The layout depends only on the length (chunk `k` holds elements
//! `k * CHUNK ..`), never on addresses or on who shares what, so behaviour
//! stays deterministic: sharing decides only when copies are made.

use std::fmt;
use std::ops::Index;
use std::rc::Rc;

/// Elements per chunk. A power of two, so finding an element is a shift and
/// a mask. Small, so that what each snapshot owns (its tail) and what a
/// write to a shared chunk copies stay small: 64 history records are about
/// 10 KB. Large enough that the pointers a clone copies (one per chunk) are
/// a small fraction of the elements.
const CHUNK: usize = 64;

/// A growable vector whose clones share full chunks. Since the layout
/// follows from the length, two equal vectors have the same layout and the
/// derived equality compares elements (shared chunks by address first).
#[derive(Clone, PartialEq, Eq)]
pub struct SharedVec<T> {
    /// Full chunks of exactly `CHUNK` elements, shared with clones.
    chunks: Vec<Rc<Vec<T>>>,
    /// The elements after the chunks: fewer than `CHUNK`, this copy's own.
    tail: Vec<T>,
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec {
            chunks: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<T: Clone> SharedVec<T> {
    /// An empty vector.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.chunks.len() * CHUNK + self.tail.len()
    }

    /// True if there are no elements.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty() && self.tail.is_empty()
    }

    /// The element at `index`, or `None` past the end.
    pub fn get(&self, index: usize) -> Option<&T> {
        let in_chunks = self.chunks.len() * CHUNK;
        if index >= in_chunks {
            return self.tail.get(index - in_chunks);
        }
        Some(&self.chunks[index / CHUNK][index % CHUNK])
    }

    /// The last element, or `None` if empty.
    pub fn last(&self) -> Option<&T> {
        self.tail.last().or_else(|| self.chunks.last()?.last())
    }

    /// The elements in order; double-ended and exact-size, like a slice's.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    /// A plain `Vec` holding clones of all elements, in order.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }

    /// Appends `value`; a tail that fills up becomes a chunk as it is
    /// (nothing is copied).
    pub fn push(&mut self, value: T) {
        self.tail.push(value);
        if self.tail.len() == CHUNK {
            let full = std::mem::replace(&mut self.tail, Vec::with_capacity(CHUNK));
            self.chunks.push(Rc::new(full));
        }
    }

    /// Appends `value` as [`SharedVec::push`] does, except that a tail it
    /// fills up with what `like` holds in the same chunk becomes that
    /// chunk, shared: the copies the simulator keeps of a log (its durable
    /// copy, the entries its state machine applied) then hold the entries
    /// once, and allocate nothing for them. Sharing shows only in memory:
    /// a chunk is copied before it is changed.
    pub fn push_like(&mut self, value: T, like: &SharedVec<T>)
    where
        T: PartialEq,
    {
        match like.chunks.get(self.chunks.len()) {
            Some(theirs)
                if self.tail.len() == CHUNK - 1
                    && theirs[..CHUNK - 1] == self.tail[..]
                    && theirs[CHUNK - 1] == value =>
            {
                self.tail.clear();
                self.chunks.push(Rc::clone(theirs));
            }
            _ => self.push(value),
        }
    }

    /// Keeps the first `len` elements. Whole chunks are dropped without
    /// copying; a chunk cut in the middle becomes the tail (copied if a
    /// clone shares it).
    pub fn truncate(&mut self, len: usize) {
        if len < self.chunks.len() * CHUNK {
            self.chunks.truncate(len / CHUNK + 1);
            let cut = self.chunks.pop().expect("the chunk holding the cut");
            self.tail = Rc::unwrap_or_clone(cut);
        }
        self.tail.truncate(len - self.chunks.len() * CHUNK);
    }

    /// The element at `index`, to change in place: its chunk is copied
    /// first if a clone shares it (`Rc::make_mut`). Panics out of range.
    pub fn make_mut(&mut self, index: usize) -> &mut T {
        let in_chunks = self.chunks.len() * CHUNK;
        if index >= in_chunks {
            return &mut self.tail[index - in_chunks];
        }
        &mut Rc::make_mut(&mut self.chunks[index / CHUNK])[index % CHUNK]
    }

    /// The chunks' addresses, for tests that check what clones share.
    #[cfg(test)]
    pub(crate) fn chunk_ptrs(&self) -> impl Iterator<Item = *const Vec<T>> + '_ {
        self.chunks.iter().map(Rc::as_ptr)
    }
}

impl<T: Clone> Index<usize> for SharedVec<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        self.get(index).expect("index out of range")
    }
}

/// Prints as a list, as a `Vec` would.
impl<T: Clone + fmt::Debug> fmt::Debug for SharedVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Lets tests compare a shared vector with a plain one.
impl<T: Clone + PartialEq> PartialEq<Vec<T>> for &SharedVec<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.iter().eq(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Rng;

    fn filled(n: usize) -> SharedVec<usize> {
        let mut v = SharedVec::new();
        for i in 0..n {
            v.push(i);
        }
        v
    }

    fn assert_same(shared: &SharedVec<u64>, plain: &[u64]) {
        assert_eq!(shared.len(), plain.len());
        assert_eq!(shared.is_empty(), plain.is_empty());
        assert_eq!(shared.last(), plain.last());
        assert!(shared.iter().eq(plain.iter()));
        assert!(shared.iter().rev().eq(plain.iter().rev()));
        assert_eq!(shared.to_vec(), plain);
        assert_eq!(shared.get(plain.len()), None);
        assert_eq!(shared.chunks.len(), plain.len() / CHUNK, "layout");
    }

    /// Random pushes, truncations, writes and clones, mirrored on plain
    /// `Vec`s: every clone keeps reading exactly what its own copy holds.
    #[test]
    fn behaves_like_a_vec_under_random_operations() {
        let mut rng = Rng::new(7);
        let mut pairs = vec![(SharedVec::new(), Vec::new())];
        for step in 0..20_000u64 {
            let n = pairs.len();
            let k = rng.index(n);
            let (shared, plain) = &mut pairs[k];
            match rng.range_inclusive(0, 99) {
                0..=64 => {
                    shared.push(step);
                    plain.push(step);
                }
                65 => {
                    // Up to three past the end (a no-op) to a chunk and more before.
                    let cut = rng.range_inclusive(0, CHUNK as u64 + 20) as usize;
                    let len = (plain.len() + 3).saturating_sub(cut);
                    shared.truncate(len);
                    plain.truncate(len);
                }
                66..=79 if !plain.is_empty() => {
                    let i = rng.index(plain.len());
                    *shared.make_mut(i) = step;
                    plain[i] = step;
                }
                80..=84 if n < 12 => {
                    let copy = pairs[k].clone();
                    pairs.push(copy);
                }
                85..=86 if n > 1 => {
                    pairs.swap_remove(k);
                }
                _ if !plain.is_empty() => {
                    let i = rng.index(plain.len());
                    assert_eq!(shared[i], plain[i]);
                    assert_eq!(shared.get(i), Some(&plain[i]));
                }
                _ => {}
            }
            if step.is_multiple_of(1_000) {
                pairs.iter().for_each(|(s, p)| assert_same(s, p));
            }
        }
        for (shared, plain) in &pairs {
            assert_same(shared, plain);
        }
    }

    #[test]
    fn a_clone_shares_every_chunk_until_written() {
        let original = filled(5 * CHUNK + 10);
        let mut copy = original.clone();
        let shared = |a: &SharedVec<usize>, b: &SharedVec<usize>| {
            let pairs = a.chunks.iter().zip(&b.chunks);
            pairs.map(|(a, b)| Rc::ptr_eq(a, b)).collect::<Vec<_>>()
        };
        assert_eq!(shared(&original, &copy), [true; 5]);

        copy.push(1_000);
        *copy.make_mut(3) = 2_000;
        *copy.make_mut(5 * CHUNK) = 3_000;
        // Only the chunk written to was copied; the tails are each its own.
        assert_eq!(shared(&original, &copy), [false, true, true, true, true]);
        assert_eq!(original.to_vec(), (0..5 * CHUNK + 10).collect::<Vec<_>>());
        let changed = (copy[3], copy[5 * CHUNK], copy[5 * CHUNK + 10]);
        assert_eq!(changed, (2_000, 3_000, 1_000));
    }

    #[test]
    fn push_like_shares_a_chunk_only_when_it_holds_the_same() {
        let original = filled(2 * CHUNK + 3);
        let mut copy = SharedVec::new();
        let mut other = SharedVec::new();
        for i in 0..2 * CHUNK + 3 {
            copy.push_like(i, &original);
            other.push_like(if i == CHUNK + 5 { 0 } else { i }, &original);
        }
        assert_eq!(copy, original);
        assert!(copy.chunk_ptrs().eq(original.chunk_ptrs()));
        // A chunk that differs anywhere is this vector's own.
        let shared: Vec<bool> = other
            .chunk_ptrs()
            .zip(original.chunk_ptrs())
            .map(|(a, b)| a == b)
            .collect();
        assert_eq!(shared, [true, false]);
        assert_eq!(other[CHUNK + 5], 0);
        // Changing a shared chunk changes only the vector changed.
        *copy.make_mut(3) = 1_000;
        assert_eq!((copy[3], original[3]), (1_000, 3));
    }

    #[test]
    fn truncating_drops_whole_chunks_and_copies_only_what_a_cut_keeps() {
        let original = filled(4 * CHUNK);
        let mut copy = original.clone();
        copy.truncate(2 * CHUNK);
        assert!(copy.chunk_ptrs().eq(original.chunk_ptrs().take(2)));
        copy.truncate(CHUNK + 1);
        assert!(copy.chunk_ptrs().eq(original.chunk_ptrs().take(1)));
        assert_eq!((copy.tail.len(), original.len()), (1, 4 * CHUNK));
        assert_eq!(copy.to_vec(), (0..=CHUNK).collect::<Vec<_>>());
        copy.truncate(0);
        assert!(copy.is_empty() && copy.chunk_ptrs().next().is_none());
    }

    #[test]
    fn equality_and_debug_are_those_of_the_elements() {
        let a = filled(CHUNK + 3);
        let mut b = filled(CHUNK + 4);
        assert_ne!(a, b);
        b.truncate(CHUNK + 3);
        assert_eq!(a, b);
        assert_eq!(&a, (0..CHUNK + 3).collect::<Vec<_>>());
        assert_ne!(&a, (0..CHUNK + 4).collect::<Vec<_>>());
        assert_ne!(&a, vec![7; CHUNK + 3]);
        assert_eq!(format!("{:?}", filled(3)), "[0, 1, 2]");
    }
}
