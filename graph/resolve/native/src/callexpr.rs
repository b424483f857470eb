//! graph/resolve/callexpr.py: call expressions as written, taken apart into the segments
//! resolution walks.

fn is_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_rest(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Python's `re.match(pattern + "$")`: `$` also matches before one final newline.
fn without_final_newline(s: &str) -> &str {
    s.strip_suffix('\n').unwrap_or(s)
}

fn ident_len(b: &[u8]) -> usize {
    if b.is_empty() || !is_start(b[0]) {
        return 0;
    }
    1 + b[1..].iter().take_while(|&&c| is_rest(c)).count()
}

/// `^[A-Za-z_][A-Za-z0-9_]*$`
pub fn is_plain(s: &str) -> bool {
    let b = without_final_newline(s).as_bytes();
    let n = ident_len(b);
    n > 0 && n == b.len()
}

/// `^ident(\.ident)*$`
fn is_dotted(s: &str) -> bool {
    let s = without_final_newline(s);
    !s.is_empty()
        && s.split('.').all(|part| {
            let b = part.as_bytes();
            let n = ident_len(b);
            n > 0 && n == b.len()
        })
}

/// `^ident(\.ident)?\{.*\}$` (DOTALL)
fn is_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut at = ident_len(b);
    if at == 0 {
        return false;
    }
    if b.get(at) == Some(&b'.') {
        let n = ident_len(&b[at + 1..]);
        if n > 0 {
            at += 1 + n;
        }
    }
    if b.get(at) != Some(&b'{') {
        return false;
    }
    let tail = without_final_newline(&s[at + 1..]);
    tail.ends_with('}')
}

/// The leading `[A-Za-z_][A-Za-z0-9_]*` of an expression, if any.
pub fn head_name(s: &str) -> Option<&str> {
    let n = ident_len(s.as_bytes());
    if n == 0 {
        None
    } else {
        Some(&s[..n])
    }
}

pub fn split_segments(expr: &str, value: bool) -> Option<Vec<String>> {
    if is_dotted(expr) {
        return Some(expr.split('.').map(String::from).collect());
    }
    if expr.starts_with('(') {
        return parenthesised(expr, value);
    }
    let b = expr.as_bytes();
    let mut segments: Vec<String> = Vec::new();
    let mut depth: i64 = 0;
    let mut current: Vec<u8> = Vec::new();
    let mut position = 0;
    while position < b.len() {
        let ch = b[position];
        if depth == 0
            && ((ch == b'(' && current.is_empty() && !segments.is_empty()) || (ch == b'{' && !current.is_empty()))
        {
            let close = closing_bracket(expr, position)?;
            if ch == b'(' {
                current.extend_from_slice(collapse_space(&expr[position..=close]).as_bytes());
            } else {
                current.extend_from_slice(b"{}");
            }
            position = close + 1;
            continue;
        }
        if ch == b'(' || ch == b'[' || ch == b'{' {
            if depth == 0 && ch == b'(' {
                current.extend_from_slice(b"()");
            } else if depth == 0 && ch == b'[' && type_arguments(expr, position, value) {
            } else if depth == 0 && ch == b'[' && !current.is_empty() {
                current.extend_from_slice(b"[]");
            } else if depth == 0 {
                return None;
            }
            depth += 1;
        } else if ch == b')' || ch == b']' || ch == b'}' {
            depth -= 1;
        } else if depth == 0 && !is_space_byte(expr, position) {
            if ch == b'.' {
                segments.push(String::from_utf8_lossy(&current).into_owned());
                current.clear();
            } else {
                current.push(ch);
            }
        }
        position += 1;
    }
    segments.push(String::from_utf8_lossy(&current).into_owned());
    for s in &segments {
        let probe = if let Some(stripped) = s.strip_suffix("{}") { stripped } else { base_name(s) };
        if !(is_assertion(s) || is_plain(probe)) {
            return None;
        }
    }
    Some(segments)
}

fn is_space_byte(expr: &str, position: usize) -> bool {
    // ASCII whitespace as str.isspace() sees it (\x1c-\x1f included); other bytes are not
    let b = expr.as_bytes()[position];
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
}

fn collapse_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// The last segment whose type the text itself states, and that type.
pub fn anchored_type(segments: &[String]) -> Option<(usize, String)> {
    for at in (0..segments.len()).rev() {
        let segment = &segments[at];
        if is_assertion(segment) {
            return Some((at, segment[1..segment.len() - 1].trim().to_string()));
        }
        if let Some(name) = segment.strip_suffix("{}") {
            let mut parts: Vec<&str> = segments[..at].iter().map(|s| s.as_str()).collect();
            parts.push(name);
            return Some((at, parts.join(".")));
        }
    }
    None
}

fn is_assertion(segment: &str) -> bool {
    segment.starts_with('(') && segment.chars().count() > 2 && closing_bracket(segment, 0) == Some(segment.len() - 1)
}

fn parenthesised(expr: &str, value: bool) -> Option<Vec<String>> {
    let close = closing_bracket(expr, 0)?;
    let inner = expr[1..close].trim();
    let rest = &expr[close + 1..];
    if rest.starts_with('(') {
        let end = closing_bracket(rest, 0)?;
        let after = &rest[end + 1..];
        if !(after.is_empty() || after.starts_with('.')) {
            return None;
        }
        let more = if !after.is_empty() { split_segments(&rest[end + 2..], value)? } else { Vec::new() };
        let mut out = vec![format!("({inner})()")];
        out.extend(more);
        return Some(out);
    }
    let inner = inner.trim_start_matches(['*', '&']).trim();
    if !(is_plain(inner) || is_literal(inner)) {
        return None;
    }
    split_segments(&format!("{inner}{rest}"), value)
}

/// Index of the bracket closing the one at open_at (any of `([{`).
pub fn closing_bracket(text: &str, open_at: usize) -> Option<usize> {
    let mut depth = 0i64;
    for (position, &b) in text.as_bytes().iter().enumerate().skip(open_at) {
        if b == b'(' || b == b'[' || b == b'{' {
            depth += 1;
        } else if b == b')' || b == b']' || b == b'}' {
            depth -= 1;
            if depth == 0 {
                return Some(position);
            }
        }
    }
    None
}

/// `b()[]` -> `b`: a segment without its call and index suffixes.
pub fn base_name(segment: &str) -> &str {
    let mut cut = segment.len();
    while cut >= 2 && (segment[..cut].ends_with("()") || segment[..cut].ends_with("[]")) {
        cut -= 2;
    }
    &segment[..cut]
}

/// `b()[]` -> ["()", "[]"]
pub fn suffixes(segment: &str) -> Vec<&str> {
    let rest = &segment[base_name(segment).len()..];
    (0..rest.len()).step_by(2).map(|i| &rest[i..(i + 2).min(rest.len())]).collect()
}

fn type_arguments(expr: &str, open_at: usize, value: bool) -> bool {
    let Some(close) = closing_bracket(expr, open_at) else { return false };
    let tail = expr[close + 1..].trim_start();
    (tail.is_empty() && !value) || tail.starts_with('(')
}
