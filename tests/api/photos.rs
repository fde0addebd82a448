//! 晒单 over the API: photos are taken for their bytes, re-encoded without their EXIF (turned
//! the right way up first), kept all or none, served with a thumbnail, and only the project's
//! parties add or remove them.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::both;
use crate::common::{Answer, TestApp, phone_photo, png, project, scalar};

both!(
    photos_are_checked_stripped_and_served,
    only_the_projects_parties_add_and_remove_photos
);

fn part(bytes: Vec<u8>, name: &str, mime: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(mime)
        .unwrap()
}

async fn upload(app: &TestApp, token: &str, project: i64, form: Form) -> Answer {
    let req = app
        .client
        .post(format!("{}/api/v1/projects/{project}/photos", app.base))
        .bearer_auth(token)
        .multipart(form);
    TestApp::answer(req).await
}

async fn bytes(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

async fn kept(app: &TestApp) -> i64 {
    scalar(&app.db.write, "SELECT COUNT(*) FROM project_photos").await
}

fn message(a: &Answer) -> String {
    a.body["errors"][0]["message"]
        .as_str()
        .or(a.body["detail"].as_str())
        .unwrap_or_default()
        .to_owned()
}

async fn photos_are_checked_stripped_and_served(app: TestApp) {
    let w = app.world().await;
    let p = project(&app, &w, &["approved", "in_progress"]).await;

    let form = Form::new()
        .part("photo", part(phone_photo(), "IMG_0001.JPG", "image/jpeg"))
        .text("caption", "  更换楼道灯泡 12 个 ");
    let a = upload(&app, &w.member_a, p, form).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let photo = &a.body[0];
    assert_eq!(photo["caption"], "更换楼道灯泡 12 个");
    // EXIF said: turn it a quarter. The 40×20 photo now stands 20×40.
    assert_eq!(
        (photo["width"].as_i64(), photo["height"].as_i64()),
        (Some(20), Some(40))
    );
    assert_eq!(photo["uploaded_by"]["name"], "member_a");
    let url = photo["url"].as_str().unwrap().to_owned();
    let thumb_url = photo["thumb_url"].as_str().unwrap().to_owned();

    // Anyone of the city who may read the project sees it: a JPEG without the camera's EXIF.
    let full = bytes(&app, &w.member_b, &url).await;
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-type"], "image/jpeg");
    let etag = full.headers()["etag"].to_str().unwrap().to_owned();
    let body = full.bytes().await.unwrap();
    assert!(body.starts_with(&[0xFF, 0xD8]));
    let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    assert!(!has(b"Exif") && !has(b"SECRET-CAMERA"), "EXIF was kept");
    let decoded = image::load_from_memory(&body).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (20, 40));
    // The left half was red: turned clockwise, red is now on top.
    let top = decoded.to_rgb8().get_pixel(10, 5).0;
    assert!(top[0] > 150 && top[2] < 100, "not turned: {top:?}");
    let thumb = bytes(&app, &w.reviewer, &thumb_url).await;
    assert_eq!(thumb.status(), StatusCode::OK);
    assert!(image::load_from_memory(&thumb.bytes().await.unwrap()).is_ok());
    // The browser's copy stays good.
    let again = app
        .client
        .get(format!("{}{url}", app.base))
        .bearer_auth(&w.member_b)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Under another project's address it does not exist.
    let other = project(&app, &w, &["approved", "in_progress"]).await;
    let elsewhere = url.replace(&format!("/projects/{p}/"), &format!("/projects/{other}/"));
    assert_eq!(
        bytes(&app, &w.admin, &elsewhere).await.status(),
        StatusCode::NOT_FOUND
    );
    let odd_size = bytes(&app, &w.admin, &format!("{url}?size=huge")).await;
    assert_eq!(odd_size.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Content, not name: a PNG called .jpg is a photo; text called .jpg is not.
    let form = Form::new().part(
        "photo",
        part(png(30, 30, [0, 128, 0]), "scan.jpg", "image/jpeg"),
    );
    assert_eq!(
        upload(&app, &w.coordinator, p, form).await.status,
        StatusCode::CREATED
    );
    assert_eq!(kept(&app).await, 2);
    let form = Form::new().part(
        "photo",
        part(b"<script>alert(1)</script>".to_vec(), "x.jpg", "image/jpeg"),
    );
    let a = upload(&app, &w.coordinator, p, form).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(message(&a), "只能上传 JPEG 或 PNG 格式的照片");

    // All or none: a good photo beside a broken one keeps neither, and says which.
    let mut broken = png(8, 8, [1, 2, 3]);
    broken.truncate(30);
    let form = Form::new()
        .part("photo", part(png(12, 12, [9, 9, 9]), "a.png", "image/png"))
        .part("photo", part(broken, "b.png", "image/png"));
    let a = upload(&app, &w.coordinator, p, form).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message(&a),
        "第 2 张：照片无法读取，文件可能已损坏，请换一张"
    );
    // The same file twice, in one upload or two.
    let form = Form::new().part("photo", part(phone_photo(), "again.jpg", "image/jpeg"));
    let a = upload(&app, &w.coordinator, p, form).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(message(&a), "这张照片已经上传过");
    let form = Form::new()
        .part("photo", part(png(5, 5, [7, 7, 7]), "a.png", "image/png"))
        .part("photo", part(png(5, 5, [7, 7, 7]), "b.png", "image/png"));
    let a = upload(&app, &w.coordinator, p, form).await;
    assert_eq!(message(&a), "第 2 张照片已经上传过");
    // Too long a caption, too big a file, no file, a field it does not know.
    let form = Form::new()
        .part("photo", part(png(6, 6, [1, 1, 1]), "a.png", "image/png"))
        .text("caption", "字".repeat(61));
    let a = upload(&app, &w.coordinator, p, form).await;
    assert_eq!(a.fields(), ["caption"]);
    let form = Form::new().part(
        "photo",
        part(vec![0xFF; 10 * 1024 * 1024 + 1], "big.jpg", "image/jpeg"),
    );
    assert_eq!(
        message(&upload(&app, &w.coordinator, p, form).await),
        "每张照片不能超过 10 MB"
    );
    let a = upload(&app, &w.coordinator, p, Form::new().text("caption", "空")).await;
    assert_eq!(message(&a), "请选择照片");
    let a = upload(&app, &w.coordinator, p, Form::new().text("file", "x")).await;
    assert_eq!(a.fields(), ["file"]);
    assert_eq!(kept(&app).await, 2, "a refused upload kept something");

    // At most 20 a project, and the answer says how many more fit.
    let mut form = Form::new();
    for i in 0..9u8 {
        form = form.part("photo", part(png(4, 4, [i, 50, 50]), "p.png", "image/png"));
    }
    assert_eq!(
        upload(&app, &w.coordinator, p, form).await.status,
        StatusCode::CREATED
    );
    let mut form = Form::new();
    for i in 0..9u8 {
        form = form.part("photo", part(png(4, 4, [i, 90, 90]), "p.png", "image/png"));
    }
    assert_eq!(
        upload(&app, &w.coordinator, p, form).await.status,
        StatusCode::CREATED
    );
    let mut form = Form::new();
    for i in 0..2u8 {
        form = form.part(
            "photo",
            part(png(4, 4, [i, 130, 130]), "p.png", "image/png"),
        );
    }
    let a = upload(&app, &w.coordinator, p, form).await;
    assert_eq!(
        message(&a),
        "每个项目最多 20 张照片，已有 20 张，这次最多还能上传 0 张"
    );
    let list = app
        .get(&format!("/api/v1/projects/{p}/photos"), &w.reviewer)
        .await;
    assert_eq!(list.body.as_array().unwrap().len(), 20);
    // The audit log has the upload without its pixels.
    let audit = app
        .get("/api/v1/audit?entity_type=project_photo", &w.admin)
        .await;
    let entry = &audit.body["items"][0];
    assert!(entry["after"]["sha256"].is_string(), "{entry:?}");
    assert!(entry["after"].get("image").is_none() && entry["after"].get("thumb").is_none());
}

async fn only_the_projects_parties_add_and_remove_photos(app: TestApp) {
    let w = app.world().await;
    let photo = || Form::new().part("photo", part(phone_photo(), "a.jpg", "image/jpeg"));
    // Not before work has started.
    let approved = project(&app, &w, &["approved"]).await;
    let a = upload(&app, &w.member_a, approved, photo()).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(
        message(&a),
        "项目开始实施后才能上传照片（现在是「已批准」）"
    );
    // Only the need's coordinators and the resources' units.
    let p = project(&app, &w, &["approved", "in_progress", "completed"]).await;
    for token in [&w.member_b, &w.other_coordinator, &w.reviewer] {
        let a = upload(&app, token, p, photo()).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{:?}", a.body);
        assert!(a.is_problem());
    }
    assert_eq!(kept(&app).await, 0);
    let a = upload(&app, &w.member_a, p, photo()).await;
    assert_eq!(a.status, StatusCode::CREATED);
    let id = a.body[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/projects/{p}/photos/{id}");
    // Removed by its uploader or the alliance's coordinators, no one else.
    for token in [&w.member_b, &w.other_coordinator, &w.reviewer] {
        assert_eq!(app.delete(&path, token).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(
        app.delete(&path, &w.coordinator).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&path, &w.coordinator).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(kept(&app).await, 0);
    // An unknown project.
    let a = upload(&app, &w.admin, 999_999, photo()).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}
