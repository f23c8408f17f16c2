//! The documents holding one keyword value. Most values of a runs index (names, uids) are held by
//! one document, which needs no set: a set per value would cost an allocation and a B-tree node
//! for each of 100,000 runs.

use std::collections::BTreeSet;

/// The slots of the documents holding one keyword value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Postings {
    /// One document.
    One(usize),
    /// Several (never fewer than one: an emptied set is dropped with its value).
    Many(BTreeSet<usize>),
}

impl Postings {
    /// Adds a document.
    pub(crate) fn insert(&mut self, slot: usize) {
        match self {
            Self::One(held) if *held == slot => {}
            Self::One(held) => *self = Self::Many(BTreeSet::from([*held, slot])),
            Self::Many(slots) => {
                slots.insert(slot);
            }
        }
    }

    /// Removes a document; returns whether none is left (the value is then dropped).
    pub(crate) fn remove(&mut self, slot: usize) -> bool {
        match self {
            Self::One(held) => *held == slot,
            Self::Many(slots) => {
                slots.remove(&slot);
                slots.is_empty()
            }
        }
    }

    /// How many documents.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(slots) => slots.len(),
        }
    }

    /// The documents, in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let (one, many) = match self {
            Self::One(slot) => (Some(*slot), None),
            Self::Many(slots) => (None, Some(slots.iter().copied())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_document_grows_into_a_set_and_back_to_none() {
        let mut postings = Postings::One(4);
        postings.insert(4);
        assert_eq!(postings, Postings::One(4), "the same document once");
        postings.insert(2);
        postings.insert(9);
        assert_eq!(postings.iter().collect::<Vec<_>>(), [2, 4, 9]);
        assert_eq!(postings.len(), 3);
        assert!(!postings.remove(4));
        assert!(!postings.remove(7), "not held: nothing changes");
        assert!(!postings.remove(2));
        assert!(postings.remove(9), "emptied");
        assert!(Postings::One(3).remove(3));
        assert!(!Postings::One(3).remove(1));
    }
}
