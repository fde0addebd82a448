//! Logging in and out, bootstrap of the first admin, token handling.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{ADMIN_PASSWORD, PASSWORD, TestApp};

both!(
    login_me_logout,
    wrong_password_and_unknown_user_look_alike,
    bad_tokens_are_refused,
    expired_tokens_are_refused,
    password_guessing_is_throttled,
    parallel_guesses_are_counted_before_checking,
    long_chinese_passwords_work,
    own_password_is_changed_over_the_api
);

async fn expired_tokens_are_refused(app: TestApp) {
    use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set};
    let token = app.admin().await;
    assert_eq!(
        app.get("/api/v1/auth/me", &token).await.status,
        StatusCode::OK
    );
    let s = entity::session::Entity::find()
        .order_by_desc(entity::session::Column::Id)
        .one(&app.db.read)
        .await
        .unwrap()
        .unwrap();
    let mut s: entity::session::ActiveModel = s.into();
    s.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(1));
    s.update(&app.db.write).await.unwrap();
    let a = app.get("/api/v1/auth/me", &token).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.is_problem());
}

async fn login_me_logout(app: TestApp) {
    let a = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["user"]["username"], "admin");
    assert_eq!(a.body["user"]["role"], "admin");
    assert!(
        a.body["expires_at"].as_str().unwrap().ends_with("+08:00"),
        "times shown in Asia/Shanghai"
    );
    assert!(a.body["user"].get("password_hash").is_none());
    let token = a.body["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 40, "opaque random token");

    let me = app.get("/api/v1/auth/me", &token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["display_name"], "系统管理员");

    let out = app
        .send(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let after = app.get("/api/v1/auth/me", &token).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert!(after.is_problem());
    assert_eq!(after.headers.get("www-authenticate").unwrap(), "Bearer");

    // The token is stored hashed, never as given.
    use sea_orm::{EntityTrait, QueryOrder};
    let s = entity::session::Entity::find()
        .order_by_desc(entity::session::Column::Id)
        .one(&app.db.read)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(s.token_hash, token);
    assert!(s.revoked_at.is_some());
    use sea_orm::{ColumnTrait, QueryFilter};
    let audit = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::EntityType.eq("session"))
        .filter(entity::audit_log::Column::EntityId.eq(s.id))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.db.read)
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions, ["login", "logout"]);
    assert!(
        !audit[0].after.as_deref().unwrap().contains(&token),
        "no token in the audit trail"
    );
}

async fn wrong_password_and_unknown_user_look_alike(app: TestApp) {
    let wrong = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": "nope-nope"})),
        )
        .await;
    let unknown = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "nobody", "password": "nope-nope"})),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
}

async fn bad_tokens_are_refused(app: TestApp) {
    for header in [
        "Bearer not-a-real-token",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer ",
        "token",
    ] {
        let req = app
            .client
            .get(format!("{}/api/v1/resources", app.base))
            .header("authorization", header);
        let a = TestApp::answer(req).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{header}");
        assert!(a.is_problem());
    }
    let none = app.send(Method::GET, "/api/v1/resources", None, None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(none.is_problem());
}

async fn password_guessing_is_throttled(app: TestApp) {
    let admin = app.admin().await;
    app.user(&admin, "target", "reviewer", None, None).await;
    let guess = |password: &'static str| {
        app.send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "Target", "password": password})),
        )
    };
    for _ in 0..10 {
        assert_eq!(guess("wrong-guess").await.status, StatusCode::UNAUTHORIZED);
    }
    // From this address, even the right password is refused for a while.
    let blocked = guess(crate::common::PASSWORD).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.is_problem());
    // Other users are not affected.
    assert_eq!(app.login("admin", ADMIN_PASSWORD).await.len(), 43);
}

async fn parallel_guesses_are_counted_before_checking(app: TestApp) {
    let admin = app.admin().await;
    app.user(&admin, "burst", "reviewer", None, None).await;
    let tries = (0..30).map(|_| {
        let app = app.clone();
        tokio::spawn(async move {
            app.send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "burst", "password": "wrong-guess"})),
            )
            .await
            .status
        })
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(tries)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (10, 20), "{statuses:?}");
}

async fn long_chinese_passwords_work(app: TestApp) {
    let admin = app.admin().await;
    let password = "党建联盟资源对接".repeat(16);
    assert_eq!(password.chars().count(), 128);
    let a = app
        .post("/api/v1/users", &admin, json!({"username": "changmima", "password": password, "display_name": "长密码", "role": "reviewer"}))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let token = app.login("changmima", &password).await;
    assert_eq!(
        app.get("/api/v1/auth/me", &token).await.status,
        StatusCode::OK
    );
}

/// `POST /auth/password`: the current password is checked (and counted like a login guess),
/// the new one must be good; the token in use stays, the user's other sessions end.
async fn own_password_is_changed_over_the_api(app: TestApp) {
    let w = app.world().await;
    let other = app.login("member_a", PASSWORD).await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let a = app
        .post(
            "/api/v1/auth/password",
            &w.member_a,
            change("wrong-pass-9", "Dianchi-2027-lake"),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.fields(), ["current_password"]);
    assert_eq!(a.body["errors"][0]["message"], "当前密码不正确");
    let a = app
        .post(
            "/api/v1/auth/password",
            &w.member_a,
            change(PASSWORD, "12345678"),
        )
        .await;
    assert_eq!(a.fields(), ["new_password"]);
    let a = app
        .post(
            "/api/v1/auth/password",
            &w.member_a,
            json!({"new_password": "x", "old": 1}),
        )
        .await;
    assert!(a.status.is_client_error() && a.is_problem(), "{:?}", a.body);
    // Still the old password after the refusals.
    app.login("member_a", PASSWORD).await;
    let a = app
        .post(
            "/api/v1/auth/password",
            &w.member_a,
            change(PASSWORD, "Dianchi-2027-lake"),
        )
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{:?}", a.body);
    assert_eq!(
        app.get("/api/v1/auth/me", &w.member_a).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/v1/auth/me", &other).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.login("member_a", "Dianchi-2027-lake").await;
    let old = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "member_a", "password": PASSWORD})),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    // Guessing the current password is throttled like logging in.
    let mut last = StatusCode::OK;
    for i in 0..12 {
        last = app
            .post(
                "/api/v1/auth/password",
                &w.member_a,
                change(&format!("guess-{i}-x"), "Another-2027-pass"),
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
