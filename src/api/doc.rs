//! Completes the OpenAPI document with what every operation can answer besides its own
//! outcomes: the rejections of the shared extractors and middleware, and the problem+json
//! media type of every error body.
//!
//! These answers come from code each handler shares (the token check, the `Path`/`Query`/`Json`
//! wrappers, the body limit, the request timeout), so they are added here once rather than
//! repeated, and possibly forgotten, in each `#[utoipa::path]`.

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};

const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the shared answers to every operation and gives every `Problem` body its real media type.
pub fn complete(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            complete_operation(op);
        }
    }
}

fn complete_operation(op: &mut Operation) {
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_body = op.request_body.is_some();
    // Every operation: a malformed path id, a control character or a repeated query parameter,
    // bad JSON syntax or a malformed If-Match (400); no, a bad or an expired token (401, also
    // a wrong password on login); the request timeout (503, 服务繁忙).
    allow_empty_query_values(op);
    add(op, "400", "请求格式不正确");
    add(op, "401", "未登录或登录已失效");
    add(op, "503", "服务繁忙，请求处理超时");
    // `If-Match` that is not the record's current version (another writer came first).
    if takes_if_match(op) {
        add(op, "412", "记录已被修改");
    }
    if has_params || has_body {
        add(op, "422", "数据校验未通过");
    }
    if has_body {
        add(op, "413", "请求内容过大");
        add(op, "415", "不支持的内容类型");
    }
    for response in op.responses.responses.values_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if let Some(content) = response.content.shift_remove("application/json") {
            let key = if refers_to_problem(&content) {
                PROBLEM_JSON
            } else {
                "application/json"
            };
            response.content.insert(key.to_owned(), content);
        }
    }
}

/// Our `Query` reads an empty value (`?alliance_id=`, as a form sends an unused field) as
/// absent, which is what OpenAPI's `allowEmptyValue` says. utoipa has no field for it (the
/// keyword is discouraged in 3.1, not removed), so it goes in through the parameter's
/// flattened extension map, which prints its keys as they are.
fn allow_empty_query_values(op: &mut Operation) {
    for param in op.parameters.iter_mut().flatten() {
        let RefOr::T(param) = param else { continue };
        if param.parameter_in == ParameterIn::Query {
            param
                .extensions
                .get_or_insert_with(Default::default)
                .insert("allowEmptyValue".to_owned(), serde_json::Value::Bool(true));
        }
    }
}

fn takes_if_match(op: &Operation) -> bool {
    op.parameters.iter().flatten().any(|p| {
        matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Header
            && p.name.eq_ignore_ascii_case("if-match"))
    })
}

/// Documents `status` with a problem body unless the operation already documents it.
fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
                .into()
        });
}

fn refers_to_problem(content: &RefOr<utoipa::openapi::Content>) -> bool {
    match content {
        RefOr::T(c) => {
            matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location == "#/components/schemas/Problem")
        }
        RefOr::Ref(_) => false,
    }
}
