//! [`file_name`]: any text (a tenant's URL, a workflow's name) as part of a file name.

/// `text` as part of a file name: a URL's scheme and trailing `/` left out, every character but
/// ASCII letters, digits, `.` and `-` as `_`, at most 100 characters.
pub fn file_name(text: &str) -> String {
    text.trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_is_a_safe_file_name() {
        assert_eq!(file_name("https://acme.atlan.com/"), "acme.atlan.com");
        assert_eq!(file_name("http://127.0.0.1:8700"), "127.0.0.1_8700");
        assert_eq!(file_name("http://../../etc"), ".._.._etc");
        assert_eq!(file_name("a/b c").len(), 5);
        assert_eq!(file_name(&"x".repeat(500)).len(), 100);
    }
}
