//! Source files shown on pages (wizard review, template preview): line-numbered, highlighted on
//! the server, so no script is needed and the WASM bundle does not grow.

mod lexer;

use leptos::prelude::*;

use lexer::{Kind, Lang};

fn class(kind: Kind) -> &'static str {
    match kind {
        Kind::Plain => "",
        Kind::Comment => "italic text-slate-500 dark:text-slate-400",
        Kind::Str => "text-emerald-700 dark:text-emerald-400",
        Kind::Number => "text-amber-700 dark:text-amber-400",
        Kind::Keyword => "font-semibold text-violet-700 dark:text-violet-400",
        Kind::Key => "text-sky-700 dark:text-sky-400",
        Kind::Secret => "rounded bg-amber-100 px-0.5 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200",
        Kind::Heading => "font-semibold text-indigo-700 dark:text-indigo-300",
    }
}

/// A file's content, highlighted by the language its path implies.
#[component]
pub fn CodeView(path: String, content: String, #[prop(optional)] class_name: &'static str) -> impl IntoView {
    let lang = Lang::of(&path);
    let lines = content
        .lines()
        .map(|text| {
            let pieces = lexer::line(lang, text)
                .into_iter()
                .map(|(kind, text)| match kind {
                    Kind::Plain => text.into_any(),
                    kind => view! { <span class=class(kind)>{text}</span> }.into_any(),
                })
                .collect_view();
            view! { <span class="block min-h-[1lh] before:mr-4 before:inline-block before:w-8 before:select-none before:text-right before:text-slate-400 before:content-[counter(line)] [counter-increment:line]">{pieces}</span> }
        })
        .collect_view();
    view! {
        <pre class=format!("overflow-auto text-xs leading-relaxed [counter-reset:line] {class_name}") data-lang=format!("{lang:?}").to_lowercase()><code>{lines}</code></pre>
    }
}
