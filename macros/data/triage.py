"""The triage tree (data/triage.yaml): a walker and the rules that prove it safe.

The tree is a directed graph of yes/no questions about findings (symptom and
risk-factor ids) ending in care-tier outcomes. The rules, run by
``python -m macros.validate`` like every other rule:

* every path from ``start`` ends in an outcome: no cycles, no dead ends,
  every node reachable;
* **safety**: for each finding with ``urgency: U``, every path on which that
  finding is present (Yes at every question listing it, either answer
  elsewhere) ends at tier U or higher, proved by enumerating the paths;
* **combinations**: for each rule in ``combinations`` ("these findings
  together -> at least tier T"), every path on which one finding from each
  line of ``together`` can be present ends at T or higher; a failure prints
  the counter-example path;
* every emergency finding is asked before any question without one, and every
  finding with an urgency is asked somewhere;
* the ``scenarios`` (clinical cases from the guidelines) reach exactly their
  tier: not lower (unsafe) and not higher (over-triage).

Branches are ``if_yes``/``if_no`` (YAML 1.1 tools read bare ``yes``/``no``
keys as booleans).

``walk(tree, findings)`` is the reference walker the browser tests compare
the JavaScript stepper against.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from . import vocab
from .model import Dataset, Record
from .problems import Problem, problem

MAX_PATHS = 50_000  # a guard: a tree this large should be split up
# A reader with no warning sign answers the if_no: spine; keep it short (issue 9).
MAX_QUESTIONS_TO_SELF_CARE = 10


@dataclass(frozen=True)
class Step:
    node: str
    answer: bool


@dataclass(frozen=True)
class Path:
    steps: tuple[Step, ...]
    outcome: str


def nodes(tree: dict) -> dict:
    value = tree.get("nodes")
    return value if isinstance(value, dict) else {}


def is_outcome(node: dict) -> bool:
    return isinstance(node, dict) and "tier" in node


def is_question(node: dict) -> bool:
    return isinstance(node, dict) and not is_outcome(node)


def walk(tree: dict, findings: set[str]) -> Path:
    """Follow the tree for a reader who has exactly these findings."""
    graph = nodes(tree)
    current, steps, seen = tree["start"], [], set()
    while not is_outcome(graph[current]):
        if current in seen:
            raise ValueError(f"cycle at {current}")
        seen.add(current)
        node = graph[current]
        answer = any(f in findings for f in node["any_of"])
        steps.append(Step(current, answer))
        current = node["if_yes"] if answer else node["if_no"]
    return Path(tuple(steps), current)


def paths(tree: dict) -> Iterator[Path]:
    """Every path from start to an outcome (depth first, Yes before No)."""
    graph = nodes(tree)
    stack: list[tuple[str, tuple[Step, ...]]] = [(tree["start"], ())]
    count = 0
    while stack:
        current, steps = stack.pop()
        node = graph[current]
        if any(step.node == current for step in steps):
            raise ValueError(f"cycle at {current}")  # rule_triage_graph reports it
        if is_outcome(node):
            count += 1
            if count > MAX_PATHS:
                raise OverflowError
            yield Path(steps, current)
            continue
        stack.append((node["if_no"], steps + (Step(current, False),)))
        stack.append((node["if_yes"], steps + (Step(current, True),)))


def describe(tree: dict, path: Path) -> str:
    graph = nodes(tree)
    answers = ", ".join(f"{s.node}={'Yes' if s.answer else 'No'}" for s in path.steps)
    return f"{answers} -> {path.outcome} ({graph[path.outcome]['tier']})"


# ---- rules --------------------------------------------------------------

def _usable(ds: Dataset):
    """The triage record and tree, if its shape is sound enough to reason about."""
    rec = ds.singles.get("triage")
    if rec is None or rec.loaded.problems or not isinstance(rec.data, dict):
        return None, None
    tree = rec.data
    graph = nodes(tree)
    if not isinstance(tree.get("start"), str) or tree["start"] not in graph:
        return rec, None
    for node in graph.values():
        if not isinstance(node, dict):
            return rec, None
        if is_question(node):
            if not (isinstance(node.get("any_of"), list) and all(isinstance(f, str) for f in node["any_of"])):
                return rec, None
            if not all(isinstance(node.get(b), str) and node[b] in graph for b in ("if_yes", "if_no")):
                return rec, None
        elif node.get("tier") not in vocab.tiers():
            return rec, None
    return rec, tree


def rule_triage_present(ds: Dataset):
    """The flowchart needs data/triage.yaml."""
    if "triage" not in ds.singles:
        yield Problem("data/triage.yaml", 1, "(file)", "is missing; the flowchart needs its decision tree")


def rule_triage_graph(ds: Dataset):
    """No cycles; every node reachable from start; every path ends in an outcome."""
    rec, tree = _usable(ds)
    if tree is None:
        return
    graph = nodes(tree)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, trail: list[str]):
        state[name] = 1
        node = graph[name]
        if is_question(node):
            for branch in ("if_yes", "if_no"):
                nxt = node[branch]
                if state.get(nxt) == 1:
                    loop = " -> ".join(trail[trail.index(nxt):] + [name, nxt]) if nxt in trail else f"{name} -> {nxt}"
                    yield problem(rec, ("nodes", name, branch), f"makes a loop ({loop}); every path must end in an outcome")
                elif nxt not in state:
                    yield from visit(nxt, trail + [name])
        state[name] = 2

    yield from visit(tree["start"], [])
    for name in graph:
        if name not in state:
            yield problem(rec, ("nodes", name), f"cannot be reached from start ('{tree['start']}'); link to it from a question's if_yes: or if_no:, or remove it")


@dataclass(frozen=True)
class TreePaths:
    """Every path of a usable tree, each with what rules it out; or, in ``failure``, why there are none.

    A reader with a finding cannot follow a path on which a question listing it is answered No, and
    can follow it otherwise (Yes where it is listed, either answer elsewhere). So ``denied[i]``, the
    findings of the questions path i answers No, settles "can a reader with these findings follow
    path i" as one set test, however many questions and findings the tree has.
    """

    rec: Record | None
    tree: dict | None
    failure: str | None = None  # "unusable" (schema/graph rules report it), "broken" (a loop or broken link), "too-many"
    paths: tuple[Path, ...] = ()
    denied: tuple[frozenset[str], ...] = ()
    ranks: tuple[int, ...] = ()  # each path's outcome tier rank (0 = the most urgent)

    @property
    def ok(self) -> bool:
        return self.failure is None

    def followable(self, i: int, findings) -> bool:
        """Can a reader with (at least) these findings follow path i?"""
        return self.denied[i].isdisjoint(findings)

    def first_breach(self, findings: tuple[str, ...], at_least: str) -> Path | None:
        """The first path a reader with these findings can follow that ends below ``at_least``, or None."""
        limit = vocab.tiers().rank(at_least)
        for i, rank in enumerate(self.ranks):
            if rank > limit and self.followable(i, findings):
                return self.paths[i]
        return None

    def safe_alone(self, at_least: str) -> frozenset[str] | None:
        """The findings that rule out every path ending below ``at_least`` (a reader with one of them is
        safe at that tier whatever else they have); None when no path ends below it (every reader is)."""
        limit = vocab.tiers().rank(at_least)
        below = [d for d, rank in zip(self.denied, self.ranks, strict=True) if rank > limit]
        return frozenset.intersection(*below) if below else None


def _safe_paths(ds: Dataset) -> TreePaths:
    """The triage tree's paths, enumerated once per dataset (the rules below share them)."""
    return ds.memo("triage.paths", lambda: _enumerate(ds))


def _enumerate(ds: Dataset) -> TreePaths:
    rec, tree = _usable(ds)
    if tree is None:
        return TreePaths(rec, None, "unusable")
    try:
        found = tuple(paths(tree))
    except (ValueError, KeyError):
        return TreePaths(rec, tree, "broken")
    except OverflowError:
        return TreePaths(rec, tree, "too-many")
    graph = nodes(tree)
    listed = {name: frozenset(node["any_of"]) for name, node in graph.items() if is_question(node)}
    tiers = vocab.tiers()
    denied = tuple(frozenset().union(*(listed[s.node] for s in p.steps if not s.answer)) for p in found)
    ranks = tuple(tiers.rank(graph[p.outcome]["tier"]) for p in found)
    return TreePaths(rec, tree, None, found, denied, ranks)


def rule_triage_safety(ds: Dataset):
    """Safety invariant: a path where a finding is present ends at or above its urgency."""
    found = _safe_paths(ds)
    if found.failure == "too-many":
        yield problem(found.rec, ("nodes",), f"has more than {MAX_PATHS} paths; split the tree so the safety check can prove it")
        return
    if not found.ok:
        return
    tree, tiers = found.tree, vocab.tiers()
    graph = nodes(tree)
    safe = {tier: found.safe_alone(tier) for tier in tiers.ids}  # most findings: one set lookup, no path walked
    for fid, finding in sorted(ds.findings().items()):
        urgency = finding.get("urgency")
        if urgency not in tiers or safe[urgency] is None or fid in safe[urgency]:
            continue
        path = found.first_breach((fid,), urgency)
        if path is not None:  # one counter-example per finding is enough to act on
            reached = graph[path.outcome]["tier"]
            yield problem(found.rec, ("nodes", path.outcome, "tier"),
                          f"unsafe: finding '{fid}' has urgency {urgency}, but with it present the path "
                          f"{describe(tree, path)} ends at {reached}; ask about '{fid}' on this path and send Yes to an outcome of tier {urgency} or higher")


def rule_triage_combinations(ds: Dataset):
    """Each combination rule holds on every path: one finding from every line -> at least its tier."""
    found = _safe_paths(ds)
    if not found.ok or not isinstance(found.tree.get("combinations"), list):
        return
    tree, tiers = found.tree, vocab.tiers()
    graph = nodes(tree)
    known = set(ds.findings())
    for i, rule in enumerate(tree["combinations"]):
        if not isinstance(rule, dict) or rule.get("at_least") not in tiers or not isinstance(rule.get("together"), list):
            continue  # the schema reports the shape
        lines = [line for line in rule["together"] if isinstance(line, list) and all(isinstance(f, str) for f in line)]
        if len(lines) != len(rule["together"]) or not all(set(line) <= known for line in lines):
            continue  # the schema and reference rules report these
        # Every choice of one finding per line is a reader the rule covers.
        for choice in itertools.product(*lines):
            path = found.first_breach(tuple(dict.fromkeys(choice)), rule["at_least"])
            if path is not None:
                yield problem(found.rec, ("combinations", i, "at_least"),
                              f"unsafe: a reader with {' + '.join(dict.fromkeys(choice))} must reach at least {rule['at_least']}, "
                              f"but can follow {describe(tree, path)} (ends at {graph[path.outcome]['tier']}); "
                              f"ask about these findings on this path and send Yes to an outcome of tier {rule['at_least']} or higher")
                break  # one counter-example per rule


def rule_triage_emergency_first(ds: Dataset):
    """Every emergency finding is asked before any question without an emergency finding; every finding with an urgency is asked."""
    found = _safe_paths(ds)
    if not found.ok:
        return
    rec, graph = found.rec, nodes(found.tree)
    findings = ds.findings()
    emergency = frozenset(f for f, r in findings.items() if r.get("urgency") == "emergency")
    listed = {name: frozenset(node["any_of"]) for name, node in graph.items() if is_question(node)}
    asked_anywhere = frozenset().union(*listed.values())
    for fid in sorted(f for f, r in findings.items() if r.get("urgency") and f not in asked_anywhere):
        yield problem(rec, ("nodes",), f"no question asks about '{fid}' (urgency {findings[fid]['urgency']}); add it to a question's any_of")
    to_ask = emergency & asked_anywhere
    reported: set[str] = set()
    checked: set[tuple[Step, ...]] = set()  # paths share their first questions: look at each opening once
    for path in found.paths:
        for depth, step in enumerate(path.steps):
            if listed[step.node].isdisjoint(emergency):
                opening = path.steps[:depth + 1]
                if step.node not in reported and opening not in checked:
                    checked.add(opening)
                    asked = frozenset().union(*(listed[s.node] for s in path.steps[:depth]))
                    missing = sorted(to_ask - asked)
                    if missing:
                        reported.add(step.node)
                        yield problem(rec, ("nodes", step.node),
                                      f"is asked before the emergency finding(s) {', '.join(missing)}; ask every emergency sign first")
                break


def rule_triage_scenarios(ds: Dataset):
    """Each clinical scenario reaches the tier it expects."""
    rec, tree = _usable(ds)
    if tree is None or not isinstance(tree.get("scenarios"), list):
        return
    graph = nodes(tree)
    for i, case in enumerate(tree["scenarios"]):
        if not isinstance(case, dict) or not isinstance(case.get("findings"), list) or not all(isinstance(f, str) for f in case["findings"]):
            continue
        try:
            path = walk(tree, set(case["findings"]))
        except (ValueError, KeyError):
            return  # the graph rule reports loops and broken links
        reached = graph[path.outcome]["tier"]
        expect = case.get("expect")
        if reached != expect:
            how = ("too low: unsafe" if expect in vocab.tiers() and vocab.tiers().rank(reached) > vocab.tiers().rank(expect)
                   else "too high: over-triage")
            yield problem(rec, ("scenarios", i, "expect"),
                          f"scenario {case['findings']} expects exactly {expect} but the tree gives {reached} ({how}; "
                          f"{describe(tree, path)}); fix the tree or, with a source, the scenario")


def rule_triage_short_for_no_warning(ds: Dataset):
    """A reader with none of the findings reaches self-care in at most MAX_QUESTIONS_TO_SELF_CARE questions."""
    rec, tree = _usable(ds)
    if tree is None:
        return
    try:
        path = walk(tree, set())
    except (ValueError, KeyError):
        return  # the graph rule reports loops and broken links
    tier = nodes(tree)[path.outcome]["tier"]
    if tier != "self-care":
        yield problem(rec, ("nodes", path.outcome, "tier"),
                      f"a reader with no warning sign ends at {tier} ({describe(tree, path)}); the if_no: path must end at self-care")
    elif len(path.steps) > MAX_QUESTIONS_TO_SELF_CARE:
        yield problem(rec, ("nodes", path.steps[-1].node),
                      f"a reader with no warning sign answers {len(path.steps)} questions to reach self-care "
                      f"(at most {MAX_QUESTIONS_TO_SELF_CARE}); group findings into fewer if_no: questions, with follow-ups under if_yes:")


RULES = [rule_triage_present, rule_triage_graph, rule_triage_safety, rule_triage_combinations, rule_triage_emergency_first,
         rule_triage_scenarios, rule_triage_short_for_no_warning]
