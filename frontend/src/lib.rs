//! The browser entry point: hydrates the interactive islands of the server-rendered pages.

// Linking the app crate registers its `#[island]` components for hydration.
pub use app::ui;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
