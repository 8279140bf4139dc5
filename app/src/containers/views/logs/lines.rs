//! What the log viewer reads in a line: its level (for colour) and where a search matches (for
//! filtering and highlighting). Substring search is plain Rust; regular expressions are the
//! browser's own (`RegExp`), so the WASM bundle carries no regex engine.

use std::cell::RefCell;

/// How loud a line is, from a level word in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    Plain,
}

impl Level {
    /// The first level word of `text` (`ERROR`, `[warn]`, `level=debug`, `"level":"info"`), any case.
    pub fn of(text: &str) -> Self {
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .find_map(|word| {
                let is = |name: &str| word.eq_ignore_ascii_case(name);
                if is("error") || is("fatal") || is("panic") || is("critical") || is("crit") {
                    Some(Level::Error)
                } else if is("warn") || is("warning") {
                    Some(Level::Warn)
                } else if is("info") {
                    Some(Level::Info)
                } else if is("debug") || is("trace") {
                    Some(Level::Debug)
                } else {
                    None
                }
            })
            .unwrap_or(Level::Plain)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Plain => "",
        }
    }

    /// Text colour on the viewer's dark pane.
    pub fn class(self) -> &'static str {
        match self {
            Level::Error => "text-red-400",
            Level::Warn => "text-amber-300",
            Level::Debug => "text-slate-500",
            Level::Info | Level::Plain => "text-slate-100",
        }
    }
}

/// The search box, ready to use: nothing, a substring or a regular expression (both ignore case).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Search {
    #[default]
    All,
    /// Lowercase (ASCII) needle.
    Text(String),
    /// A pattern the browser compiled once already.
    Pattern(String),
}

/// Shown instead of failing when the pattern does not compile.
pub const INVALID_PATTERN: &str = "invalid regular expression";

impl Search {
    pub fn new(text: &str, regex: bool) -> Result<Self, &'static str> {
        if text.is_empty() {
            return Ok(Search::All);
        }
        if !regex {
            return Ok(Search::Text(text.to_ascii_lowercase()));
        }
        with_regexp(text, |_| ())
            .map(|_| Search::Pattern(text.to_owned()))
            .ok_or(INVALID_PATTERN)
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            Search::All => true,
            Search::Text(needle) => text.to_ascii_lowercase().contains(needle.as_str()),
            Search::Pattern(pattern) => with_regexp(pattern, |re| {
                re.set_last_index(0);
                re.test(text)
            })
            .unwrap_or(false),
        }
    }

    /// `text` cut into pieces, each marked whether it matched.
    pub fn pieces<'a>(&self, text: &'a str) -> Vec<(&'a str, bool)> {
        let ranges = match self {
            Search::All => Vec::new(),
            Search::Text(needle) => text
                .to_ascii_lowercase()
                .match_indices(needle.as_str())
                .map(|(start, found)| (start, start + found.len()))
                .collect(),
            Search::Pattern(pattern) => with_regexp(pattern, |re| regexp_ranges(re, text)).unwrap_or_default(),
        };
        let mut pieces = Vec::new();
        let mut at = 0;
        for (start, end) in ranges {
            if start < at || end <= start {
                continue;
            }
            if start > at {
                pieces.push((&text[at..start], false));
            }
            pieces.push((&text[start..end], true));
            at = end;
        }
        if at < text.len() || pieces.is_empty() {
            pieces.push((&text[at..], false));
        }
        pieces
    }
}

thread_local! {
    /// The last pattern compiled (every line is tested against the same one).
    static COMPILED: RefCell<Option<(String, js_sys::RegExp)>> = const { RefCell::new(None) };
}

/// Runs `f` with `pattern` compiled as a global, case-insensitive `RegExp`; `None` if it does
/// not compile. Browser only: the viewer compiles patterns from the search box's handlers.
fn with_regexp<R>(pattern: &str, f: impl FnOnce(&js_sys::RegExp) -> R) -> Option<R> {
    COMPILED.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.as_ref().is_none_or(|(cached, _)| cached != pattern) {
            *slot = compile(pattern).map(|re| (pattern.to_owned(), re));
        }
        slot.as_ref().map(|(_, re)| f(re))
    })
}

/// `new RegExp(pattern, "gi")`, catching the SyntaxError of a bad pattern.
fn compile(pattern: &str) -> Option<js_sys::RegExp> {
    use leptos::wasm_bindgen::JsCast;
    let constructor = js_sys::Reflect::get(&js_sys::global(), &"RegExp".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let arguments = js_sys::Array::of2(&pattern.into(), &"gi".into());
    js_sys::Reflect::construct(&constructor, &arguments)
        .ok()?
        .dyn_into()
        .ok()
}

/// Byte ranges of every match (the browser counts in UTF-16 units).
fn regexp_ranges(re: &js_sys::RegExp, text: &str) -> Vec<(usize, usize)> {
    re.set_last_index(0);
    let mut ranges = Vec::new();
    while let Some(found) = re.exec(text) {
        let found = String::from(found.get(0));
        let end16 = re.last_index() as usize;
        if found.is_empty() {
            // An empty match does not move on by itself; past the end, exec gives up.
            re.set_last_index(re.last_index() + 1);
            continue;
        }
        let start16 = end16.saturating_sub(found.encode_utf16().count());
        if let (Some(start), Some(end)) = (byte_offset(text, start16), byte_offset(text, end16)) {
            ranges.push((start, end));
        }
    }
    ranges
}

/// The byte offset of UTF-16 offset `units` in `text`.
fn byte_offset(text: &str, units: usize) -> Option<usize> {
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted == units {
            return Some(at);
        }
        counted += c.len_utf16();
    }
    (counted == units).then_some(text.len())
}

/// `value` for a URL's query string.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_words_in_any_case() {
        assert_eq!(Level::of("2025-06-01 [ERROR] db down"), Level::Error);
        assert_eq!(Level::of("time=1 level=warn msg=slow"), Level::Warn);
        assert_eq!(Level::of(r#"{"level":"Debug","msg":"x"}"#), Level::Debug);
        assert_eq!(Level::of("FATAL: cannot start"), Level::Error);
        assert_eq!(
            Level::of("INFO retrying after error"),
            Level::Info,
            "the first level word wins"
        );
        assert_eq!(
            Level::of("no errors found, warnings off"),
            Level::Plain,
            "only whole words count"
        );
    }

    #[test]
    fn substring_search_ignores_case_and_marks_each_match() {
        let search = Search::new("GET", false).unwrap_or_default();
        assert!(search.matches("a get b"));
        assert!(!search.matches("a post b"));
        assert_eq!(
            search.pieces("get /a Get"),
            [("get", true), (" /a ", false), ("Get", true)]
        );
        assert_eq!(Search::All.pieces("plain"), [("plain", false)]);
        assert_eq!(Search::All.pieces(""), [("", false)]);
    }

    #[test]
    fn urls_get_encoded_values_and_offsets_count_utf16() {
        assert_eq!(encode("2025-06-01T09:00:00+02:00"), "2025-06-01T09%3A00%3A00%2B02%3A00");
        assert_eq!(byte_offset("é😀x", 3), Some(6));
        assert_eq!(byte_offset("é😀x", 4), Some(7));
        assert_eq!(byte_offset("é😀x", 2), None, "inside a surrogate pair");
    }
}
