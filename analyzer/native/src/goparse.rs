//! The Go grammar, and the extraction query read from analyzer/goparse.py's GO_QUERY (the one
//! text both extractors run, so matches arrive in the same order).

use std::cell::RefCell;
use std::sync::OnceLock;

use tree_sitter::{Language, Node, Parser, Query, QueryCapture, QueryCursor};

const GOPARSE_PY: &str = include_str!("../../goparse.py");

/// GO_QUERY's text as Python sees it: between `GO_QUERY = r"""` and the next `"""`.
pub fn go_query_text() -> &'static str {
    let start = GOPARSE_PY.find("GO_QUERY = r\"\"\"").expect("goparse.py defines GO_QUERY") + 15;
    let end = start + GOPARSE_PY[start..].find("\"\"\"").expect("GO_QUERY ends");
    &GOPARSE_PY[start..end]
}

/// goparse.PATTERN_NAMES: the word after each line's last `@`.
pub fn pattern_names(query: &str) -> Vec<String> {
    query
        .trim()
        .lines()
        .map(|line| {
            let last = line.rsplit('@').next().unwrap_or("");
            let word = last.split('.').next().unwrap_or("");
            word.trim_end_matches([')', ']', ' ']).trim().to_string()
        })
        .collect()
}

pub struct GoQuery {
    pub language: Language,
    pub query: Query,
    pub patterns: Vec<String>,
}

pub fn go_query() -> &'static GoQuery {
    static QUERY: OnceLock<GoQuery> = OnceLock::new();
    QUERY.get_or_init(|| {
        let language: Language = tree_sitter_go::LANGUAGE.into();
        let text = go_query_text();
        let query = Query::new(&language, text).expect("GO_QUERY compiles");
        let patterns = pattern_names(text);
        assert_eq!(patterns.len(), query.pattern_count(), "one GO_QUERY pattern a line");
        GoQuery { language, query, patterns }
    })
}

thread_local! {
    pub static PARSER: RefCell<(Parser, QueryCursor)> = RefCell::new({
        let mut parser = Parser::new();
        parser.set_language(&go_query().language).expect("the Go grammar loads");
        (parser, QueryCursor::new())
    });
}

/// One query match: its captures by name.
pub struct Captures<'a, 't> {
    pub caps: &'a [QueryCapture<'t>],
    pub query: &'a Query,
}

impl<'t> Captures<'_, 't> {
    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        let names = self.query.capture_names(); // a match has a few captures: compare their names
        self.caps.iter().find(|c| names[c.index as usize] == name).map(|c| c.node)
    }

    /// A capture the pattern always has.
    pub fn node(&self, name: &str) -> Node<'t> {
        self.get(name).unwrap_or_else(|| panic!("capture {name} in its pattern"))
    }
}

/// 1-based line of the first MISSING or ERROR node (0 if the tree is clean).
pub fn first_missing_line(root: Node) -> i64 {
    if !root.has_error() {
        return 0;
    }
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_missing() || node.is_error() {
            return node.start_position().row as i64 + 1;
        }
        let mut cursor = node.walk();
        let bad: Vec<Node> = node.children(&mut cursor).filter(|c| c.has_error() || c.is_missing()).collect();
        stack.extend(bad.into_iter().rev());
    }
    1
}
