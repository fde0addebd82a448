pub const PASSWORD: &str = "lianmeng2026";
pub struct Login {
    pub username: String,
    pub description: String,
}
pub async fn seed(
    _db: &crate::db::Db,
    _c: &crate::config::Config,
) -> crate::error::Result<Option<Vec<Login>>> {
    Ok(None)
}
