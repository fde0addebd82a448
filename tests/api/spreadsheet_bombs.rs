//! Spreadsheets built to hurt: a 2 MB XLSX holding one shared string of 2,000 MiB, millions
//! of tiny strings or cells, thousands of zip entries, a CSV cell longer than Excel allows, and
//! a reviewer (who may import nothing) uploading a bomb. Each is refused with a Chinese message
//! on the `file` field, nothing is written, and the server goes on answering.

use std::io::Write;
use std::sync::OnceLock;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use zip::write::SimpleFileOptions;

use crate::both;
use crate::common::{Answer, TestApp};

both!(spreadsheet_bombs_are_refused_and_the_server_lives);

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="需求清单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A part's content, written in pieces: a head, `body` repeated `times`, a tail.
struct Piece<'a> {
    name: &'a str,
    head: &'a str,
    body: &'a str,
    times: usize,
    tail: &'a str,
}

impl<'a> Piece<'a> {
    fn plain(name: &'a str, text: &'a str) -> Self {
        Piece {
            name,
            head: text,
            body: "",
            times: 0,
            tail: "",
        }
    }
}

/// A workbook of the usual parts plus `extra` (a shared-strings part, a sheet, …), compressed
/// as hard as deflate goes.
fn workbook(extra: &[Piece]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    let base = [
        Piece::plain("[Content_Types].xml", CONTENT_TYPES),
        Piece::plain("_rels/.rels", RELS),
        Piece::plain("xl/workbook.xml", WORKBOOK),
        Piece::plain("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ];
    for p in base.iter().chain(extra) {
        zip.start_file(p.name, opts).unwrap();
        zip.write_all(p.head.as_bytes()).unwrap();
        // The body is repeated in blocks of about a MiB: building the bomb takes no more memory
        // than the server is meant to.
        let block = p.body.repeat((1 << 20) / p.body.len().max(1));
        let per_block = (1 << 20) / p.body.len().max(1);
        let mut left = p.times;
        while left > 0 {
            let n = left.min(per_block);
            zip.write_all(&block.as_bytes()[..n * p.body.len()])
                .unwrap();
            left -= n;
        }
        zip.write_all(p.tail.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const HEADER_SHEET: &str = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;

/// One shared string of 2,000 MiB: about 2 MB compressed. Built once for both databases.
fn one_huge_string() -> &'static [u8] {
    static FILE: OnceLock<Vec<u8>> = OnceLock::new();
    FILE.get_or_init(|| {
        workbook(&[
            Piece {
                name: "xl/sharedStrings.xml",
                head: r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#,
                body: "a",
                times: 2000 << 20,
                tail: "</t></si></sst>",
            },
            Piece::plain("xl/worksheets/sheet1.xml", HEADER_SHEET),
        ])
    })
}

async fn upload(app: &TestApp, token: &str, file: Vec<u8>, name: &str) -> Answer {
    let form = Form::new()
        .part("file", Part::bytes(file).file_name(name.to_owned()))
        .text("dry_run", "true");
    let req = app
        .client
        .post(format!("{}/api/v1/imports", app.base))
        .bearer_auth(token)
        .multipart(form);
    TestApp::answer(req).await
}

/// The import was refused on its file with a message containing `says`.
fn refused(a: &Answer, says: &str) {
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", a.body);
    assert!(a.is_problem(), "{:?}", a.body);
    assert_eq!(a.fields(), ["file"]);
    let message = a.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
}

async fn alive(app: &TestApp) {
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

async fn spreadsheet_bombs_are_refused_and_the_server_lives(app: TestApp) {
    let w = app.world().await;
    let huge = tokio::task::spawn_blocking(|| one_huge_string().to_vec())
        .await
        .unwrap();
    assert!(huge.len() < 3 << 20, "the bomb is small: {}", huge.len());

    // A reviewer may import nothing: refused before the file is read.
    let reviewer = upload(&app, &w.reviewer, huge.clone(), "需求.xlsx").await;
    assert_eq!(
        reviewer.status,
        StatusCode::FORBIDDEN,
        "{:?}",
        reviewer.body
    );
    assert!(reviewer.is_problem());

    let started = std::time::Instant::now();
    refused(
        &upload(&app, &w.coordinator, huge, "需求.xlsx").await,
        "解压后超过 256 MiB",
    );
    alive(&app).await;
    println!("2,000 MiB string refused in {:?}", started.elapsed());

    // A string within the unpacked size but longer than a cell may be.
    let long = tokio::task::spawn_blocking(|| {
        workbook(&[
            Piece {
                name: "xl/sharedStrings.xml",
                head: r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>"#,
                body: "长",
                times: 100_000,
                tail: "</t></si></sst>",
            },
            Piece::plain("xl/worksheets/sheet1.xml", HEADER_SHEET),
        ])
    })
    .await
    .unwrap();
    refused(
        &upload(&app, &w.coordinator, long, "需求.xlsx").await,
        "32767 个字符",
    );

    // Millions of one-letter strings: small on the wire, seconds of parsing.
    let tiny = tokio::task::spawn_blocking(|| {
        workbook(&[
            Piece {
                name: "xl/sharedStrings.xml",
                head: r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
                body: "<si><t>a</t></si>",
                times: 3_000_000,
                tail: "</sst>",
            },
            Piece::plain("xl/worksheets/sheet1.xml", HEADER_SHEET),
        ])
    })
    .await
    .unwrap();
    refused(
        &upload(&app, &w.coordinator, tiny, "需求.xlsx").await,
        "文字条目超过",
    );

    // Millions of cells in the sheet itself.
    let cells = tokio::task::spawn_blocking(|| {
        workbook(&[
            Piece::plain(
                "xl/sharedStrings.xml",
                r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>标题</t></si></sst>"#,
            ),
            Piece {
                name: "xl/worksheets/sheet1.xml",
                head: r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">"#,
                body: r#"<c t="n"><v>1</v></c>"#,
                times: 3_000_000,
                tail: "</row></sheetData></worksheet>",
            },
        ])
    })
    .await
    .unwrap();
    refused(
        &upload(&app, &w.coordinator, cells, "需求.xlsx").await,
        "单元格超过",
    );

    // Thousands of entries.
    let entries = tokio::task::spawn_blocking(|| {
        let names: Vec<String> = (0..5000).map(|i| format!("xl/media/p{i}.xml")).collect();
        let parts: Vec<Piece> = names.iter().map(|n| Piece::plain(n, "<x/>")).collect();
        workbook(&parts)
    })
    .await
    .unwrap();
    refused(
        &upload(&app, &w.coordinator, entries, "需求.xlsx").await,
        "部件",
    );

    // A CSV cell longer than Excel allows.
    let long = format!(
        "标题,描述,所属社区\r\n老年食堂,{},华山社区\r\n",
        "长".repeat(40_000)
    );
    refused(
        &upload(&app, &w.coordinator, long.into_bytes(), "需求.csv").await,
        "32767 个字符",
    );

    // Nothing was written by any of them.
    let needs = app.get("/api/v1/needs", &w.admin).await.body["total"].clone();
    assert_eq!(needs, 0);
    alive(&app).await;
}
