//! Browser tests: the pages driven in headless Chromium (Debian's `chromium` and
//! `chromium-driver`) against the real server and databases, each page checked with axe-core
//! and photographed at 375 and 1280 px (into `target/screenshots/`). Without Chromium they say
//! so on the terminal and pass; `LIANMENG_REQUIRE_BROWSER=1` (CI) makes that a failure.

#[path = "../api/common.rs"]
#[allow(dead_code)]
mod common;
mod harness;

use common::{ADMIN_PASSWORD, PASSWORD, TestApp};
use harness::Browser;
use reqwest::StatusCode;
use serde_json::json;

both!(
    need_to_project_through_the_pages,
    refusals_in_the_browser,
    import_through_the_page,
    robots_through_the_page,
    accounts_in_bulk_and_the_first_login,
    match_plan_through_the_page,
    admin_pages_and_the_phone_menu
);

/// A coordinator posts a need (a refused first try keeps what was typed), sees the expected
/// resource first and proposes a project; a reviewer approves it; the unit sees it; the
/// coordinator then sees the unit's contact.
async fn need_to_project_through_the_pages(app: TestApp) {
    let w = app.world().await;
    let other = app
        .post(
            "/api/v1/resources",
            &w.member_b,
            json!({"title": "法律咨询进社区", "description": "律师每月到社区解答婚姻家庭、劳动纠纷等法律问题。",
                   "category": "法律服务", "tags": ["法律咨询"], "scope_level": "city", "allow_duplicate": true}),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{:?}", other.body);

    let Some(b) = Browser::open(&app.base, "story").await else {
        return;
    };
    b.goto("/login").await;
    b.check("login").await;

    // The unit offers its resource through 发布资源, serving its street.
    b.login("member_a", PASSWORD).await;
    b.click("a[href='/resources/new']").await;
    b.check("resource-form").await;
    b.fill("#title", "社区义诊：测量血压血糖").await;
    b.choose("#category", "医疗健康").await;
    b.choose("#scope", "华山街道（全街道）").await;
    b.fill(
        "#description",
        "每周三上午在社区活动中心为居民免费测量血压血糖，提供健康咨询。",
    )
    .await;
    b.fill("#tags", "义诊，健康咨询").await;
    b.fill("#quantity", "20").await;
    b.press("发布资源").await;
    let resource_path = b.path().await;
    assert!(resource_path.starts_with("/resources/"), "{resource_path}");
    assert!(b.text(".meta").await.contains("华山街道"));
    b.goto("/resources").await;
    b.check("resources").await;
    b.logout().await;
    app.indexed().await;

    b.login("coord_huashan", PASSWORD).await;
    assert_eq!(b.path().await, "/");
    let header = b.text("header").await;
    assert!(
        header.contains("coord_huashan") && header.contains("华山街道"),
        "{header}"
    );
    b.check("workbench-coordinator").await;

    // 发布需求: a first try without a title is refused beside the field, keeping the rest.
    b.click("a[href='/needs/new']").await;
    b.check("need-form").await;
    b.fill(
        "#description",
        "辖区独居老人多，想请医生来社区给老人量血压、做义诊。",
    )
    .await;
    b.choose("#category", "医疗健康").await;
    b.choose("#community", "翠湖社区").await;
    b.fill("#tags", "老年人、义诊").await;
    b.press("发布需求").await;
    assert_eq!(b.path().await, "/needs/new");
    assert_eq!(b.text("#title-err").await, "请填写标题");
    assert_eq!(
        b.value("#description").await,
        "辖区独居老人多，想请医生来社区给老人量血压、做义诊。"
    );
    assert_eq!(b.value("#tags").await, "老年人、义诊");
    assert_eq!(b.value("#category").await, "医疗健康");
    b.check("need-form-refused").await;
    b.fill("#title", "老人需要上门义诊量血压").await;
    b.press("发布需求").await;
    let need_path = b.path().await;
    assert!(need_path.starts_with("/needs/"), "{need_path}");
    app.indexed().await;
    b.goto(&need_path).await;
    // The expected resource first, its matched words marked.
    let first = b.text(".match .match-title").await;
    assert_eq!(first, "社区义诊：测量血压血糖");
    assert!(b.exists(".match mark").await, "matched words are marked");
    b.check("need-detail").await;
    b.click(&format!("a[href='{need_path}/edit']")).await;
    assert_eq!(b.value("#title").await, "老人需要上门义诊量血压");
    b.check("need-edit").await;
    b.goto(&need_path).await;

    // 发起对接 with the first match (ticked by default).
    b.press("发起对接（勾选的资源）").await;
    let project_path = b.path().await;
    assert!(project_path.starts_with("/projects/"), "{project_path}");
    assert!(b.text(".status").await.contains("拟对接"));
    assert!(b.page_text().await.contains("联系方式在项目批准后可见"));
    assert!(!b.has_button("批准").await, "only reviewers approve");
    b.check("project-proposed").await;
    b.goto("/needs").await;
    b.check("needs").await;
    b.logout().await;

    // The reviewer finds it in the queue and approves it.
    b.login("reviewer", PASSWORD).await;
    assert!(b.page_text().await.contains("老人需要上门义诊量血压"));
    b.check("workbench-reviewer").await;
    b.goto("/projects?status=proposed").await;
    b.check("review-queue").await;
    b.goto(&project_path).await;
    b.press("批准").await;
    assert_eq!(b.path().await, project_path);
    assert!(b.text(".status").await.contains("已批准"));
    assert!(b.text(".timeline").await.contains("已批准 · reviewer"));
    b.check("project-approved").await;
    b.logout().await;

    // The unit sees the project; the coordinator now sees the unit's contact.
    b.login("member_a", PASSWORD).await;
    b.check("workbench-member").await;
    b.goto(&resource_path).await;
    b.check("resource-detail").await;
    b.goto(&project_path).await;
    assert!(b.text(".status").await.contains("已批准"));
    assert!(!b.has_button("批准").await, "only reviewers approve");
    // It does the work and reports what came of it.
    b.press("开始实施").await;
    assert!(b.text(".status").await.contains("实施中"));
    b.press("完成").await;
    assert!(
        b.text(".alert").await.contains("成效"),
        "completing asks for the outcome"
    );
    b.fill("#outcome-completed", "为62位老人测量血压，发现5人需复诊。")
        .await;
    b.fill("#ben-completed", "62").await;
    b.press("完成").await;
    assert!(b.text(".status").await.contains("已完成"));
    // 晒单: photos of the day, one refused for what it is, not for its name.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("现场.jpg");
    std::fs::write(&fake, "not a photo").unwrap();
    b.upload("#photo", &fake).await;
    b.fill("#caption", "义诊现场").await;
    b.press("上传照片").await;
    assert!(b.text("#photo-err").await.contains("只能上传 JPEG 或 PNG"));
    assert_eq!(b.value("#caption").await, "义诊现场", "the caption is kept");
    for (i, name) in ["义诊现场.jpg", "测量血压.png"].iter().enumerate() {
        let file = dir.path().join(name);
        std::fs::write(&file, scene(i as u8, name.ends_with(".png"))).unwrap();
        b.upload("#photo", &file).await;
        b.press("上传照片").await;
    }
    assert_eq!(b.count(".photos img").await, 2);
    b.logout().await;

    // The coordinator now sees the unit's contact, and rates the project (评单).
    b.login("coord_huashan", PASSWORD).await;
    b.goto(&project_path).await;
    assert!(
        b.text(".units").await.contains("0871-63123456"),
        "the coordinator sees the unit's phone once approved"
    );
    b.tick("input[name=rating][value='5']").await;
    b.fill("#comment", "医生很耐心，老人们都很满意。").await;
    b.press("提交评价").await;
    assert!(b.text(".stars").await.starts_with("★★★★★"));
    b.check("project-completed").await;
    b.goto("/notifications").await;
    b.check("notifications").await;
    b.click("a[href='/stats']").await;
    assert!(
        b.text("tfoot").await.contains("62"),
        "the beneficiaries are counted"
    );
    b.click("tbody a").await;
    assert!(b.path().await.starts_with("/stats?district_id="));
    b.check("stats").await;
    b.logout().await;

    // The unit replies.
    b.login("member_a", PASSWORD).await;
    b.goto(&project_path).await;
    b.fill("#reply", "感谢社区的组织，下月继续。").await;
    b.press("提交回复").await;
    assert!(b.text(".reply").await.contains("下月继续"));
    b.close().await;
}

/// A picture standing in for a photo of the work: a sky-to-ground gradient, a phone's size.
fn scene(seed: u8, png: bool) -> Vec<u8> {
    let img = image::RgbImage::from_fn(1200, 900, |x, y| {
        let t = (y * 255 / 900) as u8;
        image::Rgb([
            t / 2 + seed * 40,
            120 + t / 3,
            (200u32.saturating_sub(x / 8)) as u8,
        ])
    });
    let format = if png {
        image::ImageFormat::Png
    } else {
        image::ImageFormat::Jpeg
    };
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), format)
        .unwrap();
    out
}

/// A member cannot reach a reviewer's or coordinator's page, and a form posted without this
/// session's CSRF token is refused and changes nothing.
async fn refusals_in_the_browser(app: TestApp) {
    let w = app.world().await;
    let Some(b) = Browser::open(&app.base, "refusals").await else {
        return;
    };
    b.login_with_keys("member_a", PASSWORD).await;
    let nav = b.text("nav").await;
    assert!(
        !nav.contains("待审核") && !nav.contains("发布需求"),
        "{nav}"
    );
    b.goto("/needs/new").await;
    assert!(b.text("h1").await.contains("无权访问"));
    b.check("forbidden").await;
    b.logout().await;

    // Another site's form: the same fields without the token.
    b.login("coord_huashan", PASSWORD).await;
    b.c.execute(
        "const f = document.createElement('form'); f.method = 'post'; f.action = '/needs/new';
         for (const [k, v] of [['title', '伪造的需求'], ['category', '医疗健康']]) {
           const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i); }
         document.body.appendChild(f); f.submit();",
        vec![],
    )
    .await
    .expect("post a form");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(b.page_text().await.contains("页面已过期或来源不明"));
    let needs = app
        .get(
            &format!("/api/v1/needs?alliance_id={}", w.street_alliance),
            &w.coordinator,
        )
        .await;
    assert_eq!(needs.body["total"], 0, "nothing was posted");
    b.goto("/nowhere").await;
    b.check("not-found").await;
    b.close().await;
}

/// A coordinator imports a 需求清单: the check shows the bad row by row and column and writes
/// nothing; the corrected file checks clean and then imports.
async fn import_through_the_page(app: TestApp) {
    let w = app.world().await;
    let Some(b) = Browser::open(&app.base, "import").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("需求清单.csv");
    let head = "标题,描述,类别,标签,数量,所属社区,紧急程度,需要日期\r\n";
    std::fs::write(
        &bad,
        format!("{head}独居老人助餐,午餐送餐上门,养老助残,助餐,15,翠湖社区,紧急,2027-03-01\r\n楼道照明维修,,环境治理,,,不存在社区,一般,\r\n"),
    )
    .unwrap();
    b.login("coord_huashan", PASSWORD).await;
    b.click("a[href='/imports']").await;
    b.check("imports").await;
    b.upload("#file", &bad).await;
    b.press("上传").await;
    assert!(b.path().await.starts_with("/imports/"));
    b.wait_for_text(".problems", "第 3 行").await;
    let problems = b.text(".problems").await;
    assert!(problems.contains("所属社区"), "{problems}");
    b.check("import-problems").await;
    let needs = app
        .get(
            &format!("/api/v1/needs?alliance_id={}", w.street_alliance),
            &w.coordinator,
        )
        .await;
    assert_eq!(needs.body["total"], 0, "a checked file writes nothing");

    let good = dir.path().join("需求清单-改.csv");
    std::fs::write(
        &good,
        format!("{head}独居老人助餐,午餐送餐上门,养老助残,助餐,15,翠湖社区,紧急,2027-03-01\r\n楼道照明维修,,环境治理,,,正义社区,一般,\r\n"),
    )
    .unwrap();
    b.upload("#file", &good).await;
    b.press("上传").await;
    b.wait_for_text("#h-job + p", "2 行无误").await;
    assert!(b.page_text().await.contains("检查通过"));
    b.upload("#file", &good).await;
    b.press("上传").await;
    b.wait_for_text("#h-job + p", "已导入 2 条").await;
    let needs = app
        .get(
            &format!("/api/v1/needs?alliance_id={}", w.street_alliance),
            &w.coordinator,
        )
        .await;
    assert_eq!(needs.body["total"], 2);
    b.close().await;
}

/// A coordinator connects the group's 企业微信 robot and sends a test: the robot gets its own
/// message, and the page says it was delivered.
async fn robots_through_the_page(app: TestApp) {
    use axum::{extract::State, routing::post};
    use std::sync::{Arc, Mutex};
    app.world().await;
    type Calls = Arc<Mutex<Vec<String>>>;
    let calls: Calls = Arc::default();
    let robot = axum::Router::new()
        .route(
            "/send",
            post(|State(calls): State<Calls>, body: String| async move {
                calls.lock().unwrap().push(body);
                r#"{"errcode":0,"errmsg":"ok"}"#
            }),
        )
        .with_state(calls.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, robot).await.unwrap() });
    let Some(b) = Browser::open(&app.base, "robots").await else {
        return;
    };
    b.login("coord_huashan", PASSWORD).await;
    b.click("a[href='/robots']").await;
    b.press("接入").await;
    assert!(b.text("#url-err").await.contains("请填写接收地址"));
    b.choose("#format", "企业微信群机器人").await;
    b.fill("#url", &format!("http://{addr}/send?key=test"))
        .await;
    b.fill("#description", "华山街道协调员群").await;
    b.press("接入").await;
    assert!(b.text("#h-hooks + ul").await.contains("华山街道协调员群"));
    b.press("发送测试").await;
    b.wait_for_text("#h-hooks + ul", "已送达").await;
    let sent: serde_json::Value = serde_json::from_str(&calls.lock().unwrap()[0]).unwrap();
    assert_eq!(sent["msgtype"], "markdown");
    assert!(
        sent["markdown"]["content"]
            .as_str()
            .unwrap()
            .contains("党建联盟")
    );
    b.check("robots").await;
    b.close().await;
}

/// An admin makes accounts from a sheet (a bad row is shown, nothing made); the new
/// coordinator logs in with the initial password and must replace it before anything else.
async fn accounts_in_bulk_and_the_first_login(app: TestApp) {
    app.world().await;
    let Some(b) = Browser::open(&app.base, "accounts").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let head = "用户名,姓名,角色,所属联盟,所属单位\r\n";
    let bad = dir.path().join("账号.csv");
    std::fs::write(
        &bad,
        format!("{head}zhang_san,张三,协调员,华山街道党建联盟,\r\nli_si,李四,成员单位联络员,,不存在的单位\r\n"),
    )
    .unwrap();
    b.login("admin", ADMIN_PASSWORD).await;
    b.click("a[href='/users']").await;
    b.upload("#file", &bad).await;
    b.press("上传并创建").await;
    let problems = b.text(".problems").await;
    assert!(
        problems.contains("第 3 行") && problems.contains("不存在的单位"),
        "{problems}"
    );
    assert!(
        !b.page_text().await.contains("zhang_san"),
        "nothing was made"
    );
    b.check("users-problems").await;
    let good = dir.path().join("账号-改.csv");
    std::fs::write(
        &good,
        format!("{head}zhang_san,张三,协调员,华山街道党建联盟,\r\nli_si,李四,成员单位联络员,,华山社区卫生服务中心\r\n"),
    )
    .unwrap();
    b.upload("#file", &good).await;
    b.press("上传并创建").await;
    assert!(b.text("#h-made").await.contains("已创建 2 个账号"));
    let initial = b
        .text("#h-made ~ .table-wrap tbody tr:first-child code")
        .await;
    assert_eq!(initial.chars().count(), 12);
    b.check("users-made").await;
    b.logout().await;

    b.login("zhang_san", &initial).await;
    assert_eq!(
        b.path().await,
        "/password",
        "an initial password is changed first"
    );
    b.goto("/needs").await;
    assert_eq!(b.path().await, "/password");
    b.check("password-required").await;
    b.fill("#current_password", &initial).await;
    b.fill("#new_password", "翠湖边的红嘴鸥2026").await;
    b.fill("#confirm_password", "翠湖边的红嘴鸥2027").await;
    b.press("保存新密码").await;
    assert_eq!(
        b.text("#confirm_password-err").await,
        "两次输入的新密码不一致"
    );
    b.fill("#current_password", &initial).await;
    b.fill("#new_password", "翠湖边的红嘴鸥2026").await;
    b.fill("#confirm_password", "翠湖边的红嘴鸥2026").await;
    b.press("保存新密码").await;
    assert!(b.page_text().await.contains("密码已修改"));
    b.goto("/needs").await;
    assert_eq!(b.path().await, "/needs");
    b.logout().await;
    b.login("zhang_san", "翠湖边的红嘴鸥2026").await;
    assert_eq!(b.path().await, "/");
    b.close().await;
}

/// A coordinator opens the alliance's match plan, unticks one proposal and accepts the rest:
/// they wait for review as projects.
async fn match_plan_through_the_page(app: TestApp) {
    let w = app.world().await;
    for title in ["社区义诊：测量血压血糖", "老年人健康讲座"] {
        let r = app
            .post("/api/v1/resources", &w.member_a, w.resource(title))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    for title in ["老人需要量血压", "想请医生讲讲老年健康"] {
        let n = app
            .post("/api/v1/needs", &w.coordinator, w.need(title))
            .await;
        assert_eq!(n.status, StatusCode::CREATED, "{:?}", n.body);
    }
    app.indexed().await;
    let Some(b) = Browser::open(&app.base, "plan").await else {
        return;
    };
    b.login("coord_huashan", PASSWORD).await;
    b.click("a[href='/plan']").await;
    let boxes =
        b.c.find_all(fantoccini::Locator::Css("input[name=item]"))
            .await
            .unwrap();
    assert_eq!(boxes.len(), 2, "{}", b.page_text().await);
    b.check("plan").await;
    b.tick("input[name=item]").await;
    b.press("接受勾选的项目").await;
    assert_eq!(b.path().await, "/projects?status=proposed");
    assert!(b.text(".meta").await.contains("共 1 个项目"));
    b.close().await;
}

/// An admin's lists (units, regions with their alliances, categories, one account with its
/// password reset); a unit finds 本单位 under 「更多」 on a phone.
async fn admin_pages_and_the_phone_menu(app: TestApp) {
    let w = app.world().await;
    let Some(b) = Browser::open(&app.base, "admin").await else {
        return;
    };
    b.login("admin", ADMIN_PASSWORD).await;
    b.click("a[href='/units']").await;
    b.check("units").await;
    b.fill("#name", "五华区图书馆").await;
    b.fill("#kind", "文化").await;
    b.fill("#contact_person", "张丽").await;
    b.press("登记单位").await;
    assert_eq!(b.text("#contact_phone-err").await, "请填写联系电话");
    assert_eq!(b.value("#name").await, "五华区图书馆");
    b.check("units-refused").await;
    b.fill("#contact_phone", "0871-65312345").await;
    b.press("登记单位").await;
    assert!(b.text("h1").await.contains("五华区图书馆"));
    b.choose("#alliance_id", "金马街道党建联盟").await;
    b.press("加入").await;
    assert!(
        b.text("#h-alliances + ul")
            .await
            .contains("金马街道党建联盟")
    );
    b.check("unit").await;

    b.click("a[href='/regions']").await;
    b.check("regions").await;
    b.click(&format!("a[href='/regions?id={}']", w.district))
        .await;
    b.fill("#name", "龙翔街道").await;
    b.fill("#code", "530102003").await;
    b.press("添加").await;
    assert!(b.page_text().await.contains("龙翔街道党建联盟"));
    b.check("regions-district").await;
    b.click("a[href='/categories']").await;
    b.check("categories").await;

    b.click("a[href='/users']").await;
    let id = common::scalar(
        &app.db.write,
        "SELECT id FROM users WHERE username = 'member_b'",
    )
    .await;
    b.click(&format!("a[href='/users/{id}']")).await;
    b.check("user").await;
    b.press("重置密码").await;
    assert_eq!(b.text("code.secret").await.chars().count(), 12);
    b.check("user-reset").await;
    b.logout().await;

    // On a phone the unit's menu folds 本单位 and 导入导出 under 「更多」.
    b.login("member_a", PASSWORD).await;
    b.at_width(375).await;
    assert!(!b.shown(".wide-only a[href='/units/mine']").await);
    b.unfold(".more summary").await;
    b.click(".more a[href='/units/mine']").await;
    assert!(b.text("h1").await.contains("华山社区卫生服务中心"));
    b.at_width(1280).await;
    b.check("unit-own").await;
    b.close().await;
}
