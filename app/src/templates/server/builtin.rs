//! The built-in templates, compiled into the binary from `app/templates/`, and their sync into the
//! database at start-up.

use std::collections::BTreeMap;

use include_dir::{include_dir, Dir};
use sqlx::PgPool;

use super::manifest::ManifestError;
use super::repo;
use super::source::TemplateSource;

static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// Every built-in template, parsed and checked.
pub fn builtins() -> Result<Vec<TemplateSource>, ManifestError> {
    BUILTIN.dirs().map(from_dir).collect()
}

fn from_dir(dir: &Dir<'_>) -> Result<TemplateSource, ManifestError> {
    let folder = dir.path().display().to_string();
    let mut files = BTreeMap::new();
    collect(dir, dir.path(), &mut files);
    let source = TemplateSource::from_files(files).map_err(|errors| ManifestError {
        field: folder.clone(),
        message: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
    })?;
    if source.manifest.id != folder {
        return Err(ManifestError {
            field: folder,
            message: format!("the manifest id {} differs from the folder name", source.manifest.id),
        });
    }
    Ok(source)
}

fn collect(dir: &Dir<'_>, root: &std::path::Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        if let Ok(relative) = file.path().strip_prefix(root) {
            files.insert(relative.display().to_string(), file.contents().to_vec());
        }
    }
    for sub in dir.dirs() {
        collect(sub, root, files);
    }
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
