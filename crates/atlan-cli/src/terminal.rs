//! Text from a server, made safe to write to a terminal: a workflow named
//! `"\u{1b}]0;pwned\u{7}"` must not retitle the window, `"\u{1b}[2J"` must not clear the screen,
//! `"\u{1b}[8m"` must not hide what follows, and a right-to-left override must not make
//! `evil\u{202e}lmth.exe` show as `evilexe.html`.
//!
//! Every control character (C0, DEL, C1) and every bidirectional formatting character (the
//! embeddings, overrides, isolates and marks of Unicode's bidi algorithm) is written as an escape
//! (`\u{1b}`, `\n`, `\u{202e}`), in tables, notes, progress and errors. JSON output is left exact:
//! it is for programs, and serde_json already escapes the C0 characters there.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as it is.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Arabic letter mark, left-to-right and right-to-left marks.
            '\u{061c}' | '\u{200e}' | '\u{200f}'
            // Embeddings, pop, overrides.
            | '\u{202a}'..='\u{202e}'
            // Isolates and their pop.
            | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every unsafe character escaped (borrowed when there is none).
pub(crate) fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(shown, "\\u{{{:x}}}", u32::from(c));
            }
            c => shown.push(c),
        }
    }
    Cow::Owned(shown)
}

/// Like [`safe`], for text that is several lines (an error and its causes): line breaks stay.
pub(crate) fn safe_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| safe(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// At most `max` characters of `text` (a server's message can be megabytes of stack trace); a
/// longer one ends with `…` and how many characters were left out.
pub(crate) fn clip(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((end, _)) => {
            let left = text.get(end..).unwrap_or_default().chars().count();
            Cow::Owned(format!(
                "{}… ({left} more characters)",
                text.get(..end).unwrap_or_default()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped_on_a_character_with_what_was_left_out() {
        assert_eq!(clip("short", 10), "short");
        let long = "é".repeat(1_000_000);
        let clipped = clip(&long, 2_000);
        assert!(clipped.starts_with(&"é".repeat(2_000)));
        assert!(
            clipped.ends_with("… (998000 more characters)"),
            "{}",
            &clipped[3_990..]
        );
    }

    #[test]
    fn escapes_and_overrides_are_shown_not_obeyed() {
        for (text, shown) in [
            ("plain name-1", "plain name-1"),
            ("\u{1b}]0;pwned\u{7}", "\\u{1b}]0;pwned\\u{7}"),
            ("a\u{1b}[2Jb", "a\\u{1b}[2Jb"),
            ("evil\u{202e}lmth.exe", "evil\\u{202e}lmth.exe"),
            ("x\u{2066}y\u{2069}", "x\\u{2066}y\\u{2069}"),
            ("c1\u{9b}31m", "c1\\u{9b}31m"),
            ("del\u{7f}", "del\\u{7f}"),
            ("two\nlines\r\tx", "two\\nlines\\r\\tx"),
            ("ünïcödé ✓ 漢字", "ünïcödé ✓ 漢字"),
        ] {
            assert_eq!(safe(text), shown, "{text:?}");
        }
        assert!(matches!(safe("clean"), Cow::Borrowed(_)));
        assert_eq!(safe_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
    }
}
