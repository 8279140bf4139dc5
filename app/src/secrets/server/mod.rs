//! Server half of secrets: values sealed with per-scope data keys under the root key, versions,
//! rotation, `.env` import, `${secret:NAME}` references, and root-key rotation.

pub mod dotenv;
mod generate;
pub mod import;
pub mod keys;
pub mod read;
pub mod references;
mod repo;
pub mod scope;
pub(crate) mod values;
pub mod write;

pub use read::Purpose;
pub use values::{rotation_status, value_aad};
