//! What reading one spreadsheet may cost, counted while the file is streamed and before
//! anything is held in memory.
//!
//! An XLSX is a zip of XML parts: a 2 MB upload can unpack to gigabytes (one shared string of
//! 2,000 MiB), or to millions of tiny strings that take seconds of CPU to parse. The XLSX
//! reader (calamine) loads the shared strings whole when it opens a workbook, so every part is
//! first streamed through a small scanner that counts unpacked bytes, shared strings, cells and
//! the longest run of text; only a file within every limit is handed to the reader. The
//! deadline is checked between chunks and between cells, so a slow file stops itself instead of
//! running on after its request has timed out.

use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

/// The bounds one read works within.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes all the parts of an XLSX may unpack to, together.
    pub unpacked_bytes: u64,
    /// Parts (files) inside an XLSX; a workbook has a dozen or two.
    pub entries: usize,
    /// Shared strings of an XLSX (distinct texts of the workbook).
    pub strings: u64,
    /// Cells of the sheet (XLSX: every cell element of the workbook; CSV: every field).
    pub cells: u64,
    /// Characters in one cell (Excel's own limit is 32,767).
    pub cell_chars: u64,
    /// When the read gives up.
    pub deadline: Instant,
}

/// How long one read may take: well inside the request timeout.
pub const READ_TIME: Duration = Duration::from_secs(20);

impl Limits {
    /// Room for the 20 MiB / about 100,000 rows the import promises, with margin: a real list
    /// of that size unpacks to about 100 MiB and a million cells.
    pub fn standard() -> Self {
        Limits {
            unpacked_bytes: 256 * 1024 * 1024,
            entries: 256,
            strings: 1_000_000,
            cells: 2_500_000,
            cell_chars: 32_767,
            deadline: Instant::now() + READ_TIME,
        }
    }

    pub(super) fn check_time(&self) -> Result<(), String> {
        if Instant::now() > self.deadline {
            Err("表格读取超时：文件过大或过于复杂，请拆分成几个文件分别导入".into())
        } else {
            Ok(())
        }
    }

    pub(super) fn too_many_cells(&self) -> String {
        format!(
            "表格的单元格超过 {} 个，请拆分成几个文件分别导入",
            self.cells
        )
    }

    pub(super) fn too_long_cell(&self) -> String {
        format!(
            "有单元格超过 {} 个字符（Excel 单元格最多 32767 个字符）",
            self.cell_chars
        )
    }
}

/// Longest markup (a tag with its attributes, or a comment or CDATA section) the scanner lets
/// through: real parts have tags of a few hundred bytes.
const TAG_BYTES: u64 = 64 * 1024;
/// Unpacked bytes read at a time between deadline checks.
const CHUNK: usize = 64 * 1024;

/// Streams every part of the XLSX in `bytes` through the scanner; an error is a message for
/// the user.
pub(super) fn check_xlsx(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    fn bad(_: impl std::fmt::Display) -> String {
        "无法读取 XLSX 文件：文件已损坏或不是 Excel 工作簿".to_owned()
    }
    let too_big = || {
        format!(
            "表格解压后超过 {} MiB，请拆分成几个文件分别导入",
            limits.unpacked_bytes / (1024 * 1024)
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    if zip.len() > limits.entries {
        return Err(format!(
            "XLSX 文件内部有 {} 个部件（Excel 工作簿只有几十个），无法读取",
            zip.len()
        ));
    }
    let mut scan = Scan::default();
    let mut total = 0u64;
    let mut buf = vec![0u8; CHUNK];
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(bad)?;
        // What the zip declares is checked first (cheap), what it really unpacks to below: a
        // crafted file may declare less than it holds.
        if part.size() > limits.unpacked_bytes - total {
            return Err(too_big());
        }
        scan.start_part();
        loop {
            limits.check_time()?;
            let n = part.read(&mut buf).map_err(bad)?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limits.unpacked_bytes {
                return Err(too_big());
            }
            scan.feed(&buf[..n], limits)?;
        }
    }
    Ok(())
}

/// A byte-level pass over XML: enough to count elements by name and the longest text between
/// two tags, without building anything.
#[derive(Default, Debug)]
struct Scan {
    in_tag: bool,
    /// Still reading the tag's name (up to the first space, `/` or `>`).
    naming: bool,
    name: [u8; 8],
    name_len: usize,
    tag_bytes: u64,
    /// Characters of text since the last tag.
    run_chars: u64,
    strings: u64,
    cells: u64,
}

impl Scan {
    fn start_part(&mut self) {
        self.in_tag = false;
        self.naming = false;
        self.run_chars = 0;
    }

    fn feed(&mut self, chunk: &[u8], limits: &Limits) -> Result<(), String> {
        for &b in chunk {
            if self.in_tag {
                self.tag_bytes += 1;
                if self.tag_bytes > TAG_BYTES {
                    return Err("XLSX 文件中有异常的超长标记，无法读取".into());
                }
                if b == b'>' {
                    self.end_name(limits)?;
                    self.in_tag = false;
                } else if self.naming {
                    if b.is_ascii_whitespace() || b == b'/' {
                        self.end_name(limits)?;
                    } else if self.name_len < self.name.len() {
                        self.name[self.name_len] = b;
                        self.name_len += 1;
                    } else {
                        // Longer than any name counted: not one of ours.
                        self.name_len = usize::MAX;
                        self.naming = false;
                    }
                }
            } else if b == b'<' {
                self.in_tag = true;
                self.naming = true;
                self.name_len = 0;
                self.tag_bytes = 0;
                self.run_chars = 0;
            } else if b & 0xC0 != 0x80 {
                // A UTF-8 sequence's first byte: one character.
                self.run_chars += 1;
                if self.run_chars > limits.cell_chars {
                    return Err(limits.too_long_cell());
                }
            }
        }
        Ok(())
    }

    fn end_name(&mut self, limits: &Limits) -> Result<(), String> {
        if !self.naming {
            return Ok(());
        }
        self.naming = false;
        let name = &self.name[..self.name_len.min(self.name.len())];
        // A namespace prefix (`x:si`) is dropped.
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        match local {
            b"si" => {
                self.strings += 1;
                if self.strings > limits.strings {
                    return Err(format!(
                        "表格中的文字条目超过 {} 条，请拆分成几个文件分别导入",
                        limits.strings
                    ));
                }
            }
            b"c" => {
                self.cells += 1;
                if self.cells > limits.cells {
                    return Err(limits.too_many_cells());
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str, limits: &Limits) -> Result<Scan, String> {
        let mut s = Scan::default();
        // Fed in small pieces: a tag or a character split between chunks counts once.
        for piece in xml.as_bytes().chunks(3) {
            s.feed(piece, limits)?;
        }
        Ok(s)
    }

    #[test]
    fn counts_strings_cells_and_runs_of_text() {
        let limits = Limits::standard();
        let s = scan(
            r#"<?xml version="1.0"?><sst><si><t>老年食堂</t></si><x:si><t xml:space="preserve"> a </t></x:si></sst><row><c r="A1" t="s"><v>0</v></c><c r="B1"/><col/></row>"#,
            &limits,
        )
        .unwrap();
        assert_eq!((s.strings, s.cells), (2, 2));
        let tight = Limits {
            cell_chars: 3,
            ..Limits::standard()
        };
        assert!(scan("<t>老年食</t>", &tight).is_ok());
        assert!(
            scan("<t>老年食堂</t>", &tight)
                .unwrap_err()
                .contains("3 个字符")
        );
        let few = Limits {
            strings: 1,
            cells: 1,
            ..Limits::standard()
        };
        assert!(scan("<si/><si/>", &few).unwrap_err().contains("文字条目"));
        assert!(scan("<c/><c/>", &few).unwrap_err().contains("单元格"));
        let endless = format!("<t {}", "a".repeat(TAG_BYTES as usize + 1));
        assert!(scan(&endless, &limits).unwrap_err().contains("超长标记"));
    }

    #[test]
    fn a_read_past_its_deadline_stops() {
        let rows = vec![vec!["老年食堂".to_owned()]; 10];
        let bytes = crate::sheets::write_xlsx("需求清单", &["标题"], &rows).unwrap();
        assert!(check_xlsx(&bytes, &Limits::standard()).is_ok());
        let late = Limits {
            deadline: Instant::now() - Duration::from_millis(1),
            ..Limits::standard()
        };
        assert!(check_xlsx(&bytes, &late).unwrap_err().contains("超时"));
        let csv = "标题\r\n老年食堂\r\n".as_bytes();
        assert!(
            crate::sheets::read_within(csv, &late)
                .unwrap_err()
                .contains("超时")
        );
    }
}
