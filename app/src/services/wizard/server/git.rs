//! Service repositories: a bare git repository per service under `<data dir>/git/<slug>.git`,
//! with an initial commit of the rendered files, served read-only over HTTP (`/git/<slug>.git`,
//! git's "dumb" protocol: static files after `git update-server-info`). Uses the `git` CLI.

use std::path::{Path, PathBuf};

use tokio::process::Command;

use crate::templates::types::RenderedFile;

/// Why a repository could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("could not {action}: {detail}")]
    Failed { action: String, detail: String },
}

/// Where a service's bare repository lives.
pub fn repository_path(data_dir: &Path, slug: &str) -> PathBuf {
    data_dir.join("git").join(format!("{slug}.git"))
}

/// Creates the bare repository at `path` holding `files` as its first commit on `main`.
/// Anything left at `path` from an earlier failed attempt is replaced.
pub async fn create_repository(path: &Path, files: &[RenderedFile], message: &str) -> Result<(), GitError> {
    let work = path.with_extension(format!("work-{}", uuid::Uuid::new_v4()));
    let result = async {
        if path.exists() {
            tokio::fs::remove_dir_all(path)
                .await
                .map_err(failed("remove a stale repository"))?;
        }
        write_files(&work, files).await?;
        let bare = path.to_string_lossy().into_owned();
        git(&work, &["init", "--quiet", "--initial-branch=main"]).await?;
        git(&work, &["add", "--all"]).await?;
        git(
            &work,
            &[
                "-c",
                "user.name=Gantry",
                "-c",
                "user.email=gantry@localhost",
                "commit",
                "--quiet",
                "-m",
                message,
            ],
        )
        .await?;
        git(&work, &["init", "--quiet", "--bare", "--initial-branch=main", &bare]).await?;
        git(&work, &["push", "--quiet", &bare, "main"]).await?;
        git(Path::new(&bare), &["update-server-info"]).await
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&work).await;
    if result.is_err() {
        let _ = tokio::fs::remove_dir_all(path).await;
    }
    result
}

/// Replaces the repository's files with `files` as one new commit on `main`; returns the
/// previous head so a failed database change can [`reset_main`] back to it.
pub async fn commit_files(path: &Path, files: &[RenderedFile], message: &str) -> Result<String, GitError> {
    let work = path.with_extension(format!("work-{}", uuid::Uuid::new_v4()));
    let bare = path.to_string_lossy().into_owned();
    let work_arg = work.to_string_lossy().into_owned();
    let result = async {
        let previous = git_output(path, &["rev-parse", "refs/heads/main"]).await?;
        git(path, &["clone", "--quiet", &bare, &work_arg]).await?;
        git(&work, &["rm", "-r", "--quiet", "--ignore-unmatch", "."]).await?;
        write_files(&work, files).await?;
        git(&work, &["add", "--all"]).await?;
        git(
            &work,
            &[
                "-c",
                "user.name=Gantry",
                "-c",
                "user.email=gantry@localhost",
                "commit",
                "--quiet",
                "--allow-empty",
                "-m",
                message,
            ],
        )
        .await?;
        git(&work, &["push", "--quiet", "origin", "main"]).await?;
        git(path, &["update-server-info"]).await?;
        Ok(previous)
    }
    .await;
    let _ = tokio::fs::remove_dir_all(&work).await;
    result
}

/// Moves `main` back to `commit` (undoing [`commit_files`] when its database change failed).
pub async fn reset_main(path: &Path, commit: &str) -> Result<(), GitError> {
    git(path, &["update-ref", "refs/heads/main", commit]).await?;
    git(path, &["update-server-info"]).await
}

/// Removes a repository (a failed creation's clean-up, or a deleted service).
pub async fn remove_repository(path: &Path) {
    let _ = tokio::fs::remove_dir_all(path).await;
}

/// Pushes `main` to a remote over HTTP(S), replacing the remote's `main` (the remote mirrors
/// Gantry's repository). `authorization` is an HTTP `Authorization` header value; it reaches git
/// through its environment (`GIT_CONFIG_*`), never the command line, so no process listing or
/// error message shows it.
pub async fn push_main(path: &Path, url: &str, authorization: Option<&str>) -> Result<(), GitError> {
    let mut env = vec![
        ("GIT_CONFIG_COUNT", "2".to_owned()),
        ("GIT_CONFIG_KEY_0", "credential.helper".into()),
        ("GIT_CONFIG_VALUE_0", String::new()),
    ];
    env.push(("GIT_CONFIG_KEY_1", "http.extraHeader".into()));
    env.push((
        "GIT_CONFIG_VALUE_1",
        authorization
            .map(|value| format!("Authorization: {value}"))
            .unwrap_or_default(),
    ));
    run(
        path,
        &["push", "--quiet", url, "+refs/heads/main:refs/heads/main"],
        &env,
    )
    .await
    .map(drop)
}

async fn git(dir: &Path, args: &[&str]) -> Result<(), GitError> {
    git_output(dir, args).await.map(|_| ())
}

/// Runs git and returns its trimmed standard output.
async fn git_output(dir: &Path, args: &[&str]) -> Result<String, GitError> {
    run(dir, args, &[]).await
}

async fn run(dir: &Path, args: &[&str], env: &[(&str, String)]) -> Result<String, GitError> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .envs(env.iter().map(|(key, value)| (*key, value.as_str())))
        .output()
        .await
        .map_err(failed("run git (is it installed?)"))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned());
    }
    Err(GitError::Failed {
        action: format!("run git {}", args.first().copied().unwrap_or_default()),
        detail: String::from_utf8_lossy(&out.stderr).trim().chars().take(500).collect(),
    })
}

/// Writes rendered files into a work tree, creating folders as needed.
async fn write_files(work: &Path, files: &[RenderedFile]) -> Result<(), GitError> {
    for file in files {
        let target = safe_join(work, &file.path)?;
        if let Some(parent) = target.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(failed("create a folder"))?;
        }
        tokio::fs::write(&target, &file.content)
            .await
            .map_err(failed("write a file"))?;
    }
    Ok(())
}

/// `root/relative`, refusing paths that climb out of `root`.
fn safe_join(root: &Path, relative: &str) -> Result<PathBuf, GitError> {
    let clean = Path::new(relative);
    let escapes = clean.is_absolute()
        || clean
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)));
    if escapes || relative.is_empty() {
        return Err(GitError::Failed {
            action: "place a rendered file".into(),
            detail: format!("{relative} is not a relative path inside the repository"),
        });
    }
    Ok(root.join(clean))
}

fn failed(action: &'static str) -> impl FnOnce(std::io::Error) -> GitError {
    move |err| GitError::Failed {
        action: action.into(),
        detail: err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_paths_cannot_leave_the_repository() {
        let root = Path::new("/tmp/repo");
        assert!(safe_join(root, "k8s/deployment.yaml").is_ok());
        for bad in ["../escape", "/etc/passwd", "a/../../b", ""] {
            assert!(safe_join(root, bad).is_err(), "{bad}");
        }
    }
}
