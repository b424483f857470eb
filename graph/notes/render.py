"""The notes a user asks for by name: a role's note or a flow, in English or Chinese."""

from __future__ import annotations

from kubeatlas.graph.model.schema import NodeKind
from kubeatlas.graph.notes.flow import flow_ids, flow_note
from kubeatlas.graph.notes.role import role_note
from kubeatlas.graph.notes.writer import Note
from kubeatlas.graph.query.atlas import Atlas

FLOW = "deployment-flow"

__all__ = ["FLOW", "Note", "build_note", "flow_note", "role_note", "subjects"]


def build_note(atlas: Atlas, subject: str, lang: str = "en") -> Note:
    """A flow id (`deployment-flow`, `pod-flow`, …; `flow` for the first) or a role -> its note."""
    if subject == "flow":
        subject = FLOW
    if subject in flow_ids():
        return flow_note(atlas, subject, lang)
    return role_note(atlas, atlas.resolve(subject, (NodeKind.ROLE,)), lang)


def subjects(atlas: Atlas) -> list[str]:
    """Every note a tree has: the flows, then one per role, sorted."""
    return [*flow_ids(), *(r.id.partition(":")[2] for r in atlas.roles())]
