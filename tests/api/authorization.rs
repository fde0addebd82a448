//! The authorization matrix: each role × each kind of object × own and other scope.
//!
//! Everything is readable by anyone logged in, so an object outside your scope answers 403
//! (not 404): its existence is not a secret. Unknown ids answer 404 for everyone.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::both;
use crate::common::{TestApp, World, org_body};

both!(
    admin_only_operations,
    resources_by_role_and_owner,
    needs_by_role_and_alliance,
    everyone_reads,
    organizations_and_members_by_role,
    projects_by_role_and_owner
);

async fn expect(
    app: &TestApp,
    who: &str,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
    want: StatusCode,
) {
    let a = app.send(method.clone(), path, Some(token), body).await;
    assert_eq!(a.status, want, "{who} {method} {path}: {:?}", a.body);
    if want.is_client_error() {
        assert!(a.is_problem(), "{who} {method} {path}: not problem+json");
    }
}

fn non_admins(w: &World) -> [(&'static str, &str); 4] {
    [
        ("coordinator", &w.coordinator),
        ("community coordinator", &w.community_coordinator),
        ("member", &w.member_a),
        ("reviewer", &w.reviewer),
    ]
}

async fn admin_only_operations(app: TestApp) {
    let w = app.world().await;
    let ops: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "/api/v1/districts".into(),
            json!({"code": "530112", "name": "西山区"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/districts/{}", w.district),
            json!({"name": "新名"}),
        ),
        (
            Method::POST,
            "/api/v1/streets".into(),
            json!({"code": "530102009", "name": "新街道", "district_id": w.district}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/streets/{}", w.street),
            json!({"name": "新名街道"}),
        ),
        (
            Method::POST,
            "/api/v1/communities".into(),
            json!({"code": "530102001009", "name": "新社区", "street_id": w.street}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/communities/{}", w.community),
            json!({"name": "新名社区"}),
        ),
        (
            Method::POST,
            "/api/v1/categories".into(),
            json!({"name": "新类别"}),
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            json!({"username": "newbie", "password": "long-enough-pw", "display_name": "新人", "role": "reviewer"}),
        ),
    ];
    for (who, token) in non_admins(&w) {
        for (m, p, b) in &ops {
            expect(
                &app,
                who,
                token,
                m.clone(),
                p,
                Some(b.clone()),
                StatusCode::FORBIDDEN,
            )
            .await;
        }
        expect(
            &app,
            who,
            token,
            Method::GET,
            "/api/v1/users",
            None,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    // Nothing changed.
    assert_eq!(
        app.get("/api/v1/districts", &w.admin).await.body["total"],
        2
    );
    assert_eq!(
        app.get("/api/v1/categories", &w.admin)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        10
    );
    for (m, p, b) in ops {
        let want = if m == Method::POST {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        };
        expect(&app, "admin", &w.admin, m, &p, Some(b), want).await;
    }
}

async fn resources_by_role_and_owner(app: TestApp) {
    let w = app.world().await;
    let own = app
        .post("/api/v1/resources", &w.member_a, w.resource("场地借用"))
        .await
        .id();
    // Create: members for their own unit only; coordinators and reviewers never; admins for any unit.
    let mut for_b = w.resource("替别人发布");
    for_b["organization_id"] = json!(w.org_b);
    expect(
        &app,
        "member",
        &w.member_a,
        Method::POST,
        "/api/v1/resources",
        Some(for_b.clone()),
        StatusCode::FORBIDDEN,
    )
    .await;
    for (who, token) in [("coordinator", &w.coordinator), ("reviewer", &w.reviewer)] {
        expect(
            &app,
            who,
            token,
            Method::POST,
            "/api/v1/resources",
            Some(w.resource("x")),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    expect(
        &app,
        "admin",
        &w.admin,
        Method::POST,
        "/api/v1/resources",
        Some(for_b),
        StatusCode::CREATED,
    )
    .await;

    let path = format!("/api/v1/resources/{own}");
    let status = format!("{path}/status");
    for (who, token) in [
        ("other member", &w.member_b),
        ("coordinator", &w.coordinator),
        ("reviewer", &w.reviewer),
    ] {
        expect(
            &app,
            who,
            token,
            Method::PATCH,
            &path,
            Some(json!({"title": "改"})),
            StatusCode::FORBIDDEN,
        )
        .await;
        expect(
            &app,
            who,
            token,
            Method::POST,
            &status,
            Some(json!({"status": "withdrawn"})),
            StatusCode::FORBIDDEN,
        )
        .await;
        expect(
            &app,
            who,
            token,
            Method::DELETE,
            &path,
            None,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let unchanged = app.get(&path, &w.member_a).await;
    assert_eq!(unchanged.body["title"], "场地借用");
    assert_eq!(unchanged.body["version"], 1);
    // Organization and status cannot be changed through PATCH (no mass assignment).
    for field in [
        json!({"organization_id": w.org_b}),
        json!({"status": "withdrawn"}),
        json!({"created_by": 1}),
        json!({"version": 9}),
    ] {
        let a = app.patch(&path, &w.member_a, field.clone()).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
    }
    expect(
        &app,
        "owner",
        &w.member_a,
        Method::PATCH,
        &path,
        Some(json!({"title": "改"})),
        StatusCode::OK,
    )
    .await;
    expect(
        &app,
        "admin",
        &w.admin,
        Method::PATCH,
        &path,
        Some(json!({"title": "再改"})),
        StatusCode::OK,
    )
    .await;
    expect(
        &app,
        "missing",
        &w.admin,
        Method::PATCH,
        "/api/v1/resources/987654",
        Some(json!({"title": "x"})),
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        &app,
        "owner",
        &w.member_a,
        Method::DELETE,
        &path,
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
}

async fn needs_by_role_and_alliance(app: TestApp) {
    let w = app.world().await;
    let own = app
        .post("/api/v1/needs", &w.coordinator, w.need("老人体检"))
        .await
        .id();
    // Create: coordinators in their own alliance only.
    let mut other = w.need("别的联盟");
    other["alliance_id"] = json!(w.other_alliance);
    other["community_id"] = json!(w.other_community);
    expect(
        &app,
        "coordinator",
        &w.coordinator,
        Method::POST,
        "/api/v1/needs",
        Some(other.clone()),
        StatusCode::FORBIDDEN,
    )
    .await;
    expect(
        &app,
        "community coordinator",
        &w.community_coordinator,
        Method::POST,
        "/api/v1/needs",
        Some(w.need("x")),
        StatusCode::FORBIDDEN,
    )
    .await;
    for (who, token) in [("member", &w.member_a), ("reviewer", &w.reviewer)] {
        expect(
            &app,
            who,
            token,
            Method::POST,
            "/api/v1/needs",
            Some(w.need("x")),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    expect(
        &app,
        "other coordinator",
        &w.other_coordinator,
        Method::POST,
        "/api/v1/needs",
        Some(other.clone()),
        StatusCode::CREATED,
    )
    .await;
    expect(
        &app,
        "admin",
        &w.admin,
        Method::POST,
        "/api/v1/needs",
        Some(other),
        StatusCode::CREATED,
    )
    .await;

    let path = format!("/api/v1/needs/{own}");
    let status = format!("{path}/status");
    for (who, token) in [
        ("other coordinator", &w.other_coordinator),
        ("community coordinator", &w.community_coordinator),
        ("member", &w.member_a),
        ("reviewer", &w.reviewer),
    ] {
        expect(
            &app,
            who,
            token,
            Method::PATCH,
            &path,
            Some(json!({"title": "改"})),
            StatusCode::FORBIDDEN,
        )
        .await;
        expect(
            &app,
            who,
            token,
            Method::POST,
            &status,
            Some(json!({"status": "closed"})),
            StatusCode::FORBIDDEN,
        )
        .await;
        expect(
            &app,
            who,
            token,
            Method::DELETE,
            &path,
            None,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    for field in [
        json!({"alliance_id": w.other_alliance}),
        json!({"status": "fulfilled"}),
    ] {
        assert_eq!(
            app.patch(&path, &w.coordinator, field).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    expect(
        &app,
        "coordinator",
        &w.coordinator,
        Method::PATCH,
        &path,
        Some(json!({"title": "改"})),
        StatusCode::OK,
    )
    .await;
    expect(
        &app,
        "admin",
        &w.admin,
        Method::POST,
        &status,
        Some(json!({"status": "closed"})),
        StatusCode::OK,
    )
    .await;
}

async fn organizations_and_members_by_role(app: TestApp) {
    let w = app.world().await;
    for (who, token) in [("member", &w.member_a), ("reviewer", &w.reviewer)] {
        expect(
            &app,
            who,
            token,
            Method::POST,
            "/api/v1/organizations",
            Some(org_body("新单位", "企业")),
            StatusCode::FORBIDDEN,
        )
        .await;
        let path = format!("/api/v1/alliances/{}/members", w.street_alliance);
        expect(
            &app,
            who,
            token,
            Method::POST,
            &path,
            Some(json!({"organization_id": w.org_b})),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    let path = format!("/api/v1/alliances/{}/members", w.street_alliance);
    expect(
        &app,
        "community coordinator",
        &w.community_coordinator,
        Method::POST,
        &path,
        Some(json!({"organization_id": w.org_b})),
        StatusCode::FORBIDDEN,
    )
    .await;
    for (who, token) in [
        ("coordinator", &w.coordinator),
        ("reviewer", &w.reviewer),
        ("other member", &w.member_b),
    ] {
        let p = format!("/api/v1/organizations/{}", w.org_a);
        expect(
            &app,
            who,
            token,
            Method::PATCH,
            &p,
            Some(json!({"address": "别处"})),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    expect(
        &app,
        "missing alliance",
        &w.admin,
        Method::POST,
        "/api/v1/alliances/99999/members",
        Some(json!({"organization_id": w.org_b})),
        StatusCode::NOT_FOUND,
    )
    .await;
}

async fn everyone_reads(app: TestApp) {
    let w = app.world().await;
    let r = app
        .post("/api/v1/resources", &w.member_a, w.resource("场地借用"))
        .await
        .id();
    let n = app
        .post("/api/v1/needs", &w.coordinator, w.need("老人体检"))
        .await
        .id();
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": n, "resource_ids": [r], "title": "体检"}),
        )
        .await
        .id();
    let paths = [
        "/api/v1/districts".to_owned(),
        "/api/v1/streets".into(),
        "/api/v1/communities".into(),
        "/api/v1/alliances".into(),
        format!("/api/v1/alliances/{}", w.other_alliance),
        format!("/api/v1/alliances/{}/members", w.other_alliance),
        "/api/v1/organizations".into(),
        format!("/api/v1/organizations/{}", w.org_b),
        "/api/v1/categories".into(),
        "/api/v1/resources".into(),
        format!("/api/v1/resources/{r}"),
        "/api/v1/needs".into(),
        format!("/api/v1/needs/{n}"),
        "/api/v1/projects".into(),
        format!("/api/v1/projects/{p}"),
        format!("/api/v1/projects/{p}/photos"),
        "/api/v1/auth/me".into(),
    ];
    for (who, token) in [
        ("admin", &w.admin),
        ("other coordinator", &w.other_coordinator),
        ("member b", &w.member_b),
        ("reviewer", &w.reviewer),
    ] {
        for path in &paths {
            expect(&app, who, token, Method::GET, path, None, StatusCode::OK).await;
        }
    }
    for missing in [
        "/api/v1/resources/424242",
        "/api/v1/needs/424242",
        "/api/v1/projects/424242",
        "/api/v1/organizations/424242",
        "/api/v1/alliances/424242",
    ] {
        expect(
            &app,
            "reviewer",
            &w.reviewer,
            Method::GET,
            missing,
            None,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
}

async fn projects_by_role_and_owner(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("老人体检"))
        .await
        .id();
    let own = app
        .post("/api/v1/resources", &w.member_a, w.resource("上门体检"))
        .await
        .id();
    let mut b_body = w.resource("法律咨询");
    b_body["organization_id"] = json!(w.org_b);
    let others = app.post("/api/v1/resources", &w.admin, b_body).await.id();
    let body = |ids: Vec<i64>| json!({"need_id": need, "resource_ids": ids, "title": "对接"});
    // A member unit proposes only with its own resources.
    expect(
        &app,
        "member with another unit's resource",
        &w.member_a,
        Method::POST,
        "/api/v1/projects",
        Some(body(vec![own, others])),
        StatusCode::FORBIDDEN,
    )
    .await;
    expect(
        &app,
        "member with only others'",
        &w.member_a,
        Method::POST,
        "/api/v1/projects",
        Some(body(vec![others])),
        StatusCode::FORBIDDEN,
    )
    .await;
    for (who, token) in [
        ("reviewer", &w.reviewer),
        ("other coordinator", &w.other_coordinator),
        ("community coordinator", &w.community_coordinator),
    ] {
        expect(
            &app,
            who,
            token,
            Method::POST,
            "/api/v1/projects",
            Some(body(vec![own])),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    assert_eq!(
        app.get("/api/v1/projects", &w.admin).await.body["total"],
        0,
        "nothing written"
    );
    // The need's coordinator and admins may use any available resources.
    expect(
        &app,
        "coordinator",
        &w.coordinator,
        Method::POST,
        "/api/v1/projects",
        Some(body(vec![own, others])),
        StatusCode::CREATED,
    )
    .await;
    expect(
        &app,
        "owner",
        &w.member_b,
        Method::POST,
        "/api/v1/projects",
        Some(body(vec![others])),
        StatusCode::CREATED,
    )
    .await;
    expect(
        &app,
        "admin",
        &w.admin,
        Method::POST,
        "/api/v1/projects",
        Some(body(vec![own])),
        StatusCode::CREATED,
    )
    .await;
}
