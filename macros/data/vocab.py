"""The guide's controlled vocabularies, read from data/schemas/vocabularies.schema.json.

Care tiers, evidence grades, pain locations and the other word lists are
defined once, in that schema (so editors validate them as you type); this
module reads them for the validator and the pages. Order matters: tiers and
grades are listed from strongest to weakest.

    >>> from macros.data import vocab
    >>> vocab.get("tier").ids
    ['emergency', 'urgent', 'soon', 'self-care']
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "data" / "schemas"


@dataclass(frozen=True)
class Term:
    id: str
    title: str
    description: str
    extra: dict

    def get(self, key: str, default=None):
        """A non-standard annotation such as x-action, without its x- prefix."""
        return self.extra.get(key, default)


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[Term, ...]

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.terms]

    def __getitem__(self, term_id: str) -> Term:
        for term in self.terms:
            if term.id == term_id:
                return term
        raise KeyError(f"{term_id!r} is not in vocabulary {self.name!r}")

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.ids

    def rank(self, term_id: str) -> int:
        """Position in the list: 0 is the strongest (emergency, recommended)."""
        return self.ids.index(term_id)

    def title(self, term_id: str) -> str:
        return self[term_id].title

    def titles(self, ids: list[str]) -> str:
        """The titles of ids joined with commas (plain text: escape it where it is used)."""
        return ", ".join(self.title(x) for x in ids)


@lru_cache(maxsize=4)
def _defs(schema_dir: Path = SCHEMA_DIR) -> dict:
    with open(schema_dir / "vocabularies.schema.json", encoding="utf-8") as fh:
        return json.load(fh)["$defs"]


def annotation(definition: str, key: str, schema_dir: Path = SCHEMA_DIR):
    """An ``x-`` annotation of a definition in vocabularies.schema.json: a policy or fixed text defined once there
    (``annotation("review", "interval-months")``, ``annotation("doses", "caution")``)."""
    return _defs(schema_dir)[definition][f"x-{key}"]


def get(name: str, schema_dir: Path = SCHEMA_DIR) -> Vocabulary:
    """The vocabulary defined as $defs/<name> with a oneOf list of consts."""
    definition = _defs(schema_dir)[name]
    terms = tuple(
        Term(
            id=branch["const"],
            title=branch.get("title", branch["const"]),
            description=branch.get("description", ""),
            extra={k[2:]: v for k, v in branch.items() if k.startswith("x-")},
        )
        for branch in definition["oneOf"]
    )
    return Vocabulary(name, terms)


def tiers() -> Vocabulary:
    return get("tier")


def grades() -> Vocabulary:
    return get("grade")


def thresholds(schema_dir: Path = SCHEMA_DIR) -> Vocabulary:
    """The ages the guide decides by (aneurysm screening 65, first stone-like pain 60...): each term's
    value, unit, source and the words that mark a sentence about it (x-value, x-unit, x-source, x-words)."""
    return get("threshold", schema_dir)


def weak_source_kinds() -> set[str]:
    """Source kinds a claim should not rest on alone (blogs, commercial pages)."""
    return {t.id for t in get("sourceKind").terms if t.get("weak")}
