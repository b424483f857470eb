"""A note being written: Markdown lines in one language, the citations they make and the claims
they assert (appended as comments so `--check` can read a saved note back)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubeatlas.graph.notes.citation import Citation, cite_markdown, tree_url
from kubeatlas.graph.notes.claim import Claim
from kubeatlas.graph.notes.lang import say
from kubeatlas.graph.notes.source import citation_of, short_name
from kubeatlas.graph.query.atlas import Atlas, NodeRecord


@dataclass(frozen=True, slots=True)
class Note:
    title: str
    markdown: str
    citations: tuple[Citation, ...]
    claims: tuple[Claim, ...] = ()
    slug: str = ""
    tags: tuple[str, ...] = ()
    cards: tuple[tuple[str, str], ...] = ()  # (question, answer with file:line) for Anki


class Writer:
    """Lines of Markdown plus the citations and claims they make."""

    def __init__(self, atlas: Atlas, lang: str = "en") -> None:
        self.atlas = atlas
        self.lang = lang
        self.tree: dict[str, Any] = atlas.reader.tree_info()
        self.lines: list[str] = []
        self.citations: list[Citation] = []
        self.claims: list[Claim] = []
        self.cards: list[tuple[str, str]] = []

    def card(self, question: str, answer: str) -> None:
        self.cards.append((question, answer))

    def say(self, key: str, **values: Any) -> str:
        return say(self.lang, key, **values)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def claim(self, claim: Claim) -> None:
        if claim not in self.claims:
            self.claims.append(claim)

    def cite(self, citation: Citation, text: str | None = None) -> str:
        """The Markdown for a citation shown as `text` (which the check reads back)."""
        if text:
            citation = Citation(citation.path, citation.line, text)
        self.citations.append(citation)
        return cite_markdown(self.tree, citation)

    def link(self, citation: Citation) -> str:
        """The Markdown link of a `path:line` that a claim already checks for meaning (a
        hand-off's send and receive: the claim reads both statements), so no citation of its
        own: the line may name a local that stands for the field (`next <- item`)."""
        return cite_markdown(self.tree, citation)

    def cite_node(self, node: NodeRecord) -> str:
        """A declaration's citation; it is also a `declares` claim."""
        c = citation_of(node)
        if c is None:
            return f"`{short_name(node.id)}`"
        self.claim(Claim("declares", node.id, path=c.path, line=c.line or 0))
        return self.cite(c)

    def version(self) -> str:
        return str(self.tree.get("k8s_version") or self.tree.get("ref") or self.say("unversioned"))

    def header(self, title: str) -> None:
        commit = str(self.tree.get("commit") or "")
        url = tree_url(self.tree)
        pinned = (self.say("pinned_commit", link=f"[{commit[:12]}]({url})") if commit and url
                  else self.say("pinned_tag", tag=f"`{url.rsplit('/', 1)[-1]}`") if url
                  else self.say("unpinned"))
        self.add(f"# {title}", "", self.say("generated_by", version=self.version(), pinned=pinned), "")

    def note(self, title: str, slug: str = "", tags: tuple[str, ...] = ()) -> Note:
        body = "\n".join(self.lines).rstrip() + "\n"
        if self.claims:
            body += "\n" + "\n".join(c.as_comment() for c in self.claims) + "\n"
        return Note(title, body, tuple(self.citations), tuple(self.claims), slug, tags,
                    tuple(self.cards))
