//! A string-keyed map that iterates in insertion order, as a Python dict does: method sets are
//! read in that order where it shows (which DISPATCHES edge is added first).

use crate::fxhash::Map;

pub struct Ordered<V> {
    entries: Vec<(String, V)>,
    index: Map<String, usize>,
}

impl<V> Default for Ordered<V> {
    fn default() -> Self {
        Ordered { entries: Vec::new(), index: Map::default() }
    }
}

impl<V> Ordered<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.index.get(key).map(|&at| &self.entries[at].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }

    /// dict.setdefault: insert at the end unless the key is there.
    pub fn insert_if_absent(&mut self, key: &str, value: impl FnOnce() -> V) {
        if !self.index.contains_key(key) {
            self.index.insert(key.to_string(), self.entries.len());
            self.entries.push((key.to_string(), value()));
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}
