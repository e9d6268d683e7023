"""The channel lifecycle, written out as a table (tested transition by transition).

proposed → checklist_done → approved → active → closing → closed, and
proposed / checklist_done → rejected. Approval is one transition per step of the
policy's chain; the last step moves the channel to approved.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy as _

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

# Why a transition is refused, one whole sentence per transition; %(status)s is the
# channel's status in lower case ("active").
TRANSITION_REFUSALS = {
    "complete_checklist": _("The checklist cannot be marked as complete for a channel that is %(status)s."),
    "approve": _("A channel that is %(status)s cannot be approved."),
    "reject": _("A channel that is %(status)s cannot be rejected."),
    "activate": _("A channel that is %(status)s cannot be activated."),
    "start_closing": _("Closing cannot be started for a channel that is %(status)s."),
    "close": _("A channel that is %(status)s cannot be closed."),
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
    """A lifecycle step that is not allowed; the message is translated and shown as is."""


def target(status: str, transition: str) -> str:
    try:
        return TRANSITIONS[(status, transition)]
    except KeyError:
        label = Status(status).label.lower() if status in Status.values else status
        refusal = TRANSITION_REFUSALS.get(transition)
        if refusal is None:
            message = gettext("The step “%(transition)s” does not exist for a channel that is %(status)s.") % {"transition": transition, "status": label}
        else:
            message = refusal % {"status": label}
        raise TransitionError(message) from None


def allowed_transitions(status: str) -> list[str]:
    return [t for (s, t) in TRANSITIONS if s == status]
