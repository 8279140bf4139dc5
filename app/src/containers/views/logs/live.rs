//! The follow connection: an `EventSource` on the server's log stream (one JSON line per event,
//! then an `end` event when the containers stop). Dropping it closes the stream. Open streams
//! live in a per-thread table, not in reactive storage, so nothing browser-only is ever
//! created or dropped by the server's render.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use leptos::wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Event, EventSource, MessageEvent};

use crate::containers::types::LogLine;

/// Where the connection stands, for the viewer to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveState {
    Connecting,
    Live,
    /// The connection dropped; the browser reconnects by itself.
    Retrying,
    /// The containers stopped, or there were none (the server said so).
    Ended,
    /// The server refused the stream (signed out, container gone, engine down).
    Refused,
}

impl LiveState {
    pub fn label(self) -> &'static str {
        match self {
            LiveState::Connecting => "connecting…",
            LiveState::Live => "live",
            LiveState::Retrying => "reconnecting…",
            LiveState::Ended => "stream ended: nothing is running; follow again after a start",
            LiveState::Refused => "could not follow: reload the page and try again",
        }
    }

    pub fn is_over(self) -> bool {
        matches!(self, LiveState::Ended | LiveState::Refused)
    }
}

/// An open follow stream and its handlers (kept alive as long as it is).
pub struct Follow {
    source: EventSource,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_error: Closure<dyn FnMut(Event)>,
    _on_end: Closure<dyn FnMut(Event)>,
}

impl Follow {
    /// Opens `url`; `on_line` gets each line as it arrives, `on_state` each change of state.
    pub fn open(
        url: &str,
        on_line: impl Fn(LogLine) + 'static,
        on_state: impl Fn(LiveState) + Clone + 'static,
    ) -> Option<Self> {
        let source = EventSource::new(url).ok()?;
        on_state(LiveState::Connecting);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(line) = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<LogLine>(&text).ok())
            {
                on_line(line);
            }
        });
        let opened = on_state.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_: Event| opened(LiveState::Live));
        let (errored, watched) = (on_state.clone(), source.clone());
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            errored(if watched.ready_state() == EventSource::CLOSED {
                LiveState::Refused
            } else {
                LiveState::Retrying
            })
        });
        let ended = source.clone();
        let on_end = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            ended.close();
            on_state(LiveState::Ended);
        });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        source
            .add_event_listener_with_callback("end", on_end.as_ref().unchecked_ref())
            .ok()?;
        Some(Self {
            source,
            _on_message: on_message,
            _on_open: on_open,
            _on_error: on_error,
            _on_end: on_end,
        })
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        self.source.close();
    }
}

thread_local! {
    static OPEN: RefCell<HashMap<u64, Follow>> = RefCell::new(HashMap::new());
    static NEXT: Cell<u64> = const { Cell::new(0) };
}

/// Where one viewer keeps its stream: at most one open at a time.
#[derive(Clone, Copy, Debug)]
pub struct Slot(u64);

impl Slot {
    pub fn fresh() -> Self {
        Slot(NEXT.with(|next| {
            next.set(next.get() + 1);
            next.get()
        }))
    }

    /// Puts `follow` in the slot, closing the stream that was there.
    pub fn set(self, follow: Option<Follow>) {
        let old = OPEN.with(|open| {
            let mut open = open.borrow_mut();
            match follow {
                Some(follow) => open.insert(self.0, follow),
                None => open.remove(&self.0),
            }
        });
        // Closed once the table is released.
        drop(old);
    }
}
