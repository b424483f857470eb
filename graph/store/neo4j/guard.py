"""The first line of defence of the Cypher console: one statement, starting with a reading
clause, with no writing, file-reading or administration keyword outside strings and comments.
(The second and third lines: EXPLAIN must say read-only, and a READ access-mode transaction.)"""

from __future__ import annotations

import re

from kubeatlas.errors import QueryRejected

_STRINGS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`]|``)*`", re.S)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_START = re.compile(r"^\s*(?:CYPHER(?:\s+\w+\s*=\s*\w+|\s+\d+)*\s+)?"
                    r"(MATCH|OPTIONAL\s+MATCH|WITH|UNWIND|RETURN|CALL|SHOW)\b", re.I)
_FORBIDDEN = re.compile(  # not after `.` or `$` (n.start, $set), not a map key (set:)
    r"(?<![.$])\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV|LOAD|IN\s+TRANSACTIONS|"
    r"GRANT|DENY|REVOKE|ALTER|RENAME|START|STOP|TERMINATE|USE|ENABLE|DEALLOCATE|REALLOCATE|"
    r"IMPORT|FINISH\s+DATABASE)\b(?!\s*:)", re.I)
_WRITING_PROCEDURES = re.compile(
    r"\bCALL\s+(db\.create\w*|db\.index\.fulltext\.(?!query)\w+|dbms\.(?!components|"
    r"procedures|functions|info|queryJmx|listConfig|showCurrentUser|routing|cluster)\w+|"
    r"tx\.setMetaData|apoc\.)", re.I)


def check_cypher(query: str) -> None:
    """Raise QueryRejected unless `query` is one read-only statement of the allowed shape."""
    code = _COMMENTS.sub(" ", _STRINGS.sub("''", query))
    if not code.strip():
        raise QueryRejected("empty query", query=query)
    if ";" in code.strip().rstrip(";"):
        raise QueryRejected("one statement at a time (no `;` between statements)", query=query)
    bad = _FORBIDDEN.search(code) or _WRITING_PROCEDURES.search(code)
    if bad:
        word = " ".join(bad.group(0).split()).upper()
        raise QueryRejected(f"only read-only Cypher is allowed ({word} is refused: the console "
                            "never writes, reads files or administers the server)", query=query)
    if not _START.match(code):
        raise QueryRejected("only read-only Cypher is allowed: start with MATCH, OPTIONAL MATCH, "
                            "WITH, UNWIND, RETURN, CALL or SHOW", query=query)
