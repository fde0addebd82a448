//! 修改密码 (everyone; required at the first login with an initial password) and 用户 (admins:
//! the city's accounts, and accounts made in bulk from a sheet, their initial passwords shown
//! once).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use super::forms::{Filters, Messages, answer_form};
use super::pages::{self, Chrome, ErrorPage, PageResult};
use super::session::{Posted, Uploaded, Visitor};
use crate::api::auth::change_own_password;
use crate::api::extract::ClientIp;
use crate::api::spreadsheets::read_sheet;
use crate::api::views::UserView;
use crate::domain::accounts::{self, Made};
use crate::domain::spreadsheets::RowProblem;
use crate::domain::users::{self, PasswordHash};
use crate::domain::{PageParams, lookup};
use crate::error::Error;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    required: bool,
    errors: Messages,
    done: bool,
}

pub async fn password_form(
    State(state): State<AppState>,
    v: Visitor,
    RawQuery(q): RawQuery,
) -> PageResult {
    let page = PasswordPage {
        chrome: Chrome::of(&state, &v, "/password").await?,
        required: v.user.must_change_password,
        errors: Messages::default(),
        done: Filters::parse(q.as_deref()).get("done") == "1",
    };
    Ok(pages::render(&page))
}

pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let new = f
        .all("new_password")
        .first()
        .copied()
        .unwrap_or("")
        .to_owned();
    let again = f
        .all("confirm_password")
        .first()
        .copied()
        .unwrap_or("")
        .to_owned();
    let current = f
        .all("current_password")
        .first()
        .copied()
        .unwrap_or("")
        .to_owned();
    let outcome = async {
        if new != again {
            return Err(Error::field("confirm_password", "两次输入的新密码不一致"));
        }
        let who = (&v.actor, &v.user, v.session.id);
        change_own_password(&state, who, ip, &current, &new).await
    }
    .await;
    answer_form(
        outcome,
        |()| "/password?done=1".into(),
        |problems| async {
            Ok(PasswordPage {
                chrome: Chrome::of(&state, v, "/password").await?,
                required: v.user.must_change_password,
                errors: Messages::of(problems, &[]),
                done: false,
            })
        },
    )
    .await
}

/// A user as the admin's list shows them.
pub struct UserRow {
    pub view: UserView,
    pub role: &'static str,
    pub scope: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<UserRow>,
    total: u64,
    prev: Option<String>,
    next: Option<String>,
    made: Vec<(String, String, String)>,
    /// The initial passwords as a CSV file, in the page itself (they are kept nowhere else).
    made_csv: String,
    problems: Vec<RowProblem>,
    error: Option<String>,
    headers: String,
}

async fn users_page(state: &AppState, v: &Visitor, page: u64) -> Result<UsersPage, Error> {
    let db = state.read();
    let params = PageParams {
        page: Some(page),
        per_page: Some(50),
    };
    let found = users::list(db, &v.actor, params).await?;
    let alliances = lookup::alliances(db, found.items.iter().filter_map(|u| u.alliance_id)).await?;
    let units =
        lookup::organization_names(db, found.items.iter().filter_map(|u| u.organization_id))
            .await?;
    let pages = found.total.div_ceil(50).max(1);
    let rows = found
        .items
        .into_iter()
        .map(|u| {
            let scope = match (u.alliance_id, u.organization_id) {
                (Some(a), _) => alliances
                    .get(&a)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                (_, Some(o)) => units.get(&o).cloned().unwrap_or_default(),
                _ => String::new(),
            };
            UserRow {
                role: u.role.label(),
                scope,
                view: u.into(),
            }
        })
        .collect();
    let f = Filters::parse(Some(&format!("page={page}")));
    Ok(UsersPage {
        chrome: Chrome::of(state, v, "/users").await?,
        rows,
        total: found.total,
        prev: (page > 1).then(|| f.with_page(page - 1)),
        next: (page < pages).then(|| f.with_page(page + 1)),
        made: Vec::new(),
        made_csv: String::new(),
        problems: Vec::new(),
        error: None,
        headers: accounts::HEADERS.join("、"),
    })
}

/// 用户: an admin's page.
pub async fn users(State(state): State<AppState>, v: Visitor, RawQuery(q): RawQuery) -> PageResult {
    v.actor.require_admin()?;
    let page = Filters::parse(q.as_deref()).page();
    Ok(pages::render(&users_page(&state, &v, page).await?))
}

/// Makes the accounts of an uploaded sheet, and shows their initial passwords once.
pub async fn bulk(State(state): State<AppState>, up: Uploaded) -> Response {
    let v = &up.visitor;
    let file = up.file("file").map(|f| f.bytes.clone());
    let unreadable = up.problem.map(|p| p.message("20 MiB"));
    let outcome = async {
        v.actor.require_admin()?;
        if let Some(m) = unreadable {
            return Err(Error::field("file", m));
        }
        let file = file.ok_or_else(|| Error::field("file", "请选择账号表格（CSV 或 XLSX）"))?;
        let table = read_sheet(file).await?;
        let initial = accounts::initial_passwords(&v.actor, &table).await?;
        let tx = state.db.begin().await?;
        match accounts::create_from_sheet(&tx, &v.actor, &table, initial).await? {
            Ok(made) => {
                state.commit(tx).await?;
                Ok(Ok(made))
            }
            Err(problems) => Ok(Err(problems)),
        }
    }
    .await;
    let render = |page: Result<UsersPage, Error>, status: StatusCode| match page {
        Ok(p) => pages::render_with(status, &p),
        Err(e) => ErrorPage::from(e).into_response(),
    };
    match outcome {
        Ok(Ok(made)) => {
            let page = users_page(&state, v, 1).await.map(|mut p| {
                p.made_csv = passwords_csv(&made);
                p.made = made
                    .into_iter()
                    .map(|m| (m.user.username, m.user.display_name, m.password))
                    .collect();
                p
            });
            render(page, StatusCode::CREATED)
        }
        Ok(Err(problems)) => {
            let page = users_page(&state, v, 1).await.map(|mut p| {
                p.problems = problems;
                p
            });
            render(page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e @ (Error::Validation(_) | Error::Unavailable(_))) => {
            let message = ErrorPage::from(e).message;
            let page = users_page(&state, v, 1).await.map(|mut p| {
                p.error = Some(message);
                p
            });
            render(page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => ErrorPage::from(e).into_response(),
    }
}

/// The made accounts and their initial passwords as a `data:` address of a CSV file, so the
/// admin can save them from the page without the server keeping them anywhere.
fn passwords_csv(made: &[Made]) -> String {
    let rows: Vec<Vec<String>> = made
        .iter()
        .map(|m| {
            vec![
                m.user.username.clone(),
                m.user.display_name.clone(),
                m.password.clone(),
            ]
        })
        .collect();
    let csv = crate::sheets::write_csv(&["用户名", "姓名", "初始密码"], &rows);
    format!(
        "data:text/csv;charset=utf-8;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(csv)
    )
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    chrome: Chrome,
    user: UserRow,
    /// The admin's own account cannot be disabled from here.
    own: bool,
    display_name: String,
    errors: Messages,
    /// A password just reset: shown this once.
    reset: Option<String>,
    done: Option<&'static str>,
}

impl UserPage {
    fn error(&self, field: &str) -> &str {
        self.errors.get(field)
    }
}

async fn user_page(state: &AppState, v: &Visitor, id: i64) -> Result<UserPage, Error> {
    let db = state.read();
    let u = users::get(db, &v.actor, id).await?;
    let scope = match (u.alliance_id, u.organization_id) {
        (Some(a), _) => lookup::alliances(db, [a])
            .await?
            .remove(&a)
            .map(|a| a.name)
            .unwrap_or_default(),
        (_, Some(o)) => lookup::organization_names(db, [o])
            .await?
            .remove(&o)
            .unwrap_or_default(),
        _ => String::new(),
    };
    Ok(UserPage {
        chrome: Chrome::of(state, v, "/users").await?,
        own: u.id == v.actor.user_id,
        display_name: u.display_name.clone(),
        user: UserRow {
            role: u.role.label(),
            scope,
            view: u.into(),
        },
        errors: Messages::default(),
        reset: None,
        done: None,
    })
}

/// One account: its name, disabling or enabling it, and a password reset.
pub async fn user(
    State(state): State<AppState>,
    v: Visitor,
    axum::extract::Path(id): axum::extract::Path<i64>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let mut page = user_page(&state, &v, id).await?;
    page.done = match Filters::parse(q.as_deref()).get("done") {
        "name" => Some("姓名已保存。"),
        "disabled" => Some("账号已停用，该用户的所有登录已退出。"),
        "enabled" => Some("账号已启用。"),
        _ => None,
    };
    Ok(pages::render(&page))
}

/// Changes an account: `action` is `name` (with `display_name`), `disable`, `enable` or
/// `reset` (a new initial password, shown once; the user must replace it at the next login).
pub async fn change_user(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<i64>,
    post: Posted,
) -> PageResult {
    let v = &post.visitor;
    let f = &post.fields;
    let action = f.get("action");
    let mut reset = None;
    let outcome = async {
        f.acceptable()?;
        let mut patch = users::UserPatch::default();
        let mut hash = None;
        match action {
            "name" => patch.display_name = Some(f.get("display_name").to_owned()),
            "disable" => patch.disabled = Some(true),
            "enable" => patch.disabled = Some(false),
            "reset" => {
                let password = accounts::initial_password();
                hash = PasswordHash::of(Some(&password)).await?;
                patch.password = Some(password.clone());
                patch.must_change_password = Some(true);
                reset = Some(password);
            }
            _ => return Err(Error::BadRequest("未知的操作".into())),
        }
        let tx = state.db.begin().await?;
        users::update(&tx, &v.actor, id, patch, hash).await?;
        state.commit(tx).await
    }
    .await;
    match outcome {
        Ok(()) if reset.is_some() => {
            // Rendered, not redirected: the password is never in an address or a history.
            let mut page = user_page(&state, v, id).await?;
            page.reset = reset;
            Ok(pages::render(&page))
        }
        Ok(()) => {
            let done = match action {
                "disable" => "disabled",
                "enable" => "enabled",
                _ => "name",
            };
            Ok(pages::see_other(&format!("/users/{id}?done={done}")))
        }
        Err(Error::Validation(problems)) => {
            let mut page = user_page(&state, v, id).await?;
            page.display_name = f.get("display_name").to_owned();
            page.errors = Messages::of(problems, &[]);
            Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}
