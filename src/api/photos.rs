//! 晒单 over HTTP: a project's photos, uploaded as a multipart form, served as JPEG.

use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::error::Problem;
use super::extract::{Auth, Path, Query};
use super::views::PhotoView;
use crate::domain::projects::photos::{self, PhotoInfo, Size};
use crate::error::{Error, Result};
use crate::images;
use crate::state::AppState;

/// The largest upload of photos at once (several photos of a phone, each at most 10 MB).
pub(crate) const MAX_UPLOAD: usize = 40 * 1024 * 1024;
/// The most photos in one upload.
pub(crate) const MAX_AT_ONCE: usize = 9;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_photos, upload_photos))
        .routes(routes!(get_photo, delete_photo))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD))
}

/// The multipart form of a photo upload.
#[derive(ToSchema)]
#[allow(dead_code)]
struct PhotoForm {
    /// One to nine JPEG or PNG files, each at most 10 MB (the field repeats).
    #[schema(format = Binary, content_media_type = "image/jpeg")]
    photo: Vec<u8>,
    /// At most 60 characters, for all the photos of this upload.
    caption: Option<String>,
}

/// A project's photos, oldest first: everyone who may read the project.
#[utoipa::path(get, path = "/projects/{id}/photos", tag = "projects", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PhotoView>), (status = 404, body = Problem)))]
async fn list_photos(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> Result<axum::Json<Vec<PhotoView>>> {
    let rows = photos::list(state.read(), auth.actor.city_id, id).await?;
    Ok(axum::Json(
        PhotoView::many(state.read(), "/api/v1", rows).await?,
    ))
}

/// Add photos of the work (晒单) to a project in progress or completed: the need's
/// coordinators and the units whose resources it joins. Each file is checked by its content
/// (JPEG or PNG), re-encoded without its EXIF (turned by its orientation first) and given a
/// thumbnail; on any refusal none is kept. At most 20 photos per project.
#[utoipa::path(post, path = "/projects/{id}/photos", tag = "projects", params(("id" = i64, Path)),
    request_body(content = PhotoForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Vec<PhotoView>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn upload_photos(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    form: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Response> {
    let mut form = form.map_err(|_| {
        Error::BadRequest(
            "请以 multipart/form-data 表单上传照片（请求缺少表单或其分隔符 boundary）".into(),
        )
    })?;
    let (mut files, mut caption) = (Vec::new(), None);
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        match field.name().unwrap_or("") {
            "photo" => files.push(field.bytes().await.map_err(unreadable)?),
            "caption" => caption = Some(field.text().await.map_err(unreadable)?),
            other => {
                return Err(Error::field(
                    other,
                    "未知的表单字段（只接受 photo 和 caption）",
                ));
            }
        }
    }
    let added = save(&state, &auth.actor, id, files, caption.as_deref()).await?;
    let views = PhotoView::many(state.read(), "/api/v1", added).await?;
    Ok((StatusCode::CREATED, axum::Json(views)).into_response())
}

fn unreadable(e: MultipartError) -> Error {
    super::extract::unreadable_form(e, "一次上传的照片合计不能超过 40 MB，请分几次上传")
}

/// Checks and keeps an upload's photos (the API's and the project page's): the caption and
/// the count first, then every file decoded off the async threads, then all kept in one
/// transaction.
pub(crate) async fn save(
    state: &AppState,
    actor: &crate::domain::Actor,
    project_id: i64,
    files: Vec<axum::body::Bytes>,
    caption: Option<&str>,
) -> Result<Vec<PhotoInfo>> {
    let caption = photos::caption(caption)?;
    let files: Vec<_> = files.into_iter().filter(|f| !f.is_empty()).collect();
    if files.len() > MAX_AT_ONCE {
        return Err(Error::field(
            "photo",
            format!("一次最多上传 {MAX_AT_ONCE} 张照片"),
        ));
    }
    // Refused before any decoding when the visitor may not add photos here at all.
    photos::check_may_add(state.read(), actor, project_id).await?;
    let several = files.len() > 1;
    let mut prepared = Vec::with_capacity(files.len());
    for (i, f) in files.into_iter().enumerate() {
        match images::prepare_off_thread(f).await {
            Ok(p) => prepared.push(p),
            Err(Error::Validation(mut problems)) if several => {
                for p in &mut problems {
                    p.message = format!("第 {} 张：{}", i + 1, p.message);
                }
                return Err(Error::Validation(problems));
            }
            Err(e) => return Err(e),
        }
    }
    let tx = state.db.begin().await?;
    let added = photos::add(&tx, actor, project_id, prepared, &caption).await?;
    state.commit(tx).await?;
    Ok(added)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PhotoSize {
    /// `thumb` for the thumbnail (at most 360 px); left out, the photo.
    pub size: Option<String>,
}

/// One photo as JPEG (`?size=thumb` for its thumbnail).
#[utoipa::path(get, path = "/projects/{id}/photos/{photo_id}", tag = "projects",
    params(("id" = i64, Path), ("photo_id" = i64, Path), PhotoSize),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 404, body = Problem)))]
async fn get_photo(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, photo_id)): Path<(i64, i64)>,
    Query(q): Query<PhotoSize>,
    headers: HeaderMap,
) -> Result<Response> {
    serve(&state, auth.actor.city_id, id, photo_id, &q, &headers).await
}

/// A photo's bytes as an answer, cached by the browser (a photo never changes under its
/// address; its `ETag` is the upload's digest).
pub(crate) async fn serve(
    state: &AppState,
    city_id: i64,
    project_id: i64,
    photo_id: i64,
    q: &PhotoSize,
    headers: &HeaderMap,
) -> Result<Response> {
    let size = match q.size.as_deref() {
        None | Some("" | "full") => Size::Full,
        Some("thumb") => Size::Thumb,
        Some(_) => return Err(Error::field("size", "只能是 thumb 或 full")),
    };
    let (sha256, bytes) = photos::image(state.read(), city_id, project_id, photo_id, size).await?;
    let tag = format!(
        "\"{}-{}\"",
        &sha256[..16],
        if size == Size::Thumb { "t" } else { "f" }
    );
    let cache = [
        (header::ETAG, tag.clone()),
        (header::CACHE_CONTROL, "private, max-age=86400".to_owned()),
    ];
    let seen = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    if seen {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((
        [(header::CONTENT_TYPE, "image/jpeg".to_owned())],
        cache,
        bytes,
    )
        .into_response())
}

/// Remove a photo: its uploader, the alliance's coordinators, or admins.
#[utoipa::path(delete, path = "/projects/{id}/photos/{photo_id}", tag = "projects",
    params(("id" = i64, Path), ("photo_id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn delete_photo(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> Result<StatusCode> {
    let tx = state.db.begin().await?;
    photos::remove(&tx, &auth.actor, id, photo_id).await?;
    state.commit(tx).await?;
    Ok(StatusCode::NO_CONTENT)
}
