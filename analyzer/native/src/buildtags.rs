//! Build constraints read from a file's header (analyzer/buildtags.py's read_build_expr and
//! with_cgo): `//go:build` lines, legacy `// +build` lines converted.

use crate::values::{is_py_space, py_strip};

/// Python's bytes.strip(): ASCII whitespace.
fn bytes_strip(b: &[u8]) -> &[u8] {
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c);
    let start = b.iter().position(|c| !ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !ws(c)).map(|i| i + 1).unwrap_or(start);
    &b[start..end.max(start)]
}

fn decode_strip(b: &[u8]) -> String {
    py_strip(&String::from_utf8_lossy(b)).to_string()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The file's constraint as a //go:build expression (legacy +build lines converted), or None.
pub fn read_build_expr(header: &[u8]) -> Option<String> {
    let header = header.strip_prefix(b"\xef\xbb\xbf").unwrap_or(header);
    let mut lines: Vec<&[u8]> = header.split(|c| *c == b'\n').collect();
    lines.pop();
    let mut go_build: Option<String> = None;
    let mut plus_end = 0;
    let mut ended = false;
    let mut in_block = false;
    for (index, raw) in lines.iter().enumerate() {
        let line = bytes_strip(raw);
        if line.is_empty() && !ended {
            plus_end = index;
            continue;
        }
        if !line.starts_with(b"//") {
            ended = true;
        }
        if !in_block && is_go_build(line) && go_build.is_none() {
            go_build = Some(decode_strip(&line[10..]));
        }
        let mut rest = line;
        while !rest.is_empty() {
            if in_block {
                match find(rest, b"*/") {
                    None => break,
                    Some(close) => {
                        in_block = false;
                        rest = bytes_strip(&rest[close + 2..]);
                    }
                }
            } else if rest.starts_with(b"//") {
                break;
            } else if rest.starts_with(b"/*") {
                in_block = true;
                rest = bytes_strip(&rest[2..]);
            } else {
                return go_build.or_else(|| plus_build(&lines[..plus_end]));
            }
        }
    }
    go_build.or_else(|| plus_build(&lines[..plus_end]))
}

fn is_go_build(line: &[u8]) -> bool {
    line.starts_with(b"//go:build") && (line.len() == 10 || line[10] == b' ' || line[10] == b'\t')
}

fn plus_build(lines: &[&[u8]]) -> Option<String> {
    let mut plus_lines = Vec::new();
    for raw in lines {
        let line = bytes_strip(raw);
        let text: &[u8] = if line.starts_with(b"//") { bytes_strip(&line[2..]) } else { b"" };
        if text.starts_with(b"+build") && (text.len() == 6 || text[6] == b' ' || text[6] == b'\t') {
            plus_lines.push(decode_strip(&text[6..]));
        }
    }
    if plus_lines.is_empty() {
        return None;
    }
    let exprs: Vec<String> = plus_lines.iter().map(|l| plus_line_expr(l)).collect();
    Some(exprs.join(" && "))
}

/// A file importing "C" is a cgo file: it builds only with cgo on.
pub fn with_cgo(build_expr: Option<String>, imports_c: bool) -> Option<String> {
    if !imports_c {
        return build_expr;
    }
    match build_expr {
        Some(e) if !e.is_empty() => Some(format!("cgo && ({e})")),
        _ => Some("cgo".to_string()),
    }
}

fn plus_line_expr(line: &str) -> String {
    let mut ors: Vec<String> = Vec::new();
    for term in line.split(is_py_space).filter(|t| !t.is_empty()) {
        let ands: Vec<&str> = term.split(',').filter(|t| !t.is_empty()).collect();
        ors.push(if ands.len() > 1 {
            format!("({})", ands.join(" && "))
        } else {
            ands.first().map_or_else(|| "ignore".to_string(), |s| s.to_string())
            // no tag: Go reads `ignore`
        });
    }
    if ors.len() > 1 {
        format!("({})", ors.join(" || "))
    } else {
        ors.into_iter().next().unwrap_or_else(|| "true".to_string())
    }
}
