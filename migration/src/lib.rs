//! Schema migrations: one file per change, never edited once it has landed on main.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_initial;
mod m20261202_000001_project_workflow;
mod m20261202_000002_feedback;
mod m20261202_000003_review_by;
mod m20261203_000001_notifications;
mod m20261206_000001_deployment;
mod m20261206_000002_import_jobs;
mod m20261207_000001_embeddings;
mod m20261208_000001_webhook_format;
mod m20261208_000002_must_change_password;
mod m20261209_000001_project_photos;
mod m20261209_000002_robot_secret;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_initial::Migration),
            Box::new(m20261202_000001_project_workflow::Migration),
            Box::new(m20261202_000002_feedback::Migration),
            Box::new(m20261202_000003_review_by::Migration),
            Box::new(m20261203_000001_notifications::Migration),
            Box::new(m20261206_000001_deployment::Migration),
            Box::new(m20261206_000002_import_jobs::Migration),
            Box::new(m20261207_000001_embeddings::Migration),
            Box::new(m20261208_000001_webhook_format::Migration),
            Box::new(m20261208_000002_must_change_password::Migration),
            Box::new(m20261209_000001_project_photos::Migration),
            Box::new(m20261209_000002_robot_secret::Migration),
        ]
    }
}
