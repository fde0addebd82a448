//! The endpoints the two lists (资源清单, 需求清单) share, written once: list, post, read,
//! edit, move the status, remove and confirm (复核). Each list's module invokes
//! [`list_endpoints!`] with what differs — its names, types, paths and the sentences of its
//! documentation — and the domain's life cycle (`domain::lists`) does the rest.

/// Declares a list's handlers and its `router()`. The handlers open the transaction, call the
/// list's domain functions, commit, and answer the entry's view with its version as `ETag`.
macro_rules! list_endpoints {
    (
        entry: $entry:ty,
        domain: $domain:ident,
        view: $view:ident,
        new: $new:ident,
        patch: $patch:ident,
        filter: $filter:ident,
        status_change: $change:ident,
        tag: $tag:tt,
        paths: ($all:tt, $one:tt, $status_path:tt, $confirm_path:tt),
        list: ($list:ident, $list_doc:tt, [$($list_extra:tt)*]),
        create: ($create:ident, $create_doc:tt, $duplicate:tt),
        get: ($get:ident, $get_doc:tt),
        update: ($update:ident, $update_doc:tt),
        status: ($status:ident, $status_doc:tt),
        delete: ($delete:ident, $delete_doc:tt),
        confirm: ($confirm:ident, $confirm_doc:tt $(,)?) $(,)?
    ) => {
        use axum::extract::State;
        use axum::http::StatusCode;
        use axum::response::IntoResponse;
        use utoipa_axum::{router::OpenApiRouter, routes};

        use super::error::Problem;
        use super::extract::{Auth, IfMatch, Json, Path, Query, etag};
        use super::views::$view;
        use crate::domain::$domain::{self, $change, $filter, $new, $patch};
        use crate::domain::{Page, PageParams, lists};
        use crate::error::Result;
        use crate::state::AppState;

        pub fn router() -> OpenApiRouter<AppState> {
            OpenApiRouter::new()
                .routes(routes!($list, $create))
                .routes(routes!($get, $update, $delete))
                .routes(routes!($status))
                .routes(routes!($confirm))
        }

        /// The answer to a write: the entry as it now is, with its version as `ETag`.
        async fn written(state: &AppState, row: $entry) -> Result<impl IntoResponse + use<>> {
            Ok((etag(row.version), axum::Json($view::one(state.read(), row).await?)))
        }

        #[doc = $list_doc]
        #[utoipa::path(get, path = $all, tag = $tag, params($filter, PageParams),
            responses((status = 200, body = Page<$view>), (status = 401, body = Problem) $($list_extra)*))]
        async fn $list(
            State(state): State<AppState>,
            auth: Auth,
            Query(f): Query<$filter>,
            Query(page): Query<PageParams>,
        ) -> Result<axum::Json<Page<$view>>> {
            let mut p = $domain::list(state.read(), &auth.actor, &f, page).await?;
            let items = $view::many(state.read(), std::mem::take(&mut p.items)).await?;
            Ok(axum::Json(p.with_items(items)))
        }

        #[doc = $create_doc]
        #[utoipa::path(post, path = $all, tag = $tag, request_body = $new,
            responses((status = 201, body = $view), (status = 403, body = Problem), (status = 409, description = $duplicate, body = Problem), (status = 422, body = Problem)))]
        async fn $create(
            State(state): State<AppState>,
            auth: Auth,
            Json(b): Json<$new>,
        ) -> Result<impl IntoResponse> {
            let tx = state.db.begin().await?;
            let row = $domain::create(&tx, &auth.actor, b).await?;
            state.commit(tx).await?;
            Ok((StatusCode::CREATED, written(&state, row).await?))
        }

        #[doc = $get_doc]
        #[utoipa::path(get, path = $one, tag = $tag, params(("id" = i64, Path)),
            responses((status = 200, body = $view), (status = 404, body = Problem)))]
        async fn $get(
            State(state): State<AppState>,
            auth: Auth,
            Path(id): Path<i64>,
        ) -> Result<impl IntoResponse> {
            let row = $domain::get(state.read(), auth.actor.city_id, id).await?;
            written(&state, row).await
        }

        #[doc = $update_doc]
        #[utoipa::path(patch, path = $one, tag = $tag, params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = $patch,
            responses((status = 200, body = $view), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
        async fn $update(
            State(state): State<AppState>,
            auth: Auth,
            Path(id): Path<i64>,
            IfMatch(v): IfMatch,
            Json(b): Json<$patch>,
        ) -> Result<impl IntoResponse> {
            let tx = state.db.begin().await?;
            let row = $domain::update(&tx, &auth.actor, id, v, b).await?;
            state.commit(tx).await?;
            written(&state, row).await
        }

        #[doc = $status_doc]
        #[utoipa::path(post, path = $status_path, tag = $tag, params(("id" = i64, Path), ("If-Match" = Option<String>, Header)), request_body = $change,
            responses((status = 200, body = $view), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
        async fn $status(
            State(state): State<AppState>,
            auth: Auth,
            Path(id): Path<i64>,
            IfMatch(v): IfMatch,
            Json(b): Json<$change>,
        ) -> Result<impl IntoResponse> {
            let tx = state.db.begin().await?;
            let row = $domain::change_status(&tx, &auth.actor, id, v, b.status).await?;
            state.commit(tx).await?;
            written(&state, row).await
        }

        #[doc = $delete_doc]
        #[utoipa::path(delete, path = $one, tag = $tag, params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
            responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
        async fn $delete(
            State(state): State<AppState>,
            auth: Auth,
            Path(id): Path<i64>,
            IfMatch(v): IfMatch,
        ) -> Result<StatusCode> {
            let tx = state.db.begin().await?;
            lists::delete::<$entry>(&tx, &auth.actor, id, v).await?;
            state.commit(tx).await?;
            Ok(StatusCode::NO_CONTENT)
        }

        #[doc = $confirm_doc]
        #[utoipa::path(post, path = $confirm_path, tag = $tag, params(("id" = i64, Path), ("If-Match" = Option<String>, Header)),
            responses((status = 200, body = $view), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
        async fn $confirm(
            State(state): State<AppState>,
            auth: Auth,
            Path(id): Path<i64>,
            IfMatch(v): IfMatch,
        ) -> Result<impl IntoResponse> {
            let tx = state.db.begin().await?;
            let row = lists::confirm::<$entry>(&tx, &auth.actor, id, v).await?;
            state.commit(tx).await?;
            written(&state, row).await
        }
    };
}

pub(crate) use list_endpoints;
