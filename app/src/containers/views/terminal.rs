//! The container page's terminal: a shell in the container, in the browser (xterm.js, served by
//! the panel and loaded on this page only), opened after a fresh authenticator code.

use leptos::prelude::*;

use crate::auth::StepUpPrompt;
use crate::containers::api::exec_check;
use crate::error::AppError;
use crate::ui::card::Card;
use crate::ui::form::hydrated;

/// The terminal card with the scripts and styles it needs (rendered into the page's head).
#[component]
pub fn TerminalCard(container_id: String) -> impl IntoView {
    view! {
        <leptos_meta::Link rel="stylesheet" href="/vendor/xterm/xterm.css" />
        <leptos_meta::Script src="/vendor/xterm/xterm.js" defer="defer" />
        <leptos_meta::Script src="/vendor/xterm/addon-fit.js" defer="defer" />
        <leptos_meta::Script src="/terminal.js" defer="defer" />
        <div class="mt-6">
            <Card title="Terminal">
                <Terminal container_id />
            </Card>
        </div>
    }
}

/// Where the terminal is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Checking,
    StepUp,
    Opening,
    Open,
    Closed,
    Failed,
}

impl Phase {
    fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Checking => "checking",
            Phase::StepUp => "step-up",
            Phase::Opening => "opening",
            Phase::Open => "open",
            Phase::Closed => "closed",
            Phase::Failed => "error",
        }
    }

    fn status(self) -> &'static str {
        match self {
            Phase::Idle | Phase::StepUp => "",
            Phase::Checking | Phase::Opening => "Opening a shell…",
            Phase::Open => "Connected: /bin/sh in the container",
            Phase::Closed => "Session closed",
            Phase::Failed => "The terminal failed",
        }
    }

    fn busy(self) -> bool {
        matches!(self, Phase::Checking | Phase::Opening | Phase::Open)
    }
}

#[island]
pub fn Terminal(container_id: String) -> impl IntoView {
    let ready = hydrated();
    let phase = RwSignal::new(Phase::Idle);
    let error = RwSignal::new(None::<String>);
    let screen = NodeRef::<leptos::html::Div>::new();
    let id = StoredValue::new(container_id);

    let open = move || {
        phase.set(Phase::Checking);
        error.set(None);
        leptos::task::spawn_local(async move {
            match exec_check(id.get_value()).await {
                Ok(()) => {
                    phase.set(Phase::Opening);
                    let attached = screen
                        .get_untracked()
                        .ok_or_else(|| "The terminal is not on the page yet".to_owned())
                        .and_then(|element| attach(&element, &id.get_value(), phase, error));
                    if let Err(message) = attached {
                        error.set(Some(message));
                        phase.set(Phase::Failed);
                    }
                }
                Err(AppError::StepUpRequired) => phase.set(Phase::StepUp),
                Err(other) => {
                    error.set(Some(other.to_string()));
                    phase.set(Phase::Failed);
                }
            }
        });
    };
    let close = move |_| {
        if let Some(element) = screen.get_untracked() {
            detach(&element);
        }
    };

    view! {
        <div class="space-y-3" data-testid="terminal" data-ready=move || ready.get().to_string() data-phase=move || phase.get().as_str()>
            {move || (phase.get() == Phase::StepUp).then(|| view! {
                <StepUpPrompt on_confirmed=Callback::new(move |_| open()) />
            })}
            {move || error.get().map(|message| view! {
                <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">{message}</p>
            })}
            <div class="flex flex-wrap items-center gap-2">
                <button type="button" data-testid="terminal-open" class="rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
                    disabled=move || phase.get().busy() on:click=move |_| open()>
                    {move || if matches!(phase.get(), Phase::Closed | Phase::Failed) { "Open a new terminal" } else { "Open terminal" }}
                </button>
                <button type="button" data-testid="terminal-close" class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
                    disabled=move || phase.get() != Phase::Open on:click=close>
                    "Close"
                </button>
                <span class="text-sm text-slate-600 dark:text-slate-400" aria-live="polite">{move || phase.get().status()}</span>
            </div>
            <div class="relative">
                // Always laid out, so xterm.js can measure it the moment it opens.
                <div node_ref=screen data-testid="terminal-screen" class="h-96 overflow-hidden rounded-md bg-black p-2"></div>
                <Show when=move || phase.get() == Phase::Idle>
                    <p class="absolute inset-0 flex items-center justify-center px-4 text-center text-sm text-slate-400">
                        "Opens /bin/sh in this container. Sessions are recorded in the audit log."
                    </p>
                </Show>
            </div>
        </div>
    }
}

/// Starts xterm.js in `element` on this container's WebSocket (see `public/terminal.js`).
/// Runs in the browser only, from the buttons' handlers.
fn attach(
    element: &web_sys::HtmlDivElement,
    id: &str,
    phase: RwSignal<Phase>,
    error: RwSignal<Option<String>>,
) -> Result<(), String> {
    use leptos::wasm_bindgen::{closure::Closure, JsValue};
    const NOT_LOADED: &str = "The terminal scripts did not load; reload the page and try again";
    let location = window().location();
    let scheme = if location.protocol().ok().as_deref() == Some("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().map_err(|_| NOT_LOADED.to_owned())?;
    let url = format!("{scheme}://{host}/ws/exec/{id}");
    let (terminal, open) = terminal_function("open").ok_or_else(|| NOT_LOADED.to_owned())?;
    let on_state = Closure::<dyn FnMut(String)>::new(move |state: String| match state.as_str() {
        "open" => phase.set(Phase::Open),
        "error" => {
            error.set(Some(
                "The connection to the shell failed; check that the container still runs".into(),
            ));
            phase.set(Phase::Failed);
        }
        _ => phase.set(Phase::Closed),
    });
    open.call3(
        &terminal,
        element.as_ref(),
        &JsValue::from_str(&url),
        &on_state.into_js_value(),
    )
    .map(|_| ())
    .map_err(|_| "The terminal could not start".to_owned())
}

/// Ends the session of the terminal in `element`.
fn detach(element: &web_sys::HtmlDivElement) {
    if let Some((terminal, close)) = terminal_function("close") {
        let _ = close.call1(&terminal, element.as_ref());
    }
}

/// `window.gantryTerminal` and one of its functions, once `terminal.js` has loaded.
fn terminal_function(name: &str) -> Option<(leptos::wasm_bindgen::JsValue, js_sys::Function)> {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    let terminal = js_sys::Reflect::get(&window(), &JsValue::from_str("gantryTerminal")).ok()?;
    let function = js_sys::Reflect::get(&terminal, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()?;
    Some((terminal, function))
}
