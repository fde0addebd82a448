//! A headless Chromium driven through chromedriver (WebDriver, with fantoccini), and what
//! every story does with it: log in, fill and post forms, check a page with axe-core, and
//! write its screenshots at phone and desk widths.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// axe-core, vendored by `scripts/vendor_axe.sh` (pinned version, checked by sha256).
const AXE: &str = include_str!("vendor/axe.min.js");

/// Where the screenshots go (README.md names it).
pub fn screenshot_dir() -> PathBuf {
    std::env::var_os("LIANMENG_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots"))
}

fn find(names: &[&str], env: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Says on the terminal (not in the captured test output) that the browser tests did not
/// run, and why, so a green run without Chromium is not mistaken for a tested one.
fn skipped(why: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "\n*** browser tests SKIPPED: {why}.\n*** Install them with `apt-get install chromium chromium-driver` (CI does).\n"
    );
}

/// chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    /// Stops chromedriver and the browser it started: they share a process group of their
    /// own, so a story that failed before closing its session leaves no Chromium running.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session, its chromedriver with it.
pub struct Browser {
    pub c: Client,
    base: String,
    /// The story's name, prefixing its screenshots.
    story: String,
    _driver: Driver,
}

impl Browser {
    /// A fresh browser at `base`, or `None` (after saying so) when Chromium or chromedriver
    /// is not installed. `LIANMENG_REQUIRE_BROWSER=1` (CI) turns that into a failure.
    pub async fn open(base: &str, story: &str) -> Option<Browser> {
        let driver = find(&["chromedriver"], "CHROMEDRIVER");
        let chromium = find(
            &["chromium", "chromium-browser", "google-chrome"],
            "CHROMIUM",
        );
        let (Some(driver), Some(chromium)) = (driver, chromium) else {
            if std::env::var("LIANMENG_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!("LIANMENG_REQUIRE_BROWSER=1 but chromium or chromedriver is not installed");
            }
            skipped("chromium or chromedriver is not installed");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&driver)
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver { child, port };
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,900", "--lang=zh-CN", "--hide-scrollbars",
                         "--force-device-scale-factor=1"],
            }
        });
        let caps = match caps {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{}", driver.port);
        let mut last = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => {
                    return Some(Browser {
                        c,
                        base: base.to_owned(),
                        story: story.to_owned(),
                        _driver: driver,
                    });
                }
                Err(e) => {
                    last = Some(e);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        panic!("chromedriver did not answer: {last:?}");
    }

    pub async fn goto(&self, path: &str) {
        self.c
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// The path (and query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.c.current_url().await.expect("current url");
        let q = url.query().map(|q| format!("?{q}")).unwrap_or_default();
        format!("{}{q}", url.path())
    }

    /// The first element at `at`; when there is none, fails naming the page and its text.
    async fn el(&self, at: Locator<'_>) -> fantoccini::elements::Element {
        match self.c.find(at).await {
            Ok(e) => e,
            Err(e) => {
                let path = self.path().await;
                let source = self.c.source().await.unwrap_or_default();
                panic!("no {at:?} on {path}: {e}\n{source}");
            }
        }
    }

    /// The visible text of the element `css` (the first match).
    pub async fn text(&self, css: &str) -> String {
        self.el(Locator::Css(css)).await.text().await.expect("text")
    }

    /// The whole page's visible text.
    pub async fn page_text(&self) -> String {
        self.text("body").await
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self
            .c
            .find_all(Locator::Css(css))
            .await
            .expect("find")
            .is_empty()
    }

    /// True when the page has a button labelled `label`.
    pub async fn has_button(&self, label: &str) -> bool {
        let xpath = format!("//button[normalize-space(.)='{label}']");
        !self
            .c
            .find_all(Locator::XPath(&xpath))
            .await
            .expect("find")
            .is_empty()
    }

    /// Types into the field `css`, replacing what it held.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self
            .c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field {css}: {e}"));
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("type");
    }

    /// The current value of the field `css`.
    pub async fn value(&self, css: &str) -> String {
        self.c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field {css}: {e}"))
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    /// Picks the option shown as `label` in the select `css`.
    pub async fn choose(&self, css: &str, label: &str) {
        let select = self.c.find(Locator::Css(css)).await.expect("select");
        select
            .select_by_label(label)
            .await
            .unwrap_or_else(|e| panic!("no option {label} in {css}: {e}"));
    }

    /// Clicks the element `css` and waits for the page it leads to.
    pub async fn click(&self, css: &str) {
        let el = self.el(Locator::Css(css)).await;
        self.mark().await;
        el.click().await.expect("click");
        self.settle().await;
    }

    /// Sets the window's width (stories act at 1280 px unless they say otherwise).
    pub async fn at_width(&self, width: u32) {
        self.c.set_window_size(width, 900).await.expect("resize");
    }

    /// Clicks what opens in place (a <details>'s summary), not a link to another page.
    pub async fn unfold(&self, css: &str) {
        self.el(Locator::Css(css))
            .await
            .click()
            .await
            .expect("click");
    }

    /// True when the element `css` is shown (laid out, not hidden).
    pub async fn shown(&self, css: &str) -> bool {
        self.el(Locator::Css(css))
            .await
            .is_displayed()
            .await
            .expect("displayed")
    }

    /// How many elements match `css`.
    pub async fn count(&self, css: &str) -> usize {
        self.c
            .find_all(Locator::Css(css))
            .await
            .expect("find")
            .len()
    }

    /// Chooses `file` in the file field `css`.
    pub async fn upload(&self, css: &str, file: &std::path::Path) {
        let field = self.el(Locator::Css(css)).await;
        field
            .send_keys(&file.display().to_string())
            .await
            .expect("choose the file");
    }

    /// Waits (up to 10 s, reloading) until the element `css` shows `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) {
        for _ in 0..50 {
            let found = match self.c.find(Locator::Css(css)).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if found.contains(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            self.c.refresh().await.expect("reload");
        }
        panic!("{css} never showed {text:?} on {}", self.path().await);
    }

    /// Clicks a box or radio button (no page follows).
    pub async fn tick(&self, css: &str) {
        self.el(Locator::Css(css))
            .await
            .click()
            .await
            .expect("tick");
    }

    /// Clicks the button whose text is `label`.
    pub async fn press(&self, label: &str) {
        let xpath = format!("//button[normalize-space(.)='{label}']");
        let el = self.el(Locator::XPath(&xpath)).await;
        self.mark().await;
        el.click().await.expect("press");
        self.settle().await;
    }

    /// Marks the document shown, so [`Browser::settle`] can tell when another replaced it.
    async fn mark(&self) {
        self.c
            .execute("window.__before_click = true;", vec![])
            .await
            .expect("mark the page");
    }

    /// Waits until the click's page has replaced the marked one and has loaded (every click
    /// of these stories leads to a page).
    async fn settle(&self) {
        for _ in 0..200 {
            let state = self
                .c
                .execute(
                    "return window.__before_click ? 'old' : document.readyState",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            if state == "complete" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the click led to no page within 5 s");
    }

    pub async fn login(&self, username: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.press("登录").await;
        assert_ne!(self.path().await, "/login", "{username} could not log in");
    }

    /// Logs in with the keyboard alone: Tab from the top of the page (past the skip link) to
    /// the fields, type, Enter.
    pub async fn login_with_keys(&self, username: &str, password: &str) {
        use fantoccini::key::Key;
        self.goto("/login").await;
        let tab = |n: usize| Key::Tab.to_string().repeat(n);
        let body = self.el(Locator::Css("body")).await;
        body.send_keys(&tab(1)).await.expect("tab");
        let first = self.c.active_element().await.expect("focus");
        assert_eq!(
            first.attr("id").await.expect("id").as_deref(),
            Some("username")
        );
        first.send_keys(username).await.expect("type");
        first.send_keys(&tab(1)).await.expect("tab");
        let second = self.c.active_element().await.expect("focus");
        second.send_keys(password).await.expect("type");
        self.mark().await;
        second
            .send_keys(&Key::Enter.to_string())
            .await
            .expect("enter");
        self.settle().await;
        assert_ne!(
            self.path().await,
            "/login",
            "{username} could not log in with the keyboard"
        );
    }

    pub async fn logout(&self) {
        self.goto("/").await;
        self.press("退出").await;
        assert!(self.path().await.starts_with("/login"));
    }

    /// Checks the page: axe-core finds no serious or critical violation, and at 375 px
    /// nothing scrolls sideways; then writes its screenshots at 375 and 1280 px as
    /// `<story>-<name>-{375,1280}.png`.
    pub async fn check(&self, name: &str) {
        self.c.execute(AXE, vec![]).await.expect("load axe-core");
        let found = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']}).then(r => done(
                   r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
                          v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))));",
                vec![],
            )
            .await
            .expect("run axe-core");
        let violations: Vec<String> = serde_json::from_value(found).expect("violations");
        assert!(
            violations.is_empty(),
            "accessibility violations on {name} ({}):\n{}",
            self.path().await,
            violations.join("\n")
        );
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        for width in [375u32, 1280] {
            self.c.set_window_size(width, 900).await.expect("resize");
            let (scroll, inner, height) = self.measure().await;
            if width == 375 {
                assert!(
                    scroll <= inner,
                    "{name} scrolls sideways at 375 px: content {scroll} px wide in {inner} px"
                );
            }
            // The whole page: the window made as tall as it.
            self.c
                .set_window_size(width, height.clamp(600, 6000) + 140)
                .await
                .expect("resize");
            let png = self.c.screenshot().await.expect("screenshot");
            let file = dir.join(format!("{}-{name}-{width}.png", self.story));
            std::fs::write(&file, png).expect("write screenshot");
        }
        self.c.set_window_size(1280, 900).await.expect("resize");
    }

    /// The page's width as laid out, the window's, and the page's height.
    async fn measure(&self) -> (u32, u32, u32) {
        let v = self
            .c
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth,
                         document.documentElement.scrollHeight];",
                vec![],
            )
            .await
            .expect("measure");
        let n = |i: usize| v[i].as_u64().unwrap_or(0) as u32;
        (n(0), n(1), n(2))
    }

    pub async fn close(self) {
        let _ = self.c.close().await;
    }
}
