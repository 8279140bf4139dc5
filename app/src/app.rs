//! The HTML document and the router: every page of the panel is declared here.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::auth::{EnrollPage, LoginPage, SecurityPage, SetupPage, VerifyPage};
use crate::billing::{
    BillingOverviewPage, BillingSettingsPage, CheckoutCancelPage, CheckoutSuccessPage, CustomerPage, CustomersPage,
    EventsPage, NewCustomerPage, PlanEditPage, PlansPage,
};
use crate::containers::{ContainerPage, ContainersPage, EnginePage};
use crate::dashboard::DashboardPage;
use crate::deployments::DeploymentPage;
use crate::pages::{ComingSoonPage, NotFoundPage};
use crate::secrets::{EditSecretPage, ImportPage, KeysPage, NewSecretPage, SecretDetailPage, SecretsPage};
use crate::services::upgrade::UpgradePage;
use crate::services::wizard::{WizardPage, WizardStartPage};
use crate::services::{RegisterServicePage, ServiceDetailPage, ServicesPage};
use crate::templates::{TemplateDetailPage, TemplatesPage, UploadTemplatePage};
use crate::ui::{layout::Layout, nav::Module, theme::THEME_BOOT_SCRIPT};

/// The whole HTML document, rendered on the server around [`App`].
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                // Applies the saved or system theme before the first paint, so dark mode never flashes.
                <script>{THEME_BOOT_SCRIPT}</script>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body class="h-full bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App />
            </body>
        </html>
    }
}

/// The panel: layout around the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/gantry.css" />
        <Title formatter=|page: String| format!("{page} · Gantry") />
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/setup") view=SetupPage />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/login/verify") view=VerifyPage />
                    <Route path=path!("/mfa/enroll") view=EnrollPage />
                    <Route path=path!("/account") view=SecurityPage ssr=SsrMode::Async />
                    <Route path=path!("/services") view=ServicesPage ssr=SsrMode::Async />
                    <Route path=path!("/services/register") view=RegisterServicePage />
                    <Route path=path!("/services/new") view=WizardStartPage ssr=SsrMode::Async />
                    <Route path=path!("/services/new/:draft") view=WizardPage ssr=SsrMode::Async />
                    <Route path=path!("/services/:slug") view=ServiceDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/services/:slug/upgrade") view=UpgradePage ssr=SsrMode::Async />
                    <Route path=path!("/services/:slug/deployments/:id") view=DeploymentPage ssr=SsrMode::Async />
                    <Route path=path!("/templates") view=TemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("/templates/upload") view=UploadTemplatePage />
                    <Route path=path!("/templates/:id") view=TemplateDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/containers") view=ContainersPage ssr=SsrMode::Async />
                    <Route path=path!("/containers/:id") view=ContainerPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/engine") view=EnginePage ssr=SsrMode::Async />
                    <Route path=path!("/secrets") view=SecretsPage ssr=SsrMode::Async />
                    <Route path=path!("/secrets/new") view=NewSecretPage ssr=SsrMode::Async />
                    <Route path=path!("/secrets/import") view=ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/secrets/:id") view=SecretDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/secrets/:id/edit") view=EditSecretPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/keys") view=KeysPage ssr=SsrMode::Async />
                    <Route path=path!("/integrations") view=|| view! { <ComingSoonPage module=Module::Integrations /> } />
                    <Route path=path!("/monitoring") view=|| view! { <ComingSoonPage module=Module::Monitoring /> } />
                    <Route path=path!("/billing") view=BillingOverviewPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/plans") view=PlansPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/plans/new") view=PlanEditPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/plans/:id") view=PlanEditPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/customers") view=CustomersPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/customers/new") view=NewCustomerPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/customers/:id") view=CustomerPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/events") view=EventsPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/settings") view=BillingSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/checkout/success") view=CheckoutSuccessPage ssr=SsrMode::Async />
                    <Route path=path!("/billing/checkout/cancel") view=CheckoutCancelPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=crate::audit::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view=|| view! { <ComingSoonPage module=Module::Settings /> } />
                </Routes>
            </Layout>
        </Router>
    }
}
