"""A Cypher tokenizer for the console guard: comments (`//`, `/* */`), strings with backslash
escapes ('…', "…"), backtick-quoted names (with `` inside), parameters, words and symbols."""

from __future__ import annotations

from dataclasses import dataclass

from kubeatlas.errors import QueryRejected

WORD, NAME, STRING, PARAM, NUMBER, SYMBOL = "word", "name", "string", "param", "number", "symbol"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # WORD (keyword or identifier), NAME (`quoted`), STRING, PARAM, NUMBER, SYMBOL
    text: str  # a WORD as written; a NAME or STRING without its quotes
    offset: int

    def is_word(self, *words: str) -> bool:
        return self.kind == WORD and self.text.upper() in words


def tokenize(query: str) -> list[Token]:
    """The tokens of query, comments dropped; an unterminated string, name or comment is
    refused (what the server would read after it is unknowable)."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif query.startswith("//", i):
            end = query.find("\n", i)
            i = n if end < 0 else end + 1
        elif query.startswith("/*", i):
            end = query.find("*/", i + 2)
            if end < 0:
                raise QueryRejected("unterminated /* comment", query=query)
            i = end + 2
        elif c in "'\"":
            start = i
            text, i = _string(query, i)
            tokens.append(Token(STRING, text, start))
        elif c == "`":
            parts: list[str] = []
            start = i
            i += 1
            while True:
                end = query.find("`", i)
                if end < 0:
                    raise QueryRejected("unterminated `name`", query=query)
                parts.append(query[i:end])
                if query.startswith("``", end):
                    parts.append("`")
                    i = end + 2
                    continue
                i = end + 1
                break
            tokens.append(Token(NAME, "".join(parts), start))
        elif c == "$":
            start, i = i, _word_end(query, i + 1)
            tokens.append(Token(PARAM, query[start + 1:i], start))
        elif c.isdigit():
            start, i = i, _word_end(query, i)
            while i < n and query[i] == "." and i + 1 < n and query[i + 1].isdigit():
                i = _word_end(query, i + 1)
            tokens.append(Token(NUMBER, query[start:i], start))
        elif c.isalpha() or c == "_":
            start, i = i, _word_end(query, i)
            tokens.append(Token(WORD, query[start:i], start))
        else:
            tokens.append(Token(SYMBOL, c, i))
            i += 1
    return tokens


def _word_end(query: str, i: int) -> int:
    while i < len(query) and (query[i].isalnum() or query[i] == "_"):
        i += 1
    return i


def _string(query: str, i: int) -> tuple[str, int]:
    quote, start = query[i], i
    i += 1
    out: list[str] = []
    while i < len(query):
        c = query[i]
        if c == "\\":
            out.append(query[i:i + 2])
            i += 2
        elif c == quote:
            return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    raise QueryRejected(f"unterminated string starting at offset {start}", query=query)
