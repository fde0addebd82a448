//! lianmeng: resource matching for a city's party-building alliances (党建联盟).
//!
//! `api` speaks HTTP (JSON) and `web` serves the pages; both call only `domain`; `domain` holds the rules over sea-orm
//! connections; `db` opens and migrates the database; `demo` seeds a deterministic city.

pub mod api;
pub mod app;
pub mod cli;
pub mod config;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod domain;
pub mod error;
pub mod eval;
pub mod images;
pub mod metrics;
pub mod ops;
pub mod robots;
pub mod search;
pub mod sheets;
pub mod state;
pub mod time;
pub mod web;
pub mod workers;

pub use app::App;
pub use state::AppState;
