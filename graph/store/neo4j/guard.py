"""The first line of defence of the Cypher console, on tokens (cypher_tokens.py), so comments,
strings and backticks cannot hide a clause: one statement, starting with a reading clause; no
writing, LOAD CSV or administration keyword; CALL only of allow-listed procedures; SHOW only of
schema listings. (The second and third lines: EXPLAIN must say read-only, and a READ
access-mode transaction.)"""

from __future__ import annotations

from kubeatlas.errors import QueryRejected
from kubeatlas.graph.store.neo4j.cypher_tokens import NAME, SYMBOL, WORD, Token, tokenize

START = ("MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL", "SHOW")
FORBIDDEN = frozenset({
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH", "LOAD", "CSV",
    "PERIODIC", "TRANSACTIONS", "GRANT", "DENY", "REVOKE", "ALTER", "RENAME", "START", "STOP",
    "TERMINATE", "USE", "ENABLE", "DEALLOCATE", "REALLOCATE", "IMPORT", "FINISH", "INSERT",
})
# procedures a console may CALL: schema and catalogue reads, full-text search (no db.stats.*,
# which collects and returns the queries of every user; no dbms.*)
PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.info", "db.ping",
    "db.schema.visualization", "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
    "db.index.fulltext.querynodes", "db.index.fulltext.queryrelationships",
    "db.index.fulltext.listavailableanalyzers",
})
SHOWABLE = frozenset({"INDEX", "INDEXES", "CONSTRAINT", "CONSTRAINTS", "PROCEDURE", "PROCEDURES",
                      "FUNCTION", "FUNCTIONS"})
_SHOW_MODIFIERS = frozenset({"ALL", "RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR",
                             "BTREE", "UNIQUE", "UNIQUENESS", "EXIST", "EXISTS", "EXISTENCE",
                             "NODE", "RELATIONSHIP", "REL", "KEY", "PROPERTY", "TYPE", "BUILT",
                             "IN", "USER", "DEFINED"})


def check_cypher(query: str) -> None:
    """Raise QueryRejected unless `query` is one read-only statement of the allowed shape."""
    tokens = tokenize(query)
    while tokens and tokens[-1].kind == SYMBOL and tokens[-1].text == ";":
        tokens.pop()  # one trailing `;` (or several) is fine
    if not tokens:
        raise QueryRejected("empty query", query=query)
    if any(t.kind == SYMBOL and t.text == ";" for t in tokens):
        raise QueryRejected("one statement at a time (no `;` between statements)", query=query)
    for index, token in enumerate(tokens):
        if token.kind == WORD and token.text.upper() in FORBIDDEN and _is_keyword(tokens, index):
            word = "LOAD CSV" if token.text.upper() in ("LOAD", "CSV") else token.text.upper()
            raise QueryRejected(f"only read-only Cypher is allowed ({word} is refused: the "
                                "console never writes, reads files or URLs, or administers the "
                                "server)", query=query)
        if token.is_word("CALL") and _is_keyword(tokens, index):
            _check_call(tokens, index, query)
        if token.is_word("SHOW") and _is_keyword(tokens, index):
            _check_show(tokens, index, query)
    start = _skip_cypher_options(tokens)
    if start >= len(tokens) or not tokens[start].is_word(*START):
        raise QueryRejected("only read-only Cypher is allowed: start with MATCH, OPTIONAL MATCH, "
                            "WITH, UNWIND, RETURN, CALL or SHOW", query=query)


def _is_keyword(tokens: list[Token], index: int) -> bool:
    """Not a property (n.set), not a map key ({set: 1}), not a label or type (:Set)."""
    before = tokens[index - 1] if index else None
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if before is not None and before.kind == SYMBOL and before.text in ".:":
        return False
    return not (after is not None and after.kind == SYMBOL and after.text == ":")


def _check_call(tokens: list[Token], index: int, query: str) -> None:
    parts: list[str] = []
    i = index + 1
    while i < len(tokens) and tokens[i].kind in (WORD, NAME):
        parts.append(tokens[i].text)
        if i + 1 < len(tokens) and tokens[i + 1].kind == SYMBOL and tokens[i + 1].text == ".":
            i += 2
            continue
        break
    if not parts:  # CALL { … } or CALL (x) { … }: a subquery, checked token by token
        return
    name = ".".join(parts)
    if name.lower() not in PROCEDURES:
        raise QueryRejected(f"only read-only Cypher is allowed: procedure {name} is not on the "
                            f"console's allow-list ({', '.join(sorted(PROCEDURES))})",
                            query=query)


def _check_show(tokens: list[Token], index: int, query: str) -> None:
    i = index + 1
    while i < len(tokens) and tokens[i].kind == WORD and tokens[i].text.upper() in _SHOW_MODIFIERS:
        i += 1
    if i >= len(tokens) or not tokens[i].is_word(*SHOWABLE):
        shown = tokens[i].text if i < len(tokens) else "nothing"
        raise QueryRejected(f"only read-only Cypher is allowed: SHOW {shown} is refused (the "
                            "console shows indexes, constraints, procedures and functions)",
                            query=query)


def _skip_cypher_options(tokens: list[Token]) -> int:
    """The index after a leading `CYPHER 5 runtime=slotted …` prefix."""
    if not tokens[0].is_word("CYPHER"):
        return 0
    i = 1
    while i < len(tokens) and not tokens[i].is_word(*START):
        i += 1
    return i
