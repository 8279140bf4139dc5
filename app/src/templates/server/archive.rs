//! Unpacking an uploaded template folder (`.tar.gz` or `.zip`) into memory, with limits and path
//! checks: nothing is written to disk, and an archive cannot reach outside its own folder.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path};

/// The most an unpacked template may hold: enough for any real template, far below what a
/// decompression bomb would need.
pub const MAX_UNPACKED_BYTES: u64 = 8 * 1024 * 1024;
pub const MAX_FILES: usize = 500;

/// Why an archive cannot be read, in words for the person who uploaded it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("is neither a .tar.gz nor a .zip archive")]
    UnknownFormat,
    #[error("cannot be read: {0}")]
    Corrupt(String),
    #[error("holds {0}, whose path leaves the template folder")]
    UnsafePath(String),
    #[error("is larger than {} MiB once unpacked", MAX_UNPACKED_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("holds more than {MAX_FILES} files")]
    TooManyFiles,
    #[error("is empty")]
    Empty,
}

/// The archive's regular files by path. When everything sits in one top folder (the usual
/// `tar czf t.tgz my-template/`), that folder is stripped so paths start at the template root.
pub fn unpack(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ArchiveError> {
    let entries = match bytes {
        [0x1f, 0x8b, ..] => untar(bytes)?,
        [b'P', b'K', 3, 4, ..] => unzip(bytes)?,
        _ => return Err(ArchiveError::UnknownFormat),
    };
    if entries.is_empty() {
        return Err(ArchiveError::Empty);
    }
    Ok(strip_common_folder(entries))
}

fn untar(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ArchiveError> {
    let corrupt = |err: std::io::Error| ArchiveError::Corrupt(err.to_string());
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut files = Files::default();
    for entry in archive.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let path = entry.path().map_err(corrupt)?.display().to_string();
        if !kind.is_file() {
            return Err(ArchiveError::UnsafePath(format!("{path} (a link or device)")));
        }
        files.add(&path, &mut entry)?;
    }
    Ok(files.0)
}

fn unzip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ArchiveError> {
    let corrupt = |err: zip::result::ZipError| ArchiveError::Corrupt(err.to_string());
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(corrupt)?;
    let mut files = Files::default();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(corrupt)?;
        if entry.is_dir() {
            continue;
        }
        let path = entry.name().to_owned();
        if entry.is_symlink() {
            return Err(ArchiveError::UnsafePath(format!("{path} (a link)")));
        }
        files.add(&path, &mut entry)?;
    }
    Ok(files.0)
}

#[derive(Default)]
struct Files(BTreeMap<String, Vec<u8>>, u64);

impl Files {
    fn add(&mut self, path: &str, reader: &mut impl Read) -> Result<(), ArchiveError> {
        let path = safe_path(path)?;
        if self.0.len() >= MAX_FILES {
            return Err(ArchiveError::TooManyFiles);
        }
        let budget = MAX_UNPACKED_BYTES - self.1;
        let mut content = Vec::new();
        reader
            .take(budget + 1)
            .read_to_end(&mut content)
            .map_err(|err| ArchiveError::Corrupt(err.to_string()))?;
        if content.len() as u64 > budget {
            return Err(ArchiveError::TooLarge);
        }
        self.1 += content.len() as u64;
        self.0.insert(path, content);
        Ok(())
    }
}

/// A relative path of plain names only (no `..`, no root, no drive), with `/` separators.
fn safe_path(raw: &str) -> Result<String, ArchiveError> {
    let unsafe_path = || ArchiveError::UnsafePath(raw.to_owned());
    let mut parts = Vec::new();
    for component in Path::new(raw).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str().ok_or_else(unsafe_path)?),
            Component::CurDir => {}
            _ => return Err(unsafe_path()),
        }
    }
    if parts.is_empty() || raw.contains('\\') {
        return Err(unsafe_path());
    }
    Ok(parts.join("/"))
}

fn strip_common_folder(entries: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let top = |path: &str| path.split_once('/').map(|(top, _)| top.to_owned());
    let Some(first) = entries.keys().next().and_then(|path| top(path)) else {
        return entries;
    };
    if !entries.keys().all(|path| top(path).as_deref() == Some(first.as_str())) {
        return entries;
    }
    entries
        .into_iter()
        .map(|(path, content)| (path[first.len() + 1..].to_owned(), content))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_gz(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut builder = tar::Builder::new(encoder);
        for (path, content) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            // set_path refuses `..`; an attacker's archive would not, so write the raw name.
            header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_cksum();
            builder.append(&header, *content).expect("append");
        }
        builder.into_inner().and_then(|gz| gz.finish()).expect("finish")
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (path, content) in entries {
            writer
                .start_file(*path, zip::write::SimpleFileOptions::default())
                .expect("start");
            std::io::Write::write_all(&mut writer, content).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    #[test]
    fn a_single_top_folder_is_stripped_in_both_formats() {
        let entries: &[(&str, &[u8])] = &[("web/template.toml", b"id = 'web'"), ("web/files/README.md", b"hi")];
        for bytes in [tar_gz(entries), zip_of(entries)] {
            let files = unpack(&bytes).expect("unpacks");
            assert_eq!(files.keys().collect::<Vec<_>>(), ["files/README.md", "template.toml"]);
            assert_eq!(files["files/README.md"], b"hi");
        }
    }

    #[test]
    fn files_at_the_root_keep_their_paths() {
        let files = unpack(&zip_of(&[("template.toml", b"x"), ("files/a", b"y")])).expect("unpacks");
        assert_eq!(files.keys().collect::<Vec<_>>(), ["files/a", "template.toml"]);
    }

    #[test]
    fn paths_that_climb_out_are_refused() {
        let bad = tar_gz(&[("template.toml", b"x"), ("files/../../etc/cron.d/x", b"y")]);
        assert!(matches!(unpack(&bad), Err(ArchiveError::UnsafePath(path)) if path.contains("..")));
        let absolute = zip_of(&[("/etc/passwd", b"y")]);
        assert!(matches!(unpack(&absolute), Err(ArchiveError::UnsafePath(_))));
    }

    #[test]
    fn other_formats_and_bombs_are_refused() {
        assert_eq!(unpack(b"just text"), Err(ArchiveError::UnknownFormat));
        let big = vec![b'a'; MAX_UNPACKED_BYTES as usize + 1];
        assert_eq!(unpack(&tar_gz(&[("files/big", &big)])), Err(ArchiveError::TooLarge));
        let many: Vec<(String, Vec<u8>)> = (0..=MAX_FILES).map(|n| (format!("files/{n}"), vec![])).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(p, c)| (p.as_str(), c.as_slice())).collect();
        assert_eq!(unpack(&zip_of(&many)), Err(ArchiveError::TooManyFiles));
    }
}
