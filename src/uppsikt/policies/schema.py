"""The policy schema: everything where the guidelines differ, each rule with its source.

A policy file is YAML. ``validate_policy(data)`` returns a ``Policy`` or raises
``PolicyError`` whose ``problems`` list has one clear line per problem.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .vocabulary import ACTIONS, CATEGORIES, PLATFORMS, ROLES, SCOPES, URGENT_CATEGORIES, WEEKDAYS

SLUG = r"^[a-z0-9][a-z0-9-]{1,62}$"
KEY = r"^[a-z0-9_]{1,64}$"


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
            raise ValueError(f"okänd roll '{v}'; tillåtna: {', '.join(ROLES)}")
        return v


class Approval(Strict):
    chain: list[ApprovalStep] = Field(min_length=1)
    notify: list[str] = Field(default_factory=list, description="Roles told when a channel opens or closes.")

    @field_validator("notify")
    @classmethod
    def _known_roles(cls, v: list[str]) -> list[str]:
        unknown = [r for r in v if r not in ROLES]
        if unknown:
            raise ValueError(f"okända roller: {', '.join(unknown)}")
        return v


class ChecklistItem(Sourced):
    key: str = Field(pattern=KEY)
    label: str
    help: str = ""


class ProfileRequirement(Sourced):
    key: str = Field(pattern=KEY)
    label: str
    text: str = Field("", description="Swedish sentence for the suggested profile text; {municipality}, {unit}, {website}, {watch_hours} are filled in.")


class Hours(Strict):
    days: list[str] = Field(min_length=1)
    start: time
    end: time

    @field_validator("days")
    @classmethod
    def _weekdays(cls, v: list[str]) -> list[str]:
        bad = [d for d in v if d not in WEEKDAYS]
        if bad:
            raise ValueError(f"okända veckodagar {bad}; använd {', '.join(WEEKDAYS)}")
        return v

    @model_validator(mode="after")
    def _order(self):
        if self.end <= self.start:
            raise ValueError("sluttiden måste vara efter starttiden")
        return self


class Response(Sourced):
    rule: Literal["working_hours", "next_working_day", "calendar_hours", "asap"]
    hours: float = Field(gt=0, le=24 * 14)
    office_hours: Hours
    watch_hours: Hours
    acknowledge_within_hours: float | None = Field(None, gt=0, description="INB-3: acknowledge when an answer takes longer.")
    wording: str = Field(description="The deadline as the guideline says it, shown to editors.")


class Staffing(Sourced):
    min_trained: int = Field(2, ge=1, le=10)
    required_training: list[str] = Field(default_factory=list)


class CategoryRule(Sourced):
    prohibited: bool
    action: str
    retention: str

    @field_validator("action")
    @classmethod
    def _known_action(cls, v: str) -> str:
        if v not in ACTIONS:
            raise ValueError(f"okänd åtgärd '{v}'; tillåtna: {', '.join(ACTIONS)}")
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
            problems.append(f"okända kategorier: {', '.join(unknown)}")
        if missing:
            problems.append(f"kategorier saknas: {', '.join(missing)}")
        for name in URGENT_CATEGORIES:
            rule = v.get(name)
            if rule is not None and "police" not in ACTIONS[rule.action] and "alert_duty" not in ACTIONS[rule.action]:
                problems.append(f"{name}: åtgärden måste larma jourhavande eller polisen")
        for name, rule in v.items():
            steps = ACTIONS.get(rule.action, ())
            if rule.prohibited and not ({"hide", "discard"} & set(steps)):
                problems.append(f"{name}: förbjudet innehåll kräver en åtgärd som döljer inlägget")
            if not rule.prohibited and "hide" in steps:
                problems.append(f"{name}: innehåll som inte är förbjudet får inte döljas (yttrandefrihet)")
        if v.get("trivial") is not None and v["trivial"].prohibited:
            problems.append("trivial: kritik och anspråkslösa inlägg får aldrig vara förbjudna")
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
            raise ValueError("'days' krävs när bevarandet är tidsbestämt")
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
            raise ValueError("månader måste vara 1–12")
        return v


class Scope(Sourced):
    platforms: dict[str, Literal["all_content", "own_content", "assess"]]

    @field_validator("platforms")
    @classmethod
    def _platforms(cls, v: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(v) - set(PLATFORMS))
        missing = sorted(set(PLATFORMS) - set(v))
        if unknown or missing:
            raise ValueError(
                "; ".join(p for p in (unknown and f"okända plattformar: {', '.join(unknown)}", missing and f"plattformar saknas: {', '.join(missing)}") if p)
            )
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
            if rule.retention not in self.retention:
                problems.append(f"moderation.categories.{name}.retention: okänd bevarandeklass '{rule.retention}'")
        keys = [c.key for c in self.checklist]
        if len(keys) != len(set(keys)):
            problems.append("checklist: samma nyckel förekommer flera gånger")
        pkeys = [p.key for p in self.profile]
        if len(pkeys) != len(set(pkeys)):
            problems.append("profile: samma nyckel förekommer flera gånger")
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


def _format_error(err: dict) -> list[str]:
    loc = ".".join(str(p) for p in err.get("loc", ())) or "(filen)"
    msg = err.get("msg", "")
    msg = re.sub(r"^Value error, ", "", msg)
    if err.get("type") == "missing":
        msg = "saknas"
    elif err.get("type") == "extra_forbidden":
        msg = "okänt fält"
    return [f"{loc}: {part.strip()}" for part in msg.split("; ")]


def validate_policy(data) -> Policy:
    if not isinstance(data, dict):
        raise PolicyError(["(filen): en policy måste vara en YAML-mappning"])
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        for err in exc.errors():
            problems.extend(_format_error(err))
        raise PolicyError(problems) from None
