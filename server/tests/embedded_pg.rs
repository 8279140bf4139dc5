//! The embedded PostgreSQL manager against the machine's real PostgreSQL binaries.

use server::embedded_pg::{EmbeddedError, EmbeddedPostgres, DATABASE};
use sqlx::{ConnectOptions, Connection};

#[tokio::test]
async fn first_start_creates_a_cluster_that_later_starts_reuse() {
    let dir = tempfile::tempdir().unwrap();

    let first = EmbeddedPostgres::start(dir.path(), None).await.unwrap();
    assert!(first.created(), "the first start creates the cluster");
    let mut conn = first.connect_options(DATABASE).connect().await.unwrap();
    sqlx::query("create table kept (note text)")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("insert into kept values ('still here')")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    first.stop().await.unwrap();

    let second = EmbeddedPostgres::start(dir.path(), None).await.unwrap();
    assert!(!second.created(), "the second start reuses the cluster");
    let mut conn = second.connect_options(DATABASE).connect().await.unwrap();
    let note: String = sqlx::query_scalar("select note from kept")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(note, "still here");
    conn.close().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test]
async fn a_second_start_on_the_same_data_dir_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().unwrap();
    let running = EmbeddedPostgres::start(dir.path(), None).await.unwrap();

    let refused = EmbeddedPostgres::start(dir.path(), None).await.unwrap_err();
    match &refused {
        EmbeddedError::AlreadyRunning { pid, .. } => assert_eq!(pid, &std::process::id().to_string()),
        other => panic!("expected AlreadyRunning, got {other}"),
    }
    assert!(refused.to_string().contains("already using the data directory"));

    running.stop().await.unwrap();
    let again = EmbeddedPostgres::start(dir.path(), None).await.unwrap();
    again.stop().await.unwrap();
}

#[tokio::test]
async fn the_cluster_listens_on_its_private_socket_only() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = EmbeddedPostgres::start(dir.path(), None).await.unwrap();
    let mut conn = cluster.connect_options(DATABASE).connect().await.unwrap();
    let listen: String = sqlx::query_scalar("select current_setting('listen_addresses')")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(listen, "", "no TCP listener");
    conn.close().await.unwrap();
    cluster.stop().await.unwrap();
}

#[tokio::test]
async fn missing_binaries_give_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = EmbeddedPostgres::start(dir.path(), Some(std::path::Path::new("/nonexistent/pg/bin")))
        .await
        .unwrap_err();
    assert!(matches!(err, EmbeddedError::BinariesMissing { .. }));
    assert!(err.to_string().contains("GANTRY_PG_BIN_DIR"));
}
