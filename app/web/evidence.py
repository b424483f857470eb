"""Why a package watches, stores or reconciles an API kind, as graph/knowledge/apikinds.py
writes it in the index (English: `pkg/x.go:12 Informer called in NewController`), said in the
language chosen as Markdown: the location a GitHub link, code kept as code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kubeatlas.app.web import links
from kubeatlas.app.web.words import say

_WHERE = r"(?P<where>\S+\.go:\d+)"
# the evidence's shapes, each with its words (app/web/words/kinds.py); the first that matches
SHAPES = (("ev_internal", re.compile(r"^internal$")),
          ("ev_registry", re.compile(r"^registry dir (?P<dir>\S+)$")),
          ("ev_names", re.compile(r"^dir (?P<dir>\S+) names (?P<kind>\S+)$")),
          ("ev_declares", re.compile(r"^declares (?P<name>\S+)$")),
          ("ev_shares", re.compile(r"^dir (?P<dir>\S+) shares its name with (?P<kind>\S+)$")),
          ("ev_called", re.compile(rf"^{_WHERE} (?P<method>\S+) called in (?P<name>\S+)$")),
          ("ev_list_watch", re.compile(rf'^{_WHERE} (?P<function>\S+) lists and watches '
                                       rf'"(?P<resource>[^"]+)" in (?P<name>\S+)$')),
          # a struct's field or a function's parameter typed with an informer or a lister
          ("ev_typed", re.compile(rf"^{_WHERE} (?P<holder>\S+) (?P<name>\S+) (?P<type>\S+)$")))


def evidence_md(tree: Mapping[str, Any], detail: str, lang: str) -> str:
    """`detail` in `lang`: English as the index has it; another language in its own words, or as
    the index has it when its shape is not one of ours."""
    if lang != "en":
        for key, pattern in SHAPES:
            if found := pattern.match(detail):
                values = found.groupdict()
                if "where" in values:
                    values["where"] = links.evidence_md(tree, values["where"])
                return say(lang, key, **values)
    return links.evidence_md(tree, detail)
