//! `/templates/upload`: add a custom template from a `.tar.gz` or `.zip` of its folder. Every
//! problem (archive, manifest field, file that does not render) is listed so it can be fixed in
//! one go.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement};

use crate::error::{AppError, FieldError};
use crate::templates::api::upload_template;
use crate::templates::types::UploadedTemplate;
use crate::ui::form::{go_to, hydrated, SubmitButton};
use crate::ui::page_header::PageHeader;

#[component]
pub fn UploadTemplatePage() -> impl IntoView {
    view! {
        <PageHeader title="Upload a template" description="Add your own template to the catalog: a folder with template.toml and files/, packed as .tar.gz or .zip." />
        <div class="grid max-w-5xl grid-cols-1 gap-6 lg:grid-cols-5">
            <div class="lg:col-span-3"><UploadForm /></div>
            <aside class="space-y-3 rounded-xl border border-slate-200 bg-slate-50 p-5 text-sm text-slate-600 dark:border-slate-800 dark:bg-slate-900/50 dark:text-slate-400 lg:col-span-2">
                <h2 class="font-semibold text-slate-900 dark:text-slate-100">"What the folder holds"</h2>
                <pre class="rounded bg-white p-3 font-mono text-xs dark:bg-slate-950">"my-template/\n  template.toml\n  files/\n    Dockerfile\n    compose.yaml\n    k8s/deployment.yaml\n    README.md"</pre>
                <p>"Pack it with "<code class="font-mono">"tar czf my-template.tgz my-template/"</code>" or any zip tool. The manifest format is the one the built-ins use (docs/TEMPLATES.md)."</p>
                <p>"A version can be uploaded once; raise "<code class="font-mono">"version"</code>" to publish a change. Services made from older versions are then offered the upgrade."</p>
            </aside>
        </div>
    }
}

#[island]
fn UploadForm() -> impl IntoView {
    let ready = hydrated();
    let pending = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<UploadedTemplate, AppError>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|target| target.dyn_into::<HtmlFormElement>().ok()) else {
            return;
        };
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        pending.set(true);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            let result = upload_template(data.into()).await;
            pending.set(false);
            if let Ok(uploaded) = &result {
                go_to(&format!("/templates/{}", uploaded.id));
            }
            outcome.set(Some(result));
        });
    };
    view! {
        <form on:submit=submit enctype="multipart/form-data" data-ready=move || ready.get().to_string()
            class="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <div>
                <label for="template-archive" class="block text-sm font-medium">"Template archive"</label>
                <input id="template-archive" name="archive" type="file" required accept=".tgz,.tar.gz,.zip,application/gzip,application/zip"
                    class="mt-1 block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-2 file:font-semibold file:text-indigo-700 dark:file:bg-indigo-950 dark:file:text-indigo-300" />
                <p class="mt-1 text-xs text-slate-500 dark:text-slate-400">"Up to 2 MiB; text files only."</p>
            </div>
            {move || outcome.get().and_then(Result::err).map(|error| view! { <Problems error /> })}
            <div class="max-w-xs">
                <SubmitButton label="Check and add" busy_label="Checking…" pending=pending />
            </div>
        </form>
    }
}

#[component]
fn Problems(error: AppError) -> impl IntoView {
    let (message, fields) = match error {
        AppError::Invalid { message, fields } => (message, fields),
        other => (other.to_string(), Vec::new()),
    };
    view! {
        <div role="alert" data-testid="upload-errors" class="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/50 dark:text-red-300">
            <p class="font-medium">{message}</p>
            <ul class="mt-2 list-disc space-y-1 pl-5">
                {fields.into_iter().map(|FieldError { field, message }| view! {
                    <li><code class="font-mono text-xs">{field}</code>" "{message}</li>
                }).collect_view()}
            </ul>
        </div>
    }
}
