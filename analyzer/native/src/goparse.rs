//! The Go grammar, one parser a thread, and the captures of one match of analyzer/goparse.py's
//! GO_QUERY (found by walk.rs without running the query; query_oracle.rs checks it in tests).

use std::cell::RefCell;

use tree_sitter::{Language, Node, Parser};

pub fn go_language() -> Language {
    tree_sitter_go::LANGUAGE.into()
}

thread_local! {
    pub static PARSER: RefCell<Parser> = RefCell::new({
        let mut parser = Parser::new();
        parser.set_language(&go_language()).expect("the Go grammar loads");
        parser
    });
}

/// Most captures a GO_QUERY pattern has.
const MAX_CAPTURES: usize = 4;

/// A node on the walk's way down (walk.rs): the node, its kind, its field in its parent (0: none,
/// or not looked up) and, in an argument list, its position among the arguments (else -1).
#[derive(Clone, Copy)]
pub struct Frame<'t> {
    pub node: Node<'t>,
    pub kind: u16,
    pub field: u16,
    pub position: i32,
    /// Arguments met so far among its children (argument lists only).
    pub arguments: i32,
}

/// One query match: its captures by name (GO_QUERY's capture names), and the nodes from the root
/// down to the node the match finished at, which answer parent() and the like without
/// tree-sitter's costly climb from the root.
pub struct Captures<'a, 't> {
    caps: [Option<(&'static str, Node<'t>)>; MAX_CAPTURES],
    stack: &'a [Frame<'t>],
}

impl<'a, 't> Captures<'a, 't> {
    pub fn new(caps: &[(&'static str, Node<'t>)], stack: &'a [Frame<'t>]) -> Self {
        let mut all = [None; MAX_CAPTURES];
        for (slot, cap) in all.iter_mut().zip(caps) {
            *slot = Some(*cap);
        }
        Captures { caps: all, stack }
    }

    fn on_stack(&self, node: Node<'t>) -> Option<usize> {
        self.stack.iter().rposition(|f| f.node == node)
    }

    /// node's ancestors, innermost first.
    pub fn ancestors(&self, node: Node<'t>) -> impl Iterator<Item = Node<'t>> + 'a {
        let at = self.on_stack(node);
        let frames = at.map_or(&[][..], |i| &self.stack[..i]);
        let climbed = if at.is_none() { node.parent() } else { None };
        frames.iter().rev().map(|f| f.node).chain(std::iter::successors(climbed, |n| n.parent()))
    }

    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.ancestors(node).next()
    }

    /// node's position among the arguments of its call (comments left out), if the walk knows it.
    pub fn position(&self, node: Node<'t>) -> Option<i64> {
        self.on_stack(node).map(|i| self.stack[i].position as i64).filter(|p| *p >= 0)
    }

    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        // the names are literals, mostly the very same ones: their address settles it first
        let same = |n: &str| std::ptr::eq(n, name) || n == name;
        self.caps.iter().flatten().find(|(n, _)| same(n)).map(|(_, node)| *node)
    }

    /// A capture the pattern always has.
    pub fn node(&self, name: &str) -> Node<'t> {
        self.get(name).unwrap_or_else(|| panic!("capture {name} in its pattern"))
    }

    /// (name, node) of each capture.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Node<'t>)> + '_ {
        self.caps.iter().flatten().copied()
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
