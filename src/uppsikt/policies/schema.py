"""The policy schema: everything where the guidelines differ, each rule with its source.

A policy file is YAML. ``validate_policy(data)`` returns a ``Policy`` or raises
``PolicyError`` whose ``problems`` list has one clear line per problem.

The schema validates without Django (``uppsikt policy check``, the triage command line),
so its messages come from ``uppsikt.core.i18n``: the same catalogue, read with or
without Django.
"""

from __future__ import annotations

import re
import string
from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from uppsikt.core.i18n import gettext as _, gettext_noop, ngettext

from .vocabulary import ACTIONS, CATEGORIES, COURSES, PLATFORMS, ROLES, URGENT_CATEGORIES, WEEKDAYS

SLUG = r"^[a-z0-9][a-z0-9-]{1,62}$"
KEY = r"^[a-z0-9_]{1,64}$"

# Placeholders a profile text may use; channels.services.suggested_profile_text fills them in.
PROFILE_PLACEHOLDERS = ("municipality", "unit", "website", "watch_hours", "email", "purpose")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    """A rule quotes the sentence of the guideline it comes from, so a user sees why."""

    source: str = Field(min_length=1, description="The guideline's own words, or the law, that the rule comes from.")


class SourceDocument(Strict):
    title: str
    organisation: str
    date: str | None = None
    reference: str | None = None


class ApprovalStep(Sourced):
    role: str
    label: str

    @field_validator("role")
    @classmethod
    def _known_role(cls, v: str) -> str:
        if v not in ROLES:
            raise ValueError(_("unknown role '%(role)s' (allowed: %(allowed)s)") % {"role": v, "allowed": ", ".join(ROLES)})
        return v


class Approval(Strict):
    chain: list[ApprovalStep] = Field(min_length=1)
    notify: list[str] = Field(default_factory=list, description="Roles told when a channel opens or closes.")

    @field_validator("notify")
    @classmethod
    def _known_roles(cls, v: list[str]) -> list[str]:
        unknown = [r for r in v if r not in ROLES]
        if unknown:
            raise ValueError(_("unknown roles: %(roles)s") % {"roles": ", ".join(unknown)})
        return v


class ChecklistItem(Sourced):
    key: str = Field(pattern=KEY)
    label: str
    help: str = ""


class ProfileRequirement(Sourced):
    key: str = Field(pattern=KEY)
    label: str
    text: str = Field("", description="Swedish sentence for the suggested profile text; {municipality}, {unit}, {website}, {watch_hours}, {email}, {purpose} are filled in.")

    @field_validator("text")
    @classmethod
    def _placeholders(cls, v: str) -> str:
        try:
            names = {field for _, field, _, _ in string.Formatter().parse(v) if field is not None}
        except ValueError:
            raise ValueError(_("invalid curly bracket in the text (write {{ and }} for a bracket)")) from None
        unknown = sorted(n for n in names if n not in PROFILE_PLACEHOLDERS)
        if unknown:
            raise ValueError(
                _("unknown placeholder %(names)s (allowed: %(allowed)s)")
                % {"names": ", ".join("{" + n + "}" for n in unknown), "allowed": ", ".join("{" + n + "}" for n in PROFILE_PLACEHOLDERS)}
            )
        return v


class Hours(Strict):
    days: list[str] = Field(min_length=1)
    start: time
    end: time

    @field_validator("days")
    @classmethod
    def _weekdays(cls, v: list[str]) -> list[str]:
        bad = [d for d in v if d not in WEEKDAYS]
        if bad:
            raise ValueError(_("unknown weekdays %(days)s (use %(allowed)s)") % {"days": ", ".join(map(str, bad)), "allowed": ", ".join(WEEKDAYS)})
        return v

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time_as_text(cls, v):
        # YAML reads an unquoted 16:30 as the base-60 number 990, which would silently
        # become 00:16:30; a time must be written as text.
        if isinstance(v, (int, float)):
            raise ValueError(_('write the time in quotation marks, e.g. "16:30" (without them 16:30 is read as a number)'))
        return v

    @model_validator(mode="after")
    def _order(self):
        if self.end <= self.start:
            raise ValueError(_("the end time must be after the start time"))
        return self


class Response(Sourced):
    """INB-2: when an answer is due. Working days are ``office_hours.days`` minus Swedish public holidays.

    - ``working_hours``: ``hours`` counted only inside office hours on working days.
    - ``next_working_day``: ``hours`` (one "vardagsdygn" = 24) counted on working days only,
      round the clock; an item that arrives on a day off counts from the start of the
      next working day. In practice: by the same time on the next working day.
    - ``calendar_hours``: ``hours`` of calendar time, nights, weekends and holidays included.
    - ``asap``: as soon as possible; ``hours``, counted as for ``working_hours``, is the outer
      limit after which the item is overdue.
    """

    rule: Literal["working_hours", "next_working_day", "calendar_hours", "asap"]
    hours: float = Field(gt=0, le=24 * 14)
    office_hours: Hours
    watch_hours: Hours
    acknowledge_within_hours: float | None = Field(None, gt=0, description="INB-3: acknowledge when an answer takes longer.")
    poll_interval_minutes: int = Field(5, ge=1, le=1440, description="How often the channels are fetched from the platforms (REC-2 continuous archiving).")
    wording: str = Field(description="The deadline as the guideline says it, shown to editors.")


class Staffing(Sourced):
    min_trained: int = Field(2, ge=1, le=10)
    required_training: list[str] = Field(default_factory=list)

    @field_validator("required_training")
    @classmethod
    def _known_courses(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in COURSES]
        if unknown:
            raise ValueError(_("unknown courses %(courses)s (allowed: %(allowed)s)") % {"courses": ", ".join(map(str, unknown)), "allowed": ", ".join(COURSES)})
        return v


class CategoryRule(Sourced):
    prohibited: bool
    action: str
    retention: str

    @field_validator("action")
    @classmethod
    def _known_action(cls, v: str) -> str:
        if v not in ACTIONS:
            raise ValueError(_("unknown action '%(action)s' (allowed: %(allowed)s)") % {"action": v, "allowed": ", ".join(ACTIONS)})
        return v


class Moderation(Strict):
    categories: dict[str, CategoryRule]
    notify_poster_template: str
    refer_template: str
    distress_help: str = Field(description="Help given for distress: 112 when life is in danger, 90101 Självmordslinjen.")

    @field_validator("categories")
    @classmethod
    def _all_categories(cls, v: dict[str, CategoryRule]) -> dict[str, CategoryRule]:
        unknown = sorted(set(v) - set(CATEGORIES))
        missing = sorted(set(CATEGORIES) - set(v))
        problems = []
        if unknown:
            problems.append(_("unknown categories: %(categories)s") % {"categories": ", ".join(unknown)})
        if missing:
            problems.append(_("categories missing: %(categories)s") % {"categories": ", ".join(missing)})
        for name in URGENT_CATEGORIES:
            rule = v.get(name)
            if rule is not None and "police" not in ACTIONS[rule.action] and "alert_duty" not in ACTIONS[rule.action]:
                problems.append(_("%(category)s: the action must alert the person on duty or the police") % {"category": name})
        for name, rule in v.items():
            steps = ACTIONS.get(rule.action, ())
            if rule.prohibited and not ({"hide", "discard"} & set(steps)):
                problems.append(_("%(category)s: prohibited content needs an action that hides the post") % {"category": name})
            if not rule.prohibited and "hide" in steps:
                problems.append(_("%(category)s: content that is not prohibited must not be hidden (freedom of expression)") % {"category": name})
        if v.get("trivial") is not None and v["trivial"].prohibited:
            problems.append(_("%(category)s: criticism and unassuming posts may never be prohibited") % {"category": "trivial"})
        if problems:
            raise ValueError("; ".join(problems))
        return v


class RetentionClass(Sourced):
    label: str
    keep: Literal["until_no_longer_current", "days", "permanent", "not_kept"]
    days: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _days(self):
        if self.keep in ("days", "until_no_longer_current") and self.days is None:
            raise ValueError(_("'days' is required when keeping is limited in time"))
        return self


class Cadence(Sourced):
    min_posts_per_week: int = Field(ge=0)
    max_inactive_days: int = Field(ge=1)


class Snapshots(Sourced):
    per_year: int = Field(ge=0, le=12)
    months: list[int] = Field(description="Months in which snapshots are taken (not summer or Christmas).")

    @field_validator("months")
    @classmethod
    def _months(cls, v: list[int]) -> list[int]:
        if any(m < 1 or m > 12 for m in v):
            raise ValueError(_("months must be 1–12"))
        if len(set(v)) != len(v):
            raise ValueError(_("the same month occurs more than once"))
        return v

    @model_validator(mode="after")
    def _enough_months(self):
        if len(self.months) < self.per_year:
            raise ValueError(
                ngettext(
                    "give at least %(count)d month, one for each snapshot",
                    "give at least %(count)d months, one for each snapshot",
                    self.per_year,
                )
                % {"count": self.per_year}
            )
        return self


class Scope(Sourced):
    platforms: dict[str, Literal["all_content", "own_content", "assess"]]

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(v) - set(PLATFORMS))
        missing = sorted(set(PLATFORMS) - set(v))
        if unknown or missing:
            problems = []
            if unknown:
                problems.append(_("unknown platforms: %(platforms)s") % {"platforms": ", ".join(unknown)})
            if missing:
                problems.append(_("platforms missing: %(platforms)s") % {"platforms": ", ".join(missing)})
            raise ValueError("; ".join(problems))
        return v


class Crisis(Sourced):
    primary_channels: str
    response_hours: float = Field(gt=0)
    reinforced_watch: bool
    digest_every_minutes: int = Field(ge=5)
    surge_per_hour: int = Field(ge=1, description="INB-8: items an hour on a channel that count as a storm.")


class Policy(Strict):
    schema_version: Literal[1]
    name: str = Field(pattern=SLUG)
    title: str
    municipality: str
    document: SourceDocument
    approval: Approval
    checklist: list[ChecklistItem] = Field(min_length=1)
    profile: list[ProfileRequirement] = Field(min_length=1)
    response: Response
    staffing: Staffing
    moderation: Moderation
    retention: dict[str, RetentionClass]
    cadence: Cadence
    snapshots: Snapshots
    scope: Scope
    crisis: Crisis
    speakers: Sourced = Field(description="GOV-9: who may speak for the municipality.")
    credentials: Sourced = Field(description="GOV-5: where log-ins are deposited.")
    training: Sourced = Field(description="GOV-10: training before publishing rights.")

    @model_validator(mode="after")
    def _cross_refs(self):
        problems = []
        for name, rule in self.moderation.categories.items():
            retention = self.retention.get(rule.retention)
            if retention is None:
                problems.append(
                    _("moderation.categories.%(category)s.retention: unknown retention class '%(retention)s'") % {"category": name, "retention": rule.retention}
                )
            elif rule.action == "remove_not_kept" and retention.keep != "not_kept":
                problems.append(
                    _("moderation.categories.%(category)s.retention: the action remove_not_kept needs a retention class with keep: not_kept") % {"category": name}
                )
            elif retention.keep == "not_kept" and rule.action != "remove_not_kept":
                problems.append(
                    _(
                        "moderation.categories.%(category)s.retention: '%(retention)s' is not kept, but the action %(action)s keeps the post "
                        "(use remove_not_kept or another class)"
                    )
                    % {"category": name, "retention": rule.retention, "action": rule.action}
                )
        keys = [c.key for c in self.checklist]
        if len(keys) != len(set(keys)):
            problems.append(_("%(section)s: the same key occurs more than once") % {"section": "checklist"})
        pkeys = [p.key for p in self.profile]
        if len(pkeys) != len(set(pkeys)):
            problems.append(_("%(section)s: the same key occurs more than once") % {"section": "profile"})
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # Convenience used by the engine and the services.
    def action_for(self, categories) -> str:
        from .vocabulary import ACTION_SEVERITY

        actions = {self.moderation.categories[c].action for c in categories if c in self.moderation.categories}
        for action in ACTION_SEVERITY:
            if action in actions:
                return action
        return "no_action"


class PolicyError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# A problem that names its own place ("threat: …", "moderation.categories.x.retention: …").
_PLACED = re.compile(r"^([a-z0-9_]+(?:\.[a-z0-9_-]+)*): (.+)$", re.S)

_PATTERN_HINTS = {
    SLUG: gettext_noop("lower-case letters a–z, digits and hyphens, 2–63 characters"),
    KEY: gettext_noop("lower-case letters a–z, digits and underscores"),
}

# Pydantic's own error types that a policy file can hit, by type.
_SIMPLE_MESSAGES = {
    "missing": gettext_noop("is missing"),
    "extra_forbidden": gettext_noop("unknown field"),
    "string_type": gettext_noop("must be text"),
    "int_type": gettext_noop("must be a whole number"),
    "int_parsing": gettext_noop("must be a whole number"),
    "int_from_float": gettext_noop("must be a whole number"),
    "float_type": gettext_noop("must be a number"),
    "float_parsing": gettext_noop("must be a number"),
    "bool_type": gettext_noop("must be true or false"),
    "bool_parsing": gettext_noop("must be true or false"),
    "dict_type": gettext_noop("must be a mapping (key: value)"),
    "model_type": gettext_noop("must be a mapping (key: value)"),
    "model_attributes_type": gettext_noop("must be a mapping (key: value)"),
    "list_type": gettext_noop("must be a list"),
    "time_type": gettext_noop('invalid time; write e.g. "08:00"'),
    "time_parsing": gettext_noop('invalid time; write e.g. "08:00"'),
}


def _message(err: dict) -> str:
    """Pydantic's English message in the catalogue's words, for the error types a policy file can hit."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in _SIMPLE_MESSAGES:
        return _(_SIMPLE_MESSAGES[kind])
    if kind == "literal_error":
        return _("invalid value %(value)s (allowed: %(allowed)s)") % {
            "value": repr(err.get("input")),
            "allowed": str(ctx.get("expected", "")).replace(" or ", ", "),
        }
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        if n == 1:
            return _("must not be empty")
        return ngettext("must have at least %(count)d character", "must have at least %(count)d characters", n) % {"count": n}
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return ngettext("must have at least %(count)d entry", "must have at least %(count)d entries", n) % {"count": n}
    if kind == "greater_than":
        return _("must be greater than %(limit)s") % {"limit": ctx.get("gt")}
    if kind == "greater_than_equal":
        return _("must be at least %(limit)s") % {"limit": ctx.get("ge")}
    if kind == "less_than":
        return _("must be less than %(limit)s") % {"limit": ctx.get("lt")}
    if kind == "less_than_equal":
        return _("may be at most %(limit)s") % {"limit": ctx.get("le")}
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        hint = _(_PATTERN_HINTS[pattern]) if pattern in _PATTERN_HINTS else pattern
        return _("invalid format (%(hint)s)") % {"hint": hint}
    return re.sub(r"^Value error, ", "", err.get("msg", ""))


def _format_error(err: dict) -> list[str]:
    loc = ".".join(str(p) for p in err.get("loc", ()))
    lines = []
    # Validators join several problems with "; "; each becomes its own line.
    for part in _message(err).split("; "):
        part = part.strip()
        placed = _PLACED.match(part)
        if placed:
            lines.append(f"{loc + '.' if loc else ''}{placed[1]}: {placed[2]}")
        else:
            lines.append(f"{loc or _('(the file)')}: {part}")
    return lines


def validate_policy(data) -> Policy:
    if not isinstance(data, dict):
        raise PolicyError([_("%(where)s: a policy must be a YAML mapping") % {"where": _("(the file)")}])
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors():
            problems.extend(_format_error(err))
        raise PolicyError(problems) from None
