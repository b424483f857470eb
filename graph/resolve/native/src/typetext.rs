//! graph/resolve/typetext.py: composite type texts taken apart (the element of `[]T`,
//! `map[K]V`, `chan T`; the results of `func(…) (A, B)`).

use crate::callexpr::closing_bracket;

pub fn element_text(type_text: &str, key: bool) -> Option<String> {
    let mut text = type_text.trim();
    if let Some(rest) = text.strip_prefix("...") {
        return Some(if key { "int".into() } else { rest.trim().into() });
    }
    if text.starts_with("*[") {
        text = &text[1..];
    }
    if let Some(rest) = text.strip_prefix("[]") {
        return Some(if key { "int".into() } else { rest.trim().into() });
    }
    if text.starts_with("map[") {
        let close = closing_bracket(text, 3)?;
        return Some(if key { text[4..close].trim().into() } else { text[close + 1..].trim().into() });
    }
    if text.starts_with('[') {
        let close = closing_bracket(text, 0)?;
        return Some(if key { "int".into() } else { text[close + 1..].trim().into() });
    }
    for prefix in ["<-chan ", "chan<- ", "chan "] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return Some(rest.trim().into());
        }
    }
    None
}

const KEYWORD_TYPES: [&str; 5] = ["chan", "func", "map", "struct", "interface"];

pub fn func_results(type_text: &str) -> Option<Vec<String>> {
    let text = type_text.trim();
    if !text.starts_with("func(") {
        return None;
    }
    let close = closing_bracket(text, 4)?;
    let rest = text[close + 1..].trim();
    if rest.is_empty() {
        return Some(Vec::new());
    }
    if !rest.starts_with('(') {
        return Some(vec![rest.to_string()]);
    }
    let end = closing_bracket(rest, 0)?;
    let items = top_level_split(&rest[1..end]);
    if items.is_empty() || !is_named(&items[items.len() - 1]) {
        return Some(items);
    }
    let mut types: Vec<String> = Vec::new();
    for item in items.iter().rev() {
        let next = if is_named(item) {
            item.split_once(' ').map(|(_, t)| t.trim().to_string()).unwrap_or_default()
        } else {
            types[types.len() - 1].clone()
        };
        types.push(next);
    }
    types.reverse();
    Some(types)
}

/// Python's str.isidentifier(), for the names Go code uses.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric())
}

fn is_named(item: &str) -> bool {
    match item.split_once(' ') {
        Some((head, _)) => is_identifier(head) && !KEYWORD_TYPES.contains(&head),
        None => false,
    }
}

fn top_level_split(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i64;
    let mut start = 0;
    for (position, ch) in text.char_indices() {
        match ch {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..position].trim().to_string());
                start = position + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim().to_string());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}
