//! Identifiers: UUIDs and Kubernetes-style generated names.

use std::cell::RefCell;

/// The characters Kubernetes appends to a `generateName` (no vowels, no 0, 1 or 3).
pub(crate) const GENERATE_NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

thread_local! {
    static RNG: RefCell<fastrand::Rng> = RefCell::new(fastrand::Rng::new());
}

/// A random UUID (version 4 layout).
pub(crate) fn uuid() -> String {
    RNG.with(|rng| uuid_from(&mut rng.borrow_mut()))
}

/// A UUID (version 4 layout) from `rng`, for deterministic data.
pub(crate) fn uuid_from(rng: &mut fastrand::Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        for nibble in [byte >> 4, byte & 0x0f] {
            text.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    text
}

/// `prefix` plus five characters of [`GENERATE_NAME_ALPHABET`], the prefix cut to 58 characters.
pub(crate) fn generated_name(prefix: &str, rng: &mut fastrand::Rng) -> String {
    generated_name_of_length(prefix, 5, rng)
}

/// `prefix` plus `length` characters of [`GENERATE_NAME_ALPHABET`], the prefix cut so that the
/// name has at most 63.
pub(crate) fn generated_name_of_length(
    prefix: &str,
    length: usize,
    rng: &mut fastrand::Rng,
) -> String {
    let prefix: String = prefix.chars().take(63 - length.min(63)).collect();
    let suffix: String = (0..length)
        .filter_map(|_| rng.choice(GENERATE_NAME_ALPHABET).copied().map(char::from))
        .collect();
    format!("{prefix}{suffix}")
}

/// Argo's node id hash: FNV-1a, 32 bits.
pub(crate) fn fnv32a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_match_argo() {
        // FIELDS.md: `dag-diamond-82q7s.A` gives `dag-diamond-82q7s-1310542453`.
        assert_eq!(fnv32a("dag-diamond-82q7s.A"), 1_310_542_453);
    }

    #[test]
    fn generated_names_use_the_kubernetes_alphabet() {
        let mut rng = fastrand::Rng::with_seed(7);
        let name = generated_name("atlan-snowflake-1714638976-", &mut rng);
        let suffix = name.strip_prefix("atlan-snowflake-1714638976-").unwrap();
        assert_eq!(suffix.len(), 5);
        assert!(suffix.bytes().all(|b| GENERATE_NAME_ALPHABET.contains(&b)));
        assert_eq!(generated_name(&"x".repeat(70), &mut rng).len(), 63);
    }

    #[test]
    fn uuids_are_version_4() {
        let id = uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        let mut rng = fastrand::Rng::with_seed(1);
        let mut bytes = [0u8; 16];
        rng.fill(&mut bytes);
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let id = uuid_from(&mut fastrand::Rng::with_seed(1));
        assert_eq!(id.replace('-', "").get(..12), expected.get(..12));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}
