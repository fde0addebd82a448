//! sea-orm entities, one file per table, and the typed values their columns hold (`Tags`,
//! `values`): behaviour lives in the service crate.
//! Relations are resolved by explicit queries in `domain/`, so no `Relation` variants are declared.

pub mod alliance;
pub mod alliance_member;
pub mod audit_log;
pub mod category;
pub mod deployment;
pub mod embedding;
pub mod import_job;
pub mod match_alert;
pub mod need;
pub mod notification;
pub mod organization;
pub mod project;
pub mod project_event;
pub mod project_feedback;
pub mod project_photo;
pub mod project_resource;
pub mod region;
pub mod resource;
pub mod search_outbox;
pub mod session;
pub mod tags;
pub mod user;
pub mod values;
pub mod webhook;
pub mod webhook_delivery;
pub mod worker_cursor;

pub use tags::Tags;
