//! Tells the integration tests whether a PostgreSQL server was given: without
//! `LIANMENG_TEST_PG_URL` their PostgreSQL copies are compiled as ignored, so the test run
//! reports them as not run instead of printing "ok" for tests that did nothing.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(lianmeng_test_pg)");
    println!("cargo::rerun-if-env-changed=LIANMENG_TEST_PG_URL");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("LIANMENG_TEST_PG_URL").is_ok_and(|u| !u.trim().is_empty()) {
        println!("cargo::rustc-cfg=lianmeng_test_pg");
    }
}
