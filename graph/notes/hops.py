"""How a note says one hop of a chain: who calls, passes on or hands off to whom, cited at the
statement (a hand-off links both of its ends). Role walkthroughs and flows say hops alike."""

from __future__ import annotations

from kubeatlas.graph.model.schema import made_channel
from kubeatlas.graph.notes.citation import Citation
from kubeatlas.graph.notes.source import short_name
from kubeatlas.graph.notes.walk import Hop
from kubeatlas.graph.notes.writer import Writer

_HAND_OFF_SAID = {"channel": "via_channel", "queue": "via_queue", "cond": "via_cond"}  # lang keys


def say_hop(w: Writer, hop: Hop) -> str:
    """The hop's sentence with its citation; the caller records the hop's claim. Chinese text
    takes no space after its full-width colon."""
    return _said(w, hop).replace("： ", "：")


def _said(w: Writer, hop: Hop) -> str:
    src = f"`{short_name(hop.source.id)}`"
    if hop.kind == "calls":
        return f"{src} {w.say('via_calls')} " + w.cite(Citation(hop.path, hop.line,
                                                                 f"{hop.target.name}(…)"))
    if hop.kind == "calls-field":
        field = hop.claim.object_path.rsplit(".", 1)[-1]
        return (f"{src} {w.say('via_field', field=field, name=hop.target.name)} "
                + w.cite(Citation(hop.path, hop.line, f"{field}(…)")))
    if hop.kind == "references":
        return f"{src} {w.say('via_references')} " + w.cite(Citation(hop.path, hop.line,
                                                                      hop.target.name))
    if hop.kind == "references-field":
        field = hop.claim.object_path.rsplit(".", 1)[-1]
        return (f"{src} {w.say('via_field_value', field=field, name=hop.target.name)} "
                + w.cite(Citation(hop.path, hop.line, field)))
    if hop.kind == "hands-off":
        local, maker = made_channel(hop.field)
        field = local or hop.field.rsplit(".", 1)[-1]
        routes = hop.claim.routes
        give, take = routes.get("give", field), routes.get("take", field)
        if local:  # a channel a function made, stored in no field
            key = "via_made_channel" if take == local else "via_made_channel_through"
        else:
            key = "via_channel_through" if hop.via == "channel" and take != field else (
                _HAND_OFF_SAID.get(hop.via, "via_channel"))
        said = w.say(key, field=field, maker=maker, name=hop.target.name, take=take)
        return (f"{src} {said} " + w.link(Citation(hop.path, hop.line, give)) + " → "
                + w.link(Citation(hop.claim.object_path, hop.claim.object_line, take)))
    impl = w.atlas.reader.get_nodes([hop.claim.subject]).get(hop.claim.subject)
    target = w.cite_node(impl) if impl else f"`{short_name(hop.target.id)}`"
    return f"{src} {w.say('via_dispatch')} {target}"
