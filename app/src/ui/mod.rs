//! The UI kit shared by every page: layout, navigation, theme, cards, empty states, forms, times.

pub mod card;
pub mod code;
pub mod empty_state;
pub mod form;
pub mod icon;
pub mod layout;
pub mod nav;
pub mod page_header;
pub mod theme;
pub mod time;
