//! Small stroke icons, one per module, drawn inline so they need no request and follow the text colour.

use leptos::prelude::*;

use super::nav::Module;

fn path_for(module: Module) -> &'static str {
    match module {
        Module::Dashboard => "M4 13h6V4H4zM14 20h6v-9h-6zM4 20h6v-3H4zM14 7h6V4h-6z",
        Module::Services => "M4 6h16v4H4zM4 14h16v4H4zM7 8h.01M7 16h.01",
        Module::Templates => "M5 4h9l5 5v11H5zM14 4v5h5M8 13h8M8 17h5",
        Module::Containers => "M12 3l8 4.5v9L12 21l-8-4.5v-9zM12 12l8-4.5M12 12v9M12 12L4 7.5",
        Module::Secrets => "M7 11V8a5 5 0 0110 0v3M5 11h14v10H5zM12 15v2",
        Module::Integrations => "M9 7V3M15 7V3M7 7h10v4a5 5 0 01-10 0zM12 16v5",
        Module::Monitoring => "M3 12h4l3-7 4 14 3-7h4",
        Module::Billing => "M3 6h18v12H3zM3 10h18M7 15h4",
        Module::Audit => "M8 4h8M6 4h12v16H6zM9 9h6M9 13h6M9 17h3",
        Module::Settings => "M12 9a3 3 0 100 6 3 3 0 000-6zM4 12h2M18 12h2M12 4v2M12 18v2M6.3 6.3l1.4 1.4M16.3 16.3l1.4 1.4M6.3 17.7l1.4-1.4M16.3 7.7l1.4-1.4",
    }
}

/// The icon of a module.
#[component]
pub fn Icon(module: Module, #[prop(default = "h-5 w-5 shrink-0")] class: &'static str) -> impl IntoView {
    view! {
        <svg aria-hidden="true" viewBox="0 0 24 24" class=class fill="none" stroke="currentColor" stroke-width="1.75" stroke-linecap="round" stroke-linejoin="round">
            <path d=path_for(module) />
        </svg>
    }
}
