"""What a note asserts, as data: `A declares at`, `A calls B`, `A references B`, `T implements
I`, `X is absent` — each with the file:line it rests on, embedded in the Markdown as a comment
so a saved note can be checked for meaning, not only for citations."""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("declares", "calls", "calls-field", "references", "references-field", "hands-off",
         "implements", "absent")
_LINE = re.compile(r"^<!-- kubeatlas:claim (?P<body>.+) -->$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Claim:
    """`subject` and `object` are node ids (`absent`: the id that was looked for).
    calls/references: the call or value sits at `path:line`, inside subject's declaration
    `span`. calls-field: a call through a func-typed field that holds `object` (a stored call,
    `sched.SchedulePod(…)` running `schedulePod`); `object_path` is then the field's id.
    references-field: the value of such a field passed on (`Pop(PopProcessFunc(c.config.Process))`
    passing `HandleDeltas`), `object_path` the field's id.
    hands-off: subject sends on a channel field (adds to a work queue in a field, signals a
    condition variable in a field) at `path:line`, inside its `span`; object receives from it
    (takes from it, waits on it) at `object_path:object_line`; an end that reaches the
    channel through a getter or a parameter names that instead (`through`).
    implements: subject (a type) is declared at `path:line`, the interface at
    `object_path:object_line`. declares: subject is declared at `path:line`."""

    kind: str
    subject: str
    object: str = ""
    path: str = ""
    line: int = 0
    span: tuple[int, int] = (0, 0)
    object_path: str = ""
    object_line: int = 0
    # hands-off through a getter or a parameter: "field=eventChannel take=plegCh" (the field,
    # and the word each routed end's statement names instead: `give=`, `take=`)
    through: str = ""

    def as_comment(self) -> str:
        fields = (self.kind, self.subject, self.object, self.path, str(self.line),
                  f"{self.span[0]}-{self.span[1]}", self.object_path, str(self.object_line),
                  *((self.through,) if self.through else ()))
        return "<!-- kubeatlas:claim " + " | ".join(fields) + " -->"

    @property
    def routes(self) -> dict[str, str]:
        """`through` read back: {"field": …, "give": …, "take": …} (the ends it names)."""
        return dict(part.partition("=")[::2] for part in self.through.split())

    @property
    def label(self) -> str:
        return f"{self.path}:{self.line}" if self.path else self.subject


def parse_claims(markdown: str) -> list[Claim]:
    """The claims a rendered note carries, in order."""
    out = []
    for m in _LINE.finditer(markdown):
        parts = [p.strip() for p in m.group("body").split(" | ")]
        if len(parts) not in (8, 9) or parts[0] not in KINDS:
            continue
        start, _, end = parts[5].partition("-")
        out.append(Claim(parts[0], parts[1], parts[2], parts[3], int(parts[4] or 0),
                         (int(start or 0), int(end or 0)), parts[6], int(parts[7] or 0),
                         parts[8] if len(parts) == 9 else ""))
    return out


def without_claims(markdown: str) -> str:
    """The note as a reader sees it: the claim comments (one a line, at the end) left out. A
    Markdown renderer that escapes HTML, as Streamlit's does, would show them as text."""
    return _LINE.sub("", markdown).rstrip("\n") + "\n"
