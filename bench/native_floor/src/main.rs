//! The cost of the tree-sitter work an extractor cannot avoid, with no Python in the way.
//!
//!     native-floor MODE THREADS QUERY_FILE < file-list
//!
//! MODE is `parse` (parse every file), `walk` (parse, then visit every node once with a tree
//! cursor: the least any hand-written extractor does) or `query` (parse, then run the
//! analyzer's extraction query and read every capture's text and position: what
//! `kubeatlas.analyzer.goparse` asks tree-sitter for). Files are dealt round-robin to THREADS
//! threads, one parser each. Prints what it visited so that no mode can be optimised away.

use std::io::BufRead;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Parser, Query, QueryCursor, Tree};

fn walk(tree: &Tree) -> usize {
    let mut cursor = tree.walk();
    let mut nodes = 0;
    loop {
        nodes += 1;
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return nodes;
            }
        }
    }
}

fn query(tree: &Tree, source: &[u8], query: &Query, cursor: &mut QueryCursor) -> usize {
    let mut seen = 0;
    let mut matches = cursor.matches(query, tree.root_node(), source);
    while let Some(m) = matches.next() {
        for capture in m.captures {
            let text = capture.node.utf8_text(source).map(str::len).unwrap_or(0);
            seen += 1 + text + capture.node.start_position().row;
        }
    }
    seen
}

fn run(mode: &str, files: Vec<String>, query_text: &str) -> usize {
    let language: tree_sitter::Language = tree_sitter_go::LANGUAGE.into();
    let mut parser = Parser::new();
    parser.set_language(&language).expect("the Go grammar loads");
    let compiled = Query::new(&language, query_text).expect("the analyzer's query compiles");
    let mut cursor = QueryCursor::new();
    let mut visited = 0;
    for path in files {
        let source = std::fs::read(&path).unwrap_or_default();
        let tree = parser.parse(&source, None).expect("a tree for every file");
        visited += match mode {
            "walk" => walk(&tree),
            "query" => query(&tree, &source, &compiled, &mut cursor),
            _ => 1,
        };
    }
    visited
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 || !["parse", "walk", "query"].contains(&args[1].as_str()) {
        eprintln!("usage: native-floor parse|walk|query THREADS QUERY_FILE < file-list");
        std::process::exit(2);
    }
    let threads: usize = args[2].parse().unwrap_or(2).max(1);
    let query_text = std::fs::read_to_string(&args[3]).expect("the query file is readable");
    let files: Vec<String> = std::io::stdin().lock().lines().map_while(Result::ok).collect();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let share: Vec<String> = files.iter().skip(t).step_by(threads).cloned().collect();
            let (mode, text) = (args[1].clone(), query_text.clone());
            std::thread::spawn(move || run(&mode, share, &text))
        })
        .collect();
    let visited: usize = workers.into_iter().map(|w| w.join().expect("a worker ends")).sum();
    println!("{} files, visited {}", files.len(), visited);
}
