"""The triage engine: what a post is, and what the municipality's policy says to do.

Library API (stable; ingestion and the API call it)::

    from uppsikt.triage.engine import get_engine

    decision = get_engine("mora").classify("Jag kommer att skjuta er alla", platform="facebook")
    decision.categories   # ("threat",)
    decision.urgent       # True: a person may be in danger (distress or threat)
    decision.action       # "hide_preserve_police_register", from policy.action_for(categories)
    decision.reasons      # (Reason(category, rule, span, score), ...), spans into the text
    decision.to_json()    # the contract's output object (contracts/triage.md), without "id"
    decision.to_json(item_id="a1", extended=True)   # plus explanations and help

``Engine(policy)`` takes a ``Policy`` (``uppsikt.policies.loader.load_preset(name)`` or
an edited policy). ``get_engine(name)`` loads the preset once and keeps the engine; it
picks up a model trained with ``uppsikt triage train`` for that policy
(``$UPPSIKT_DATA_DIR/triage/<policy>.joblib``) when one exists or changes. The engine
needs neither Django nor a database. It never raises on any ``str``: empty text,
control characters and 100 KB posts all give a decision.

Decision rules:

* ``categories``: every category a detector found; ``question`` and ``trivial`` only when
  no violation and no case matter applies; ``trivial`` when nothing else does.
* ``urgent``: ``distress`` or ``threat`` among the categories.
* ``help`` (distress): the policy's ``moderation.distress_help`` (112, 90101); ``alert_duty``
  and ``police`` say whether the action alerts the person on duty and the police.
* ``needs_expert`` (INB-4): case matters, confidential matters and complex questions go to
  the kommunikatör, who gets the answer from the expert.
* The shipped model (``base_model.py``) adds categories it is confident about and drops
  a non-urgent rule hit it finds all but impossible; a per-municipality model trained
  from editors' decisions may only *add*. Neither ever removes a distress or threat hit.
  The shipped model does not add a category a rule ruled out in so many words
  (``Context.ruled_out``: "ett stort fan av biblioteket" is no swearing).

``platform`` is accepted so callers can pass what they have; the rules read the same on
every platform (what is monitored per platform, GOV-11, is decided before triage).
"""

from __future__ import annotations

import os
import threading
from json import dumps as _dumps

from orjson import dumps as _orjson_dumps


# Pieces of the contract line that depend only on names, kept once built (bounded by the
# number of rules and of category combinations a policy can give).
_REASON_HEADS: dict = {}
_MIDDLES: dict = {}
# A score as the contract writes it (``repr(round(score, 2))``), kept for the scores seen:
# rules give a few fixed scores and the model's are rounded, so a few thousand at most.
_SCORE_TEXT: dict = {}
_SCORE_TEXT_MAX = 4096


def _id_json(item_id) -> str:
    """``json.dumps(item_id, ensure_ascii=False)``; a plain ``str`` id by orjson, which
    writes the same bytes for it (a lone surrogate falls back to the standard library)."""
    if type(item_id) is str:
        try:
            return _orjson_dumps(item_id).decode()
        except TypeError:
            pass
    return _dumps(item_id, ensure_ascii=False)
from dataclasses import dataclass, field
from pathlib import Path

from uppsikt.policies import loader
from uppsikt.policies.schema import Policy
from uppsikt.policies.vocabulary import ACTIONS, CATEGORIES, NON_VIOLATION_CATEGORIES, URGENT_CATEGORIES

from .base_model import AIMED_AT, FIRM, PRAISED_BAR, URGENT_BAR_ON_CASE, load_base_model
from .detectors import Reason, detect, detect_question, needs_expert, trivial_reason
from .explanations import action_label, explain, overruled_explanation
from .lexicon import Lexicon, default_lexicon

_ORDER = {name: i for i, name in enumerate(CATEGORIES)}
_VIOLATIONS = frozenset(CATEGORIES) - frozenset(NON_VIOLATION_CATEGORIES)
URGENT_SET = frozenset(URGENT_CATEGORIES)
# Removed for what it is: such a post starts no fault report or application by naming a
# service (``_without_bare_case``).
_REMOVED_FOR_WHAT_IT_IS = frozenset(("commercial", "crime", "defamation", "hate", "copyright", "party_political", "violence_porn"))
_BARE_CASE_RULES = frozenset(("case_matter.fault_report", "case_matter.application"))
# Longer posts are triaged on their first part; the rest is still stored and shown.
MAX_CHARS = 20_000

__all__ = ["Decision", "Engine", "Reason", "get_engine", "model_path"]


@dataclass(slots=True, eq=True)
class Decision:
    categories: tuple[str, ...]
    urgent: bool
    action: str
    reasons: tuple[Reason, ...]
    needs_expert: bool = False
    help: str | None = None
    alert_duty: bool = False
    police: bool = False
    policy: str = ""
    text: str = field(default="", repr=False)
    # Rule findings the shipped model found all but impossible and dropped (shown with
    # the explanations, so an editor sees what was not counted, and why).
    overruled: tuple[Reason, ...] = ()
    # A decision is a value: nothing changes it after classify() returns.

    @property
    def violations(self) -> tuple[str, ...]:
        return tuple(c for c in self.categories if c in _VIOLATIONS)

    def explanations(self) -> list[str]:
        return [explain(r.category, r.rule, r.span, self.text) for r in self.reasons]

    def contract_line(self, item_id=None) -> str:
        """``json.dumps(self.to_json(item_id))`` written out directly (the CLI's hot path)."""
        return _contract_line(self.categories, self.urgent, self.action, self.reasons, item_id)

    def to_json(self, item_id=None, *, extended: bool = False) -> dict:
        """The contract's output object; ``extended`` adds what the UI shows."""
        out: dict = {}
        if item_id is not None or not extended:
            out["id"] = item_id
        out["categories"] = list(self.categories)
        out["urgent"] = self.urgent
        out["action"] = self.action
        out["reasons"] = [r.to_json() for r in self.reasons]
        if extended:
            out["policy"] = self.policy
            out["action_label"] = action_label(self.action)
            out["steps"] = list(ACTIONS.get(self.action, ()))
            out["needs_expert"] = self.needs_expert
            out["alert_duty"] = self.alert_duty
            out["police"] = self.police
            out["help"] = self.help
            out["explanations"] = self.explanations()
            out["overruled"] = [r.to_json() | {"explanation": overruled_explanation(r, self.text)} for r in self.overruled]
        return out


def _contract_line(categories: tuple[str, ...], urgent: bool, action: str, reasons, item_id) -> str:
    """The contract's output line for a decision, as ``json.dumps`` writes it. Category, rule
    and action names are fixed ASCII identifiers, so only the id needs JSON escaping."""
    heads = _REASON_HEADS
    parts = []
    for r in reasons:
        head = heads.get((r[0], r[1]))
        if head is None:
            head = heads[(r[0], r[1])] = f'{{"category": "{r[0]}", "rule": "{r[1]}", "span": ['
        score = _SCORE_TEXT.get(r[3])
        if score is None:
            score = repr(round(r[3], 2))
            if r[3] and len(_SCORE_TEXT) < _SCORE_TEXT_MAX:  # 0.0 and -0.0 are one key
                _SCORE_TEXT[r[3]] = score
        span = r[2]
        parts.append(f"{head}{span[0]}, {span[1]}], \"score\": {score}}}")
    key = (categories, urgent, action)
    middle = _MIDDLES.get(key)
    if middle is None:
        names = '", "'.join(categories)
        if names:
            names = '"' + names + '"'
        middle = _MIDDLES[key] = f', "categories": [{names}], "urgent": {"true" if urgent else "false"}, "action": "{action}", "reasons": ['
    return f'{{"id": {_id_json(item_id)}{middle}{", ".join(parts)}]}}'


class Engine:
    """Triage for one policy. Thread-safe: it holds no state per post."""

    def __init__(self, policy: Policy, lexicon: Lexicon | None = None, model=None):
        self.policy = policy
        self.lexicon = lexicon or default_lexicon()
        self.model = model
        self.base_model = load_base_model()
        self._action_cache: dict[tuple[str, ...], str] = {}

    def action_for(self, categories: tuple[str, ...]) -> str:
        action = self._action_cache.get(categories)
        if action is None:
            action = self.policy.action_for(categories)
            self._action_cache[categories] = action
        return action

    def classify(self, text: str, platform: str | None = None) -> Decision:
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        categories, reasons, ctx, overruled = self._decide(text)
        action = self.action_for(categories)
        steps = ACTIONS.get(action, ())
        return Decision(
            categories=categories,
            urgent=not URGENT_SET.isdisjoint(categories),
            action=action,
            reasons=tuple(reasons),
            needs_expert=needs_expert(ctx, categories),
            help=self.policy.moderation.distress_help if "distress" in categories else None,
            alert_duty="alert_duty" in steps,
            police="police" in steps,
            policy=self.policy.name,
            text=text,
            overruled=overruled,
        )

    def contract_line(self, text: str, item_id=None) -> str:
        """``classify(text).contract_line(item_id)``, without building the decision (the
        ``uppsikt triage`` stream's hot path)."""
        if not isinstance(text, str):
            raise TypeError("text must be a str")
        categories, reasons, _, _ = self._decide(text)
        return _contract_line(categories, not URGENT_SET.isdisjoint(categories), self.action_for(categories), reasons, item_id)

    def _decide(self, text: str) -> tuple[tuple[str, ...], list[Reason], object, tuple[Reason, ...]]:
        """The categories in contract order, the reasons sorted to match, the rules' reading
        of the post and the rule findings the shipped model overruled."""
        body = text if len(text) <= MAX_CHARS else text[:MAX_CHARS]
        reasons, ctx = detect(body, self.lexicon)
        found = {r.category for r in reasons}
        overruled: tuple[Reason, ...] = ()
        if self.base_model is None:
            reasons, found = _without_bare_case(reasons, found)
        else:
            rule_urgent = not found.isdisjoint(URGENT_CATEGORIES)
            rule_violation = not found.isdisjoint(_VIOLATIONS)
            # What the rules read, for the urgency judge (only where it is asked, and never
            # when the rules already found a person in danger).
            read = reasons
            additions, unlikely = self.base_model.score(ctx.nz, judge=found if rule_violation else (), urgency_flags=None if rule_urgent else lambda: judge_flags(read, ctx))
            if rule_violation and not unlikely.isdisjoint(found):
                # A non-urgent rule finding the model finds all but impossible is dropped
                # (the rules misread "dödade spindeln"); urgent findings always stay.
                # A firm rule finding (a personnummer that passes its checksum) always stays.
                drop = (unlikely & found) - URGENT_SET - {r.category for r in reasons if r.score >= FIRM}
                if drop:
                    overruled = tuple(r for r in reasons if r.category in drop)
                    reasons = [r for r in reasons if r.category not in drop]
                    found = {r.category for r in reasons}
                    rule_violation = not found.isdisjoint(_VIOLATIONS)
            reasons, found = _without_bare_case(reasons, found)
            for category, score, span in additions:
                if category in found or category in ctx.ruled_out:
                    # The rules' explicit "not" ("ett stort fan av biblioteket") stands.
                    continue
                if category in URGENT_CATEGORIES:
                    # A post the rules read as a complaint, a question, thanks or a figure of speech
                    # ("orkar inte mer med era vägarbeten") needs a far clearer signal.
                    # (The urgency judge has weighed that already.)
                    if rule_urgent or (self.base_model.judge is None and score < URGENT_BAR_ON_CASE and _calm(ctx, found, rule_violation)):
                        continue
                elif category in AIMED_AT and score < PRAISED_BAR and not rule_violation and ctx.has("praise"):
                    # Welcome or thanks that names a group or a person stays up.
                    continue
                reasons.append(Reason(category, f"base_model.{category}", span, round(score, 3)))
                found.add(category)
        if self.model is not None and body.strip():
            for category, score in self.model.additions(body, found):
                reasons.append(Reason(category, f"model.{category}", (0, len(body)), score))
                found.add(category)
        violations = found & _VIOLATIONS
        if violations:
            reasons = [r for r in reasons if r.category not in ("question", "trivial")]
        elif "case_matter" not in found:
            question = detect_question(ctx)
            reasons += question or [trivial_reason(ctx)]
        if len(reasons) == 1:  # most posts: one reason, nothing to sort
            categories = (reasons[0][0],)
        else:
            categories = tuple(sorted({r.category for r in reasons}, key=_ORDER.__getitem__))
            reasons.sort(key=lambda r: (_ORDER[r.category], -r.score))
        return categories, reasons, ctx, overruled


def _without_bare_case(reasons: list[Reason], found: set[str]) -> tuple[list[Reason], set[str]]:
    """A post removed for what it is (an ad, a call to crime, an insult) starts no fault
    report or application because it names a service ("boka på ...", "slår sönder
    fönstren"); a complaint or a records request stays."""
    if "case_matter" not in found or found.isdisjoint(_REMOVED_FOR_WHAT_IT_IS):
        return reasons, found
    reasons = [r for r in reasons if r.category != "case_matter" or r.rule not in _BARE_CASE_RULES]
    return reasons, {r.category for r in reasons}


def judge_flags(reasons: list[Reason], ctx) -> set[str]:
    """What the rules alone read in a post, as the urgency judge takes it: the categories of
    the rules' own decision (a question or trivial where they find nothing else), "calm"
    where they read a complaint, a question, a figure of speech or (finding no violation) a
    laugh, and "praise" where they find no violation and thanks or praise."""
    reasons, found = _without_bare_case(list(reasons), {r.category for r in reasons})
    violation = not found.isdisjoint(_VIOLATIONS)
    if violation:
        reasons = [r for r in reasons if r.category not in ("question", "trivial")]
        found = {r.category for r in reasons}
    elif "case_matter" not in found:
        reasons = reasons + (detect_question(ctx) or [trivial_reason(ctx)])
        found = {r.category for r in reasons}
    flags = set(found)
    if any(r.rule == "trivial.figure_of_speech" for r in reasons) or ctx.has("threat.figurative") or ctx.has("distress.figurative") or "case_matter" in found or "question" in found:
        flags.add("calm")
    if not violation:
        if ctx.has("praise"):
            flags.add("praise")
        if ctx.has("laugh"):
            flags.add("calm")
    return flags


def _calm(ctx, found: set[str], rule_violation: bool) -> bool:
    """Did the rules read the post as a complaint, a figure of speech, or (finding no
    violation) a question, thanks or a laugh?"""
    return (
        "case_matter" in found
        or ctx.has("threat.figurative")
        or ctx.has("distress.figurative")
        or (not rule_violation and (ctx.is_question() or ctx.has("praise") or ctx.has("laugh")))
    )


def model_path(policy_name: str) -> Path:
    """Where ``uppsikt triage train`` puts the model for ``policy_name``."""
    from uppsikt.conf.config import data_dir

    return data_dir() / "triage" / f"{policy_name}.joblib"


_ENGINES: dict[str, tuple[float | None, Engine]] = {}
_LOCK = threading.Lock()


def _model_stamp(path: Path) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def get_engine(policy_name: str | None = None) -> Engine:
    """The engine for a preset, loaded once and kept (with its trained model, if any)."""
    name = policy_name or loader.DEFAULT_PRESET
    path = model_path(name)
    stamp = _model_stamp(path)
    cached = _ENGINES.get(name)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    with _LOCK:
        cached = _ENGINES.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        policy = loader.load_preset(name)
        model = None
        if stamp is not None:
            from .learning import load_model

            model = load_model(path)
        engine = Engine(policy, model=model)
        _ENGINES[name] = (stamp, engine)
        return engine
