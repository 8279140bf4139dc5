//! Builds the axum router around the Leptos app and serves it until a shutdown signal.

use std::{
    future::Future,
    net::SocketAddr,
    path::Path,
    sync::{atomic::AtomicBool, Arc},
};

use app::{
    auth::server::middleware::auth_gate,
    containers::server::engine::Engine,
    shell,
    state::{AppState, DatabaseMode, Security, ServerInfo},
    App,
};
use axum::{
    middleware,
    routing::{get, post},
    Router,
};
use chrono::Utc;
use http::Request;
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};
use tower_sessions::{cookie::time, cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use tracing::Level;

use crate::{
    config::Config,
    database::{Database, DatabaseError},
    routes::{exec, git, health, live, logs, static_files, stripe},
    shutdown,
};

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Database(#[from] DatabaseError),
    #[error("{0}")]
    Security(#[from] crate::security::SecurityError),
    #[error("{0}")]
    Templates(#[from] app::templates::server::builtin::SyncError),
    #[error("cannot repair interrupted deployments: {0}")]
    Deployments(#[from] sqlx::Error),
    #[error("cannot listen on {addr} (GANTRY_LISTEN): {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

/// Runs Gantry until SIGINT or SIGTERM, then shuts down cleanly.
pub async fn run(config: Config) -> Result<(), StartupError> {
    let app = Application::build(&config).await?;
    tracing::info!("Gantry is ready on http://{}", app.local_addr());
    app.serve_until(shutdown::signal_received()).await
}

/// A bound, migrated, ready-to-serve Gantry.
pub struct Application {
    addr: SocketAddr,
    listener: TcpListener,
    router: Router,
    database: Database,
}

impl Application {
    /// Opens the database, migrates and binds the listener (port 0 picks a free port).
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let database = Database::open(config).await?;
        let security = crate::security::prepare(config, &database.pool).await?;
        let templates = app::templates::server::builtin::sync(&database.pool).await?;
        tracing::info!(templates, "built-in templates stored");
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartupError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(StartupError::Serve)?;
        let mode = if database.embedded.is_some() {
            DatabaseMode::Embedded
        } else {
            DatabaseMode::External
        };
        let engine = Engine::new(&config.docker_host(), config.docker_network.clone());
        let interrupted = app::deployments::server::repo::fail_interrupted(&database.pool).await?;
        if interrupted > 0 {
            tracing::warn!(
                interrupted,
                "deployments left running by an earlier stop were marked failed"
            );
        }
        let state = app_state(
            database.pool.clone(),
            &config.site_root,
            addr,
            mode,
            security,
            &config.data_dir,
            engine,
        );
        let router = router(state.clone(), config.secure_cookies);
        crate::jobs::spawn_session_cleanup(state.clone());
        crate::jobs::spawn_engine_watch(state.clone());
        tokio::spawn(app::billing::server::worker::run(state));
        Ok(Self {
            addr,
            listener,
            router,
            database,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until `signal` resolves, lets requests in flight finish, then closes the database.
    pub async fn serve_until(self, signal: impl Future<Output = ()> + Send + 'static) -> Result<(), StartupError> {
        let served = axum::serve(
            self.listener,
            self.router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await;
        self.database.close().await;
        served.map_err(StartupError::Serve)
    }
}

/// The state every render and server function receives.
pub fn app_state(
    pool: PgPool,
    site_root: &Path,
    addr: SocketAddr,
    database: DatabaseMode,
    security: Security,
    data_dir: &Path,
    engine: Engine,
) -> AppState {
    let leptos_options = LeptosOptions::builder()
        .output_name("gantry")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    AppState {
        leptos_options,
        pool,
        info: Arc::new(ServerInfo {
            started_at: Utc::now(),
            database,
            data_dir: data_dir.to_path_buf(),
        }),
        security: Arc::new(security),
        setup_done: Arc::new(AtomicBool::new(false)),
        engine,
        billing: Arc::new(app::billing::server::BillingRuntime::default()),
    }
}

/// The whole HTTP surface: pages, server functions, probes and static files.
pub fn router(state: AppState, secure_cookies: bool) -> Router {
    let routes = generate_route_list(App);
    let store = PostgresStore::new(state.pool.clone());
    let sessions = SessionManagerLayer::new(store)
        .with_name(if secure_cookies { "__Host-gantry" } else { "gantry" })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            state.security.session_idle.num_seconds(),
        )));
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/git/{*path}", get(git::serve))
        .route("/live/stats", get(live::stats))
        .route("/live/logs/{id}", get(logs::follow))
        .route("/live/logs/{id}/download", get(logs::download))
        .route("/live/service-logs/{slug}", get(logs::follow_service))
        .route("/live/service-logs/{slug}/download", get(logs::download_service))
        .route("/ws/exec/{id}", get(exec::open))
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), auth_gate))
        .layer(sessions)
        // Stripe calls this from outside: no session, no same-origin rule; the signature decides.
        .route("/webhooks/stripe", post(stripe::webhook))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(request_span)
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CompressionLayer::new())
                .layer(middleware::from_fn(static_files::cache_headers)),
        )
        .with_state(state)
}

/// The span around one request: its id appears on every log line written while serving it.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", request_id, method = %request.method(), path = %request.uri().path())
}
