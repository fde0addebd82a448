//! Who is acting: the logged-in user, their role and scope. Every rule checks an `Actor`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// City administrator: regions, categories, users; may do anything.
    Admin,
    /// Street or community coordinator, scoped to one alliance.
    Coordinator,
    /// A member unit's user, scoped to one organization.
    Member,
    /// Reviews project lists; reads everything.
    Reviewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Member => "member",
            Role::Reviewer => "reviewer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Role::Admin),
            "coordinator" => Some(Role::Coordinator),
            "member" => Some(Role::Member),
            "reviewer" => Some(Role::Reviewer),
            _ => None,
        }
    }
}

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
