//! Pages of the secrets module.

mod badges;
mod delete;
mod detail;
mod edit;
mod import;
mod keys;
mod list;
mod new;
mod reveal;
mod versions;

pub use detail::SecretDetailPage;
pub use edit::EditSecretPage;
pub use import::ImportPage;
pub use keys::KeysPage;
pub use list::SecretsPage;
pub use new::NewSecretPage;

/// A primary action link or button.
const PRIMARY: &str = "inline-flex items-center justify-center gap-2 rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-wait disabled:opacity-70";
/// A secondary action.
const SECONDARY: &str = "inline-flex items-center justify-center gap-2 whitespace-nowrap rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:cursor-wait disabled:opacity-70 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";
/// A destructive action.
const DANGER: &str = "inline-flex items-center justify-center gap-2 rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:cursor-wait disabled:opacity-70 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950";
/// A select or textarea, styled like the kit's inputs.
const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-950";
