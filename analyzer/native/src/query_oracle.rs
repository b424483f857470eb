//! Tests: the walk's matches against GO_QUERY's own (run by tree-sitter's query cursor, as the
//! Python extractor runs it), pattern for pattern, capture for capture, in order.

use std::path::Path;
use std::sync::OnceLock;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor};

use crate::goparse::{go_language, Captures, PARSER};
use crate::walk::{walk, PATTERNS};

const GOPARSE_PY: &str = include_str!("../../goparse.py");

/// GO_QUERY's text as Python sees it: between `GO_QUERY = r"""` and the next `"""`.
fn go_query_text() -> &'static str {
    let start = GOPARSE_PY.find("GO_QUERY = r\"\"\"").expect("goparse.py defines GO_QUERY") + 15;
    let end = start + GOPARSE_PY[start..].find("\"\"\"").expect("GO_QUERY ends");
    &GOPARSE_PY[start..end]
}

/// goparse.PATTERN_NAMES: the word after each line's last `@`.
fn pattern_names(query: &str) -> Vec<String> {
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

type Match = (usize, Vec<(String, usize, usize, String)>);

fn described<'t>(pattern: usize, captures: impl Iterator<Item = (String, Node<'t>)>) -> Match {
    let mut caps: Vec<_> =
        captures.map(|(name, n)| (name, n.start_byte(), n.end_byte(), n.kind().to_string())).collect();
    caps.sort();
    (pattern, caps)
}

fn query_matches(content: &[u8]) -> Vec<Match> {
    static QUERY: OnceLock<Query> = OnceLock::new();
    let query = QUERY.get_or_init(|| Query::new(&go_language(), go_query_text()).expect("GO_QUERY compiles"));
    let names = query.capture_names();
    let tree = PARSER.with(|p| p.borrow_mut().parse(content, None)).expect("a tree");
    let mut cursor = QueryCursor::new();
    let mut found = Vec::new();
    let mut matches = cursor.matches(query, tree.root_node(), content);
    while let Some(m) = matches.next() {
        let caps = m.captures.iter().map(|c| (names[c.index as usize].to_string(), c.node));
        found.push(described(m.pattern_index, caps));
    }
    found
}

fn walked_matches(content: &[u8]) -> Vec<Match> {
    let tree = PARSER.with(|p| p.borrow_mut().parse(content, None)).expect("a tree");
    let mut found = Vec::new();
    walk(tree.root_node(), &mut |pattern, c: &Captures| {
        for (_, node) in c.iter() {
            check_context(c, node);
        }
        found.push(described(pattern, c.iter().map(|(n, node)| (n.to_string(), node))));
    });
    found
}

/// What the walk tells of a captured node is what tree-sitter's climb from the root tells.
fn check_context<'t>(c: &Captures<'_, 't>, node: Node<'t>) {
    let climbed: Vec<Node> = std::iter::successors(node.parent(), |n| n.parent()).collect();
    assert_eq!(c.ancestors(node).collect::<Vec<_>>(), climbed);
    if node.parent().is_some_and(|p| p.kind() == "argument_list") {
        if let Some(position) = c.position(node) {
            assert_eq!(position, crate::values::position_among_arguments(node));
        }
    }
}

/// "" when the walk matches as the query does, else where they first part.
fn difference(content: &[u8]) -> String {
    let (want, got) = (query_matches(content), walked_matches(content));
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        if w != g {
            return format!("match {i}: query {w:?}, walk {g:?}");
        }
    }
    if want.len() != got.len() {
        return format!(
            "query {} matches, walk {}; next query {:?} walk {:?}",
            want.len(),
            got.len(),
            want.get(got.len()),
            got.get(want.len())
        );
    }
    String::new()
}

fn go_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            go_files(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "go") {
            out.push(path);
        }
    }
}

#[test]
fn patterns_are_go_querys() {
    assert_eq!(pattern_names(go_query_text()), PATTERNS);
    let handled: Vec<&str> = crate::extract::HANDLERS.iter().map(|(name, _)| *name).collect();
    assert_eq!(handled, PATTERNS);
}

const CASES: &[&str] = &[
    "package p\nimport (\n\tx \"a/b\"\n\t\"c\"\n\t. \"d\"\n)\n",
    "package p\nvar a, b = f(x), y\nvar c int = g(z)\nvar (\n\td = h(w)\n\te, f2 T\n)\n",
    "package p\nfunc f() { var x = g(a, b.c); var y, z int; var w = T{k: v, u}; _ = w }\n",
    "package p\nfunc f() { go g(c.h()); h(c.x()); for k, v := range ch { <-v }; ch <- x; x := <-c.d() }\n",
    "package p\nfunc (r *R) M(a int) (b chan int) { switch t := x.(type) { case int: return t }; return r.c }\n",
    "package p\nconst a, b = 1, 2\nconst (\n\tc T = iota\n\td\n)\ntype S struct{ a int }\ntype A = B\n",
    "package p\nfunc f() { x = y; a, b = c.d, e; f := func(p int) {}; _ = G[int](x); return a, b.c }\n",
    "package p\nfunc f( { var x = \nvar y = (\n}\n",
    "package p\nfunc f() { go g(c.h( ; var x = a.b(\n x := range ch { <-v }; ch <- \nvar y, z = f(, q\nconst a, b\n",
];

#[test]
fn walk_matches_as_the_query_on_cases() {
    for case in CASES {
        assert_eq!(difference(case.as_bytes()), "", "in {case}");
    }
}

/// Every .go file under KUBEATLAS_K8S_ROOT (skipped without it).
#[test]
fn walk_matches_as_the_query_on_a_tree() {
    let Ok(root) = std::env::var("KUBEATLAS_K8S_ROOT") else { return };
    let mut files = Vec::new();
    go_files(Path::new(&root), &mut files);
    files.sort();
    let mut failed = Vec::new();
    for file in &files {
        let content = std::fs::read(file).expect("a readable file");
        let diff = difference(&content);
        if !diff.is_empty() {
            failed.push(format!("{}: {diff}", file.display()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} files differ:\n{}",
        failed.len(),
        files.len(),
        failed[..failed.len().min(20)].join("\n")
    );
}

#[test]
fn show() {
    let Ok(case) = std::env::var("SHOW") else { return };
    let content = std::fs::read(&case).unwrap_or(case.into_bytes());
    let tree = PARSER.with(|p| p.borrow_mut().parse(&content, None)).expect("a tree");
    println!("{}", tree.root_node().to_sexp());
    for m in query_matches(&content) {
        println!("Q {m:?}");
    }
    for m in walked_matches(&content) {
        println!("W {m:?}");
    }
}

/// Files of KUBEATLAS_K8S_ROOT damaged (cut short, a span deleted, a span doubled): trees with
/// ERROR and MISSING nodes, which the query treats in its own ways.
#[test]
fn walk_matches_as_the_query_on_damaged_files() {
    let Ok(root) = std::env::var("KUBEATLAS_K8S_ROOT") else { return };
    let mut files = Vec::new();
    go_files(Path::new(&root), &mut files);
    files.sort();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |below: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % below.max(1) as u64) as usize
    };
    let mut failed = Vec::new();
    for file in files.iter().step_by(7) {
        let content = std::fs::read(file).expect("a readable file");
        for _ in 0..3 {
            let (at, span) = (next(content.len()), 1 + next(40));
            let end = (at + span).min(content.len());
            let variants = [
                content[..at].to_vec(),
                [&content[..at], &content[end..]].concat(),
                [&content[..end], &content[at..]].concat(),
            ];
            for variant in variants {
                let diff = difference(&variant);
                if !diff.is_empty() {
                    failed.push(format!("{} at {at} span {span}: {diff}", file.display()));
                }
            }
        }
    }
    assert!(failed.is_empty(), "{} damaged files differ:\n{}", failed.len(), failed[..failed.len().min(20)].join("\n"));
}
