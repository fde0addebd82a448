//! Accounts made in bulk from a sheet (admins): 400 alliances and hundreds of units are not
//! typed in one by one. Each row is created as `users::create` creates one account, with a
//! random initial password that its owner must replace at the first login; the passwords are
//! shown once, to the admin who made them. Nothing is kept unless every row is good.

use std::collections::HashMap;

use rand::Rng;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::spreadsheets::RowProblem;
use super::users::{self, NewUser, PasswordHash};
use super::{Actor, Role};
use crate::error::{Error, Result};
use crate::sheets::Table;
use entity::{alliance, organization, user};

/// The columns a sheet of accounts has; 所属联盟 for coordinators, 所属单位 for members.
pub const HEADERS: [&str; 5] = ["用户名", "姓名", "角色", "所属联盟", "所属单位"];

/// At most this many accounts per sheet: each password is hashed at full cost.
pub const MAX_ROWS: usize = 500;

/// An account made, with its initial password (shown once).
pub struct Made {
    pub user: user::Model,
    pub password: String,
}

/// A password of 12 characters none of which can be mistaken for another when read aloud or
/// copied from paper (no 0/O, 1/l/I).
pub fn initial_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A role as a sheet writes it: its Chinese label or its stored word.
fn role_of(text: &str) -> Option<Role> {
    Role::ALL
        .iter()
        .copied()
        .find(|r| r.label() == text || r.as_str() == text)
}

/// The column of a field of [`NewUser`], as the sheet names it.
fn column_of(field: &str) -> &'static str {
    match field {
        "username" => "用户名",
        "display_name" => "姓名",
        "role" => "角色",
        "alliance_id" => "所属联盟",
        "organization_id" => "所属单位",
        "password" => "初始密码",
        _ => "整行",
    }
}

/// An initial password and its hash, made before the write transaction: hashing hundreds
/// at full cost takes seconds, which must not hold the city's writes.
pub struct Initial {
    password: String,
    hash: PasswordHash,
}

/// The initial passwords of a sheet's rows (admins; at most [`MAX_ROWS`]).
pub async fn initial_passwords(actor: &Actor, table: &Table) -> Result<Vec<Initial>> {
    actor.require_admin()?;
    if table.rows.len() > MAX_ROWS {
        return Err(Error::field(
            "file",
            format!("一次最多导入 {MAX_ROWS} 个账号，请分成几份"),
        ));
    }
    // A sheet without its headers is refused by `create_from_sheet` before any row is read:
    // no password of it is worth the cost of a hash.
    if missing_headers(table).next().is_some() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(table.rows.len());
    for _ in &table.rows {
        let password = initial_password();
        let hash = PasswordHash(users::hash_password_off_thread(&password).await?);
        out.push(Initial { password, hash });
    }
    Ok(out)
}

/// The required columns (用户名, 姓名, 角色) the sheet lacks.
fn missing_headers(table: &Table) -> impl Iterator<Item = &'static str> + '_ {
    HEADERS[..3]
        .iter()
        .copied()
        .filter(|h| table.column(h).is_none())
}

/// Creates every account of the sheet in `db` (a transaction), each with its row's initial
/// password from [`initial_passwords`], or reports every problem by row and column; the
/// caller commits only on `Ok(Ok(_))`.
pub async fn create_from_sheet(
    db: &impl ConnectionTrait,
    actor: &Actor,
    table: &Table,
    initial: Vec<Initial>,
) -> Result<std::result::Result<Vec<Made>, Vec<RowProblem>>> {
    actor.require_admin()?;
    let missing: Vec<RowProblem> = missing_headers(table)
        .map(|h| RowProblem {
            row: 1,
            column: (*h).to_owned(),
            message: format!("缺少「{h}」列（表头应为：{}）", HEADERS.join("、")),
        })
        .collect();
    if !missing.is_empty() {
        return Ok(Err(missing));
    }
    if initial.len() != table.rows.len() {
        return Err(Error::Internal(anyhow::anyhow!(
            "one initial password per row"
        )));
    }
    let alliances: HashMap<String, i64> = alliance::Entity::find()
        .filter(alliance::Column::CityId.eq(actor.city_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.name, a.id))
        .collect();
    let units: HashMap<String, i64> = organization::Entity::find()
        .filter(organization::Column::CityId.eq(actor.city_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.name, o.id))
        .collect();
    let cell = |cells: &[String], header: &str| -> String {
        table
            .column(header)
            .and_then(|i| cells.get(i))
            .map(|c| c.trim().to_owned())
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    let mut made = Vec::new();
    for ((row, cells), initial) in table.rows.iter().zip(initial) {
        let mut here = |column: &str, message: String| {
            problems.push(RowProblem {
                row: *row,
                column: column.to_owned(),
                message,
            })
        };
        let role_text = cell(cells, "角色");
        let role = role_of(&role_text);
        if role.is_none() && !role_text.is_empty() {
            let labels: Vec<&str> = Role::ALL.iter().map(|r| r.label()).collect();
            here("角色", format!("角色应为：{}", labels.join("、")));
            continue;
        }
        let named = |text: String, names: &HashMap<String, i64>, what: &str, column: &str| {
            if text.is_empty() {
                Ok(None)
            } else {
                names
                    .get(&text)
                    .map(|id| Some(*id))
                    .ok_or_else(|| (column.to_owned(), format!("没有名为「{text}」的{what}")))
            }
        };
        let alliance = named(cell(cells, "所属联盟"), &alliances, "联盟", "所属联盟");
        let unit = named(cell(cells, "所属单位"), &units, "成员单位", "所属单位");
        let (alliance_id, organization_id) = match (alliance, unit) {
            (Ok(a), Ok(u)) => (a, u),
            (Err((column, message)), _) | (_, Err((column, message))) => {
                here(&column, message);
                continue;
            }
        };
        let Initial { password, hash } = initial;
        let input = NewUser {
            username: Some(cell(cells, "用户名")).filter(|u| !u.is_empty()),
            password: Some(password.clone()),
            display_name: Some(cell(cells, "姓名")).filter(|n| !n.is_empty()),
            role,
            alliance_id,
            organization_id,
            must_change_password: true,
        };
        match users::create(db, Some(actor), actor.city_id, input, Some(hash)).await {
            Ok(user) => made.push(Made { user, password }),
            Err(Error::Validation(found)) => {
                for p in found {
                    here(column_of(&p.field), p.message);
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(if problems.is_empty() {
        Ok(made)
    } else {
        Err(problems)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_passwords_are_long_unambiguous_and_accepted() {
        for _ in 0..50 {
            let p = initial_password();
            assert_eq!(p.chars().count(), 12);
            assert!(!p.contains(['0', 'O', '1', 'l', 'I']));
            assert_eq!(super::super::passwords::problem(&p, &[]), None, "{p}");
        }
    }

    #[test]
    fn roles_are_read_by_label_or_word() {
        assert_eq!(role_of("协调员"), Some(Role::Coordinator));
        assert_eq!(role_of("member"), Some(Role::Member));
        assert_eq!(role_of("书记"), None);
    }
}
