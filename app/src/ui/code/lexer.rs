//! A small lexer for the files templates render (Dockerfile, YAML, TOML, shell, nginx, Rust,
//! JavaScript/TypeScript, JSON, Markdown): comments, strings, numbers, keywords, keys and
//! `${secret:…}` references. Good enough to read a file at a glance; not a parser.

/// What a piece of text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Comment,
    Str,
    Number,
    Keyword,
    Key,
    Secret,
    Heading,
}

/// The language family of a file, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Dockerfile,
    Yaml,
    Toml,
    Shell,
    Nginx,
    Rust,
    Script,
    Json,
    Markdown,
    Text,
}

impl Lang {
    pub fn of(path: &str) -> Self {
        let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
        match ext {
            _ if name == "dockerfile" || name.starts_with("dockerfile.") || ext == "dockerfile" => Lang::Dockerfile,
            "yaml" | "yml" => Lang::Yaml,
            "toml" => Lang::Toml,
            "sh" | "bash" | "env" => Lang::Shell,
            "conf" => Lang::Nginx,
            "rs" => Lang::Rust,
            "js" | "mjs" | "cjs" | "ts" | "tsx" | "jsx" => Lang::Script,
            "json" => Lang::Json,
            "md" => Lang::Markdown,
            _ if name == ".dockerignore" || name == ".gitignore" => Lang::Shell,
            _ => Lang::Text,
        }
    }

    fn hash_comments(self) -> bool {
        matches!(
            self,
            Lang::Dockerfile | Lang::Yaml | Lang::Toml | Lang::Shell | Lang::Nginx
        )
    }

    fn slash_comments(self) -> bool {
        matches!(self, Lang::Rust | Lang::Script)
    }

    fn keywords(self) -> &'static [&'static str] {
        match self {
            Lang::Dockerfile => &[
                "FROM",
                "RUN",
                "CMD",
                "COPY",
                "ADD",
                "ENV",
                "ARG",
                "EXPOSE",
                "WORKDIR",
                "USER",
                "ENTRYPOINT",
                "HEALTHCHECK",
                "LABEL",
                "VOLUME",
                "AS",
                "STOPSIGNAL",
                "SHELL",
            ],
            Lang::Shell => &[
                "if", "then", "else", "fi", "for", "do", "done", "while", "case", "esac", "exec", "export", "set",
            ],
            Lang::Nginx => &[
                "server",
                "location",
                "listen",
                "root",
                "index",
                "gzip",
                "return",
                "add_header",
                "try_files",
                "include",
            ],
            Lang::Rust => &[
                "fn", "let", "mut", "pub", "use", "mod", "struct", "enum", "impl", "match", "if", "else", "for", "in",
                "while", "loop", "return", "async", "await", "const", "static", "move", "self", "Self", "crate",
                "where", "trait", "type", "as", "ref",
            ],
            Lang::Script => &[
                "const", "let", "var", "function", "return", "if", "else", "for", "of", "in", "while", "import",
                "from", "export", "default", "async", "await", "new", "class", "extends", "try", "catch", "throw",
                "typeof",
            ],
            Lang::Yaml | Lang::Toml | Lang::Json => &["true", "false", "null"],
            Lang::Markdown | Lang::Text => &[],
        }
    }
}

/// Splits one line into pieces; joined, they give the line back unchanged.
pub fn line(lang: Lang, text: &str) -> Vec<(Kind, String)> {
    let mut out = Lexed::default();
    if lang == Lang::Markdown {
        let kind = if text.starts_with('#') {
            Kind::Heading
        } else {
            Kind::Plain
        };
        out.push(kind, text);
        return out.0;
    }
    if let Some(rest) = key_prefix(lang, text) {
        out.push(Kind::Key, &text[..text.len() - rest.len()]);
        return out.extend(lang, rest);
    }
    out.extend(lang, text)
}

#[derive(Default)]
struct Lexed(Vec<(Kind, String)>);

impl Lexed {
    fn push(&mut self, kind: Kind, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.0.last_mut() {
            Some((last, buffer)) if *last == kind => buffer.push_str(text),
            _ => self.0.push((kind, text.to_owned())),
        }
    }

    fn extend(mut self, lang: Lang, text: &str) -> Vec<(Kind, String)> {
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let taken = if (lang.hash_comments() && c == '#' && comment_allowed(text, rest))
                || (lang.slash_comments() && rest.starts_with("//"))
            {
                (Kind::Comment, rest.len())
            } else if rest.starts_with("${secret:") {
                (Kind::Secret, rest.find('}').map_or(rest.len(), |end| end + 1))
            } else if c == '"' || c == '\'' || (c == '`' && lang == Lang::Script) {
                (Kind::Str, string_len(rest, c))
            } else if c.is_ascii_digit() && word_start(text, rest) {
                (Kind::Number, word_len(rest))
            } else if c.is_alphabetic() || c == '_' {
                let len = word_len(rest);
                let word = &rest[..len];
                let keyword =
                    lang.keywords().contains(&word) && (lang != Lang::Dockerfile || word_is_first(text, rest));
                (if keyword { Kind::Keyword } else { Kind::Plain }, len)
            } else {
                (Kind::Plain, c.len_utf8())
            };
            self.push(taken.0, &rest[..taken.1]);
            rest = &rest[taken.1..];
        }
        self.0
    }
}

/// A `#` starts a comment at the start of a line or after whitespace (`a#b` in a URL does not).
fn comment_allowed(line: &str, rest: &str) -> bool {
    let before = &line[..line.len() - rest.len()];
    before.is_empty() || before.ends_with(char::is_whitespace)
}

fn word_start(line: &str, rest: &str) -> bool {
    let before = &line[..line.len() - rest.len()];
    !before.ends_with(|c: char| c.is_alphanumeric() || c == '_')
}

fn word_is_first(line: &str, rest: &str) -> bool {
    line[..line.len() - rest.len()].trim().is_empty() || rest.starts_with("AS") || rest.starts_with("as")
}

fn word_len(rest: &str) -> usize {
    rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len())
}

fn string_len(rest: &str, quote: char) -> usize {
    let mut escaped = false;
    for (at, c) in rest.char_indices().skip(1) {
        match c {
            '\\' if quote != '\'' => escaped = !escaped,
            c if c == quote && !escaped => return at + c.len_utf8(),
            _ => escaped = false,
        }
    }
    rest.len()
}

/// For YAML (`  name:`, `- name:`) and TOML (`name =`, `[section]`), the key part of the line;
/// returns what follows it.
fn key_prefix(lang: Lang, line: &str) -> Option<&str> {
    let body = line.trim_start().trim_start_matches("- ");
    let indent = line.len() - body.len();
    match lang {
        Lang::Yaml => {
            let len = body.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/')))?;
            (len > 0 && body[len..].starts_with(':')).then(|| &line[indent + len + 1..])
        }
        Lang::Toml if body.starts_with('[') => Some(""),
        Lang::Toml => {
            let len = body.find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))?;
            (len > 0 && body[len..].trim_start().starts_with('=')).then(|| &line[indent + len..])
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The non-plain pieces as `Kind:text`, after checking nothing was lost.
    fn kinds(lang: Lang, text: &str) -> Vec<String> {
        let pieces = line(lang, text);
        let joined: String = pieces.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(joined, text, "lexing keeps every character");
        pieces
            .into_iter()
            .filter(|(kind, _)| *kind != Kind::Plain)
            .map(|(kind, t)| format!("{kind:?}:{t}"))
            .collect()
    }

    #[test]
    fn languages_come_from_file_names() {
        assert_eq!(Lang::of("Dockerfile"), Lang::Dockerfile);
        assert_eq!(Lang::of("k8s/deployment.yaml"), Lang::Yaml);
        assert_eq!(Lang::of("src/main.rs"), Lang::Rust);
        assert_eq!(Lang::of("nginx.conf"), Lang::Nginx);
        assert_eq!(Lang::of("LICENSE"), Lang::Text);
    }

    #[test]
    fn dockerfile_instructions_strings_and_comments() {
        assert_eq!(
            kinds(Lang::Dockerfile, "FROM nginx:1.27 AS web # base"),
            ["Keyword:FROM", "Number:1.27", "Keyword:AS", "Comment:# base"]
        );
        assert_eq!(
            kinds(Lang::Dockerfile, r#"CMD ["nginx", "-g"]"#),
            ["Keyword:CMD", r#"Str:"nginx""#, r#"Str:"-g""#]
        );
        assert_eq!(
            kinds(Lang::Dockerfile, "RUN echo FROM here"),
            ["Keyword:RUN"],
            "instructions only lead a line"
        );
    }

    #[test]
    fn yaml_keys_numbers_and_secret_references() {
        assert_eq!(
            kinds(Lang::Yaml, "  - containerPort: 8080"),
            ["Key:  - containerPort:", "Number:8080"]
        );
        assert_eq!(
            kinds(Lang::Yaml, "  API_KEY: ${secret:API_KEY}"),
            ["Key:  API_KEY:", "Secret:${secret:API_KEY}"]
        );
        assert_eq!(
            kinds(Lang::Yaml, "url: http://a/#x"),
            ["Key:url:"],
            "a # inside a word is not a comment"
        );
    }

    #[test]
    fn strings_with_escapes_end_at_the_right_quote() {
        assert_eq!(
            kinds(Lang::Rust, r#"let s = "a \" b"; // done"#),
            ["Keyword:let", r#"Str:"a \" b""#, "Comment:// done"]
        );
        assert_eq!(kinds(Lang::Toml, "[package]"), ["Key:[package]"]);
        assert_eq!(kinds(Lang::Toml, "name = \"x\""), ["Key:name", "Str:\"x\""]);
    }
}
