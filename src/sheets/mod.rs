//! Spreadsheets as coordinators keep them: reading a table from an XLSX or CSV file (UTF-8 with
//! or without a BOM, or the GBK/GB18030 that Chinese Excel writes when saving CSV), and writing
//! one as CSV (UTF-8 with a BOM, so Excel opens it without asking) or XLSX.
//!
//! Every cell comes out as trimmed text: numbers as Excel shows them (`20`, not `20.0`), date
//! cells as `YYYY-MM-DD`. The domain parses the text, so a CSV and an XLSX of the same list
//! give the same rows and the same errors.

mod limits;

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};

pub use limits::{Limits, READ_TIME};

/// A sheet: the header row and the data rows, each with its row number in the file (the
/// header is row 1), blank rows left out.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// The column of a header, if present.
    pub fn column(&self, header: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == header)
    }
}

/// Reads the first sheet of an XLSX file, or a CSV file, within the standard limits. The
/// error is a message for the user.
pub fn read(bytes: &[u8]) -> Result<Table, String> {
    read_within(bytes, &Limits::standard())
}

/// Reads the first sheet of an XLSX file, or a CSV file, within `limits`.
pub fn read_within(bytes: &[u8], limits: &Limits) -> Result<Table, String> {
    let cells = if bytes.starts_with(b"PK\x03\x04") {
        limits::check_xlsx(bytes, limits)?;
        read_xlsx(bytes, limits)?
    } else {
        read_csv(bytes, limits)?
    };
    let mut rows = cells.into_iter();
    let Some((_, headers)) = rows.find(|(_, r)| r.iter().any(|c| !c.is_empty())) else {
        return Err("文件是空的：第一行须为表头".into());
    };
    let headers: Vec<String> = headers
        .into_iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_owned())
        .collect();
    let rows = rows
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Table { headers, rows })
}

/// Rows with their numbers in the file (from 1).
type Numbered = Vec<(usize, Vec<String>)>;

/// The largest sheet read: far beyond any list an alliance keeps, and a bound on memory
/// whatever cell addresses a file claims.
const MAX_ROWS: u32 = 200_000;
const MAX_COLUMNS: u32 = 64;

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Numbered, String> {
    let bad = |_| "无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿".to_owned();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| "工作簿中没有工作表".to_owned())?;
    // Cell by cell, never a dense range: a file with one cell at A1 and one at XFD1048576
    // would otherwise make a grid of billions of cells.
    let mut reader = book.worksheet_cells_reader(&first).map_err(bad)?;
    let mut rows: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    let mut read = 0u64;
    while let Some(cell) = reader.next_cell().map_err(bad)? {
        read += 1;
        if read.is_multiple_of(4096) {
            limits.check_time()?;
        }
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS || c >= MAX_COLUMNS {
            return Err(format!("表格过大：最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列"));
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let row = rows.entry(r).or_default();
        if row.len() <= c as usize {
            row.resize(c as usize + 1, String::new());
        }
        row[c as usize] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(r, cells)| (r as usize + 1, cells))
        .collect())
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        // Excel keeps every number as a float; whole ones read back as written.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(_) | Data::DateTimeIso(_) => c
            .as_date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::DurationIso(s) => s.clone(),
        // A formula that failed in Excel has no value to import.
        Data::Error(_) => String::new(),
    }
}

fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Numbered, String> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    // Lines are counted forward from the previous record: once over the whole text.
    let (mut counted_to, mut lines) = (0usize, 0usize);
    let mut cells = 0u64;
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line()) + 1;
            format!("第 {line} 行不是有效的 CSV")
        })?;
        cells += record.len() as u64;
        if cells > limits.cells {
            return Err(limits.too_many_cells());
        }
        if record.iter().any(|f| {
            f.len() as u64 > limits.cell_chars && f.chars().count() as u64 > limits.cell_chars
        }) {
            return Err(limits.too_long_cell());
        }
        if out.len().is_multiple_of(4096) {
            limits.check_time()?;
        }
        // The reader skips blank lines and may report a record's start before them: count
        // the lines up to its first character, so rows keep the numbers the user sees.
        let mut start = record.position().map_or(0, |p| p.byte()) as usize;
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let start = start.max(counted_to);
        lines += text.as_bytes()[counted_to..start]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = start;
        let line = lines + 1;
        out.push((line, record.iter().map(unguard).collect()));
    }
    Ok(out)
}

/// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030 (a superset of the
/// GBK that Excel on Chinese Windows writes).
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// A cell Excel would run as a formula (`=…`, `+…`, `-…`, `@…`) is written with a leading
/// apostrophe, as Excel itself marks text; reading drops it again.
fn guard(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn unguard(cell: &str) -> String {
    let cell = cell.trim();
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}

/// CSV as Excel opens it without asking: UTF-8 with a BOM, CRLF lines, quoted where needed,
/// and no cell that Excel would run as a formula.
pub fn write_csv(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    // Writing to memory cannot fail.
    w.write_record(headers).expect("in memory");
    for r in rows {
        w.write_record(r.iter().map(|c| guard(c).into_owned()))
            .expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// One sheet named `sheet` with a header row; cells are written as text, as the import reads
/// them back.
pub fn write_xlsx(sheet: &str, headers: &[&str], rows: &[Vec<String>]) -> anyhow::Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
        ws.set_column_width(c as u16, 16)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, v)?;
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

/// A `Content-Disposition` for a download named `filename` (RFC 6266/5987: an ASCII fallback
/// and the UTF-8 name).
pub fn attachment(filename: &str) -> String {
    let ext = filename.rsplit('.').next().unwrap_or("csv");
    let encoded: String = filename
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"lianmeng.{ext}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_utf8_with_bom_and_in_gbk_read_alike() {
        let text = "标题,数量\r\n老年食堂,20\r\n\r\n,\r\n\"含,逗号\",3\r\n";
        let utf8 = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
        assert!(!lossy);
        for bytes in [utf8.as_slice(), &gbk] {
            let t = read(bytes).unwrap();
            assert_eq!(t.headers, ["标题", "数量"]);
            assert_eq!(
                t.rows,
                [
                    (2, vec!["老年食堂".to_owned(), "20".to_owned()]),
                    (5, vec!["含,逗号".to_owned(), "3".to_owned()]),
                ]
            );
        }
    }

    #[test]
    fn xlsx_round_trip_and_broken_files() {
        let rows = vec![vec!["老年食堂".to_owned(), "20".to_owned(), String::new()]];
        let bytes = write_xlsx("资源清单", &["标题", "数量", "备注"], &rows).unwrap();
        let t = read(&bytes).unwrap();
        assert_eq!(t.headers, ["标题", "数量", "备注"]);
        assert_eq!(t.rows[0].1[..2], ["老年食堂", "20"]);
        // A cell far out is refused before any grid is built.
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "标题").unwrap();
        ws.write_string(1_000_000, 16_000, "远").unwrap();
        let far = read(&book.save_to_buffer().unwrap()).unwrap_err();
        assert!(far.contains("过大"), "{far}");
        let broken = read(&bytes[..bytes.len() / 2]).unwrap_err();
        assert!(broken.contains("XLSX"), "{broken}");
        assert!(read(b"").is_err());
        let cells = vec![
            "a\"b".to_owned(),
            "=HYPERLINK(\"x\")".to_owned(),
            "-5".to_owned(),
        ];
        let csv = write_csv(&["标题", "描述", "数量"], std::slice::from_ref(&cells));
        assert!(String::from_utf8_lossy(&csv).contains("'=HYPERLINK"));
        assert_eq!(read(&csv).unwrap().rows[0].1, cells);
    }
}
