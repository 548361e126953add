"""The flowchart (data/triage.yaml): the tier computed from rules, the stepper's order, and the proofs.

A reader's **tier** is the highest of the ``urgency`` of each finding they
have (data/symptoms, data/risk-factors) and the ``at_least`` of each
combination rule all of whose lines they meet (one finding from every line of
``together``). It is a maximum over rules, so saying more can only keep or
raise it. The **outcome** shown is the one of the highest rule that fired:
combination rules of that tier first (most lines first, then file order), then
single findings of that tier in the order the screens ask them (the outcome
whose ``for_findings`` lists the finding); with no rule, ``default_outcome``.

The **stepper** (``run``) shows the screens in order, emergency signs first;
the reader ticks the findings they have on each; after each screen, a reader
whose findings so far reach emergency sees the outcome at once.

The rules below run in ``python -m macros.validate`` like every other rule:

* **asked**: every finding with an urgency or in a combination rule is on a
  screen, and no finding is on two screens (so every reader who has not
  reached emergency is asked every finding that could raise their tier);
* **outcomes**: each finding with an urgency is listed by exactly one outcome,
  of its own tier; each rule's outcome has the rule's tier; no two rules have
  the same lines; every outcome can be shown; the default is self-care;
* **more never lowers**: an independent check on the stepper itself: for every
  reader who meets one rule exactly (each finding alone, each choice of one
  finding per line of each rule) plus the scenarios and the reader with
  nothing, adding any single finding never lowers the tier the stepper gives.
  A rule with more than ``MAX_CHOICES`` choices (none of the real ones has) is
  checked on a covering set in which every finding of every line appears, so
  no rule can make validation slow;
* **scenarios**: each clinical case reaches exactly its tier (and outcome);
* **screens**: at most ``MAX_SCREENS`` screens, so every reader reaches an
  outcome in at most ``MAX_SCREENS + 1``.

``python -m macros.triage FINDING...`` (macros/triage.py) asks the rules.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from . import vocab
from .model import Dataset
from .problems import Problem, problem

MAX_SCREENS = 5  # + the outcome screen: every reader reaches an outcome in at most 6 screens
MAX_SIGNS = 10  # the emergency page's list: one line per emergency outcome a single sign leads to (issue 20)
MAX_CHOICES = 64  # a rule with more choices of one finding per line is checked on a covering set (see readers)
# Words a red-flag (urgent or emergency) outcome must never use: NICE NG234, clinical reference section 7.
REASSURING = ("rarely serious", "nothing to worry", "no need to", "not serious", "don't worry", "do not worry")


# ---- the rules, compiled once -----------------------------------------------------

@dataclass(frozen=True)
class Combination:
    id: str
    lines: tuple[frozenset[str], ...]
    at_least: str
    outcome: str
    index: int  # position in the file (for messages and the tie-break)


@dataclass(frozen=True)
class Result:
    """What the rules give a reader: the tier, the outcome id, the rule that chose it and the findings it rests on."""

    tier: str
    outcome: str
    rule: str  # a combination id, "finding:<id>", or "default"
    because: tuple[str, ...]

    def as_json(self) -> dict:
        return {"tier": self.tier, "outcome": self.outcome, "rule": self.rule, "because": list(self.because)}


@dataclass(frozen=True)
class Rules:
    screens: tuple[tuple[str, tuple[str, ...]], ...]  # (screen id, its findings in order)
    urgency: dict[str, str]  # finding -> tier, for findings with an urgency
    single_outcome: dict[str, str]  # finding -> outcome id (from for_findings)
    combinations: tuple[Combination, ...]  # in the order they are tried: most lines first, then file order
    outcome_tier: dict[str, str]
    default: str
    known: frozenset[str]  # every finding id in the dataset

    @functools.cached_property
    def asked(self) -> tuple[str, ...]:
        return tuple(f for _sid, found in self.screens for f in found)

    @functools.cached_property
    def _order(self) -> dict[str, int]:
        return {f: i for i, f in enumerate(self.asked)}

    @functools.cached_property
    def _rank(self) -> dict[str, int]:
        return {t: vocab.tiers().rank(t) for t in vocab.tiers().ids}

    @functools.cached_property
    def _answers(self) -> dict[frozenset[str], Result]:
        """evaluate()'s answers so far: the stepper asks the same findings for many readers (the validator's proof,
        the review summary's readers), and the rules never change."""
        return {}

    def evaluate(self, findings: Iterable[str]) -> Result:
        """The tier and outcome for a reader with exactly these findings (order does not matter)."""
        have = frozenset(findings)
        if have not in self._answers:
            self._answers[have] = self._evaluate(have)
        return self._answers[have]

    def _evaluate(self, have: frozenset[str]) -> Result:
        ranks = self._rank
        best: Result | None = None
        best_rank = len(ranks)  # below self-care: any rule beats it
        for rule in self.combinations:
            if all(not line.isdisjoint(have) for line in rule.lines):
                rank = ranks[rule.at_least]
                if rank < best_rank:
                    because = tuple(f for f in self.asked if any(f in line for line in rule.lines) and f in have)
                    best, best_rank = Result(rule.at_least, rule.outcome, rule.id, because), rank
        order = self._order
        for fid in sorted((f for f in have if f in self.urgency), key=lambda f: (order.get(f, len(order)), f)):
            rank = ranks[self.urgency[fid]]
            if rank < best_rank:
                best, best_rank = Result(self.urgency[fid], self.single_outcome.get(fid, self.default), "finding:" + fid, (fid,)), rank
        return best or Result(self.outcome_tier.get(self.default, "self-care"), self.default, "default", ())

    def run(self, findings: Iterable[str]) -> tuple[Result, int]:
        """The stepper: screen by screen, stopping once the findings so far reach emergency.

        Returns the result and how many question screens the reader saw.
        """
        have = frozenset(findings)
        told: set[str] = set()
        top = vocab.tiers().ids[0]
        for count, (_sid, found) in enumerate(self.screens, start=1):
            told |= have.intersection(found)
            result = self.evaluate(told)
            if result.tier == top:
                return result, count
        return self.evaluate(told), len(self.screens)


def compile_rules(ds: Dataset) -> Rules | None:
    """The rules of a dataset whose flowchart has a sound enough shape to reason about, else None."""
    return ds.memo("triage.rules", lambda: _compile(ds))


def _compile(ds: Dataset) -> Rules | None:
    rec = ds.singles.get("triage")
    if rec is None or rec.loaded.problems or not isinstance(rec.data, dict):
        return None
    tree, tiers = rec.data, vocab.tiers()
    screens, outcomes, combos = tree.get("screens"), tree.get("outcomes"), tree.get("combinations")
    if not (isinstance(screens, list) and isinstance(outcomes, dict) and isinstance(combos, list)):
        return None
    if not all(isinstance(s, dict) and isinstance(s.get("id"), str) and _ids(s.get("findings")) for s in screens):
        return None
    if not all(isinstance(o, dict) and o.get("tier") in tiers for o in outcomes.values()):
        return None
    compiled = []
    for i, c in enumerate(combos):
        if not (isinstance(c, dict) and isinstance(c.get("together"), list) and c.get("at_least") in tiers
                and all(_ids(line) for line in c["together"]) and c["together"] and c.get("outcome") in outcomes):
            return None
        compiled.append(Combination(str(c.get("id", i)), tuple(frozenset(line) for line in c["together"]), c["at_least"], c["outcome"], i))
    default = tree.get("default_outcome")
    if default not in outcomes:
        return None
    findings = ds.findings()
    if any(r.loaded.problems for r in findings.values()):
        return None  # a finding that could not be read has no urgency yet: proofs now would only add noise
    named = [f for s in screens for f in s["findings"]] + [f for c in compiled for line in c.lines for f in line]
    if not set(named) <= set(findings):
        return None  # rule_references names the unknown id; proofs on a half-known flowchart would only add noise
    urgency = {fid: r.get("urgency") for fid, r in findings.items() if r.get("urgency") in tiers}
    single = {}
    for oid, o in outcomes.items():
        for fid in o.get("for_findings") or []:
            single.setdefault(fid, oid)
    compiled.sort(key=lambda c: (-len(c.lines), c.index))
    return Rules(tuple((s["id"], tuple(s["findings"])) for s in screens), urgency, single, tuple(compiled),
                 {oid: o["tier"] for oid, o in outcomes.items()}, default, frozenset(findings))


def _ids(value) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(f, str) for f in value)


def readers(rules: Rules, scenarios: Iterable[Iterable[str]] = ()) -> Iterator[frozenset[str]]:
    """The readers the "more never lowers" check starts from: nothing; each finding alone; for each rule,
    every choice of one finding per line (when there are at most MAX_CHOICES), else a covering set in which
    every finding of every line appears (so no rule, however long its lines, makes validation slow); and
    each scenario."""
    yield frozenset()
    for fid in rules.asked:
        yield frozenset({fid})
    for rule in rules.combinations:
        lines = [sorted(line) for line in rule.lines]
        count = 1
        for line in lines:
            count *= len(line)
        if count <= MAX_CHOICES:
            choices: Iterable[tuple[str, ...]] = itertools.product(*lines)
        else:
            choices = (tuple(line[i % len(line)] for line in lines) for i in range(max(len(line) for line in lines)))
        for choice in choices:
            yield frozenset(choice)
    for case in scenarios:
        yield frozenset(case)


# ---- validator rules ------------------------------------------------------------------

def rule_triage_present(ds: Dataset):
    """The flowchart needs data/triage.yaml."""
    if "triage" not in ds.singles:
        yield Problem("data/triage.yaml", 1, "(file)", "is missing; the flowchart needs its screens, outcomes and rules")


def _scenarios(tree: dict) -> list[tuple[int, dict]]:
    cases = tree.get("scenarios")
    return [(i, c) for i, c in enumerate(cases) if isinstance(c, dict) and _ids(c.get("findings"))] if isinstance(cases, list) else []


def rule_triage_asked(ds: Dataset):
    """Every finding with an urgency or in a rule is on a screen; no finding is on two screens."""
    rules = compile_rules(ds)
    if rules is None:
        return
    rec = ds.singles["triage"]
    first: dict[str, str] = {}
    for i, (sid, found) in enumerate(rules.screens):
        for j, fid in enumerate(found):
            if fid in first:
                yield problem(rec, ("screens", i, "findings", j),
                              f"'{fid}' is already asked on screen '{first[fid]}'; ask each finding once, on one screen")
            first.setdefault(fid, sid)
    needed = {fid: f"has urgency {tier}" for fid, tier in rules.urgency.items()}
    for rule in rules.combinations:
        for line in rule.lines:
            for fid in line:
                needed.setdefault(fid, f"is in combination rule '{rule.id}'")
    for fid in sorted(set(needed) - set(first)):
        yield problem(rec, ("screens",), f"no screen asks about '{fid}', which {needed[fid]}; add it to a screen's findings "
                                         "(every reader must be asked it)")


def rule_triage_outcomes(ds: Dataset):
    """Each finding with an urgency has one outcome of its tier; each rule's outcome has its tier; every outcome is used."""
    rules = compile_rules(ds)
    if rules is None:
        return
    rec, tree = ds.singles["triage"], ds.triage
    outcomes = tree["outcomes"]
    listed: dict[str, list[str]] = {}
    for oid, o in outcomes.items():
        for j, fid in enumerate(o.get("for_findings") or []):
            listed.setdefault(fid, []).append(oid)
            if fid in rules.known and fid not in rules.urgency:
                yield problem(rec, ("outcomes", oid, "for_findings", j),
                              f"'{fid}' has no urgency, so it never chooses an outcome alone; remove it here or give it an urgency")
            elif fid in rules.urgency and rules.urgency[fid] != o["tier"]:
                yield problem(rec, ("outcomes", oid, "for_findings", j),
                              f"'{fid}' has urgency {rules.urgency[fid]} but this outcome is {o['tier']}; "
                              f"list it under an outcome of tier {rules.urgency[fid]}")
    for fid, oids in sorted(listed.items()):
        if len(oids) > 1:
            yield problem(rec, ("outcomes", oids[1], "for_findings"),
                          f"'{fid}' is also listed by outcome '{oids[0]}'; list each finding under one outcome")
    for fid in sorted(set(rules.urgency) - set(listed)):
        yield problem(rec, ("outcomes",), f"no outcome lists '{fid}' (urgency {rules.urgency[fid]}) in for_findings; "
                                          f"add it to an outcome of tier {rules.urgency[fid]}")
    seen_lines: dict[frozenset, str] = {}
    for rule in sorted(rules.combinations, key=lambda r: r.index):
        if outcomes[rule.outcome]["tier"] != rule.at_least:
            yield problem(rec, ("combinations", rule.index, "outcome"),
                          f"'{rule.outcome}' is {outcomes[rule.outcome]['tier']} but this rule is at_least {rule.at_least}; "
                          f"choose an outcome of tier {rule.at_least}")
        key = frozenset(rule.lines)
        if key in seen_lines:
            yield problem(rec, ("combinations", rule.index, "together"),
                          f"has the same lines as rule '{seen_lines[key]}'; merge the two rules into one")
        seen_lines.setdefault(key, rule.id)
    if outcomes[rules.default]["tier"] != vocab.tiers().ids[-1]:
        yield problem(rec, ("default_outcome",), f"'{rules.default}' is {outcomes[rules.default]['tier']}; "
                                                 f"the outcome for a reader with no warning sign must be {vocab.tiers().ids[-1]}")
    used = {rules.default} | set(rules.single_outcome.values()) | {r.outcome for r in rules.combinations}
    for oid in outcomes:
        if oid not in used:
            yield problem(rec, ("outcomes", oid), "no rule chooses this outcome; name it in a combination rule's outcome: "
                                                  "or list findings under its for_findings:, or remove it")
    ids = [r.id for r in rules.combinations]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        index = max(r.index for r in rules.combinations if r.id == dup)
        yield problem(rec, ("combinations", index, "id"), f"'{dup}' is the id of another rule too; give each rule its own id")


OUTCOME_TEXT = ("title", "advice", "watch_for")  # an outcome's words to the reader


def red_flag(tier: object) -> bool:
    """True for the urgent and emergency tiers: their outcomes never reassure, and a review shows their words in full."""
    tiers = vocab.tiers()
    return tier in tiers and tiers.rank(tier) <= tiers.rank("urgent")


def rule_triage_no_reassurance(ds: Dataset):
    """An urgent or emergency outcome never reassures (NICE NG234)."""
    rules = compile_rules(ds)
    if rules is None:
        return
    rec = ds.singles["triage"]
    for oid, o in ds.triage["outcomes"].items():
        if not red_flag(o["tier"]):
            continue
        for key in OUTCOME_TEXT:
            text = str(o.get(key) or "").lower()
            words = next((w for w in REASSURING if w in " ".join(text.split())), None)
            if words:
                yield problem(rec, ("outcomes", oid, key), f"says '{words}' on an {o['tier']} outcome; never reassure "
                                                           "a reader with a warning sign: say what to do and how fast")


def rule_triage_more_never_lowers(ds: Dataset):
    """Independent check on the stepper: adding one finding to a reader never lowers the tier."""
    rules = compile_rules(ds)
    if rules is None:
        return
    rec, tiers = ds.singles["triage"], vocab.tiers()
    extra = rules.asked
    done: set[frozenset[str]] = set()
    for base in readers(rules, (c["findings"] for _i, c in _scenarios(ds.triage))):
        if base in done:
            continue
        done.add(base)
        before, _n = rules.run(base)
        for fid in extra:
            if fid in base:
                continue
            after, _n = rules.run(base | {fid})
            if tiers.rank(after.tier) > tiers.rank(before.tier):
                yield problem(rec, ("screens",),
                              f"unsafe: a reader with {' + '.join(sorted(base)) or 'no finding'} reaches {before.tier}, but adding "
                              f"'{fid}' gives {after.tier} ({after.outcome}); saying more must never lower the tier")
                return  # one counter-example is enough to act on


def rule_triage_scenarios(ds: Dataset):
    """Each clinical scenario reaches exactly the tier (and the outcome) it expects."""
    rules = compile_rules(ds)
    if rules is None:
        return
    rec, tiers = ds.singles["triage"], vocab.tiers()
    for i, case in _scenarios(ds.triage):
        result, _n = rules.run(case["findings"])
        expect = case.get("expect")
        if expect in tiers and result.tier != expect:
            how = "too low: unsafe" if tiers.rank(result.tier) > tiers.rank(expect) else "too high: over-triage"
            yield problem(rec, ("scenarios", i, "expect"),
                          f"scenario {' + '.join(case['findings'])} expects exactly {expect} but the rules give {result.tier} "
                          f"({how}; outcome {result.outcome}, by {result.rule}); fix the rules or, with a source, the scenario")
        elif case.get("outcome") and case["outcome"] != result.outcome:
            yield problem(rec, ("scenarios", i, "outcome"),
                          f"scenario {' + '.join(case['findings'])} expects outcome {case['outcome']} but the rules show "
                          f"{result.outcome} (by {result.rule}); fix the rules' outcomes or the scenario")


def tier_outcomes(tree: dict, tier: str, single: bool) -> list[tuple[str, dict]]:
    """(id, outcome) of a tier that a single sign leads to (it lists for_findings), or with single=False that only
    combination rules lead to, in file order: the emergency page's lists (macros/pages/emergency_page.py)."""
    return [(oid, o) for oid, o in tree["outcomes"].items() if o["tier"] == tier and bool(o.get("for_findings")) == single]


def rule_triage_emergency_page_fits(ds: Dataset):
    """The emergency page lists, one line each, every emergency outcome that a single sign leads to: at most
    MAX_SIGNS, because a frightened reader scans at most ten lines."""
    if compile_rules(ds) is None:
        return
    listed = [oid for oid, _o in tier_outcomes(ds.triage, "emergency", single=True)]
    if len(listed) > MAX_SIGNS:
        yield problem(ds.singles["triage"], ("outcomes", listed[MAX_SIGNS]),
                      f"is emergency outcome {len(listed)} with for_findings, and the emergency page lists at most {MAX_SIGNS} "
                      f"(one line each); list several findings under one emergency outcome")


RULES = [rule_triage_present, rule_triage_asked, rule_triage_outcomes, rule_triage_no_reassurance,
         rule_triage_emergency_page_fits, rule_triage_more_never_lowers, rule_triage_scenarios]
