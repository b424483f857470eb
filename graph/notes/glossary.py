"""The reviewed Chinese glossary (data/glossary.yaml): terms kept in English, one Chinese
rendering per term, renderings to avoid, and the catalog's wire protocols in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from kubeatlas.errors import CatalogError
from kubeatlas.resources import data_file, parse_yaml

GLOSSARY_FILE = data_file("glossary.yaml")


@dataclass(frozen=True, slots=True)
class Glossary:
    keep: tuple[str, ...]
    terms: dict[str, str]
    avoid: tuple[str, ...]
    phrases: dict[str, str]


@cache
def load_glossary() -> Glossary:
    try:
        doc = parse_yaml(GLOSSARY_FILE.read_bytes()) or {}
        return Glossary(tuple(map(str, doc.get("keep") or ())),
                        {str(k): str(v) for k, v in (doc.get("terms") or {}).items()},
                        tuple(map(str, doc.get("avoid") or ())),
                        {str(k): str(v) for k, v in (doc.get("phrases") or {}).items()})
    except (OSError, yaml.YAMLError, AttributeError) as exc:
        raise CatalogError(f"the glossary {GLOSSARY_FILE} is malformed: {exc}") from None


def phrase(text: str, lang: str) -> str:
    """A catalog phrase (a wire protocol) in `lang`; unchanged when the glossary lacks it."""
    return load_glossary().phrases.get(text, text) if lang == "zh" else text
