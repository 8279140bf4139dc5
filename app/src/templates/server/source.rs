//! A template as a set of files (`template.toml` plus `files/…`), whether compiled in or uploaded:
//! checked once here so built-ins and uploads follow the same rules.

use std::collections::BTreeMap;

use super::manifest::{self, ManifestError};
use crate::templates::types::Manifest;

/// A template as read from a folder: its manifest and its source files by path under `files/`.
#[derive(Clone, Debug)]
pub struct TemplateSource {
    pub manifest: Manifest,
    pub files: BTreeMap<String, String>,
}

const MANIFEST: &str = "template.toml";
const FILES: &str = "files/";

impl TemplateSource {
    /// Reads a template folder given as paths (relative to the folder) and contents. Every
    /// problem is reported at once, each with the file or manifest field it is in.
    pub fn from_files(folder: BTreeMap<String, Vec<u8>>) -> Result<Self, Vec<ManifestError>> {
        let problem = |field: &str, message: String| ManifestError {
            field: field.to_owned(),
            message,
        };
        let mut errors = Vec::new();
        let manifest = match folder.get(MANIFEST).map(|bytes| std::str::from_utf8(bytes)) {
            None => {
                errors.push(problem(MANIFEST, "is missing from the top of the folder".into()));
                None
            }
            Some(Err(_)) => {
                errors.push(problem(MANIFEST, "is not UTF-8 text".into()));
                None
            }
            Some(Ok(text)) => manifest::parse(text).map_err(|found| errors.extend(found)).ok(),
        };
        let mut files = BTreeMap::new();
        for (path, bytes) in &folder {
            let Some(relative) = path.strip_prefix(FILES) else {
                if path != MANIFEST {
                    errors.push(problem(
                        path,
                        "is outside files/ and would be ignored; move it or remove it".into(),
                    ));
                }
                continue;
            };
            match String::from_utf8(bytes.clone()) {
                Ok(text) => {
                    files.insert(relative.to_owned(), text);
                }
                Err(_) => errors.push(problem(
                    path,
                    "is not UTF-8 text (templates hold text files only)".into(),
                )),
            }
        }
        if files.is_empty() && errors.is_empty() {
            errors.push(problem(FILES, "holds no files to render".into()));
        }
        match manifest {
            Some(manifest) if errors.is_empty() => Ok(Self { manifest, files }),
            _ => Err(errors),
        }
    }
}
