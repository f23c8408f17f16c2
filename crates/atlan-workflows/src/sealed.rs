//! The one sealing trait: [`crate::ListingQuery`] and [`crate::Watched`] are implemented by the
//! facade's own types only, so their hidden methods can change without breaking callers.

/// Implemented by the facade's listing queries and watched runs only.
pub trait Sealed {}
