//! Tests of the `.env` parser: every syntax rule, line numbers, and property tests.

use super::*;
use proptest::prelude::*;
use secrecy::ExposeSecret;

fn pairs(content: &str) -> Vec<(String, String)> {
    parse(content)
        .expect("the file should parse")
        .iter()
        .map(|entry| (entry.name.clone(), entry.value.expose_secret().to_owned()))
        .collect()
}

fn pair(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

fn errors(content: &str) -> Vec<DotenvError> {
    parse(content).expect_err("the file should be rejected")
}

fn error(line: usize, message: &str) -> DotenvError {
    DotenvError::new(line, message)
}

#[test]
fn a_plain_assignment_is_read_with_its_line_number() {
    let entries = parse("API_KEY=abc123\n").expect("the file should parse");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].line, 1);
    assert_eq!(entries[0].name, "API_KEY");
    assert_eq!(entries[0].value.expose_secret(), "abc123");
}

#[test]
fn a_file_without_a_final_newline_is_read() {
    assert_eq!(pairs("A=1\nB=2"), vec![pair("A", "1"), pair("B", "2")]);
}

#[test]
fn an_empty_file_gives_no_entries() {
    assert!(pairs("").is_empty());
    assert!(pairs("\n\n# only a comment\n").is_empty());
}

#[test]
fn export_before_the_name_is_ignored() {
    assert_eq!(
        pairs("export A=1\nexport\tB=2\n  export   C=3\n"),
        vec![pair("A", "1"), pair("B", "2"), pair("C", "3")]
    );
}

#[test]
fn whitespace_around_the_equals_sign_and_value_is_allowed() {
    assert_eq!(
        pairs("A = 1\nB\t=\t2  \n   C=3\n"),
        vec![pair("A", "1"), pair("B", "2"), pair("C", "3")]
    );
}

#[test]
fn blank_lines_and_comment_lines_are_skipped() {
    let entries = parse("# header\n\n   \n  # indented comment\nA=1\n").expect("the file should parse");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].line, 5);
}

#[test]
fn an_inline_comment_after_an_unquoted_value_is_dropped() {
    assert_eq!(
        pairs("A=abc # comment\nB=abc\t# comment\nC=abc#not-a-comment\nD=#starts-with-hash\n"),
        vec![
            pair("A", "abc"),
            pair("B", "abc"),
            pair("C", "abc#not-a-comment"),
            pair("D", "#starts-with-hash")
        ]
    );
}

#[test]
fn an_unquoted_value_keeps_backslashes_and_quotes() {
    assert_eq!(pairs(r#"A=a\nb"c'd$E"#), vec![pair("A", r#"a\nb"c'd$E"#)]);
}

#[test]
fn a_single_quoted_value_is_literal() {
    assert_eq!(
        pairs(r#"A='a\nb $X "q" # not a comment'"#),
        vec![pair("A", r#"a\nb $X "q" # not a comment"#)]
    );
    assert_eq!(pairs("B=' padded '\n"), vec![pair("B", " padded ")]);
}

#[test]
fn a_double_quoted_value_understands_escapes() {
    assert_eq!(
        pairs(r#"A="a\nb\rc\td\"e\\f\$g\qh # kept""#),
        vec![pair("A", "a\nb\rc\td\"e\\f$g\\qh # kept")]
    );
}

#[test]
fn a_double_quoted_value_may_span_lines_like_a_pem_key() {
    let content = concat!(
        "KEY=\"-----BEGIN PRIVATE KEY-----\n",
        "MIIEvQIBADAN\n",
        "BgkqhkiG9w0=\n",
        "-----END PRIVATE KEY-----\"\n",
        "NEXT=1\n",
    );
    let entries = parse(content).expect("the file should parse");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].line, 1);
    assert_eq!(
        entries[0].value.expose_secret(),
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\nBgkqhkiG9w0=\n-----END PRIVATE KEY-----"
    );
    assert_eq!(entries[1].name, "NEXT");
    assert_eq!(entries[1].line, 5);
}

#[test]
fn a_comment_after_a_closing_quote_is_allowed() {
    assert_eq!(
        pairs("A='x' # note\nB=\"y\"\t# note\nC=\"z\"   \n"),
        vec![pair("A", "x"), pair("B", "y"), pair("C", "z")]
    );
}

#[test]
fn text_after_a_closing_quote_is_an_error() {
    assert_eq!(
        errors("A='x' y\nB=\"y\"z\nC=\"multi\nline\" tail\nD='x'#no-blank\n"),
        vec![
            error(1, "A: unexpected text after the closing quote"),
            error(2, "B: unexpected text after the closing quote"),
            error(4, "C: unexpected text after the closing quote"),
            error(5, "D: unexpected text after the closing quote"),
        ]
    );
}

#[test]
fn crlf_line_endings_are_accepted() {
    assert_eq!(
        pairs("A=1\r\n# comment\r\nB=\"two\r\nlines\"\r\nC='3'\r\n"),
        vec![pair("A", "1"), pair("B", "two\nlines"), pair("C", "3")]
    );
}

#[test]
fn a_leading_byte_order_mark_is_ignored() {
    assert_eq!(pairs("\u{feff}A=1\n"), vec![pair("A", "1")]);
}

#[test]
fn a_line_without_an_equals_sign_is_an_error() {
    assert_eq!(errors("A=1\njust some text\n"), vec![error(2, "expected NAME=value")]);
    assert_eq!(errors("=value\n"), vec![error(1, "expected NAME=value")]);
}

#[test]
fn every_bad_line_is_reported_with_its_line_number() {
    let content = "A=1\nnonsense\nB=\n\nC=3\nC=4\nD='open\nE=5\n";
    assert_eq!(
        errors(content),
        vec![
            error(2, "expected NAME=value"),
            error(3, "B: empty value"),
            error(6, "C is already set on line 5"),
            error(7, "D: the single quote is not closed on the same line"),
        ]
    );
}

#[test]
fn an_unterminated_double_quote_is_reported_where_it_opened() {
    assert_eq!(
        errors("A=1\nB=\"never closed\nC=3\nD=4\n"),
        vec![error(2, "B: the double quote is never closed")]
    );
}

#[test]
fn an_invalid_name_is_reported_with_the_name() {
    let found = errors("lower=1\n1ABC=2\n");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].line, 1);
    assert!(found[0].message.starts_with("lower: "), "{}", found[0].message);
    assert_eq!(found[1].line, 2);
    assert!(found[1].message.starts_with("1ABC: "), "{}", found[1].message);
}

#[test]
fn a_long_or_unprintable_name_is_shortened_in_the_message() {
    let long = "A".repeat(200);
    let found = errors(&format!("{long}=1\nBAD\u{7}NAME=2\n"));
    assert_eq!(found.len(), 2);
    let shown = format!("{}…: ", "A".repeat(NAME_SHOWN_CHARS));
    assert!(found[0].message.starts_with(&shown), "{}", found[0].message);
    assert!(!found[0].message.contains(&"A".repeat(NAME_SHOWN_CHARS + 1)));
    assert!(found[1].message.starts_with("BAD\\u{7}NAME: "), "{}", found[1].message);
}

#[test]
fn a_repeated_name_is_an_error_on_the_second_line() {
    assert_eq!(
        errors("A=1\nB=2\nexport A=3\n"),
        vec![error(3, "A is already set on line 1")]
    );
}

#[test]
fn an_empty_value_is_an_error() {
    assert_eq!(
        errors("A=\nB=\"\"\nC=''\nD=   # only a comment\n"),
        vec![
            error(1, "A: empty value"),
            error(2, "B: empty value"),
            error(3, "C: empty value"),
            error(4, "D: empty value"),
        ]
    );
}

#[test]
fn a_value_at_the_size_limit_is_accepted() {
    let content = format!("A={}\n", "x".repeat(MAX_VALUE_BYTES));
    assert_eq!(pairs(&content)[0].1.len(), MAX_VALUE_BYTES);
}

#[test]
fn a_value_over_the_size_limit_is_an_error() {
    let content = format!("A=1\nBIG=\"{}\"\n", "x".repeat(MAX_VALUE_BYTES + 1));
    assert_eq!(
        errors(&content),
        vec![error(
            2,
            &format!("BIG: value is larger than {} KiB", MAX_VALUE_BYTES / 1024)
        )]
    );
}

#[test]
fn the_maximum_number_of_entries_is_accepted() {
    let content: String = (0..MAX_ENTRIES).map(|i| format!("K{i}=v\n")).collect();
    assert_eq!(pairs(&content).len(), MAX_ENTRIES);
}

#[test]
fn one_entry_over_the_maximum_is_an_error() {
    let content: String = (0..MAX_ENTRIES + 5).map(|i| format!("K{i}=v\n")).collect();
    assert_eq!(
        errors(&content),
        vec![error(MAX_ENTRIES + 1, "too many entries: at most 1000 per import")]
    );
}

#[test]
fn error_messages_never_contain_the_value() {
    let secret = "hunter2-SECRET";
    let content = format!(
        "A=\"{secret}\" trailing\n\
         B='{secret}\n\
         C={secret}\n\
         C={secret}\n\
         lower={secret}\n\
         {secret}\n\
         BIG={secret}{}\n\
         D=\"{secret}\n",
        "y".repeat(MAX_VALUE_BYTES),
    );
    let found = errors(&content);
    assert_eq!(found.len(), 7, "{found:?}");
    for error in &found {
        assert!(!error.message.contains(secret), "{}", error.message);
        assert!(!error.to_string().contains(secret), "{error}");
        assert!(!format!("{error:?}").contains(secret), "{error:?}");
    }
}

#[test]
fn an_error_displays_with_its_line_number() {
    assert_eq!(
        error(4, "expected NAME=value").to_string(),
        "line 4: expected NAME=value"
    );
}

#[test]
fn the_debug_output_hides_the_value() {
    let entries = parse("\n\nAPI_KEY=hunter2\n").expect("the file should parse");
    assert_eq!(
        format!("{:?}", entries[0]),
        r#"DotenvEntry { line: 3, name: "API_KEY", value: [redacted] }"#
    );
}

/// Pieces that exercise every branch of the parser when strung together at random.
const TOKENS: &[&str] = &[
    "=", "\"", "'", "\\", "#", " #", "\t", " ", "\n", "\r", "\r\n", "export ", "export", "A", "Z", "_", "9", "a", "n",
    "$", "\u{feff}", "é", "\u{7}", "KEY=", "\\\"", "\\\n",
];

fn dotenv_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|tokens| tokens.concat())
}

/// The inverse of the double-quoted syntax, as an exporting tool would write it.
fn render(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '$' => out.push_str("\\$"),
            _ => out.push(c),
        }
    }
    out
}

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_text(content in any::<String>()) {
        let _ = parse(&content);
    }

    #[test]
    fn parse_never_panics_on_dotenv_like_text(content in dotenv_like()) {
        let _ = parse(&content);
    }

    #[test]
    fn rendered_entries_parse_back_to_the_same_names_and_values(
        wanted in prop::collection::btree_map("[A-Z_][A-Z0-9_]{0,40}", "[^\\x00]{1,40}", 0..20)
    ) {
        let content: String = wanted
            .iter()
            .map(|(name, value)| format!("{name}=\"{}\"\n", render(value)))
            .collect();
        let entries = parse(&content).map_err(|errors| TestCaseError::fail(format!("{errors:?}")))?;
        let got: Vec<(String, String)> = entries
            .iter()
            .map(|entry| (entry.name.clone(), entry.value.expose_secret().to_owned()))
            .collect();
        let wanted: Vec<(String, String)> = wanted.into_iter().collect();
        prop_assert_eq!(got, wanted);
    }
}
