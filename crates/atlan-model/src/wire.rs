//! The wire form of the models: a macro that gives a struct exact, lossless JSON.
//!
//! `wire_object!` declares a struct whose fields are `opt` (an `Option`) or `req` (required), each
//! with its wire name, and generates `Serialize`, `Deserialize` and (unless asked not to) `Debug`:
//!
//! - a field that arrives as JSON `null` reads as `None` and is remembered, so it is written back as
//!   `null`; a field that is absent stays absent;
//! - every key the struct does not model is kept in `other` and written back;
//! - keys are written in byte order, the fields' among those kept in `other`, as
//!   `serde_json::Value` writes an object: writing a model gives the very text of writing it as a
//!   `Value`, without building the `Value`;
//! - a missing `req` field, a duplicate key or a wrong type is an error naming the field (the path is
//!   tracked by `serde_path_to_error`).
//!
//! It replaces `#[serde(flatten)]`, which cannot keep nulls and buffers every object before decoding it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// What one object's decode remembers beyond its values: the optional fields that arrived as JSON
/// `null` and the `list` fields that were absent (by wire name), so that both are written back as they
/// came. Usually empty, so it costs nothing.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct NullFields(Vec<Remembered<'static>>);

/// One remembered field of [`NullFields`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Remembered<'a> {
    /// The field arrived as `null`.
    Null(&'a str),
    /// The `list` field was not in the object.
    Absent(&'a str),
}

impl NullFields {
    pub(crate) fn insert(&mut self, wire_name: &'static str) {
        self.remember(Remembered::Null(wire_name));
    }

    pub(crate) fn contains(&self, wire_name: &str) -> bool {
        self.has(Remembered::Null(wire_name))
    }

    /// Remembers that a `list` field was absent, so that it stays absent while it stays empty.
    pub(crate) fn insert_absent(&mut self, wire_name: &'static str) {
        self.remember(Remembered::Absent(wire_name));
    }

    /// Whether a `list` field was absent from the decoded object.
    pub(crate) fn is_absent(&self, wire_name: &str) -> bool {
        self.has(Remembered::Absent(wire_name))
    }

    fn remember(&mut self, field: Remembered<'static>) {
        if !self.has(field) {
            self.0.push(field);
        }
    }

    // `contains` would need the field asked about to be `'static`; it borrows the wire name.
    #[allow(clippy::manual_contains)]
    fn has(&self, field: Remembered<'_>) -> bool {
        self.0.iter().any(|remembered| *remembered == field)
    }
}

impl fmt::Debug for NullFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.0).finish()
    }
}

/// How many of `wires` come before `wire` in byte order: where a field's key goes when an object's
/// keys are written in order.
pub(crate) const fn rank(wire: &str, wires: &[&str]) -> usize {
    let mut rank = 0;
    let mut rest = wires;
    while let Some((first, tail)) = rest.split_first() {
        if before(first.as_bytes(), wire.as_bytes()) {
            rank += 1;
        }
        rest = tail;
    }
    rank
}

/// Whether `left` comes before `right` in byte order (`str`'s order, as a `const fn`).
const fn before(left: &[u8], right: &[u8]) -> bool {
    match (left.split_first(), right.split_first()) {
        (Some((l, left)), Some((r, right))) if *l == *r => before(left, right),
        (Some((l, _)), Some((r, _))) => *l < *r,
        (None, Some(_)) => true,
        (_, None) => false,
    }
}

/// An object key, borrowed from the input when it can be.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(key)))
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }
            fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// The Rust type of a field: `opt T` and `secret T` are `Option<T>`, `req T` and `list T` are `T`.
macro_rules! field_type {
    (opt $ty:ty) => { Option<$ty> };
    (list $ty:ty) => { $ty };
    (text $ty:ty) => { $ty };
    (secret $ty:ty) => { Option<$ty> };
    (secrets $ty:ty) => { Option<$ty> };
    (req $ty:ty) => { $ty };
}

/// Reads one field's value: `secret` fields through [`crate::secret::OptionalSecretString`], which
/// never repeats the value in an error.
/// `list` fields read `null` as empty and remember it.
macro_rules! read_field {
    (secret $map:ident $nulls:ident $wire:literal) => {
        $map.next_value::<$crate::secret::OptionalSecretString>()?.0
    };
    (secrets $map:ident $nulls:ident $wire:literal) => {
        $map.next_value::<$crate::secret::OptionalSecretMap>()?.0
    };
    (text $map:ident $nulls:ident $wire:literal) => {
        $crate::wire::read_field!(list $map $nulls $wire)
    };
    (list $map:ident $nulls:ident $wire:literal) => {
        match $map.next_value::<Option<_>>()? {
            Some(list) => list,
            None => {
                $nulls.insert($wire);
                Default::default()
            }
        }
    };
    ($kind:ident $map:ident $nulls:ident $wire:literal) => {
        $map.next_value()?
    };
}

/// Moves a decoded slot into the struct: records nulls of `opt` fields, fails on a missing `req` one.
macro_rules! take_field {
    (secret $slot:ident $wire:literal $nulls:ident $error:ty) => {
        $crate::wire::take_field!(opt $slot $wire $nulls $error)
    };
    (secrets $slot:ident $wire:literal $nulls:ident $error:ty) => {
        $crate::wire::take_field!(opt $slot $wire $nulls $error)
    };
    (opt $slot:ident $wire:literal $nulls:ident $error:ty) => {
        match $slot {
            Some(Some(value)) => Some(value),
            Some(None) => {
                $nulls.insert($wire);
                None
            }
            None => None,
        }
    };
    (text $slot:ident $wire:literal $nulls:ident $error:ty) => {
        $crate::wire::take_field!(list $slot $wire $nulls $error)
    };
    (list $slot:ident $wire:literal $nulls:ident $error:ty) => {
        match $slot {
            Some(list) => list,
            None => {
                $nulls.insert_absent($wire);
                Default::default()
            }
        }
    };
    (req $slot:ident $wire:literal $nulls:ident $error:ty) => {
        match $slot {
            Some(value) => value,
            None => return Err(<$error as ::serde::de::Error>::missing_field($wire)),
        }
    };
}

/// Writes one field: an `opt` field when set (or as `null` when it arrived as `null`), a `req` field always.
macro_rules! put_field {
    (secret $map:ident $self:ident $field:ident $wire:literal) => {
        match &$self.$field {
            Some(secret) => {
                $map.serialize_entry($wire, ::secrecy::ExposeSecret::expose_secret(secret))?
            }
            None if $self.nulls.contains($wire) => $map.serialize_entry($wire, &())?,
            None => {}
        }
    };
    (secrets $map:ident $self:ident $field:ident $wire:literal) => {
        $crate::wire::put_field!(opt $map $self $field $wire)
    };
    (opt $map:ident $self:ident $field:ident $wire:literal) => {
        match &$self.$field {
            Some(value) => $map.serialize_entry($wire, value)?,
            None if $self.nulls.contains($wire) => $map.serialize_entry($wire, &())?,
            None => {}
        }
    };
    (text $map:ident $self:ident $field:ident $wire:literal) => {
        $crate::wire::put_field!(list $map $self $field $wire)
    };
    (list $map:ident $self:ident $field:ident $wire:literal) => {
        if !$self.$field.is_empty() {
            $map.serialize_entry($wire, &$self.$field)?
        } else if $self.nulls.contains($wire) {
            $map.serialize_entry($wire, &())?
        } else if !$self.nulls.is_absent($wire) {
            $map.serialize_entry($wire, &$self.$field)?
        }
    };
    (req $map:ident $self:ident $field:ident $wire:literal) => {
        $map.serialize_entry($wire, &$self.$field)?
    };
}

/// Declares a model struct with exact JSON (see the module docs). Fields are `req` (required), `opt`
/// (optional), `list` (a list that reads `null` or absent as empty, as Atlan sends `null` for an
/// empty list, and writes a `null` back, or leaves the key out, while it stays empty; a list built in
/// code is written as `[]`), `text` (a string read as `list` reads a list: absent or `null` is
/// empty, as Argo's Go types read a string, and written back as it came), `secrets` (an optional map of [`crate::SecretValue`]s read without echoing errors) or
/// `secret` (an optional `SecretString`, written exposed and read without echoing
/// errors). Prefix with `@manual_debug` to write `Debug` by hand (for types that hold secrets), or
/// with `@secret` to also leave out `PartialEq` (for types with a `secret` field).
macro_rules! wire_object {
    (
        @manual_debug
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $wire:literal $field:ident : $ty:ty, )*
        }
    ) => {
        $crate::wire::wire_object!(@object [Clone, Default, PartialEq] $(#[$meta])* $name { $( $(#[$fmeta])* $kind $wire $field : $ty, )* });
    };
    (
        @secret
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $wire:literal $field:ident : $ty:ty, )*
        }
    ) => {
        $crate::wire::wire_object!(@object [Clone, Default] $(#[$meta])* $name { $( $(#[$fmeta])* $kind $wire $field : $ty, )* });
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $wire:literal $field:ident : $ty:ty, )*
        }
    ) => {
        $crate::wire::wire_object!(@object [Clone, Default, PartialEq] $(#[$meta])* $name { $( $(#[$fmeta])* $kind $wire $field : $ty, )* });

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field) )*
                    .field("other", &self.other)
                    .finish()
            }
        }
    };
    (
        @object [$($derive:ident),*]
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $wire:literal $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive($($derive),*)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $crate::wire::field_type!($kind $ty), )*
            /// Fields this version does not model, kept so that they round-trip.
            pub other: ::std::collections::BTreeMap<String, ::serde_json::Value>,
            /// Optional fields that arrived as `null` (written back as `null` while they stay `None`)
            /// and lists that were absent (left out while they stay empty).
            nulls: $crate::wire::NullFields,
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeMap as _;
                const WIRES: &[&str] = &[$($wire),*];
                let mut map = serializer.serialize_map(None)?;
                let mut other = self.other.iter().peekable();
                // Keys in order, as `serde_json::Value` writes them: the fields by their wire
                // names' rank (a constant, so the loop folds away), the keys kept in `other` in
                // between.
                for rank in 0..WIRES.len() {
                    $(
                        if rank == const { $crate::wire::rank($wire, WIRES) } {
                            while let Some((key, value)) = other.next_if(|(key, _)| key.as_str() < $wire) {
                                map.serialize_entry(key, value)?;
                            }
                            $crate::wire::put_field!($kind map self $field $wire);
                        }
                    )*
                }
                for (key, value) in other {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;

                impl<'de> ::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($name), ")"))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        $( let mut $field: Option<$crate::wire::field_type!($kind $ty)> = None; )*
                        let mut other = ::std::collections::BTreeMap::new();
                        #[allow(unused_mut)]
                        let mut nulls = $crate::wire::NullFields::default();
                        while let Some(key) = map.next_key::<$crate::wire::Key<'de>>()? {
                            match key.as_str() {
                                $(
                                    $wire => {
                                        if $field.is_some() {
                                            return Err(<A::Error as ::serde::de::Error>::duplicate_field($wire));
                                        }
                                        $field = Some($crate::wire::read_field!($kind map nulls $wire));
                                    }
                                )*
                                _ => {
                                    let key = key.into_owned();
                                    let value = map.next_value()?;
                                    other.insert(key, value);
                                }
                            }
                        }
                        Ok($name {
                            $( $field: $crate::wire::take_field!($kind $field $wire nulls A::Error), )*
                            other,
                            nulls,
                        })
                    }
                }

                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    };
}

pub(crate) use {field_type, put_field, read_field, take_field, wire_object};

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn a_field_ranks_by_byte_order_among_the_wire_names() {
        let wires = ["status", "metadata", "apiVersion", "spec", "kind", "meta"];
        let mut sorted = wires;
        sorted.sort_unstable();
        for wire in wires {
            assert_eq!(
                Some(rank(wire, &wires)),
                sorted.iter().position(|sorted| *sorted == wire),
                "{wire}"
            );
        }
        // Upper case before lower case, a prefix before what it starts.
        assert_eq!(rank("Z", &["a", "Z"]), 0);
        assert_eq!(rank("ab", &["abc", "ab", "a"]), 1);
    }
}
