//! Configuration: documented options, and one clear line with exit code 2 for bad values.

mod common;

use std::process::Output;

fn gantry(envs: &[(&str, &str)], args: &[&str]) -> Output {
    common::gantry_command()
        .envs(envs.iter().copied())
        .args(args)
        .output()
        .expect("gantry runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn help_documents_every_option_with_its_environment_variable() {
    let out = gantry(&[], &["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    for var in [
        "GANTRY_LISTEN",
        "GANTRY_DATA_DIR",
        "DATABASE_URL",
        "DATABASE_URL_FILE",
        "GANTRY_DB_MAX_CONNECTIONS",
        "GANTRY_PG_BIN_DIR",
        "GANTRY_SITE_ROOT",
        "GANTRY_SECURE_COOKIES",
        "GANTRY_LOG_FORMAT",
        "GANTRY_LOG",
    ] {
        assert!(help.contains(&format!("[env: {var}")), "--help mentions {var}");
    }
    assert!(help.contains("127.0.0.1:3000"), "--help shows the default address");
}

#[test]
fn a_bad_listen_address_is_one_line_naming_the_option_and_exits_2() {
    let out = gantry(&[("GANTRY_LISTEN", "localhost-ish")], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains("GANTRY_LISTEN") && err.contains("--listen"), "{err}");
    assert!(err.contains("localhost-ish"), "{err}");
}

#[test]
fn a_database_url_that_is_not_postgres_is_refused() {
    let out = gantry(&[("DATABASE_URL", "mysql://root@localhost/db")], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("DATABASE_URL") && err.contains("postgres://"), "{err}");
    assert!(
        !err.contains("root@localhost"),
        "the URL (it may hold a password) is not echoed: {err}"
    );
}

#[test]
fn a_missing_database_url_file_is_named() {
    let out = gantry(&[("DATABASE_URL_FILE", "/nonexistent/gantry-db-url")], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("DATABASE_URL_FILE") && err.contains("/nonexistent/gantry-db-url"),
        "{err}"
    );
}

#[test]
fn an_invalid_log_filter_and_an_unknown_log_format_are_refused() {
    let out = gantry(&[("GANTRY_LOG", "info,[[[")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("GANTRY_LOG"), "{}", stderr(&out));

    let out = gantry(&[("GANTRY_LOG_FORMAT", "xml")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("GANTRY_LOG_FORMAT"), "{}", stderr(&out));
}

#[test]
fn out_of_range_numbers_are_refused() {
    let out = gantry(&[("GANTRY_DB_MAX_CONNECTIONS", "0")], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("GANTRY_DB_MAX_CONNECTIONS"), "{}", stderr(&out));
}
