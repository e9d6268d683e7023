"""Fixed words a policy is written in: triage categories, moderation actions, roles.

The policy chooses among these; what each action *does* is code, so it lives here.
"""

from __future__ import annotations

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

CATEGORY_LABELS_SV = {
    "question": "Enkel fråga",
    "trivial": "Anspråkslöst inlägg",
    "case_matter": "Betydelse i ett ärende",
    "distress": "Nöddrop (suicid, självskada)",
    "threat": "Hot",
    "hate": "Hets mot folkgrupp, sexism, trakasserier",
    "defamation": "Förtal, personangrepp",
    "violence_porn": "Olaga våldsskildring, pornografi",
    "crime": "Uppmaning till brott",
    "copyright": "Upphovsrättsintrång",
    "commercial": "Reklam, kommersiellt budskap",
    "party_political": "Partipolitiskt budskap",
    "profanity": "Svordomar, oanständigt språk",
    "personal_data": "Kränkande personuppgifter",
    "confidential": "Sekretess, enskilt personärende",
}

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

ACTION_LABELS_SV = {
    "no_action": "Ingen åtgärd",
    "answer": "Svara",
    "answer_register": "Svara och för över till diariet",
    "hide_preserve_register": "Dölj, spara och diarieför",
    "hide_preserve_notify_register": "Dölj, spara, berätta för avsändaren varför, diarieför",
    "hide_preserve_notify_police_register": "Dölj, spara, berätta varför, polisanmäl, diarieför",
    "hide_preserve_refer_register": "Dölj genast, spara, hänvisa till annan kontaktväg, diarieför",
    "hide_preserve_police_register": "Dölj genast, spara, larma jourhavande, kontakta polisen, diarieför",
    "remove_not_kept": "Ta bort utan att spara (reklam)",
}

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
    "social_media_lead": "Kommunikationsenheten / ansvarig för sociala medier",
    "webbstrateg": "Webbstrateg",
    "kommunikator": "Kommunikatör",
    "redaktor": "Redaktör",
    "verksamhetschef": "Verksamhetschef",
    "forvaltningschef": "Förvaltningschef eller VD",
    "informationssekreterare": "Informationssekreterare / informationsansvarig",
    "registrator": "Registrator",
    "dataskyddsombud": "Dataskyddsombud",
    "ansvarig_utgivare": "Ansvarig utgivare",
}

# Courses an editor can complete (GOV-10); a policy's staffing.required_training picks
# among them. accounts.models imports this list; it lives here so the schema validates without Django.
COURSES = {
    "tool": "Verktyget (Uppsikt)",
    "writing": "Skriva för sociala medier",
    "publishing": "Publicering och bilder",
    "monitoring": "Bevakning och svarstider",
    "moderation": "Olämpliga inlägg och moderering",
    "gdpr": "Dataskyddsförordningen (GDPR)",
    "osl": "Offentlighets- och sekretesslagen (OSL)",
    "records": "Allmänna handlingar, diarieföring och gallring",
}

PLATFORMS = ("facebook", "instagram", "x", "youtube", "linkedin", "mastodon", "sandbox")
PLATFORM_LABELS = {
    "facebook": "Facebook",
    "instagram": "Instagram",
    "x": "X (Twitter)",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "sandbox": "Övningskanal (sandlåda)",
}

# GOV-11: what the municipality answers for on a platform.
SCOPES = {
    "all_content": "Kommunen ansvarar för allt innehåll, även andras inlägg",
    "own_content": "Kommunen ansvarar bara för sitt eget innehåll",
    "assess": "Ansvaret bedöms för plattformen",
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
