//! The built-in templates, compiled into the binary from `app/templates/`, and their sync into the
//! database at start-up.

use std::collections::BTreeMap;

use include_dir::{include_dir, Dir};
use sqlx::PgPool;

use super::manifest::{self, ManifestError};
use super::repo;
use crate::templates::types::Manifest;

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// A template as read from a folder: its manifest and its source files by path.
#[derive(Clone, Debug)]
pub struct TemplateSource {
    pub manifest: Manifest,
    pub files: BTreeMap<String, String>,
}

/// Every built-in template, parsed and checked.
pub fn builtins() -> Result<Vec<TemplateSource>, ManifestError> {
    BUILTIN.dirs().map(from_dir).collect()
}

fn from_dir(dir: &Dir<'_>) -> Result<TemplateSource, ManifestError> {
    let folder = dir.path().display().to_string();
    let problem = |message: String| ManifestError {
        field: folder.clone(),
        message,
    };
    let text = dir
        .get_file(dir.path().join("template.toml"))
        .and_then(|file| file.contents_utf8())
        .ok_or_else(|| problem("has no readable template.toml".into()))?;
    let manifest = manifest::parse(text)
        .map_err(|errors| problem(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")))?;
    if manifest.id != folder {
        return Err(problem(format!(
            "the manifest id {} differs from the folder name",
            manifest.id
        )));
    }
    let files_root = dir.path().join("files");
    let mut files = BTreeMap::new();
    collect(dir, &files_root, &mut files).map_err(problem)?;
    Ok(TemplateSource { manifest, files })
}

fn collect(dir: &Dir<'_>, root: &std::path::Path, files: &mut BTreeMap<String, String>) -> Result<(), String> {
    for file in dir.files() {
        if let Ok(relative) = file.path().strip_prefix(root) {
            let text = file
                .contents_utf8()
                .ok_or_else(|| format!("{} is not UTF-8 text", file.path().display()))?;
            files.insert(relative.display().to_string(), text.to_owned());
        }
    }
    for sub in dir.dirs() {
        collect(sub, root, files)?;
    }
    Ok(())
}

/// Stores every built-in template's current version; returns how many templates there are.
pub async fn sync(pool: &PgPool) -> Result<usize, SyncError> {
    let templates = builtins()?;
    let mut tx = pool.begin().await?;
    for template in &templates {
        repo::upsert_version(&mut tx, template, true).await?;
    }
    tx.commit().await?;
    Ok(templates.len())
}

/// Why the built-ins could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("a built-in template is invalid: {0}")]
    Invalid(#[from] ManifestError),
    #[error("cannot store the built-in templates: {0}")]
    Database(#[from] sqlx::Error),
}
