"""The channel lifecycle, written out as a table (tested transition by transition).

proposed → checklist_done → approved → active → closing → closed, and
proposed / checklist_done → rejected. Approval is one transition per step of the
policy's chain; the last step moves the channel to approved.
"""

from __future__ import annotations

from .models import Status

# (from status, transition) -> to status
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.PROPOSED, "complete_checklist"): Status.CHECKLIST_DONE,
    (Status.CHECKLIST_DONE, "approve"): Status.APPROVED,
    (Status.PROPOSED, "reject"): Status.REJECTED,
    (Status.CHECKLIST_DONE, "reject"): Status.REJECTED,
    (Status.APPROVED, "activate"): Status.ACTIVE,
    (Status.ACTIVE, "start_closing"): Status.CLOSING,
    (Status.CLOSING, "close"): Status.CLOSED,
}

TRANSITION_LABELS = {
    "complete_checklist": "markera checklistan som klar",
    "approve": "godkänna",
    "reject": "avslå",
    "activate": "aktivera",
    "start_closing": "påbörja avslut",
    "close": "stänga",
}

# Who may carry out a transition (approval is decided by the policy's chain instead).
TRANSITION_ROLES: dict[str, set[str]] = {
    "complete_checklist": {"social_media_lead", "webbstrateg", "kommunikator", "redaktor", "verksamhetschef", "forvaltningschef", "informationssekreterare"},
    "reject": set(),  # anyone in the approval chain
    "activate": {"social_media_lead", "webbstrateg", "kommunikator", "verksamhetschef", "informationssekreterare"},
    "start_closing": {"social_media_lead", "webbstrateg", "verksamhetschef", "forvaltningschef", "informationssekreterare"},
    "close": {"social_media_lead", "webbstrateg", "verksamhetschef", "forvaltningschef", "informationssekreterare"},
}


class TransitionError(Exception):
    """A lifecycle step that is not allowed; the message is Swedish and shown as is."""


def target(status: str, transition: str) -> str:
    try:
        return TRANSITIONS[(status, transition)]
    except KeyError:
        label = Status(status).label.lower() if status in Status.values else status
        raise TransitionError(
            f"Det går inte att {TRANSITION_LABELS.get(transition, transition)} en kanal som är {label}."
        ) from None


def allowed_transitions(status: str) -> list[str]:
    return [t for (s, t) in TRANSITIONS if s == status]
