"""Fixed words a policy is written in: triage categories, moderation actions, roles.

The policy chooses among these; what each action *does* is code, so it lives here.

Labels are English source strings, translated lazily (``uppsikt.core.i18n``: this module
is imported without Django by the policy schema and the triage command line).
"""

from __future__ import annotations

from uppsikt.core.i18n import gettext_lazy as _, gettext_noop, swedish

# Triage categories, as in contracts/triage.md.
NON_VIOLATION_CATEGORIES = ("question", "trivial", "case_matter")
VIOLATION_CATEGORIES = (
    "distress",
    "threat",
    "hate",
    "defamation",
    "violence_porn",
    "crime",
    "copyright",
    "commercial",
    "party_political",
    "profanity",
    "personal_data",
    "confidential",
)
CATEGORIES = NON_VIOLATION_CATEGORIES + VIOLATION_CATEGORIES
URGENT_CATEGORIES = ("distress", "threat")

_CATEGORY_SOURCE = {
    "question": gettext_noop("Simple question"),
    "trivial": gettext_noop("Unassuming post"),
    "case_matter": gettext_noop("Bears on a case"),
    "distress": gettext_noop("Cry for help (suicide, self-harm)"),
    "threat": gettext_noop("Threat"),
    "hate": gettext_noop("Incitement against a group, sexism, harassment"),
    "defamation": gettext_noop("Defamation, personal attack"),
    "violence_porn": gettext_noop("Unlawful depiction of violence, pornography"),
    "crime": gettext_noop("Incitement to crime"),
    "copyright": gettext_noop("Copyright infringement"),
    "commercial": gettext_noop("Advertising, commercial message"),
    "party_political": gettext_noop("Party-political message"),
    "profanity": gettext_noop("Swearing, indecent language"),
    "personal_data": gettext_noop("Offensive personal data"),
    "confidential": gettext_noop("Confidential, an individual's personal case"),
}
CATEGORY_LABELS = {key: _(label) for key, label in _CATEGORY_SOURCE.items()}

# Steps an action is made of. The order here is the order they are carried out:
# evidence is always preserved before anything is hidden (invariant 2).
STEPS = (
    "answer",         # answer in the channel
    "acknowledge",    # tell the poster an answer is coming
    "preserve",       # store evidence: raw JSON, PDF/A, PNG, SHA-256
    "hide",           # hide or remove on the platform
    "refer",          # refer to another, safe contact path
    "notify_poster",  # tell the poster it was removed and why
    "alert_duty",     # alert the person on duty at once
    "police",         # contact the police
    "register",       # register in the diarium (diarieföring)
    "discard",        # remove and do not keep (ads, where the policy says so)
)

ACTIONS: dict[str, tuple[str, ...]] = {
    "no_action": (),
    "answer": ("answer",),
    "answer_register": ("answer", "register"),
    "hide_preserve_register": ("preserve", "hide", "register"),
    "hide_preserve_notify_register": ("preserve", "hide", "notify_poster", "register"),
    "hide_preserve_notify_police_register": ("preserve", "hide", "notify_poster", "police", "register"),
    "hide_preserve_refer_register": ("preserve", "hide", "refer", "notify_poster", "register"),
    "hide_preserve_police_register": ("preserve", "hide", "alert_duty", "police", "register"),
    "remove_not_kept": ("hide", "discard", "notify_poster"),
}

_ACTION_SOURCE = {
    "no_action": gettext_noop("No action"),
    "answer": gettext_noop("Answer"),
    "answer_register": gettext_noop("Answer and pass on to the diarium"),
    "hide_preserve_register": gettext_noop("Hide, keep and register"),
    "hide_preserve_notify_register": gettext_noop("Hide, keep, tell the poster why, register"),
    "hide_preserve_notify_police_register": gettext_noop("Hide, keep, tell why, report to the police, register"),
    "hide_preserve_refer_register": gettext_noop("Hide at once, keep, refer to another contact path, register"),
    "hide_preserve_police_register": gettext_noop("Hide at once, keep, alert the person on duty, contact the police, register"),
    "remove_not_kept": gettext_noop("Remove without keeping (advertising)"),
}
ACTION_LABELS = {key: _(label) for key, label in _ACTION_SOURCE.items()}

# When an item has several categories, the most severe action wins. Most severe first.
ACTION_SEVERITY = (
    "hide_preserve_police_register",
    "hide_preserve_refer_register",
    "hide_preserve_notify_police_register",
    "hide_preserve_notify_register",
    "hide_preserve_register",
    "remove_not_kept",
    "answer_register",
    "answer",
    "no_action",
)

# Roles, shipped as Django groups (accounts/fixtures/roles.json).
ROLES = {
    "social_media_lead": _("Communications unit / responsible for social media"),
    "webbstrateg": _("Web strategist"),
    "kommunikator": _("Communications officer"),
    "redaktor": _("Editor"),
    "verksamhetschef": _("Head of service"),
    "forvaltningschef": _("Head of administration or managing director"),
    "informationssekreterare": _("Information officer / responsible for information"),
    "registrator": _("Registrar"),
    "dataskyddsombud": _("Data protection officer"),
    "ansvarig_utgivare": _("Legally responsible publisher"),
}

# Courses an editor can complete (GOV-10); a policy's staffing.required_training picks
# among them. accounts.models imports this list; it lives here so the schema validates without Django.
COURSES = {
    "tool": _("The tool (Uppsikt)"),
    "writing": _("Writing for social media"),
    "publishing": _("Publishing and images"),
    "monitoring": _("Monitoring and response times"),
    "moderation": _("Inappropriate posts and moderation"),
    "gdpr": _("The General Data Protection Regulation (GDPR)"),
    "osl": _("The Public Access to Information and Secrecy Act (OSL)"),
    "records": _("Public records, registration and culling"),
}

PLATFORMS = ("facebook", "instagram", "x", "youtube", "linkedin", "mastodon", "sandbox")
PLATFORM_LABELS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X (Twitter)",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "sandbox": _("Practice channel (sandbox)"),
}

# GOV-11: what the municipality answers for on a platform.
SCOPES = {
    "all_content": _("The municipality answers for all content, other people's posts too"),
    "own_content": _("The municipality answers only for its own content"),
    "assess": _("Responsibility is assessed for the platform"),
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# The labels in Swedish as plain strings, whatever language is active: for code not yet
# moved to the lazy labels above (the inbox and triage, whose command line runs without
# Django and writes the labels into JSON). Prefer CATEGORY_LABELS and ACTION_LABELS.
CATEGORY_LABELS_SV = {key: swedish(label) for key, label in _CATEGORY_SOURCE.items()}
ACTION_LABELS_SV = {key: swedish(label) for key, label in _ACTION_SOURCE.items()}
