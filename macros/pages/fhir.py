"""The flowchart ("Check your symptoms") as a FHIR R4 Questionnaire, with its rules in a companion JSON.

``questionnaire(ds, ...)`` gives ``api/triage.questionnaire.json``:

* each screen of data/triage.yaml a ``group`` item (linkId = the screen id,
  text = its question, a ``display`` item with its help line), in order;
* each sign a ``boolean`` item: linkId = the finding id, text = the finding's
  plain name, a ``code`` only where the finding's record carries ICD-10 codes
  (``icd10``; today none does, and none is made up), and its urgency (if it has
  one) in the extension ``URGENCY``;
* the stepper's order as ``enableWhen``: a screen is enabled only while no
  emergency sign on an earlier screen is ticked (``!= true`` on each of those
  items, ``enableBehavior: all``; "!=" is also true for an unanswered item, so a
  sign left unticked keeps the next screen enabled).

What enableWhen cannot say: the stepper also stops when a *combination rule*
reaches emergency (e.g. a fever with a stiff neck and a headache). Each
enableWhen condition tests one item, and a list of them can only be all-of or
any-of, so "not (one of these and one of those)" has no place there. A
Questionnaire form therefore goes on asking after such a combination; the
tier does not change (asking more never lowers it, and emergency is the top),
but the reader who meets one should be told at once. The extension ``RULES``
says so (``LIMITATION``) and points at ``rules(ds)``, ``api/triage.rules.json``:
the tiers, each finding's urgency and outcome, the combination rules in the
order they are tried, the outcomes in the page's own words, the default
outcome, the safety net and the notes: everything needed to compute the
tier and the outcome exactly as ``macros.data.triage.Rules`` does.

Both are pure functions of the dataset (and of the site URL and data version
passed in), so two builds of the same data give the same bytes.
"""

from __future__ import annotations

from typing import Any

from ..data import vocab
from ..data.model import Dataset
from ..data.triage import compile_rules
from .text import clean

QUESTIONNAIRE_FILE = "triage.questionnaire.json"
RULES_FILE = "triage.rules.json"
# Extension URLs: stable identifiers (not web addresses), the same for every build and host.
RULES = "urn:back-spasm-guide:fhir:triage-rules"
URGENCY = "urn:back-spasm-guide:fhir:urgency"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LIMITATION = (
    "enableWhen expresses the stop after a single emergency sign only: a screen is enabled while no emergency sign on "
    "an earlier screen is ticked. The stepper on the site also stops when a combination rule reaches emergency "
    "(see 'combinations' in the rules file); enableWhen cannot express a rule that needs one finding from each of "
    "several lists, so a form driven by this Questionnaire alone asks the later screens too. Compute the tier after "
    "each screen with the rules file and show the outcome as soon as it is emergency."
)
HOW = (
    "The tier is the highest (most urgent) of: the urgency of each finding ticked, and the at_least of each "
    "combination rule all of whose lines are met (one finding from every line of 'together'). Saying more can only "
    "keep or raise it. The outcome shown is the one of the highest rule that fired: combination rules first, in the "
    "order listed (most lines first, then file order), then single findings in the order the screens ask them (the "
    "finding's 'outcome'); with no rule, 'default_outcome'. The screens are shown in order; after each screen, a "
    "reader whose findings so far reach emergency sees the outcome at once."
)


def words(text: Any) -> str:
    """Text as one line (YAML block text keeps its line breaks), as the page shows it."""
    return clean(text or "")


def _link(site_url: str, name: str) -> str:
    return site_url.rstrip("/") + "/api/" + name if site_url else name


def questionnaire(ds: Dataset, *, site_url: str = "", version: str = "", title: str = "Check your symptoms",
                  publisher: str = "Back Spasm Guide") -> dict:
    """The flowchart as a FHIR R4 Questionnaire (a JSON value). ``version``: the data version (a date)."""
    rules, tree = compile_rules(ds), ds.triage
    top = vocab.tiers().ids[0]
    items: list[dict] = []
    stops: list[str] = []  # emergency signs on the screens so far: each one ticked ends the check
    for index, screen in enumerate(tree["screens"]):
        group: dict[str, Any] = {"linkId": screen["id"], "prefix": f"{index + 1}.", "text": words(screen["question"]),
                                 "type": "group", "item": []}
        if stops:
            group["enableWhen"] = [{"question": fid, "operator": "!=", "answerBoolean": True} for fid in stops]
            if len(stops) > 1:
                group["enableBehavior"] = "all"
        if screen.get("help"):
            group["item"].append({"linkId": f"{screen['id']}.help", "type": "display", "text": words(screen["help"])})
        for fid in screen["findings"]:
            group["item"].append(_sign(ds, fid, rules.urgency.get(fid)))
        items.append(group)
        stops += [fid for fid in screen["findings"] if rules.urgency.get(fid) == top]
    out: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": "back-spasm-guide-triage",
        "name": "BackSpasmGuideTriage",
        "title": title,
        "status": "active",
        "subjectType": ["Patient"],
        "publisher": publisher,
        "description": ("Back pain: which warning signs you have, screen by screen, emergency signs first; the care tier "
                        "(how fast to get help) is computed from the answers with the rules in " + RULES_FILE + ". "
                        "Information, not a diagnosis."),
        "copyright": "CC BY-SA 4.0",
        "extension": [{"url": RULES, "extension": [
            {"url": "rules", "valueUrl": _link(site_url, RULES_FILE)},
            {"url": "stopTier", "valueCode": top},
            {"url": "limitation", "valueString": LIMITATION},
        ]}],
        "item": items,
    }
    if site_url:
        out["url"] = _link(site_url, QUESTIONNAIRE_FILE)
    if version:
        out["version"] = version
        out["date"] = version
    return out


def _sign(ds: Dataset, fid: str, urgency: str | None) -> dict:
    rec = ds.finding(fid)
    item: dict[str, Any] = {"linkId": fid, "text": words(rec.title), "type": "boolean"}
    codes = rec.get("icd10") or []
    if codes:
        item["code"] = [{"system": ICD10, "code": str(code)} for code in codes]
    if urgency:
        item["extension"] = [{"url": URGENCY, "valueCode": urgency}]
    return item


def rules(ds: Dataset, *, site_url: str = "", version: str = "") -> dict:
    """The companion of the Questionnaire: everything needed to compute the tier and the outcome, in the page's words."""
    compiled, tree, tiers = compile_rules(ds), ds.triage, vocab.tiers()
    findings = {}
    for fid in compiled.asked:
        entry: dict[str, Any] = {"name": words(ds.finding(fid).title)}
        if fid in compiled.urgency:
            entry["urgency"] = compiled.urgency[fid]
            entry["outcome"] = compiled.single_outcome.get(fid, compiled.default)
        findings[fid] = entry
    outcomes = {}
    for oid, o in tree["outcomes"].items():
        outcomes[oid] = {"tier": o["tier"], "title": words(o.get("title")), "advice": words(o.get("advice"))}
        if o.get("watch_for"):
            outcomes[oid]["watch_for"] = words(o["watch_for"])
    source = {c.get("id"): c for c in tree.get("combinations", [])}
    out = {
        "about": "The rules of the flowchart 'Check your symptoms', the companion of " + QUESTIONNAIRE_FILE + ".",
        "questionnaire": _link(site_url, QUESTIONNAIRE_FILE),
        "how": HOW,
        "limitation": LIMITATION,
        "tiers": [{"id": t.id, "title": t.title, "description": t.description, "action": t.get("action")} for t in tiers.terms],
        "stop_tier": tiers.ids[0],
        "screens": [{"id": s["id"], "label": words(s.get("label")), "question": words(s["question"]),
                     "findings": list(s["findings"])} for s in tree["screens"]],
        "findings": findings,
        "combinations": [{"id": c.id, "together": [sorted(line) for line in c.lines], "at_least": c.at_least,
                          "outcome": c.outcome, "why": words(source.get(c.id, {}).get("why"))} for c in compiled.combinations],
        "outcomes": outcomes,
        "default_outcome": compiled.default,
        "safety_net": words(tree.get("safety_net")),
        "notes": [{"when": n["when"], "unless": list(n.get("unless", [])), "text": words(n["text"])} for n in tree.get("notes", [])],
    }
    if version:
        out["version"] = version
    return out
