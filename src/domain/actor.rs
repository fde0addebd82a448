//! Who is acting: the logged-in user, their role and scope. Every rule checks an `Actor`.

use crate::error::{Error, Result};

pub use entity::values::Role;

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub city_id: i64,
    pub role: Role,
    pub alliance_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn require_admin(&self) -> Result<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(Error::forbidden("仅管理员可以执行此操作"))
        }
    }

    /// Admins, or the coordinator of this alliance.
    pub fn coordinates(&self, alliance_id: i64) -> bool {
        self.is_admin() || (self.role == Role::Coordinator && self.alliance_id == Some(alliance_id))
    }

    /// Admins, or a member user of this organization.
    pub fn speaks_for(&self, organization_id: i64) -> bool {
        self.is_admin()
            || (self.role == Role::Member && self.organization_id == Some(organization_id))
    }
}
