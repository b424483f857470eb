"""`notes --all`: every note of a tree (one per flow and per role) plus an index, as Markdown,
as Hugo content (front matter like the seed blog post), or as an Anki import file (a plain
tab-separated text file: question, answer with file:line, tags)."""

from __future__ import annotations

import json
from pathlib import Path

from kubeatlas.errors import KubeatlasError
from kubeatlas.graph.model.schema import key_of
from kubeatlas.graph.notes.lang import say
from kubeatlas.graph.notes.render import build_note, subjects
from kubeatlas.graph.notes.writer import Note
from kubeatlas.graph.query.atlas import Atlas

FORMATS = ("markdown", "hugo", "anki")


def write_all(atlas: Atlas, out: Path, lang: str = "en", fmt: str = "markdown") -> list[Path]:
    """Write every note of the tree under `out`; returns the files written, index first."""
    if fmt not in FORMATS:
        raise KubeatlasError(f"no notes format {fmt!r}; use one of {', '.join(FORMATS)}")
    notes = [build_note(atlas, s, lang) for s in subjects(atlas)]
    tree = atlas.reader.tree_info()
    version = str(tree.get("k8s_version") or tree.get("ref") or "tree")
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "anki":
        return [_anki(out, notes, version, lang)]
    date = str(tree.get("indexed_at") or "")[:10] or "1970-01-01"
    absent = {key_of(r.id) for r in atlas.roles() if r.attrs.get("present", True) is False}
    written = [_index(out, notes, version, lang, fmt, date, absent)]
    for n in notes:
        path = out / f"{n.slug}.md"
        body = n.markdown if fmt == "markdown" else _front_matter(n.title, date, n.tags) + n.markdown
        path.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def _front_matter(title: str, date: str, tags: tuple[str, ...]) -> str:
    """Hugo front matter in the seed post's shape (YAML between `---`)."""
    tag_list = json.dumps(["k8s", *[t for t in tags if t]], ensure_ascii=False)
    return ("---\n" f"title: {json.dumps(title, ensure_ascii=False)}\n" f"date: {date}T00:00:00+00:00\n"
            f"lastmod: {date}T00:00:00+00:00\n" "draft: false\n" f"tags: {tag_list}\n"
            'categories: ["kubeatlas"]\n' "---\n\n")


def _index(out: Path, notes: list[Note], version: str, lang: str, fmt: str, date: str,
           absent: set[str]) -> Path:
    """The flows, then the roles; a role the tree holds no code of (dockershim since v1.24) is
    marked so, before a learner opens it."""
    title = say(lang, "index_title", version=version)
    flows = [n for n in notes if "flow" in n.tags]
    roles = [n for n in notes if "flow" not in n.tags]
    lines = [f"# {title}", "", f"## {say(lang, 'index_flows')}", ""]
    lines += [f"- [{n.title}]({n.slug}.md)" for n in flows]
    lines += ["", f"## {say(lang, 'index_roles')}", ""]
    lines += [f"- [{n.title}]({n.slug}.md)" + (say(lang, "index_absent") if n.slug in absent else "")
              for n in roles]
    name = "_index.md" if fmt == "hugo" else "index.md"
    text = "\n".join(lines) + "\n"
    if fmt == "hugo":
        text = _front_matter(title, date, ("index",)) + text
    path = out / name
    path.write_text(text, encoding="utf-8")
    return path


def _anki(out: Path, notes: list[Note], version: str, lang: str) -> Path:
    """Anki's plain-text import: header directives, then question<TAB>answer<TAB>tags."""
    path = out / f"kubeatlas-{version}-{lang}.txt"
    lines = ["#separator:tab", "#html:false", "#tags column:3",
             f"#deck:kubeatlas {version} ({lang})"]
    for n in notes:
        tags = " ".join(["kubeatlas", version, n.slug])
        for q, a in n.cards:
            lines.append("\t".join(_clean(x) for x in (q, a, tags)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())
