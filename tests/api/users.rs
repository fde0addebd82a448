//! Admins manage accounts: rename, reset a password, disable and enable; a reset or a
//! disabled account ends every session of that user.

use entity::values::{Level, ResourceStatus};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::both;
use crate::common::{PASSWORD, TestApp};

both!(
    admins_disable_reset_and_enable_users,
    other_cities_do_not_exist_for_you,
    guessable_passwords_are_refused_with_the_reason
);

async fn admins_disable_reset_and_enable_users(app: TestApp) {
    let w = app.world().await;
    let me = app.get("/api/v1/auth/me", &w.member_b).await;
    let id = me.id();
    let path = format!("/api/v1/users/{id}");
    assert_eq!(app.get(&path, &w.admin).await.body["username"], "member_b");
    assert_eq!(
        app.get(&path, &w.coordinator).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.patch(&path, &w.member_b, json!({"disabled": true}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let renamed = app
        .patch(&path, &w.admin, json!({"display_name": " 金马律所联络员 "}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(renamed.body["display_name"], "金马律所联络员");
    assert_eq!(
        app.get("/api/v1/auth/me", &w.member_b).await.status,
        StatusCode::OK,
        "renaming keeps sessions"
    );

    let disabled = app.patch(&path, &w.admin, json!({"disabled": true})).await;
    assert_eq!(disabled.body["disabled"], true);
    assert_eq!(
        app.get("/api/v1/auth/me", &w.member_b).await.status,
        StatusCode::UNAUTHORIZED,
        "logged out everywhere"
    );
    let login = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "member_b", "password": PASSWORD})),
        )
        .await;
    assert_eq!(login.status, StatusCode::FORBIDDEN);
    assert!(login.is_problem());

    let enabled = app
        .patch(
            &path,
            &w.admin,
            json!({"disabled": false, "password": "brand-new-pass"}),
        )
        .await;
    assert_eq!(enabled.body["disabled"], false);
    let old = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "member_b", "password": PASSWORD})),
        )
        .await;
    assert_eq!(
        old.status,
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    let token = app.login("member_b", "brand-new-pass").await;
    assert_eq!(
        app.get("/api/v1/auth/me", &token).await.status,
        StatusCode::OK
    );

    let bad = app
        .patch(
            &path,
            &w.admin,
            json!({"password": "short", "display_name": "", "role": "admin"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.fields(),
        ["display_name", "password", "role"],
        "the role cannot be changed here"
    );
    let bad = app
        .patch(
            &path,
            &w.admin,
            json!({"password": "short", "display_name": ""}),
        )
        .await;
    assert_eq!(bad.fields(), ["display_name", "password"]);
    let admin_id = app.get("/api/v1/auth/me", &w.admin).await.id();
    let own = app
        .patch(
            &format!("/api/v1/users/{admin_id}"),
            &w.admin,
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(
        own.fields(),
        ["disabled"],
        "an admin cannot lock themselves out"
    );
    assert_eq!(
        app.patch("/api/v1/users/999999", &w.admin, json!({"disabled": true}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// Rows of another city (as a province-wide deployment would hold) are invisible: 404 for
/// reads and writes alike, and absent from lists.
async fn other_cities_do_not_exist_for_you(app: TestApp) {
    use sea_orm::{ActiveModelTrait, Set};
    let w = app.world().await;
    let now = chrono::Utc::now();
    let db = &app.db.write;
    let city = entity::region::ActiveModel {
        city_id: Set(None),
        level: Set(Level::City),
        parent_id: Set(None),
        code: Set("530300".into()),
        name: Set("曲靖市".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let org = entity::organization::ActiveModel {
        city_id: Set(city.id),
        name: Set("曲靖某医院".into()),
        search_name: Set("曲靖某医院".into()),
        kind: Set("医疗卫生".into()),
        contact_person: Set("张三".into()),
        contact_phone: Set("0874-1234567".into()),
        address: Set(String::new()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let admin_id = app.get("/api/v1/auth/me", &w.admin).await.id();
    let resource = entity::resource::ActiveModel {
        city_id: Set(city.id),
        organization_id: Set(org.id),
        title: Set("曲靖义诊".into()),
        description: Set(String::new()),
        category: Set("医疗健康".into()),
        tags: Set(Default::default()),
        quantity: Set(None),
        scope_level: Set(Level::City),
        scope_region_id: Set(None),
        available_from: Set(None),
        available_until: Set(None),
        status: Set(ResourceStatus::Available),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        created_by: Set(admin_id),
        updated_by: Set(admin_id),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap();
    let r = format!("/api/v1/resources/{}", resource.id);
    assert_eq!(app.get(&r, &w.admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.patch(&r, &w.admin, json!({"title": "改"})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.delete(&r, &w.admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/organizations/{}", org.id), &w.admin)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/resources", &w.admin).await.body["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/organizations?q=曲靖", &w.admin).await.body["total"],
        0
    );
    let mut body = w.resource("替外市单位发布");
    body["organization_id"] = json!(org.id);
    let a = app.post("/api/v1/resources", &w.admin, body).await;
    assert_eq!(a.fields(), ["organization_id"]);
    let street = app
        .post(
            "/api/v1/streets",
            &w.admin,
            json!({"code": "530302001", "name": "外市街道", "district_id": city.id}),
        )
        .await;
    assert_eq!(street.fields(), ["district_id"]);
}

/// Passwords that are easy to guess, or look blank, are refused when an account is made and
/// when an admin resets one, saying why in Chinese; the account keeps its old password.
async fn guessable_passwords_are_refused_with_the_reason(app: TestApp) {
    let admin = app.admin().await;
    let new_user = |password: &str| json!({"username": "zhangwei88", "password": password, "display_name": "张伟", "role": "reviewer"});
    let zwsp = "\u{200B}".repeat(8);
    for (weak, why) in [
        ("12345678", "最常用"),
        ("password", "最常用"),
        ("        ", "空格或不可见字符"),
        (zwsp.as_str(), "空格或不可见字符"),
        ("zhangwei88", "用户名或姓名"),
    ] {
        let a = app.post("/api/v1/users", &admin, new_user(weak)).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak:?}");
        assert_eq!(a.fields(), ["password"], "{weak:?}: {:?}", a.body);
        let message = a.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains(why), "{weak:?}: {message}");
        assert!(!message.contains("guess"), "{message}");
    }
    let made = app
        .post("/api/v1/users", &admin, new_user("翠湖边的海鸥 2026"))
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);

    let path = format!("/api/v1/users/{}", made.id());
    for weak in ["zhangwei88", "qwertyuiop", "11111111"] {
        let a = app.patch(&path, &admin, json!({"password": weak})).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert_eq!(a.fields(), ["password"]);
        assert!(
            a.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("密码太容易被猜到："),
            "{:?}",
            a.body
        );
    }
    // The display name counts too, also the one given with the new password.
    let renamed = app
        .patch(
            &path,
            &admin,
            json!({"display_name": "lixiaolong", "password": "lixiaolong"}),
        )
        .await;
    assert_eq!(renamed.fields(), ["password"]);
    app.login("zhangwei88", "翠湖边的海鸥 2026").await;
}
