//! Lists in and out of Excel: a dry run that names every bad row and column, an
//! all-or-nothing import (CSV with BOM, GBK CSV, XLSX; a broken XLSX), and exports that
//! import back unchanged.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both;
use crate::common::{Answer, TestApp, World};

both!(
    dry_run_names_every_bad_cell_and_nothing_is_written,
    gbk_csv_and_xlsx_import_alike,
    exports_import_back_unchanged
);

/// Uploads a sheet and, when it is taken as a job (202), follows the job to its end: the
/// answer's body is then the finished job (its `status` says how it ended). A sheet refused at
/// once answers as it was refused.
pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    file: Vec<u8>,
    name: &str,
    fields: &[(&str, String)],
) -> Answer {
    let mut form = Form::new().part("file", Part::bytes(file).file_name(name.to_owned()));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.clone());
    }
    let req = app
        .client
        .post(format!("{}/api/v1/imports", app.base))
        .bearer_auth(token)
        .multipart(form);
    let started = TestApp::answer(req).await;
    if started.status != StatusCode::ACCEPTED {
        return started;
    }
    let path = started.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(path, format!("/api/v1/imports/{}", started.id()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let job = app.get(&path, token).await;
        assert_eq!(job.status, StatusCode::OK, "{:?}", job.body);
        if !["queued", "checking", "writing"].contains(&job.body["status"].as_str().unwrap()) {
            return Answer {
                status: started.status,
                headers: job.headers,
                body: job.body,
            };
        }
        assert!(std::time::Instant::now() < deadline, "{:?}", job.body);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// How a followed import ended.
fn ended(a: &Answer) -> &str {
    assert_eq!(a.status, StatusCode::ACCEPTED, "{:?}", a.body);
    a.body["status"].as_str().unwrap()
}

fn csv_with_bom(text: &str) -> Vec<u8> {
    [
        b"\xEF\xBB\xBF".as_slice(),
        text.replace('\n', "\r\n").as_bytes(),
    ]
    .concat()
}

async fn total(app: &TestApp, w: &World, list: &str) -> u64 {
    app.get(&format!("/api/v1/{list}"), &w.admin).await.body["total"]
        .as_u64()
        .unwrap()
}

/// (row, column) of every problem in an import report.
fn cells(report: &Value) -> Vec<(u64, String)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn dry_run_names_every_bad_cell_and_nothing_is_written(app: TestApp) {
    let w = app.world().await;
    let sheet = csv_with_bom(
        "标题,描述,类别,标签,数量,服务范围,所属单位,开始日期,结束日期,备注\n\
         上门测血压,每周三上午,医疗健康,义诊、健康咨询,20,华山街道,华山社区卫生服务中心,2026-12-01,2027-06-30,好\n\
         中医理疗,,不存在的类别,,二十,华山街道,华山社区卫生服务中心,,,\n\
         \n\
         健康讲座,,医疗健康,,,火星街道,无名单位,2026/13/01,,\n\
         ,,医疗健康,,5,全市,华山社区卫生服务中心,2027-01-01,2026-12-31,\n",
    );
    let dry = upload(
        &app,
        &w.admin,
        sheet.clone(),
        "资源.csv",
        &[("dry_run", "true".into())],
    )
    .await;
    assert_eq!(ended(&dry), "rejected", "{:?}", dry.body);
    assert_eq!(dry.body["status_label"], "有问题，未导入");
    assert_eq!(dry.body["list"], "resources");
    assert_eq!(dry.body["rows"], 4);
    assert_eq!(dry.body["valid"], 1);
    assert_eq!(dry.body["created"], 0);
    assert_eq!(dry.body["ignored_columns"], json!(["备注"]));
    // Row numbers are the file's (the blank line 4 counts), columns are its headers; a row
    // with an unreadable cell still has its other cells checked (row 3's category).
    let mut found = cells(&dry.body);
    found.sort();
    assert_eq!(
        found,
        [
            (3, "数量".to_owned()),
            (3, "类别".to_owned()),
            (5, "开始日期".to_owned()),
            (5, "所属单位".to_owned()),
            (5, "服务范围".to_owned()),
            (6, "标题".to_owned()),
            (6, "结束日期".to_owned()),
        ],
        "{:#?}",
        dry.body["problems"]
    );
    let messages: Vec<&str> = dry.body["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("二十"), "{messages:?}");
    assert_eq!(total(&app, &w, "resources").await, 0);

    // Without dry run the same file writes nothing either.
    let real = upload(&app, &w.admin, sheet, "资源.csv", &[]).await;
    assert_eq!(ended(&real), "rejected");
    assert_eq!(total(&app, &w, "resources").await, 0);

    // A fixed file: dry run passes and writes nothing, the import writes every row.
    let good = csv_with_bom(
        "标题,描述,类别,标签,数量,服务范围,所属单位\n\
         上门测血压,每周三上午,医疗健康,义诊、健康咨询,20,华山街道,华山社区卫生服务中心\n\
         中医理疗,,医疗健康,,,翠湖社区,华山社区卫生服务中心\n\
         法律讲座,,法律服务,,,全市,云南金马律师事务所\n",
    );
    let dry = upload(
        &app,
        &w.admin,
        good.clone(),
        "资源.csv",
        &[("dry_run", "1".into())],
    )
    .await;
    assert_eq!(ended(&dry), "succeeded", "{:?}", dry.body);
    assert_eq!(dry.body["dry_run"], true);
    assert_eq!(
        (dry.body["valid"].clone(), dry.body["created"].clone()),
        (json!(3), json!(0))
    );
    assert_eq!(total(&app, &w, "resources").await, 0);
    // A unit's own user may import only the unit's own resources.
    let other_unit = upload(&app, &w.member_a, good.clone(), "资源.csv", &[]).await;
    assert_eq!(ended(&other_unit), "rejected");
    assert_eq!(cells(&other_unit.body), [(4, "所属单位".to_owned())]);
    // Resources for an alliance must come from its member units.
    let outside = upload(
        &app,
        &w.admin,
        good.clone(),
        "资源.csv",
        &[("alliance_id", w.street_alliance.to_string())],
    )
    .await;
    assert_eq!(cells(&outside.body), [(4, "所属单位".to_owned())]);
    let done = upload(&app, &w.admin, good, "资源.csv", &[]).await;
    assert_eq!(ended(&done), "succeeded", "{:?}", done.body);
    assert_eq!(done.body["created"], 3);
    // The job is its owner's (and the admins') to read.
    let job = format!("/api/v1/imports/{}", done.id());
    assert_eq!(
        app.get(&job, &w.member_a).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/v1/imports/999999", &w.admin).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(total(&app, &w, "resources").await, 3);
    let r = app.get("/api/v1/resources?per_page=100", &w.admin).await;
    let first = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "上门测血压")
        .unwrap()
        .clone();
    assert_eq!(first["tags"], json!(["义诊", "健康咨询"]));
    assert_eq!(first["scope"]["level"], "street");
    assert_eq!(first["quantity"], 20);

    // Invisible control characters are refused per cell.
    let hidden = upload(
        &app,
        &w.admin,
        csv_with_bom(
            "标题,类别,服务范围,所属单位\n测\u{1}血压,医疗健康,全市,华山社区卫生服务中心\n",
        ),
        "资源.csv",
        &[],
    )
    .await;
    assert_eq!(cells(&hidden.body), [(2, "标题".to_owned())]);
    // Files that are not lists are refused as a whole.
    let unknown = upload(
        &app,
        &w.admin,
        csv_with_bom("名字,年龄\n张三,3\n"),
        "x.csv",
        &[],
    )
    .await;
    assert_eq!(unknown.fields(), ["file"]);
    let empty = upload(&app, &w.admin, Vec::new(), "x.csv", &[]).await;
    assert_eq!(empty.fields(), ["file"]);
    let missing = app
        .client
        .post(format!("{}/api/v1/imports", app.base))
        .bearer_auth(&w.admin)
        .multipart(Form::new().text("dry_run", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn gbk_csv_and_xlsx_import_alike(app: TestApp) {
    let w = app.world().await;
    let text = "标题,描述,类别,标签,数量,所属社区,紧急程度,需要日期\r\n\
                独居老人助餐,午餐送餐上门,养老助残,助餐,15,翠湖社区,紧急,2027-03-01\r\n\
                楼道照明维修,,环境治理,,,,一般,\r\n";
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    let done = upload(&app, &w.coordinator, gbk.into_owned(), "需求.csv", &[]).await;
    assert_eq!(ended(&done), "succeeded", "{:?}", done.body);
    assert_eq!(done.body["list"], "needs");
    let needs = app.get("/api/v1/needs?per_page=100", &w.coordinator).await;
    let lunch = needs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["title"] == "独居老人助餐")
        .unwrap()
        .clone();
    assert_eq!(lunch["urgency"], "high");
    assert_eq!(lunch["needed_by"], "2027-03-01");
    assert_eq!(lunch["alliance"]["id"], w.street_alliance);

    // The same list as an XLSX whose second row is bad: all or nothing.
    let rows = vec![
        vec![
            "老年大学书法课".to_owned(),
            String::new(),
            "教育培训".to_owned(),
            String::new(),
            "30".to_owned(),
            "正义社区".to_owned(),
            "不急".to_owned(),
            String::new(),
        ],
        vec![
            "金马社区义诊".to_owned(),
            String::new(),
            "医疗健康".to_owned(),
            String::new(),
            String::new(),
            "金马社区".to_owned(),
            "一般".to_owned(),
            String::new(),
        ],
    ];
    let headers = [
        "标题",
        "描述",
        "类别",
        "标签",
        "数量",
        "所属社区",
        "紧急程度",
        "需要日期",
    ];
    let xlsx = lianmeng::sheets::write_xlsx("需求清单", &headers, &rows).unwrap();
    let refused = upload(&app, &w.coordinator, xlsx.clone(), "需求.xlsx", &[]).await;
    assert_eq!(ended(&refused), "rejected", "{:?}", refused.body);
    assert_eq!(cells(&refused.body), [(3, "所属社区".to_owned())]);
    assert_eq!(
        total(&app, &w, "needs").await,
        2,
        "nothing of the bad file was kept"
    );
    // A broken XLSX (cut short) is refused with a message about the file.
    let broken = upload(
        &app,
        &w.coordinator,
        xlsx[..xlsx.len() / 2].to_vec(),
        "需求.xlsx",
        &[],
    )
    .await;
    assert_eq!(broken.fields(), ["file"]);
    assert!(
        broken.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("XLSX")
    );
    // Another alliance's coordinator cannot import into this one.
    let foreign = upload(
        &app,
        &w.other_coordinator,
        xlsx,
        "需求.xlsx",
        &[("alliance_id", w.street_alliance.to_string())],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_eq!(total(&app, &w, "needs").await, 2);
}

async fn export(app: &TestApp, token: &str, path: &str) -> (String, Vec<u8>) {
    let resp = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
    (ct, resp.bytes().await.unwrap().to_vec())
}

/// Data rows of a file, sorted (ignoring the header).
fn sorted_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = lianmeng::sheets::read(bytes)
        .unwrap()
        .rows
        .into_iter()
        .map(|(_, r)| r)
        .collect();
    rows.sort();
    rows
}

async fn exports_import_back_unchanged(app: TestApp) {
    let w = app.world().await;
    // A tag cannot hold the separators a spreadsheet cell lists tags with.
    let mut joined = w.resource("周末义诊");
    joined["tags"] = json!(["老人、儿童"]);
    let refused = app.post("/api/v1/resources", &w.member_a, joined).await;
    assert_eq!(refused.fields(), ["tags"]);
    // Another 翠湖社区, in another district: a name alone no longer says which one.
    let twin = app
        .post(
            "/api/v1/communities",
            &w.admin,
            json!({"code": "530111001002", "name": "翠湖社区", "street_id": w.other_street}),
        )
        .await;
    assert_eq!(twin.status, StatusCode::CREATED, "{:?}", twin.body);
    let twin = twin.id();
    for (title, qty, scope) in [
        (
            "上门测血压",
            Some(20),
            json!({"scope_level": "street", "scope_region_id": w.street}),
        ),
        (
            "健康讲座，含\"问答\"",
            None,
            json!({"scope_level": "community", "scope_region_id": w.community}),
        ),
        ("家庭医生签约", Some(5), json!({"scope_level": "city"})),
        (
            "金马片区健康讲座",
            Some(3),
            json!({"scope_level": "community", "scope_region_id": twin}),
        ),
    ] {
        let mut body = w.resource(title);
        body["quantity"] = json!(qty);
        body["tags"] = json!(["0-3岁/婴幼儿", "义诊"]);
        body["available_from"] = json!("2026-12-01");
        for (k, v) in scope.as_object().unwrap() {
            body[k] = v.clone();
        }
        if body["scope_level"] == "city" {
            body.as_object_mut().unwrap().remove("scope_region_id");
        }
        let r = app.post("/api/v1/resources", &w.member_a, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    for (title, community) in [("独居老人体检", Some(w.community)), ("街道环境整治", None)]
    {
        let mut body = w.need(title);
        body["community_id"] = json!(community);
        body["needed_by"] = json!("2027-05-01");
        let n = app.post("/api/v1/needs", &w.coordinator, body).await;
        assert_eq!(n.status, StatusCode::CREATED, "{:?}", n.body);
    }

    for (list, token) in [("resources", &w.member_a), ("needs", &w.coordinator)] {
        let (ct, csv) = export(&app, &w.admin, &format!("/api/v1/exports/{list}")).await;
        assert_eq!(ct, "text/csv; charset=utf-8");
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        if list == "resources" {
            // Shared names are written with their path, and read back to the same region.
            let text = String::from_utf8_lossy(&csv);
            assert!(text.contains("官渡区/金马街道/翠湖社区"), "{text}");
            assert!(text.contains("五华区/华山街道/翠湖社区"), "{text}");
        }
        let (ct, xlsx) = export(
            &app,
            &w.admin,
            &format!("/api/v1/exports/{list}?format=xlsx"),
        )
        .await;
        assert!(ct.contains("spreadsheetml"));
        let before = sorted_rows(&csv);
        assert_eq!(
            before,
            sorted_rows(&xlsx),
            "CSV and XLSX carry the same rows"
        );
        // Importing the export into the same lists is caught as duplicates, row by row …
        let again = upload(&app, token, xlsx.clone(), "export.xlsx", &[]).await;
        assert_eq!(ended(&again), "rejected", "{list}");
        let flagged = cells(&again.body);
        assert_eq!(flagged.len(), before.len(), "{list}: {:?}", again.body);
        assert!(flagged.iter().all(|(_, c)| c == "标题"));
        // … and, confirmed, every row goes in as it was …
        let back = upload(
            &app,
            token,
            xlsx,
            "export.xlsx",
            &[("allow_duplicates", "true".into())],
        )
        .await;
        assert_eq!(ended(&back), "succeeded", "{list}: {:?}", back.body);
        assert_eq!(back.body["ignored_columns"], json!(["状态"]));
        // … so the next export has each row twice.
        let (_, again) = export(&app, &w.admin, &format!("/api/v1/exports/{list}")).await;
        let mut doubled: Vec<Vec<String>> =
            before.iter().flat_map(|r| [r.clone(), r.clone()]).collect();
        doubled.sort();
        assert_eq!(sorted_rows(&again), doubled, "{list}");
    }

    // The project list exports too (not imported), and alliances filter.
    let (_, projects) = export(&app, &w.admin, "/api/v1/exports/projects").await;
    let t = lianmeng::sheets::read(&projects).unwrap();
    assert_eq!(t.headers[0], "项目名称");
    let (_, mine) = export(
        &app,
        &w.admin,
        &format!("/api/v1/exports/needs?alliance_id={}", w.other_alliance),
    )
    .await;
    assert!(lianmeng::sheets::read(&mine).unwrap().rows.is_empty());
    let bad = app.get("/api/v1/exports/needs?format=pdf", &w.admin).await;
    assert_eq!(bad.fields(), ["format"]);
    let unknown = app.get("/api/v1/exports/people", &w.admin).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}
