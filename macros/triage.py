"""The triage tree (data/triage.yaml): a walker and the rules that prove it safe.

The tree is a directed graph of yes/no questions about findings (symptom and
risk-factor ids) ending in care-tier outcomes. The rules, run by
``python -m macros.validate`` like every other rule:

* every path from ``start`` ends in an outcome: no cycles, no dead ends,
  every node reachable;
* **safety**: for each finding with ``urgency: U``, every path on which that
  finding is present (Yes at every question listing it, either answer
  elsewhere) ends at tier U or higher, proved by enumerating the paths;
* every emergency finding is asked before any question without one, and every
  finding with an urgency is asked somewhere;
* the ``scenarios`` (clinical cases from the guidelines) reach their tier.

``walk(tree, findings)`` is the reference walker the browser tests compare
the JavaScript stepper against.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from . import vocab
from .model import Dataset
from .rules import Problem, problem

MAX_PATHS = 50_000  # a guard: a tree this large should be split up


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
        current = node["yes"] if answer else node["no"]
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
        stack.append((node["no"], steps + (Step(current, False),)))
        stack.append((node["yes"], steps + (Step(current, True),)))


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
            if not (isinstance(node.get("any_of"), list) and node.get("yes") in graph and node.get("no") in graph):
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
            for branch in ("yes", "no"):
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
            yield problem(rec, ("nodes", name), f"cannot be reached from start ('{tree['start']}'); link to it from a question's yes: or no:, or remove it")


def _safe_paths(ds: Dataset):
    rec, tree = _usable(ds)
    if tree is None:
        return rec, None, None
    try:
        return rec, tree, list(paths(tree))
    except (ValueError, KeyError):
        return rec, tree, None
    except OverflowError:
        return rec, tree, "too-many"


def rule_triage_safety(ds: Dataset):
    """Safety invariant: a path where a finding is present ends at or above its urgency."""
    rec, tree, all_paths = _safe_paths(ds)
    if not all_paths:
        return
    if all_paths == "too-many":
        yield problem(rec, ("nodes",), f"has more than {MAX_PATHS} paths; split the tree so the safety check can prove it")
        return
    tiers = vocab.tiers()
    graph = nodes(tree)
    for fid, finding in sorted(ds.findings().items()):
        urgency = finding.get("urgency")
        if urgency not in tiers:
            continue
        for path in all_paths:
            present = all(step.answer for step in path.steps if fid in graph[step.node]["any_of"])
            reached = graph[path.outcome]["tier"]
            if present and tiers.rank(reached) > tiers.rank(urgency):
                yield problem(rec, ("nodes", path.outcome, "tier"),
                              f"unsafe: finding '{fid}' has urgency {urgency}, but with it present the path "
                              f"{describe(tree, path)} ends at {reached}; ask about '{fid}' on this path and send Yes to an outcome of tier {urgency} or higher")
                break  # one counter-example per finding is enough to act on


def rule_triage_emergency_first(ds: Dataset):
    """Every emergency finding is asked before any question without an emergency finding; every finding with an urgency is asked."""
    rec, tree, all_paths = _safe_paths(ds)
    if not all_paths or all_paths == "too-many":
        return
    graph = nodes(tree)
    findings = ds.findings()
    emergency = {f for f, r in findings.items() if r.get("urgency") == "emergency"}
    asked_anywhere = {f for n in graph.values() if is_question(n) for f in n["any_of"]}
    for fid in sorted(f for f, r in findings.items() if r.get("urgency") and f not in asked_anywhere):
        yield problem(rec, ("nodes",), f"no question asks about '{fid}' (urgency {findings[fid]['urgency']}); add it to a question's any_of")
    reported: set[str] = set()
    for path in all_paths:
        asked: set[str] = set()
        for step in path.steps:
            listed = set(graph[step.node]["any_of"])
            if not listed & emergency:
                missing = sorted((emergency & asked_anywhere) - asked)
                if missing and step.node not in reported:
                    reported.add(step.node)
                    yield problem(rec, ("nodes", step.node),
                                  f"is asked before the emergency finding(s) {', '.join(missing)}; ask every emergency sign first")
                break
            asked |= listed


def rule_triage_scenarios(ds: Dataset):
    """Each clinical scenario reaches the tier it expects."""
    rec, tree = _usable(ds)
    if tree is None or not isinstance(tree.get("scenarios"), list):
        return
    graph = nodes(tree)
    for i, case in enumerate(tree["scenarios"]):
        if not isinstance(case, dict) or not isinstance(case.get("findings"), list):
            continue
        try:
            path = walk(tree, set(case["findings"]))
        except (ValueError, KeyError):
            return  # the graph rule reports loops and broken links
        reached = graph[path.outcome]["tier"]
        if reached != case.get("expect"):
            yield problem(rec, ("scenarios", i, "expect"),
                          f"scenario {case['findings']} expects {case.get('expect')} but the tree gives {reached} "
                          f"({describe(tree, path)}); fix the tree or, with a source, the scenario")


RULES = [rule_triage_present, rule_triage_graph, rule_triage_safety, rule_triage_emergency_first, rule_triage_scenarios]
