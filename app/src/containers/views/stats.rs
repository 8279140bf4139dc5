//! The live CPU and memory cells of the containers page: one server-sent-event stream for all
//! visible containers (the server holds one engine stats stream per container). The stream
//! lives as long as the page: leaving it closes the connection and the engine streams with it.

use std::collections::HashMap;

use leptos::prelude::*;

use super::human_bytes;
use crate::containers::types::StatsSample;

/// Latest sample per container id, kept current from `/live/stats`.
pub fn live_stats(ids: Vec<String>) -> RwSignal<HashMap<String, StatsSample>> {
    let samples = RwSignal::new(HashMap::new());
    Effect::new(move |_| {
        if ids.is_empty() {
            return;
        }
        connect(&format!("/live/stats?ids={}", ids.join(",")), samples);
    });
    samples
}

#[cfg(feature = "hydrate")]
fn connect(url: &str, samples: RwSignal<HashMap<String, StatsSample>>) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    let Ok(source) = web_sys::EventSource::new(url) else {
        return;
    };
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        if let Some(sample) = event
            .data()
            .as_string()
            .and_then(|text| serde_json::from_str::<StatsSample>(&text).ok())
        {
            samples.update(|all| {
                all.insert(sample.id.clone(), sample);
            });
        }
    });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

#[cfg(not(feature = "hydrate"))]
fn connect(_url: &str, _samples: RwSignal<HashMap<String, StatsSample>>) {}

/// CPU and memory of one container, or a dash until the first sample.
#[component]
pub fn StatsCells(id: String, samples: RwSignal<HashMap<String, StatsSample>>) -> impl IntoView {
    let id_for_memory = id.clone();
    view! {
        <td class="py-2 pr-4 tabular-nums" data-testid="cpu">
            {move || samples.with(|all| all.get(&id).map(|s| format!("{:.1} %", s.cpu_percent)).unwrap_or_else(|| "—".into()))}
        </td>
        <td class="py-2 pr-4 tabular-nums" data-testid="memory">
            {move || samples.with(|all| all.get(&id_for_memory).map(|s| {
                if s.memory_limit > 0 {
                    format!("{} / {}", human_bytes(s.memory_bytes as f64), human_bytes(s.memory_limit as f64))
                } else {
                    human_bytes(s.memory_bytes as f64)
                }
            }).unwrap_or_else(|| "—".into()))}
        </td>
    }
}
