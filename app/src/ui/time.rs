//! Times as people read them: minutes in UTC, the exact instant on hover.

use leptos::prelude::*;

/// An RFC 3339 time as `YYYY-MM-DD HH:MM UTC`, with the exact time on hover.
#[component]
pub fn Time(at: String) -> impl IntoView {
    let short = at
        .get(..16)
        .map(|s| format!("{} UTC", s.replace('T', " ")))
        .unwrap_or_else(|| at.clone());
    view! { <time datetime=at.clone() title=at class="whitespace-nowrap tabular-nums">{short}</time> }
}
