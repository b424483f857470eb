//! A file's row (rows.rs's layout, analyzer/rows.py's facts_to_row) in Python's marshal
//! format, split as analyzer/cache.py keeps it: the shell (the row with its body fields empty)
//! and the body (calls, locals, channel operations). Made on the scan's threads, so that
//! neither the main process nor the cache writer builds or encodes a row of a parsed file.
//!
//! `marshal.loads` of each gives exactly what marshal.loads gives of marshal.dumps of that part
//! of the row: equal strings are written once and referred to after (marshal's FLAG_REF), so
//! a decoded row shares them as the row built in Python does.

use crate::fasthash::FastMap;
use crate::model::{Decl, FileFacts};

const FLAG_REF: u8 = 0x80;

struct Marshal<'a> {
    out: Vec<u8>,
    refs: FastMap<&'a str, u32>, // string -> its index among the objects flagged FLAG_REF
    empty: Option<u32>,          // the empty string's index, kept out of the map (most strings are)
    flagged: u32,                // objects flagged so far (strings only)
}

impl<'a> Marshal<'a> {
    fn new(capacity: usize) -> Self {
        Marshal { out: Vec::with_capacity(capacity), refs: FastMap::default(), empty: None, flagged: 0 }
    }

    fn u32(&mut self, value: u32) {
        self.out.extend_from_slice(&value.to_le_bytes());
    }

    fn none(&mut self) {
        self.out.push(b'N');
    }

    fn flag(&mut self, value: bool) {
        self.out.push(if value { b'T' } else { b'F' });
    }

    /// TYPE_INT for what fits in 32 bits, else TYPE_LONG (15-bit digits), as marshal writes them.
    fn int(&mut self, value: i64) {
        if let Ok(small) = i32::try_from(value) {
            self.out.push(b'i');
            self.out.extend_from_slice(&small.to_le_bytes());
            return;
        }
        let mut digits = Vec::new();
        let mut rest = value.unsigned_abs();
        while rest > 0 {
            digits.push((rest & 0x7fff) as u16);
            rest >>= 15;
        }
        self.out.push(b'l');
        let count = digits.len() as i32;
        self.out.extend_from_slice(&(if value < 0 { -count } else { count }).to_le_bytes());
        for digit in digits {
            self.out.extend_from_slice(&digit.to_le_bytes());
        }
    }

    /// The first time: TYPE_SHORT_ASCII, TYPE_ASCII or TYPE_UNICODE flagged for reference;
    /// after: a TYPE_REF to it.
    fn s(&mut self, text: &'a str) {
        let known = if text.is_empty() { self.empty } else { self.refs.get(text).copied() };
        if let Some(index) = known {
            self.out.push(b'r');
            self.u32(index);
            return;
        }
        let index = self.flagged;
        self.flagged += 1;
        if text.is_empty() {
            self.empty = Some(index);
        } else {
            self.refs.insert(text, index);
        }
        let bytes = text.as_bytes();
        if text.is_ascii() && bytes.len() < 256 {
            self.out.push(b'z' | FLAG_REF);
            self.out.push(bytes.len() as u8);
        } else {
            self.out.push(if text.is_ascii() { b'a' } else { b'u' } | FLAG_REF);
            self.u32(bytes.len() as u32);
        }
        self.out.extend_from_slice(bytes);
    }

    fn opt(&mut self, text: Option<&'a str>) {
        match text {
            Some(t) => self.s(t),
            None => self.none(),
        }
    }

    /// The header of a tuple of `len` items (the items follow).
    fn tuple(&mut self, len: usize) {
        if len < 256 {
            self.out.push(b')');
            self.out.push(len as u8);
        } else {
            self.out.push(b'(');
            self.u32(len as u32);
        }
    }

    fn texts(&mut self, items: &'a [String]) {
        self.tuple(items.len());
        for item in items {
            self.s(item);
        }
    }

    fn decl(&mut self, d: &'a Decl) {
        self.tuple(16);
        self.s(d.kind);
        self.s(&d.name);
        self.int(d.line);
        self.int(d.end_line);
        self.flag(d.exported);
        self.s(&d.doc);
        self.opt(d.receiver.as_deref());
        self.flag(d.pointer_receiver);
        self.flag(d.type_params);
        self.tuple(d.fields.len());
        for f in &d.fields {
            self.tuple(3);
            self.s(&f.name);
            self.s(&f.type_expr);
            self.flag(f.embedded);
        }
        self.tuple(d.methods.len());
        for m in &d.methods {
            self.tuple(4);
            self.s(&m.name);
            self.texts(&m.params);
            self.texts(&m.results);
            self.int(m.line);
        }
        self.texts(&d.embeds);
        self.s(&d.type_expr);
        self.tuple(d.params.len());
        for p in &d.params {
            self.tuple(2);
            self.s(&p.name);
            self.s(&p.type_expr);
        }
        self.texts(&d.results);
        self.opt(d.value_from.map(|v| v.value()));
    }
}

/// The marshalled shell and body of `f`'s row (analyzer/cache.py's two parts of a cached row).
pub fn marshal_row(f: &FileFacts) -> (Vec<u8>, Vec<u8>) {
    let mut m = Marshal::new(256 + 64 * f.decls.len());
    m.tuple(16);
    m.s(&f.rel_path);
    m.s(&f.import_path);
    m.s(&f.module);
    m.s(&f.package);
    m.flag(f.is_test);
    m.flag(f.is_generated);
    m.opt(f.build_expr.as_deref());
    m.tuple(f.imports.len());
    for i in &f.imports {
        m.tuple(3);
        m.s(&i.path);
        m.opt(i.alias.as_deref());
        m.int(i.line);
    }
    m.tuple(f.decls.len());
    for d in &f.decls {
        m.decl(d);
    }
    m.tuple(0); // calls, locals: in the body
    m.tuple(0);
    m.int(f.lines);
    m.int(f.size);
    m.s(&f.sha);
    m.tuple(f.problems.len());
    for p in &f.problems {
        m.tuple(3);
        m.s(p.kind);
        m.s(&p.message);
        m.int(p.line);
    }
    m.tuple(0); // channels: in the body
    let shell = m.out;

    let mut b = Marshal::new(64 + 48 * (f.calls.len() + f.locals.len()));
    b.tuple(3);
    b.tuple(f.calls.len());
    for c in &f.calls {
        b.tuple(9);
        b.s(&c.caller);
        b.s(&c.callee_expr);
        b.int(c.line);
        b.flag(c.value);
        b.s(&c.field);
        b.s(&c.holder);
        b.s(&c.call);
        b.int(c.arg);
        b.s(&c.resource);
    }
    b.tuple(f.locals.len());
    for v in &f.locals {
        b.tuple(7);
        b.s(&v.scope);
        b.s(&v.name);
        b.int(v.line);
        b.s(&v.expr);
        b.s(v.how.value());
        b.int(v.result);
        b.int(v.until);
    }
    b.tuple(f.channels.len());
    for c in &f.channels {
        b.tuple(6);
        b.s(&c.caller);
        b.s(&c.channel);
        b.int(c.line);
        b.s(c.op);
        b.s(&c.call);
        b.int(c.arg);
    }
    (shell, b.out)
}
