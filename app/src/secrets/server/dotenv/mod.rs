//! Parser for `.env` files imported into the secrets manager: all or nothing, every bad line reported by number.

use std::collections::HashMap;
use std::fmt;

use secrecy::SecretString;

use crate::secrets::types::{check_name, MAX_VALUE_BYTES};

/// Most entries one import may hold, so a single paste cannot flood the store.
pub const MAX_ENTRIES: usize = 1000;

/// Invalid names can be arbitrary junk (a pasted key, a binary file); this keeps messages readable.
const NAME_SHOWN_CHARS: usize = 40;

/// One `NAME=value` assignment, with the 1-based line it starts on.
pub struct DotenvEntry {
    pub line: usize,
    pub name: String,
    pub value: SecretString,
}

// Written by hand so entries can be logged or shown in test failures without revealing the value.
impl fmt::Debug for DotenvEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DotenvEntry")
            .field("line", &self.line)
            .field("name", &self.name)
            .field("value", &format_args!("[redacted]"))
            .finish()
    }
}

/// A bad line; `message` is shown to users and so never holds any part of a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvError {
    pub line: usize,
    pub message: String,
}

impl DotenvError {
    fn new(line: usize, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for DotenvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DotenvError {}

/// Why a value could not be read. It carries no text of the value so that it cannot leak into a message.
enum ValueError {
    UnterminatedSingle,
    UnterminatedDouble,
    TextAfterQuote { line: usize },
}

impl ValueError {
    fn into_error(self, name: &str, line: usize) -> DotenvError {
        match self {
            ValueError::UnterminatedSingle => {
                DotenvError::new(line, format!("{name}: the single quote is not closed on the same line"))
            }
            ValueError::UnterminatedDouble => {
                DotenvError::new(line, format!("{name}: the double quote is never closed"))
            }
            ValueError::TextAfterQuote { line } => {
                DotenvError::new(line, format!("{name}: unexpected text after the closing quote"))
            }
        }
    }
}

/// Parses a whole `.env` file. Any bad line fails the whole file, with every bad line reported,
/// because an import must preview and apply all of the file or none of it.
pub fn parse(content: &str) -> Result<Vec<DotenvEntry>, Vec<DotenvError>> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    // Lines are kept CR-free so that files saved on Windows parse the same, multi-line values included.
    let lines: Vec<&str> = content
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();

    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut assignments = 0usize;
    let mut next = 0usize;

    while let Some(&line) = lines.get(next) {
        next += 1;
        let line_no = next;
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let body = strip_export(trimmed);
        let Some(eq) = body.find('=') else {
            errors.push(DotenvError::new(line_no, "expected NAME=value"));
            continue;
        };
        let name = body[..eq].trim_end();
        // Read the value even when the name is bad, so a multi-line value is not mistaken for more lines.
        let value = read_value(&body[eq + 1..], line_no, &lines, &mut next);
        assignments += 1;
        match check_entry(name, value, line_no, assignments, &mut first_seen) {
            Ok((name, value)) => {
                // Once the file has failed the entries are never returned, so stop holding secrets for nothing.
                if errors.is_empty() {
                    entries.push(DotenvEntry {
                        line: line_no,
                        name,
                        value: SecretString::from(value),
                    });
                }
            }
            Err(error) => errors.push(error),
        }
    }

    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

/// Applies the per-entry rules, reporting only the first one broken so each line gets one clear message.
fn check_entry(
    name: &str,
    value: Result<String, ValueError>,
    line: usize,
    assignments: usize,
    first_seen: &mut HashMap<String, usize>,
) -> Result<(String, String), DotenvError> {
    // Reported once, on the first entry over the limit, rather than on each of possibly thousands.
    if assignments == MAX_ENTRIES + 1 {
        return Err(DotenvError::new(
            line,
            format!("too many entries: at most {MAX_ENTRIES} per import"),
        ));
    }
    if name.is_empty() {
        return Err(DotenvError::new(line, "expected NAME=value"));
    }
    if let Err(message) = check_name(name) {
        return Err(DotenvError::new(line, format!("{}: {message}", shown_name(name))));
    }
    if let Some(first) = first_seen.get(name) {
        return Err(DotenvError::new(line, format!("{name} is already set on line {first}")));
    }
    first_seen.insert(name.to_owned(), line);
    let value = value.map_err(|error| error.into_error(name, line))?;
    if value.is_empty() {
        return Err(DotenvError::new(line, format!("{name}: empty value")));
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(DotenvError::new(
            line,
            format!("{name}: value is larger than {} KiB", MAX_VALUE_BYTES / 1024),
        ));
    }
    Ok((name.to_owned(), value))
}

/// Reads the value after `=`; a double-quoted one may consume the following lines, moving `next` past them.
fn read_value<'a>(after_eq: &'a str, line: usize, lines: &[&'a str], next: &mut usize) -> Result<String, ValueError> {
    let start = after_eq.trim_start();
    if let Some(quoted) = start.strip_prefix('\'') {
        let Some(end) = quoted.find('\'') else {
            return Err(ValueError::UnterminatedSingle);
        };
        check_after_quote(&quoted[end + 1..], line)?;
        return Ok(quoted[..end].to_owned());
    }
    if let Some(quoted) = start.strip_prefix('"') {
        return read_double_quoted(quoted, line, lines, next);
    }
    Ok(strip_inline_comment(after_eq).trim().to_owned())
}

fn read_double_quoted<'a>(
    first: &'a str,
    opening_line: usize,
    lines: &[&'a str],
    next: &mut usize,
) -> Result<String, ValueError> {
    let mut value = String::new();
    let mut segment: &'a str = first;
    let mut line = opening_line;
    loop {
        let mut chars = segment.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    check_after_quote(&segment[at + 1..], line)?;
                    return Ok(value);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, escaped @ ('"' | '\\' | '$'))) => value.push(escaped),
                    // Unknown escapes stay as written, so Windows paths and regexes survive unchanged.
                    Some((_, other)) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => value.push('\\'),
                },
                _ => value.push(c),
            }
        }
        // Still inside the quotes: the value goes on over the next line, as PEM keys and certificates do.
        let Some(following) = lines.get(*next).copied() else {
            return Err(ValueError::UnterminatedDouble);
        };
        *next += 1;
        line += 1;
        value.push('\n');
        segment = following;
    }
}

/// After a closing quote only blanks or a comment may follow; anything else is most likely a quoting mistake.
fn check_after_quote(rest: &str, line: usize) -> Result<(), ValueError> {
    if rest.trim().is_empty() {
        return Ok(());
    }
    let after_blanks = rest.trim_start_matches(is_blank);
    if after_blanks.len() < rest.len() && after_blanks.starts_with('#') {
        Ok(())
    } else {
        Err(ValueError::TextAfterQuote { line })
    }
}

/// A `#` only starts a comment after a blank, so values such as `abc#123` or URL fragments stay whole.
fn strip_inline_comment(raw: &str) -> &str {
    let mut previous_blank = false;
    for (at, c) in raw.char_indices() {
        if c == '#' && previous_blank {
            return &raw[..at];
        }
        previous_blank = is_blank(c);
    }
    raw
}

/// Shell-style files prefix assignments with `export`; the word alone, or as a name, is left alone.
fn strip_export(line: &str) -> &str {
    match line.strip_prefix("export") {
        Some(rest) if rest.starts_with(is_blank) => rest.trim_start_matches(is_blank),
        _ => line,
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// A bad name goes into a message shown in the browser: shorten it and make invisible characters visible.
fn shown_name(name: &str) -> String {
    let mut shown = String::new();
    for c in name.chars().take(NAME_SHOWN_CHARS) {
        if c == ' ' || c.is_ascii_graphic() {
            shown.push(c);
        } else {
            shown.extend(c.escape_unicode());
        }
    }
    if name.chars().nth(NAME_SHOWN_CHARS).is_some() {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests;
