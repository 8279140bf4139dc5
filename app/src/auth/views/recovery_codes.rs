//! The recovery codes, shown once: copy and download as text.

use leptos::prelude::*;

/// The codes in a grid, with Copy and Download. They are never shown again after this page.
#[component]
pub fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let text = format!(
        "Gantry recovery codes\nEach code signs you in once if you lose your authenticator.\n\n{}\n",
        codes.join("\n")
    );
    let href = format!("data:text/plain;charset=utf-8,{}", encode_data(&text));
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&text);
        copied.set(true);
    };
    view! {
        <div class="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/40">
            <p class="text-sm font-semibold text-amber-900 dark:text-amber-200">"Save your recovery codes now"</p>
            <p class="mt-1 text-sm text-amber-800 dark:text-amber-300">
                "Each code signs you in once if you lose your authenticator. They will not be shown again."
            </p>
            <ul data-testid="recovery-codes" class="mt-3 grid grid-cols-2 gap-2 font-mono text-sm">
                {codes.into_iter().map(|code| view! { <li class="rounded bg-white px-2 py-1 text-center dark:bg-slate-900">{code}</li> }).collect_view()}
            </ul>
            <div class="mt-3 flex gap-2">
                <button type="button" on:click=copy class="rounded-md border border-amber-400 bg-white px-3 py-1.5 text-sm font-medium hover:bg-amber-100 dark:bg-slate-900">
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <a href=href download="gantry-recovery-codes.txt" class="rounded-md border border-amber-400 bg-white px-3 py-1.5 text-sm font-medium hover:bg-amber-100 dark:bg-slate-900">
                    "Download .txt"
                </a>
            </div>
        </div>
    }
}

fn encode_data(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (byte as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
