//! The test harness: every test gets its own database (a temp SQLite file, or a fresh
//! PostgreSQL database it creates and drops) and a real server on a free port.

use std::future::Future;
use std::sync::Arc;

use lianmeng::config::Config;
use lianmeng::db::Db;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub const ADMIN_PASSWORD: &str = "admin-pass-2026";
pub const PASSWORD: &str = "secret-pass-1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `test` against a fresh app on `backend`, then cleans up even if the test panicked.
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let pg_base = std::env::var("LIANMENG_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty());
    // Without the variable these tests are compiled as ignored (see build.rs); run anyway
    // (`--include-ignored`), they fail rather than pass without testing anything.
    if backend == Backend::Postgres && pg_base.is_none() {
        panic!("LIANMENG_TEST_PG_URL is not set: cannot run a PostgreSQL test");
    }
    let (url, cleanup) = match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (url, Cleanup::Sqlite(dir))
        }
        Backend::Postgres => {
            let base = pg_base.expect("checked above");
            // Named after the base database, so a CI run can drop exactly its own leftovers.
            let base_name = url::Url::parse(&base)
                .expect("LIANMENG_TEST_PG_URL is a URL")
                .path()
                .trim_start_matches('/')
                .to_owned();
            let unique = &uuid::Uuid::new_v4().simple().to_string()[..16];
            let keep = 63usize.saturating_sub(unique.len() + 2);
            let name = format!("{}_t{unique}", &base_name[..base_name.len().min(keep)]);
            let admin = Database::connect(&base)
                .await
                .expect("connect to LIANMENG_TEST_PG_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create test database");
            let _ = admin.close().await;
            let url = replace_db_name(&base, &name);
            (url, Cleanup::Postgres { base, name })
        }
    };
    let app = TestApp::spawn(&url).await;
    let handle = app.clone();
    let outcome = tokio::spawn(test(app)).await;
    handle.stop().await;
    cleanup.run().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

fn replace_db_name(base: &str, name: &str) -> String {
    let mut url = url::Url::parse(base).expect("LIANMENG_TEST_PG_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { base: String, name: String },
}

impl Cleanup {
    async fn run(self) {
        if let Cleanup::Postgres { base, name } = self {
            let admin = Database::connect(&base)
                .await
                .expect("connect to LIANMENG_TEST_PG_URL");
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .expect("drop test database");
            let _ = admin.close().await;
        }
    }
}

#[derive(Clone)]
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub url: String,
    /// The data directory (search index, synonym file), removed with the app.
    pub data_dir: Arc<tempfile::TempDir>,
    pub search: Arc<lianmeng::search::Search>,
    pub regions: Arc<lianmeng::domain::regions::TreeCache>,
    server: Arc<tokio::task::JoinHandle<()>>,
    /// The service as `serve` runs it (state and workers); `None` once stopped.
    app: Arc<tokio::sync::Mutex<Option<lianmeng::App>>>,
}

/// An HTTP answer: status, headers and the JSON body (Null when empty or not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The `errors[].field` names of a problem+json body.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn is_problem(&self) -> bool {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            == Some("application/problem+json")
            && self.body["status"].as_u64() == Some(self.status.as_u16() as u64)
            && self.body["title"].is_string()
    }

    pub fn id(&self) -> i64 {
        self.body["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {:?}", self))
    }
}

impl TestApp {
    pub async fn spawn(url: &str) -> Self {
        Self::spawn_in(url, Arc::new(tempfile::tempdir().expect("data dir"))).await
    }

    pub(crate) async fn spawn_in(url: &str, dir: Arc<tempfile::TempDir>) -> Self {
        Self::spawn_with(url, dir, |_| {}).await
    }

    async fn spawn_with(
        url: &str,
        dir: Arc<tempfile::TempDir>,
        tweak: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config::new(url.to_owned(), dir.path().to_owned());
        // Webhook receivers of the tests listen on 127.0.0.1, and retries must come quickly.
        config.notify.webhook_allow_private = true;
        config.notify.webhook_retry_base = std::time::Duration::from_millis(200);
        config.notify.webhook_timeout = std::time::Duration::from_secs(2);
        config.notify.webhook_max_attempts = 4;
        tweak(&mut config);
        let app = lianmeng::App::build(config, Some(ADMIN_PASSWORD))
            .await
            .expect("prepare app");
        let db = app.state.db.clone();
        let search = app.state.search.clone();
        let regions = app.state.regions.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let service = app.service();
        let server = tokio::spawn(async move {
            axum::serve(listener, service).await.expect("server");
        });
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::new(),
            db,
            url: url.to_owned(),
            data_dir: dir,
            search,
            regions,
            server: Arc::new(server),
            app: Arc::new(tokio::sync::Mutex::new(Some(app))),
        }
    }

    /// What a match reads besides the database, as the server has it.
    pub fn engine(&self) -> lianmeng::domain::matching::Engine<'_> {
        lianmeng::domain::matching::Engine {
            search: &self.search,
            regions: &self.regions,
        }
    }

    /// A second instance on the same database, with its own data directory and index (as
    /// several servers share one PostgreSQL).
    pub async fn sibling(&self) -> TestApp {
        TestApp::spawn(&self.url).await
    }

    /// A second instance on the same database with its configuration changed by `tweak`.
    pub async fn sibling_with(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = Arc::new(tempfile::tempdir().expect("data dir"));
        TestApp::spawn_with(&self.url, dir, tweak).await
    }

    /// Stops this instance's background loops (announcer, reminders, deliverer), so a test
    /// can run them by hand or leave the work to another instance. Its index goes on
    /// following the database.
    pub async fn stop_workers(&self) {
        if let Some(app) = self.app.lock().await.as_mut() {
            app.stop_workers(true).await;
        }
    }

    /// Waits until this instance's search index has applied every change in the outbox.
    pub async fn indexed(&self) {
        use sea_orm::{EntityTrait, QueryOrder};
        let last = entity::search_outbox::Entity::find()
            .order_by_desc(entity::search_outbox::Column::Seq)
            .one(&self.db.read)
            .await
            .expect("outbox")
            .map_or(0, |r| r.seq);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while self.search.applied() < last {
            assert!(
                std::time::Instant::now() < deadline,
                "index stuck at {} of {last}",
                self.search.applied()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        // Matches by meaning too: the embedder is fed by the batches the index applied.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while self.search.embedder.pending() > 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "{} rows still wait for an embedding",
                self.search.embedder.pending()
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Stops this instance and starts it again on the same database and data directory.
    pub async fn restart(self) -> TestApp {
        self.restart_after(|| async {}).await
    }

    /// Stops this instance, runs `between` while it is down (on its database and data
    /// directory), then starts it again.
    pub async fn restart_after<F, Fut>(self, between: F) -> TestApp
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ()>,
    {
        self.stop().await;
        between().await;
        TestApp::spawn_in(&self.url, self.data_dir.clone()).await
    }

    pub async fn stop(&self) {
        self.server.abort();
        let app = self.app.lock().await.take();
        if let Some(app) = app {
            app.stop().await;
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        Self::answer(req).await
    }

    /// A PUT, with `If-Match` when given.
    pub async fn put(
        &self,
        path: &str,
        token: &str,
        body: Value,
        if_match: Option<&str>,
    ) -> Answer {
        let mut req = self
            .client
            .put(format!("{}{}", self.base, path))
            .bearer_auth(token)
            .json(&body);
        if let Some(v) = if_match {
            req = req.header("If-Match", v);
        }
        Self::answer(req).await
    }

    pub async fn answer(req: reqwest::RequestBuilder) -> Answer {
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.send(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Answer {
        self.send(Method::DELETE, path, Some(token), None).await
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let a = self
            .send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "login {username}: {:?}", a.body);
        a.body["token"].as_str().expect("token").to_owned()
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user through the API and logs them in.
    pub async fn user(
        &self,
        admin: &str,
        username: &str,
        role: &str,
        alliance_id: Option<i64>,
        organization_id: Option<i64>,
    ) -> String {
        let a = self
            .post(
                "/api/v1/users",
                admin,
                json!({"username": username, "password": PASSWORD, "display_name": username, "role": role,
                       "alliance_id": alliance_id, "organization_id": organization_id}),
            )
            .await;
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "create user {username}: {:?}",
            a.body
        );
        self.login(username, PASSWORD).await
    }

    /// The standard small world most tests start from:
    /// district 五华区 → street 华山街道 → communities 翠湖社区, 正义社区;
    /// district 官渡区 → street 金马街道 → community 金马社区;
    /// units A (医院, member of 华山) and B (律所, member of 金马); one user per role and scope.
    pub async fn world(&self) -> World {
        let admin = self.admin().await;
        let d1 = self
            .post(
                "/api/v1/districts",
                &admin,
                json!({"code": "530102", "name": "五华区"}),
            )
            .await
            .id();
        let s1 = self
            .post(
                "/api/v1/streets",
                &admin,
                json!({"code": "530102001", "name": "华山街道", "district_id": d1}),
            )
            .await;
        let c1 = self
            .post(
                "/api/v1/communities",
                &admin,
                json!({"code": "530102001001", "name": "翠湖社区", "street_id": s1.id()}),
            )
            .await;
        let c2 = self
            .post(
                "/api/v1/communities",
                &admin,
                json!({"code": "530102001002", "name": "正义社区", "street_id": s1.id()}),
            )
            .await;
        let d2 = self
            .post(
                "/api/v1/districts",
                &admin,
                json!({"code": "530111", "name": "官渡区"}),
            )
            .await
            .id();
        let s2 = self
            .post(
                "/api/v1/streets",
                &admin,
                json!({"code": "530111001", "name": "金马街道", "district_id": d2}),
            )
            .await;
        let c3 = self
            .post(
                "/api/v1/communities",
                &admin,
                json!({"code": "530111001001", "name": "金马社区", "street_id": s2.id()}),
            )
            .await;
        let org_a = self
            .post(
                "/api/v1/organizations",
                &admin,
                org_body("华山社区卫生服务中心", "医疗卫生"),
            )
            .await
            .id();
        let org_b = self
            .post(
                "/api/v1/organizations",
                &admin,
                org_body("云南金马律师事务所", "法律服务"),
            )
            .await
            .id();
        let street_alliance = s1.body["alliance_id"].as_i64().expect("street alliance");
        let community_alliance = c1.body["alliance_id"].as_i64().expect("community alliance");
        let other_alliance = s2.body["alliance_id"].as_i64().expect("other alliance");
        for (alliance, org) in [(street_alliance, org_a), (other_alliance, org_b)] {
            let a = self
                .post(
                    &format!("/api/v1/alliances/{alliance}/members"),
                    &admin,
                    json!({"organization_id": org}),
                )
                .await;
            assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        }
        let coordinator = self
            .user(
                &admin,
                "coord_huashan",
                "coordinator",
                Some(street_alliance),
                None,
            )
            .await;
        let community_coordinator = self
            .user(
                &admin,
                "coord_cuihu",
                "coordinator",
                Some(community_alliance),
                None,
            )
            .await;
        let other_coordinator = self
            .user(
                &admin,
                "coord_jinma",
                "coordinator",
                Some(other_alliance),
                None,
            )
            .await;
        let member_a = self
            .user(&admin, "member_a", "member", None, Some(org_a))
            .await;
        let member_b = self
            .user(&admin, "member_b", "member", None, Some(org_b))
            .await;
        let reviewer = self.user(&admin, "reviewer", "reviewer", None, None).await;
        World {
            admin,
            coordinator,
            community_coordinator,
            other_coordinator,
            member_a,
            member_b,
            reviewer,
            district: d1,
            street: s1.id(),
            other_street: s2.id(),
            community: c1.id(),
            community2: c2.id(),
            other_community: c3.id(),
            street_alliance,
            community_alliance,
            other_alliance,
            org_a,
            org_b,
        }
    }
}

/// The one integer a SQL query answers (a count, a position).
pub async fn scalar(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap()
    .unwrap_or_else(|| panic!("no row: {sql}"))
    .try_get_by_index::<i64>(0)
    .unwrap()
}

pub fn org_body(name: &str, kind: &str) -> Value {
    json!({"name": name, "kind": kind, "contact_person": "李明", "contact_phone": "0871-63123456", "address": "昆明市五华区华山南路1号"})
}

#[derive(Clone)]
pub struct World {
    pub admin: String,
    pub coordinator: String,
    pub community_coordinator: String,
    pub other_coordinator: String,
    pub member_a: String,
    pub member_b: String,
    pub reviewer: String,
    pub district: i64,
    pub street: i64,
    pub other_street: i64,
    pub community: i64,
    pub community2: i64,
    pub other_community: i64,
    pub street_alliance: i64,
    pub community_alliance: i64,
    pub other_alliance: i64,
    pub org_a: i64,
    pub org_b: i64,
}

impl World {
    /// A valid resource body for unit A, serving 华山街道. Stories post many alike, so the
    /// body confirms past the duplicate warning (`duplicates.rs` tests the warning itself).
    pub fn resource(&self, title: &str) -> Value {
        json!({"title": title, "description": "每周三上午在社区活动中心为居民免费测量血压血糖，提供健康咨询。",
               "category": "医疗健康", "tags": ["义诊", "健康咨询"], "quantity": 20,
               "scope_level": "street", "scope_region_id": self.street, "allow_duplicate": true})
    }

    /// A valid need body for the 华山 street alliance, placed in 翠湖社区 (past the duplicate
    /// warning, as `resource`).
    pub fn need(&self, title: &str) -> Value {
        json!({"alliance_id": self.street_alliance, "community_id": self.community, "title": title,
               "description": "辖区独居老人较多，希望定期开展健康检查。", "category": "医疗健康",
               "tags": ["老年人", "体检"], "quantity": 30, "urgency": "high", "allow_duplicate": true})
    }
}

/// Declares each listed `async fn name(app: TestApp)` as two tests, `name::sqlite` and
/// `name::postgres`, so the same story runs on both databases.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::common::run($crate::common::Backend::Sqlite, super::$name).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[cfg_attr(
                    not(lianmeng_test_pg),
                    ignore = "LIANMENG_TEST_PG_URL is not set: PostgreSQL not tested"
                )]
                async fn postgres() {
                    $crate::common::run($crate::common::Backend::Postgres, super::$name).await
                }
            }
        )*
    };
}

/// A 40×20 JPEG as a phone writes one: EXIF that says "turn it a quarter clockwise" and names
/// the camera `SECRET-CAMERA` (which no kept photo may carry).
pub fn phone_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            image::Rgb([200, 20, 20])
        } else {
            image::Rgb([20, 20, 200])
        }
    });
    let mut jpeg = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut jpeg),
        image::ImageFormat::Jpeg,
    )
    .expect("encoded");
    // TIFF, little-endian: one IFD of two entries (Orientation = 6, Make = the marker).
    let make = b"SECRET-CAMERA\0";
    let mut tiff = b"II*\0\x08\0\0\0".to_vec();
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(0x0112u16.to_le_bytes());
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(6u32.to_le_bytes());
    tiff.extend(0x010Fu16.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend((make.len() as u32).to_le_bytes());
    tiff.extend(38u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(make);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// A small PNG of one colour.
pub fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoded");
    out
}

/// A project of unit A for a need of the street alliance, moved by an admin along `moves`.
pub async fn project(app: &TestApp, w: &World, moves: &[&str]) -> i64 {
    let need = app
        .post("/api/v1/needs", &w.coordinator, w.need("楼道照明维修"))
        .await
        .id();
    let res = app
        .post("/api/v1/resources", &w.member_a, w.resource("电工上门维修"))
        .await
        .id();
    let p = app
        .post(
            "/api/v1/projects",
            &w.coordinator,
            json!({"need_id": need, "resource_ids": [res], "title": "楼道照明维修"}),
        )
        .await
        .id();
    for to in moves {
        let body = match *to {
            "completed" => json!({"to": to, "outcome": "更换灯泡 12 个", "beneficiaries": 80}),
            _ => json!({"to": to, "note": "联席会议议定"}),
        };
        let a = app
            .post(&format!("/api/v1/projects/{p}/transitions"), &w.admin, body)
            .await;
        assert_eq!(a.status, StatusCode::OK, "{to}: {:?}", a.body);
    }
    p
}
