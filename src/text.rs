//! Small text helpers shared by several modules.

/// `s` on one line: every run of whitespace (newlines included) becomes one space, and the
/// ends are trimmed. Errors from libraries are shown this way, one line each on stderr.
///
/// ```
/// assert_eq!(authcli::text::one_line("  expected `=`\n  at line 2 "), "expected `=` at line 2");
/// ```
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn whitespace_runs_become_one_space() {
        assert_eq!(one_line("a\r\n\tb  c"), "a b c");
        assert_eq!(one_line(" \n "), "");
        assert_eq!(one_line("unchanged text"), "unchanged text");
    }
}
