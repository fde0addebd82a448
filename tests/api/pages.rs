//! The pages over plain HTTP, where a browser would hide what is checked: the session
//! cookie's attributes, CSRF refusals, idle expiry, the login throttle, and that a refused
//! post changes nothing. (`tests/browser` drives the same pages in Chromium.)

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};

use crate::both;
use crate::common::{PASSWORD, TestApp, phone_photo, project, scalar};

both!(
    login_sets_a_safe_cookie_and_logout_ends_it,
    forms_without_this_sessions_token_are_refused,
    idle_sessions_expire,
    page_login_is_throttled,
    a_member_sees_and_reaches_only_its_own_pages,
    unknown_pages_answer_a_page_to_browsers_only,
    sheets_download_and_upload_with_the_session,
    entries_are_kept_from_their_pages,
    entries_are_edited_in_their_forms,
    bulk_accounts_are_for_admins_and_need_their_headers,
    photos_are_added_and_shown_on_the_projects_page,
    units_are_registered_joined_and_kept_from_their_pages,
    admins_keep_categories_regions_and_accounts
);

/// A browser without the browser: its cookies, kept from answer to answer.
struct Visit {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

struct Page {
    status: StatusCode,
    headers: HeaderMap,
    html: String,
}

impl Page {
    fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of `name="…" value="…"` in the page (a hidden field).
    fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .html
            .find(&marker)
            .unwrap_or_else(|| panic!("no {name} in {}", self.html))
            + marker.len();
        self.html[start..]
            .split('"')
            .next()
            .unwrap_or("")
            .to_owned()
    }

    fn set_cookie(&self, name: &str) -> String {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no Set-Cookie {name}"))
            .to_owned()
    }
}

impl Visit {
    fn new(app: &TestApp) -> Visit {
        Visit {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let resp = req
            .header("cookie", cookie.join("; "))
            .header("accept", "text/html")
            .send()
            .await
            .expect("sent");
        let headers = resp.headers().clone();
        for c in headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let pair = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        Page {
            status: resp.status(),
            headers,
            html: resp.text().await.expect("body"),
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let req = self.client.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self.client.post(format!("{}{path}", self.base)).form(form);
        self.send(req).await
    }

    /// Logs in through the login page; the answer is the login's.
    async fn login(&mut self, username: &str, password: &str) -> Page {
        let form = self.get("/login?next=/needs").await;
        let csrf = form.field("_csrf");
        self.post(
            "/login",
            &[
                ("_csrf", &csrf),
                ("username", username),
                ("password", password),
                ("next", "/needs"),
            ],
        )
        .await
    }

    /// This session's CSRF token, as its pages carry it.
    async fn csrf(&mut self) -> String {
        self.get("/").await.field("_csrf")
    }
}

async fn login_sets_a_safe_cookie_and_logout_ends_it(app: TestApp) {
    let w = app.world().await;
    let mut v = Visit::new(&app);
    let form = v.get("/login").await;
    assert_eq!(form.status, StatusCode::OK);
    let login_cookie = form.set_cookie("lm_login");
    assert!(
        login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Lax"),
        "{login_cookie}"
    );

    // A wrong password: the form again, with the Chinese message and the name kept.
    let csrf = form.field("_csrf");
    let wrong = v
        .post(
            "/login",
            &[
                ("_csrf", &csrf),
                ("username", "coord_huashan"),
                ("password", "nope"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.html.contains("用户名或密码错误"));
    assert!(wrong.html.contains("value=\"coord_huashan\""));

    let ok = v.login("coord_huashan", PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(ok.location(), "/needs");
    let session = ok.set_cookie("lm_session");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=43200"] {
        assert!(session.contains(part), "{part} missing from {session}");
    }
    assert!(!session.contains("Secure"), "plain HTTP: not Secure");
    let home = v.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.html.contains("coord_huashan") && home.html.contains("华山街道党建联盟"));
    assert_eq!(home.headers["cache-control"], "no-store");

    // The session is the API's: the same row, audited as a login.
    let logins = scalar(
        &app.db.read,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'login'",
    )
    .await;
    assert!(logins >= 1);

    // Behind TLS the cookie is Secure.
    let mut tls = Visit::new(&app);
    let form = tls.get("/login").await;
    let csrf = form.field("_csrf");
    let req = tls
        .client
        .post(format!("{}/login", tls.base))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("username", "reviewer"),
            ("password", PASSWORD),
        ]);
    let secure = tls.send(req).await;
    assert!(secure.set_cookie("lm_session").contains("; Secure"));

    // Logging out needs the token too; then the cookie opens nothing.
    let stale = v.post("/logout", &[]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);
    assert_eq!(v.get("/").await.status, StatusCode::OK, "still logged in");
    let old = v.cookies.clone();
    let csrf = v.csrf().await;
    let out = v.post("/logout", &[("_csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/login");
    v.cookies = old;
    let after = v.get("/needs").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), "/login?next=%2Fneeds");
    // And the API token of the same user is untouched.
    assert_eq!(
        app.get("/api/v1/auth/me", &w.coordinator).await.status,
        StatusCode::OK
    );

    // After login only a path of this site is followed.
    for next in [
        "//evil.example/x",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let mut v = Visit::new(&app);
        let csrf = v.get("/login").await.field("_csrf");
        let ok = v
            .post(
                "/login",
                &[
                    ("_csrf", &csrf),
                    ("username", "reviewer"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(ok.location(), "/", "next={next}");
    }
}

async fn forms_without_this_sessions_token_are_refused(app: TestApp) {
    let w = app.world().await;
    let mut v = Visit::new(&app);
    v.login("coord_huashan", PASSWORD).await;
    let csrf = v.csrf().await;
    let need = [("title", "楼道灯坏了需要维修"), ("category", "环境治理")];
    // No token, another session's token, or another site's Origin: refused, nothing posted.
    let mut other = Visit::new(&app);
    other.login("coord_huashan", PASSWORD).await;
    let foreign = other.csrf().await;
    assert_ne!(foreign, csrf);
    let refused = v.post("/needs/new", &need).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.html.contains("页面已过期或来源不明"));
    let mut with = need.to_vec();
    with.push(("_csrf", &foreign));
    assert_eq!(
        v.post("/needs/new", &with).await.status,
        StatusCode::FORBIDDEN
    );
    let mut with = need.to_vec();
    with.push(("_csrf", &csrf));
    let req = v
        .client
        .post(format!("{}/needs/new", v.base))
        .header("origin", "http://evil.example")
        .form(&with);
    assert_eq!(v.send(req).await.status, StatusCode::FORBIDDEN);
    let needs = app
        .get(
            &format!("/api/v1/needs?alliance_id={}", w.street_alliance),
            &w.coordinator,
        )
        .await;
    assert_eq!(needs.body["total"], 0);

    // With it, the need is posted and the page goes to it.
    let posted = v.post("/needs/new", &with).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.html);
    assert!(posted.location().starts_with("/needs/"));

    // A refused post keeps every field typed, with the message beside the field.
    let bad = [
        ("_csrf", csrf.as_str()),
        ("title", "周末想办亲子活动"),
        ("description", "需要场地和志愿者"),
        ("category", "文化体育"),
        ("quantity", "三十"),
        ("needed_by", "2020-01-01"),
    ];
    let refused = v.post("/needs/new", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("value=\"周末想办亲子活动\""));
    assert!(refused.html.contains(">需要场地和志愿者</textarea>"));
    assert!(refused.html.contains("value=\"三十\""));
    assert!(refused.html.contains("id=\"quantity-err\">数量须为整数"));
    let needs = app
        .get(
            &format!("/api/v1/needs?alliance_id={}", w.street_alliance),
            &w.coordinator,
        )
        .await;
    assert_eq!(needs.body["total"], 1, "only the accepted one");
}

async fn idle_sessions_expire(app: TestApp) {
    app.world().await;
    let quick = app
        .sibling_with(|c| c.web_idle = std::time::Duration::from_secs(1))
        .await;
    let mut v = Visit::new(&quick);
    v.login("reviewer", PASSWORD).await;
    assert_eq!(v.get("/").await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let after = v.get("/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), "/login");
    quick.stop().await;
}

async fn page_login_is_throttled(app: TestApp) {
    app.world().await;
    let mut v = Visit::new(&app);
    let form = v.get("/login").await;
    let csrf = form.field("_csrf");
    let mut last = StatusCode::OK;
    for _ in 0..11 {
        last = v
            .post(
                "/login",
                &[
                    ("_csrf", &csrf),
                    ("username", "reviewer"),
                    ("password", "guess"),
                ],
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // Even the right password waits now.
    let right = v
        .post(
            "/login",
            &[
                ("_csrf", &csrf),
                ("username", "reviewer"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.html.contains("请15分钟后再试"));
}

async fn a_member_sees_and_reaches_only_its_own_pages(app: TestApp) {
    let w = app.world().await;
    let r = app
        .post("/api/v1/resources", &w.member_a, w.resource("上门量血压"))
        .await
        .id();
    let n = app
        .post("/api/v1/needs", &w.coordinator, w.need("老人量血压"))
        .await
        .id();
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            serde_json::json!({"need_id": n, "resource_ids": [r], "title": "量血压"}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{:?}", p.body);
    let p = p.id();
    let mut v = Visit::new(&app);
    v.login("member_a", PASSWORD).await;
    let home = v.get("/").await;
    assert!(!home.html.contains("发布需求") && !home.html.contains("待审核"));
    assert_eq!(v.get("/needs/new").await.status, StatusCode::FORBIDDEN);
    let project = v.get(&format!("/projects/{p}")).await;
    assert_eq!(project.status, StatusCode::OK);
    assert!(
        !project.html.contains(">批准<"),
        "no approve button for a unit"
    );
    // Posting the reviewer's move anyway: refused, the project unchanged.
    let csrf = v.csrf().await;
    let moved = v
        .post(
            &format!("/projects/{p}/transitions"),
            &[("_csrf", &csrf), ("to", "approved"), ("version", "1")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::FORBIDDEN);
    let after = app.get(&format!("/api/v1/projects/{p}"), &w.reviewer).await;
    assert_eq!(after.body["status"], "proposed");
    // The reviewer's button works, and refuses a move made from a stale page.
    let mut rv = Visit::new(&app);
    rv.login("reviewer", PASSWORD).await;
    let csrf = rv.csrf().await;
    let page = rv.get(&format!("/projects/{p}")).await;
    assert!(page.html.contains(">批准<"));
    let version = page.field("version");
    let ok = rv
        .post(
            &format!("/projects/{p}/transitions"),
            &[("_csrf", &csrf), ("to", "approved"), ("version", &version)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let stale = rv
        .post(
            &format!("/projects/{p}/transitions"),
            &[
                ("_csrf", &csrf),
                ("to", "rejected"),
                ("note", "重复"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = app.get(&format!("/api/v1/projects/{p}"), &w.reviewer).await;
    assert_eq!(after.body["status"], "approved");
}

async fn unknown_pages_answer_a_page_to_browsers_only(app: TestApp) {
    let mut v = Visit::new(&app);
    let page = v.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.html.contains("没有这个页面"));
    let api = app
        .client
        .get(format!("{}/no/such/page", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert!(
        api.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    // Not logged in: a page asks to log in first.
    let home = v.get("/projects").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/login?next=%2Fprojects");
}

async fn sheets_download_and_upload_with_the_session(app: TestApp) {
    let w = app.world().await;
    app.post("/api/v1/needs", &w.coordinator, w.need("老人量血压"))
        .await;
    let mut v = Visit::new(&app);
    v.login("coord_huashan", PASSWORD).await;
    let template = v.get("/imports/template/needs.csv").await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(
        template.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    assert_eq!(
        template.html.trim_start_matches('\u{feff}').trim_end(),
        "标题,描述,类别,标签,数量,所属社区,紧急程度,需要日期"
    );
    let csv = v.get("/exports/needs.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.html.contains("老人量血压"));
    let xlsx = v.get("/exports/needs.xlsx").await;
    assert!(
        xlsx.headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert_eq!(
        v.get("/exports/nothing.csv").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        v.get("/imports/template/projects.csv").await.status,
        StatusCode::NOT_FOUND
    );

    // An upload without this session's token is refused before the file is read.
    let file = "标题,描述,类别,标签,数量,所属社区,紧急程度,需要日期\r\n楼道照明维修,,环境治理,,,,一般,\r\n";
    let form = reqwest::multipart::Form::new()
        .text("_csrf", "not-the-token")
        .part(
            "file",
            reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("x.csv"),
        );
    let req = v.client.post(format!("{}/imports", v.base)).multipart(form);
    assert_eq!(v.send(req).await.status, StatusCode::FORBIDDEN);
    // With it, the job starts and its page shows it.
    let csrf = v.csrf().await;
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("x.csv"),
    );
    let req = v.client.post(format!("{}/imports", v.base)).multipart(form);
    let started = v.send(req).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    assert!(started.location().starts_with("/imports/"));
    // No file: the page again, saying so.
    let csrf = v.csrf().await;
    let form = reqwest::multipart::Form::new().text("_csrf", csrf);
    let req = v.client.post(format!("{}/imports", v.base)).multipart(form);
    let refused = v.send(req).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("请选择要导入的 CSV 或 XLSX 文件"));

    // A reviewer may export but gets no upload form.
    let mut r = Visit::new(&app);
    r.login("reviewer", PASSWORD).await;
    let page = r.get("/imports").await;
    assert!(!page.html.contains("type=\"file\""));
    assert!(page.html.contains("/exports/projects.xlsx"));
}

/// 复核, close and open again from a need's page, withdraw and offer again from a resource's;
/// a change from a stale page is refused and changes nothing; the list searches by words.
async fn entries_are_kept_from_their_pages(app: TestApp) {
    let w = app.world().await;
    let n = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人助餐"))
        .await;
    let (need, version) = (n.id(), n.body["version"].as_i64().unwrap());
    let r = app
        .post("/api/v1/resources", &w.member_a, w.resource("上门量血压"))
        .await
        .id();
    app.indexed().await;
    let mut v = Visit::new(&app);
    v.login("coord_huashan", PASSWORD).await;
    let csrf = v.csrf().await;
    let page = v.get(&format!("/needs/{need}")).await;
    assert!(page.html.contains("复核（仍需要）") && page.html.contains("关闭需求"));
    let post = |action: &str, version: i64| {
        vec![
            ("_csrf".to_owned(), csrf.clone()),
            ("action".to_owned(), action.to_owned()),
            ("version".to_owned(), version.to_string()),
        ]
    };
    let send = |v: &Visit, path: &str, form: Vec<(String, String)>| {
        v.client.post(format!("{}{path}", v.base)).form(&form)
    };
    let closed = v
        .send(send(
            &v,
            &format!("/needs/{need}/keep"),
            post("close", version),
        ))
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.html);
    let now = app
        .get(&format!("/api/v1/needs/{need}"), &w.coordinator)
        .await;
    assert_eq!(now.body["status"], "closed");
    // The same page again: its version is old, so nothing changes.
    let stale = v
        .send(send(
            &v,
            &format!("/needs/{need}/keep"),
            post("reopen", version),
        ))
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get(&format!("/api/v1/needs/{need}"), &w.coordinator)
            .await
            .body["status"],
        "closed"
    );
    let current = now.body["version"].as_i64().unwrap();
    let reopened = v
        .send(send(
            &v,
            &format!("/needs/{need}/keep"),
            post("reopen", current),
        ))
        .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&format!("/api/v1/needs/{need}"), &w.coordinator)
            .await
            .body["status"],
        "open"
    );

    // Search by words within the alliance's street.
    let found = v.get("/needs?q=%E5%8A%A9%E9%A4%90").await;
    assert!(
        found.html.contains("独居老人助餐") && found.html.contains("搜索“助餐”"),
        "{}",
        found.html
    );
    let none = v.get("/needs?q=%E5%BE%8B%E5%B8%88").await;
    assert!(!none.html.contains("独居老人助餐"));
    let too_long = v.get(&format!("/needs?q={}", "字".repeat(101))).await;
    assert!(too_long.html.contains("搜索词须为1至100个字"));

    // A coordinator sees no buttons on a unit's resource; the unit withdraws and offers again.
    let page = v.get(&format!("/resources/{r}")).await;
    assert!(
        !page.html.contains(">撤回</button>"),
        "only the unit keeps its resource"
    );
    let mut u = Visit::new(&app);
    u.login("member_a", PASSWORD).await;
    let ucsrf = u.csrf().await;
    let page = u.get(&format!("/resources/{r}")).await;
    assert!(page.html.contains(">撤回</button>") && page.html.contains(">已用完</button>"));
    let version = page.field("version");
    let form = vec![
        ("_csrf".to_owned(), ucsrf.clone()),
        ("action".to_owned(), "withdraw".to_owned()),
        ("version".to_owned(), version),
    ];
    let withdrawn = u
        .send(send(&u, &format!("/resources/{r}/keep"), form))
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let page = u.get(&format!("/resources/{r}")).await;
    assert!(page.html.contains(">重新提供</button>") && !page.html.contains(">撤回</button>"));
    assert_eq!(
        app.get(&format!("/api/v1/resources/{r}"), &w.member_a)
            .await
            .body["status"],
        "withdrawn"
    );
}

/// 编辑: the form comes filled with the entry as it is; a save changes it; a save from a form
/// filled before someone else's change is refused above the fields, the input kept.
async fn entries_are_edited_in_their_forms(app: TestApp) {
    let w = app.world().await;
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("独居老人助餐"))
        .await
        .id();
    let r = app
        .post("/api/v1/resources", &w.member_a, w.resource("上门量血压"))
        .await
        .id();
    let mut v = Visit::new(&app);
    v.login("coord_huashan", PASSWORD).await;
    let csrf = v.csrf().await;
    let form = v.get(&format!("/needs/{need}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.html.contains("value=\"独居老人助餐\""));
    assert!(form.html.contains("value=\"老年人、体检\""));
    let version = form.field("version");
    let fields = |title: &str, version: &str| {
        vec![
            ("_csrf".to_owned(), csrf.clone()),
            ("version".to_owned(), version.to_owned()),
            ("title".to_owned(), title.to_owned()),
            ("category".to_owned(), "养老助残".to_owned()),
            ("community".to_owned(), w.community.to_string()),
            ("description".to_owned(), "每天中午送餐上门".to_owned()),
            ("tags".to_owned(), "助餐".to_owned()),
            ("quantity".to_owned(), String::new()),
            ("urgency".to_owned(), "high".to_owned()),
        ]
    };
    let path = format!("{}/needs/{need}/edit", v.base);
    let saved = v
        .send(
            v.client
                .post(&path)
                .form(&fields("独居老人午餐送上门", &version)),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let now = app
        .get(&format!("/api/v1/needs/{need}"), &w.coordinator)
        .await;
    assert_eq!(now.body["title"], "独居老人午餐送上门");
    assert_eq!(now.body["category"], "养老助残");
    assert_eq!(
        now.body["quantity"],
        serde_json::Value::Null,
        "an emptied field is cleared"
    );
    let stale = v
        .send(v.client.post(&path).form(&fields("又改了一次", &version)))
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        stale.html.contains("value=\"又改了一次\""),
        "the input is kept"
    );
    let after = app
        .get(&format!("/api/v1/needs/{need}"), &w.coordinator)
        .await;
    assert_eq!(after.body["title"], "独居老人午餐送上门", "nothing changed");
    // Another alliance's coordinator, or a unit, may not open the form.
    let mut other = Visit::new(&app);
    other.login("coord_jinma", PASSWORD).await;
    assert_eq!(
        other.get(&format!("/needs/{need}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        v.get(&format!("/resources/{r}/edit")).await.status,
        StatusCode::FORBIDDEN
    );

    // The unit edits its resource's scope by name.
    let mut u = Visit::new(&app);
    u.login("member_a", PASSWORD).await;
    let form = u.get(&format!("/resources/{r}/edit")).await;
    assert!(
        form.html
            .contains(&format!("value=\"street:{}\" selected", w.street))
    );
    let ucsrf = u.csrf().await;
    let fields = vec![
        ("_csrf".to_owned(), ucsrf),
        ("version".to_owned(), form.field("version")),
        ("title".to_owned(), "上门量血压".to_owned()),
        ("category".to_owned(), "医疗健康".to_owned()),
        ("scope".to_owned(), format!("community:{}", w.community)),
        ("description".to_owned(), "每周三上午上门量血压".to_owned()),
        ("tags".to_owned(), "义诊".to_owned()),
        ("quantity".to_owned(), "10".to_owned()),
    ];
    let saved = u
        .send(
            u.client
                .post(format!("{}/resources/{r}/edit", u.base))
                .form(&fields),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let now = app
        .get(&format!("/api/v1/resources/{r}"), &w.member_a)
        .await;
    assert_eq!(now.body["scope"]["level"], "community");
    assert_eq!(now.body["quantity"], 10);
}

/// Accounts in bulk: only an admin may make them, and a sheet without its headers is refused
/// by name, with nothing made.
async fn bulk_accounts_are_for_admins_and_need_their_headers(app: TestApp) {
    app.world().await;
    let sheet = |text: &str| {
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("账号.csv")
    };
    let mut coordinator = Visit::new(&app);
    coordinator.login("coord_huashan", PASSWORD).await;
    assert_eq!(
        coordinator.get("/users").await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = coordinator.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .part("file", sheet("用户名,姓名,角色\r\nwang_wu,王五,审核人\r\n"));
    let req = coordinator
        .client
        .post(format!("{}/users/bulk", coordinator.base))
        .multipart(form);
    assert_eq!(coordinator.send(req).await.status, StatusCode::FORBIDDEN);

    let mut admin = Visit::new(&app);
    admin.login("admin", crate::common::ADMIN_PASSWORD).await;
    let csrf = admin.csrf().await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf)
        .part("file", sheet("名字,角色\r\nwang_wu,审核人\r\n"));
    let req = admin
        .client
        .post(format!("{}/users/bulk", admin.base))
        .multipart(form);
    let refused = admin.send(req).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains("缺少「用户名」列"),
        "{}",
        refused.html
    );
    let made = scalar(
        &app.db.read,
        "SELECT COUNT(*) FROM users WHERE username = 'wang_wu'",
    )
    .await;
    assert_eq!(made, 0);
}

/// 晒单 from the project's page: the unit uploads a photo and sees its thumbnail; a refused
/// upload says why beside the field and keeps the caption; another unit sees the photo but
/// gets no upload form and no 删除.
async fn photos_are_added_and_shown_on_the_projects_page(app: TestApp) {
    let w = app.world().await;
    let p = project(&app, &w, &["approved", "in_progress"]).await;
    let mut v = Visit::new(&app);
    v.login("member_a", PASSWORD).await;
    let page = v.get(&format!("/projects/{p}")).await;
    assert!(page.html.contains("上传照片"), "{}", page.html);
    let upload = |csrf: String, bytes: Vec<u8>, name: &str| {
        reqwest::multipart::Form::new()
            .text("_csrf", csrf)
            .text("caption", "门口路灯修好了")
            .part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            )
    };
    let path = format!("{}/projects/{p}/photos", v.base);
    // Not this session's token: refused, nothing kept.
    let req = v
        .client
        .post(&path)
        .multipart(upload("x".into(), phone_photo(), "a.jpg"));
    assert_eq!(v.send(req).await.status, StatusCode::FORBIDDEN);
    // Not a photo: the page again, the reason beside the field, the caption kept.
    let csrf = v.csrf().await;
    let req = v
        .client
        .post(&path)
        .multipart(upload(csrf, b"hello".to_vec(), "a.jpg"));
    let refused = v.send(req).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .html
            .contains("<p class=\"err\" id=\"photo-err\">只能上传 JPEG 或 PNG 格式的照片</p>")
    );
    assert!(refused.html.contains("value=\"门口路灯修好了\""));
    assert_eq!(
        scalar(&app.db.write, "SELECT COUNT(*) FROM project_photos").await,
        0
    );
    // A photo: back to the project, its thumbnail shown and served with the session.
    let csrf = v.csrf().await;
    let req = v
        .client
        .post(&path)
        .multipart(upload(csrf, phone_photo(), "a.jpg"));
    let done = v.send(req).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), format!("/projects/{p}#photos"));
    let id = scalar(&app.db.write, "SELECT MAX(id) FROM project_photos").await;
    let page = v.get(&format!("/projects/{p}")).await;
    let thumb = format!("/projects/{p}/photos/{id}?size=thumb");
    assert!(
        page.html.contains(&format!("src=\"{thumb}\"")),
        "{}",
        page.html
    );
    assert!(page.html.contains("alt=\"门口路灯修好了\""));
    // A photo smaller than a thumbnail keeps its size; the page reserves it.
    assert!(page.html.contains("width=\"20\" height=\"40\""));
    assert!(page.html.contains("删除"));
    let req = v.client.get(format!("{}{thumb}", v.base));
    let img = v.send(req).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers["content-type"], "image/jpeg");

    // Unit B sees it, may not add or remove.
    let mut b = Visit::new(&app);
    b.login("member_b", PASSWORD).await;
    let seen = b.get(&format!("/projects/{p}")).await;
    assert!(seen.html.contains(&thumb));
    assert!(!seen.html.contains("上传照片") && !seen.html.contains("删除"));
    let csrf = b.csrf().await;
    let gone = b
        .post(
            &format!("/projects/{p}/photos/{id}/delete"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(gone.status, StatusCode::FORBIDDEN);
    // Its uploader removes it.
    let csrf = v.csrf().await;
    let gone = v
        .post(
            &format!("/projects/{p}/photos/{id}/delete"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(&app.db.write, "SELECT COUNT(*) FROM project_photos").await,
        0
    );
}

/// 成员单位: a coordinator registers a unit (a refusal keeps what was typed) and it joins the
/// alliance; another alliance's coordinator invites it; the unit keeps its own details and
/// reaches no other unit's page.
async fn units_are_registered_joined_and_kept_from_their_pages(app: TestApp) {
    let w = app.world().await;
    let mut c = Visit::new(&app);
    c.login("coord_huashan", PASSWORD).await;
    let list = c.get("/units").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.html.contains("华山社区卫生服务中心"));
    assert!(
        !list.html.contains("云南金马律师事务所"),
        "only the alliance's members"
    );
    assert!(
        c.get("/units?all=1")
            .await
            .html
            .contains("云南金马律师事务所")
    );
    let csrf = c.csrf().await;
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("name", "五华区图书馆"),
        ("kind", "文化"),
        ("contact_person", "张丽"),
        ("contact_phone", "电话"),
    ];
    let refused = c.post("/units", &form).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("联系电话格式不正确"));
    assert!(refused.html.contains("value=\"五华区图书馆\""));
    let units = "SELECT COUNT(*) FROM organizations";
    assert_eq!(scalar(&app.db.write, units).await, 2);
    form[4] = ("contact_phone", "0871-65312345");
    let made = c.post("/units", &form).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let page = c.get(made.location()).await;
    assert!(page.html.contains("华山街道党建联盟"), "{}", page.html);
    assert!(page.html.contains("成员单位 ·"));
    let library = made.location().trim_start_matches("/units/").to_owned();

    // The 金马 coordinator invites it; the page no longer offers to.
    let mut j = Visit::new(&app);
    j.login("coord_jinma", PASSWORD).await;
    let page = j.get(&format!("/units/{library}")).await;
    assert!(page.html.contains("加入金马街道党建联盟"));
    assert!(
        !page.html.contains("修改单位信息"),
        "only the unit and admins edit it"
    );
    let csrf = j.csrf().await;
    let joined = j
        .post(
            &format!("/units/{library}/alliances"),
            &[("_csrf", &csrf), ("role", "牵头单位")],
        )
        .await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER);
    let page = j.get(&format!("/units/{library}")).await;
    assert!(
        page.html
            .contains("金马街道党建联盟 <span class=\"meta\">牵头单位")
    );
    assert!(!page.html.contains("加入金马街道党建联盟"));

    // The unit keeps its details; nothing else of the directory is its to see.
    let mut m = Visit::new(&app);
    m.login("member_a", PASSWORD).await;
    let mine = m.get("/units/mine").await;
    assert_eq!(mine.location(), format!("/units/{}", w.org_a));
    assert_eq!(m.get("/units").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        m.get(&format!("/units/{}", w.org_b)).await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = m.csrf().await;
    let path = format!("/units/{}", w.org_a);
    let mut edit = vec![
        ("_csrf", csrf.as_str()),
        ("name", "华山社区卫生服务中心"),
        ("kind", "医疗卫生"),
        ("contact_person", "李明"),
        ("contact_phone", "x"),
        ("address", "华山南路 12 号"),
    ];
    let refused = m.post(&path, &edit).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("value=\"华山南路 12 号\""));
    edit[4] = ("contact_phone", "0871-63999999");
    let saved = m.post(&path, &edit).await;
    assert_eq!(saved.location(), format!("{path}?saved=1"));
    assert!(m.get(&path).await.html.contains("0871-63999999"));
    // It may not join alliances itself.
    let csrf = m.csrf().await;
    let refused = m
        .post(
            &format!("{path}/alliances"),
            &[
                ("_csrf", &csrf),
                ("alliance_id", &w.other_alliance.to_string()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// An admin adds a category and a street (its alliance comes with it) and renames it, each
/// refusal kept beside its field; resets a password (shown once, to be changed at the next
/// login) and disables an account.
async fn admins_keep_categories_regions_and_accounts(app: TestApp) {
    let w = app.world().await;
    let mut a = Visit::new(&app);
    a.login("admin", crate::common::ADMIN_PASSWORD).await;
    let csrf = a.csrf().await;
    let added = a
        .post("/categories", &[("_csrf", &csrf), ("name", "非遗传承")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert!(
        a.get("/categories")
            .await
            .html
            .contains("<li class=\"tag\">非遗传承</li>")
    );
    let again = a
        .post("/categories", &[("_csrf", &csrf), ("name", "非遗传承")])
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.html.contains("该类别已存在"));
    assert!(
        again.html.contains("value=\"非遗传承\""),
        "the typed name is kept"
    );
    assert!(!a.get("/categories").await.html.contains("value=\"name\""));

    let district = a.get(&format!("/regions?id={}", w.district)).await;
    assert!(district.html.contains("华山街道"));
    assert!(district.html.contains("下属街道"));
    let path = format!("/regions/{}/children", w.district);
    let bad = a
        .post(
            &path,
            &[
                ("_csrf", &csrf),
                ("name", "龙翔街道"),
                ("code", "530102 003"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("编码只能包含字母、数字、- 和 _"));
    assert!(bad.html.contains("value=\"龙翔街道\""));
    let good = a
        .post(
            &path,
            &[
                ("_csrf", &csrf),
                ("name", "龙翔街道"),
                ("code", "530102003"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let page = a.get(&format!("/regions?id={}", w.district)).await;
    assert!(
        page.html.contains("龙翔街道党建联盟"),
        "the street's alliance is made with it"
    );
    let rename = format!("/regions/{}/name", w.street);
    let renamed = a.post(&rename, &[("_csrf", &csrf), ("rename", "")]).await;
    assert_eq!(renamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(renamed.html.contains("id=\"rename-err\""));
    let renamed = a
        .post(&rename, &[("_csrf", &csrf), ("rename", "华山新街道")])
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert!(
        a.get(renamed.location())
            .await
            .html
            .contains("华山新街道党建联盟")
    );

    // Accounts: a reset password is shown once and must be replaced at the next login.
    let id = scalar(
        &app.db.write,
        "SELECT id FROM users WHERE username = 'member_b'",
    )
    .await;
    let reset = a
        .post(
            &format!("/users/{id}"),
            &[("_csrf", &csrf), ("action", "reset")],
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    let start = reset
        .html
        .find("<code class=\"secret\">")
        .expect("the password")
        + 21;
    let password = reset.html[start..].split('<').next().unwrap().to_owned();
    assert_eq!(password.len(), 12);
    assert!(
        !a.get(&format!("/users/{id}"))
            .await
            .html
            .contains(&password),
        "shown once"
    );
    let mut b = Visit::new(&app);
    assert_eq!(
        b.login("member_b", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "the old password is gone"
    );
    let first = b.login("member_b", &password).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/needs").await.location(), "/password");
    // Disabled: its sessions end and it cannot log in.
    let off = a
        .post(
            &format!("/users/{id}"),
            &[("_csrf", &csrf), ("action", "disable")],
        )
        .await;
    assert_eq!(off.location(), format!("/users/{id}?done=disabled"));
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
    assert_ne!(
        b.login("member_b", &password).await.status,
        StatusCode::SEE_OTHER
    );
    // Not its own account, and not for anyone but admins.
    let me = scalar(
        &app.db.write,
        "SELECT id FROM users WHERE username = 'admin'",
    )
    .await;
    assert!(
        !a.get(&format!("/users/{me}"))
            .await
            .html
            .contains("停用账号</button>")
    );
    let mut c = Visit::new(&app);
    c.login("coord_huashan", PASSWORD).await;
    for path in ["/categories", "/regions", &format!("/users/{id}")] {
        assert_eq!(c.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}
