//! Integration tests: user stories over HTTP through the real router, each on SQLite and on
//! PostgreSQL (when LIANMENG_TEST_PG_URL is set).

mod common;

mod authorization;
mod backup;
mod cli;
mod concurrency;
mod demo;
mod duplicates;
mod evaluation;
mod expiry;
mod import_jobs;
mod index_repair;
mod lessons;
mod lists;
mod malformed;
mod match_plan;
mod matching;
mod migrate_data;
mod notifications;
mod offer_groups;
mod outbox;
mod pages;
mod pagination;
mod photos;
mod projects;
mod regions;
mod reporting;
mod sessions;
mod spreadsheet_bombs;
mod spreadsheets;
mod system;
mod users;
mod validation;
