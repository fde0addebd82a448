//! Who is looking at a page: the session cookie, its CSRF token, and the forms it posts.
//!
//! A page session is a row of the same `sessions` table the API's bearer tokens use, so
//! logging out, a password reset and a disabled account end both alike. Its token travels in
//! an `HttpOnly`, `SameSite=Lax` cookie; a form's CSRF token is derived from it (a hash the
//! page carries and another site cannot read), so it needs no storage of its own.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::pages::ErrorPage;
use crate::domain::validation::text_problem;
use crate::domain::{Actor, auth};
use crate::state::AppState;

/// The cookie holding a page session's token.
pub const SESSION_COOKIE: &str = "lm_session";
/// The cookie the login form's CSRF token is checked against (there is no session yet).
pub const LOGIN_COOKIE: &str = "lm_login";

/// A logged-in visitor of the pages.
pub struct Visitor {
    pub actor: Actor,
    pub user: entity::user::Model,
    pub session: entity::session::Model,
    /// What every form of this session carries as `_csrf`.
    pub csrf: String,
}

impl Visitor {
    /// True when a form's `_csrf` is this session's token.
    pub fn csrf_matches(&self, sent: &str) -> bool {
        same(sent.trim(), &self.csrf)
    }
}

/// The CSRF token of a session: its token hashed under a label of its own, so the page can
/// carry it without carrying the session's key.
fn csrf_of(token: &str) -> String {
    let digest = Sha256::digest(format!("lianmeng-csrf\0{token}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..24])
}

/// Compares two tokens in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A fresh random token (for the login form's CSRF cookie).
pub fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `Set-Cookie` for `name`: `max_age` seconds (0 removes it), HttpOnly, SameSite=Lax, and
/// Secure when the service is reached over TLS.
pub fn set_cookie(
    state: &AppState,
    parts: &HeaderMap,
    name: &str,
    value: &str,
    max_age: u64,
) -> String {
    let secure = state.config.secure_cookies
        || parts
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Where a visitor without a session is sent: the login page, which brings them back.
fn to_login(parts: &Parts) -> Response {
    let back = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .filter(|p| *p != "/")
        .unwrap_or("");
    if back.is_empty() || parts.method != axum::http::Method::GET {
        Redirect::to("/login").into_response()
    } else {
        let next: String = form_urlencoded::byte_serialize(back.as_bytes()).collect();
        Redirect::to(&format!("/login?next={next}")).into_response()
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login(parts));
        };
        let Ok((session, user)) = auth::authenticate(state.read(), &token).await else {
            return Err(to_login(parts));
        };
        let actor = auth::actor_of(&user, request_id(&parts.headers))
            .map_err(|e| ErrorPage::from(e).into_response())?;
        // An initial password is replaced before anything else is done.
        let path = parts.uri.path();
        if user.must_change_password && path != "/password" && path != "/logout" {
            return Err(Redirect::to("/password").into_response());
        }
        // Keeping the session alive is not worth failing the page for (the database busy
        // with a long write): the next request, a minute on, tries again.
        if let Err(e) = auth::touch(
            &state.db.write,
            &session,
            state.config.web_idle,
            state.config.token_ttl,
        )
        .await
        {
            tracing::warn!(error = %e, session = session.id, "page session not extended");
        }
        Ok(Visitor {
            actor,
            user,
            session,
            csrf: csrf_of(&token),
        })
    }
}

pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A posted form's fields, in order (a field may repeat: several ticked boxes).
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    fn parse(body: &[u8]) -> Fields {
        Fields(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The field's value, trimmed; empty when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value sent under `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// Refuses text no field may hold (control or direction-changing characters), naming
    /// every field that holds it, as a JSON body's text is refused.
    pub fn acceptable(&self) -> crate::error::Result<()> {
        let problems: Vec<crate::error::FieldError> = self
            .0
            .iter()
            .filter_map(|(k, v)| {
                text_problem(v).map(|p| crate::error::FieldError {
                    field: k.clone(),
                    message: p.to_owned(),
                })
            })
            .collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(crate::error::Error::Validation(problems))
        }
    }
}

/// A form posted by a logged-in visitor, its CSRF token checked: a post without the token of
/// this session (another site's form, an old page after logging in again) is refused with
/// 403 and changes nothing.
pub struct Posted {
    pub visitor: Visitor,
    pub fields: Fields,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let fields = read_form(parts, body, state).await?;
        if !visitor.csrf_matches(fields.get("_csrf")) {
            return Err(ErrorPage::stale_form().into_response());
        }
        Ok(Posted { visitor, fields })
    }
}

/// A multipart form (a file upload) posted by a logged-in visitor, its CSRF token checked as
/// [`Posted`]'s is. Its files are read whole (within the route's body limit); an upload cut
/// short or over the limit is reported in `problem`, for the page to say so beside the form.
pub struct Uploaded {
    pub visitor: Visitor,
    pub fields: Fields,
    /// The non-empty files, in order.
    pub files: Vec<UploadedFile>,
    pub problem: Option<UploadProblem>,
}

pub struct UploadedFile {
    pub field: String,
    /// The name the browser gave it, if any.
    pub name: Option<String>,
    pub bytes: Bytes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadProblem {
    /// Over the route's body limit.
    TooLarge,
    /// Cut short or malformed.
    Broken,
}

impl Uploaded {
    /// The first file sent under `field`.
    pub fn file(&self, field: &str) -> Option<&UploadedFile> {
        self.files.iter().find(|f| f.field == field)
    }
}

impl FromRequest<AppState> for Uploaded {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        use axum::extract::Multipart;
        let (mut parts, body) = req.into_parts();
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        if foreign_origin(&parts.headers) {
            return Err(ErrorPage::stale_form().into_response());
        }
        let req = Request::from_parts(parts, body);
        let Ok(mut form) = Multipart::from_request(req, state).await else {
            return Err(ErrorPage::new(
                axum::http::StatusCode::BAD_REQUEST,
                "请从页面上的表单上传文件",
            )
            .into_response());
        };
        let (mut fields, mut files, mut problem) = (Vec::new(), Vec::new(), None);
        loop {
            let field = match form.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => {
                    problem = Some(UploadProblem::of(&e));
                    break;
                }
            };
            let name = field.name().unwrap_or("").to_owned();
            if let Some(file_name) = field.file_name() {
                let file_name = Some(file_name.to_owned()).filter(|n| !n.is_empty());
                match field.bytes().await {
                    Ok(bytes) if !bytes.is_empty() => files.push(UploadedFile {
                        field: name,
                        name: file_name,
                        bytes,
                    }),
                    Ok(_) => {}
                    Err(e) => {
                        problem = Some(UploadProblem::of(&e));
                        break;
                    }
                }
            } else {
                match field.text().await {
                    Ok(t) => fields.push((name, t)),
                    Err(e) => {
                        problem = Some(UploadProblem::of(&e));
                        break;
                    }
                }
            }
        }
        let fields = Fields(fields);
        if !visitor.csrf_matches(fields.get("_csrf")) {
            return Err(ErrorPage::stale_form().into_response());
        }
        Ok(Uploaded {
            visitor,
            fields,
            files,
            problem,
        })
    }
}

impl UploadProblem {
    fn of(e: &axum::extract::multipart::MultipartError) -> Self {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            UploadProblem::TooLarge
        } else {
            UploadProblem::Broken
        }
    }

    /// What the page says, given the route's limit in words.
    pub fn message(self, limit: &str) -> String {
        match self {
            UploadProblem::TooLarge => format!("上传的文件合计不能超过 {limit}"),
            UploadProblem::Broken => "上传没有完成，请重新选择文件上传".to_owned(),
        }
    }
}

/// The login form: its CSRF token is checked against the `lm_login` cookie its page set.
pub struct LoginPost {
    pub fields: Fields,
    pub headers: HeaderMap,
}

impl FromRequest<AppState> for LoginPost {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let headers = parts.headers.clone();
        let fields = read_form(parts, body, state).await?;
        let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
        if expected.is_empty() || !same(fields.get("_csrf"), &expected) {
            return Err(ErrorPage::stale_form().into_response());
        }
        Ok(LoginPost { fields, headers })
    }
}

/// True when a post names another site's page as its origin (`Origin` of another host).
pub fn foreign_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    host.is_none() || origin_host != host
}

/// Reads an urlencoded body, refusing a post another site's page sent and anything but a
/// form.
async fn read_form(
    parts: Parts,
    body: axum::body::Body,
    state: &AppState,
) -> Result<Fields, Response> {
    if foreign_origin(&parts.headers) {
        return Err(ErrorPage::stale_form().into_response());
    }
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(ErrorPage::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "无法识别提交的内容，请从页面上的表单提交",
        )
        .into_response());
    }
    let req = Request::from_parts(parts, body);
    let bytes = Bytes::from_request(req, state).await.map_err(|_| {
        ErrorPage::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "提交的内容过长，请删减后再试",
        )
        .into_response()
    })?;
    Ok(Fields::parse(&bytes))
}
