"""Pages of the channel register. Every change calls a service function; views only translate."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from uppsikt.accounts.services import roles_of
from uppsikt.audit.events import history_for
from uppsikt.policies.services import policy_names
from uppsikt.policies.vocabulary import ACTION_LABELS, CATEGORY_LABELS, ROLES, SCOPES
from uppsikt.web.auth import staff_required

from . import services
from .forms import CloseForm, CustodyForm, DetailsForm, MemberForm, ProposeForm, ReasonForm
from .lifecycle import TransitionError
from .models import Channel, CredentialCustody, Member, Status


def _policy_choices():
    from uppsikt.policies.services import get_policy

    choices = []
    for name in policy_names():
        try:
            choices.append((name, get_policy(name).title))
        except Exception:  # a broken municipal policy is listed by name; choosing it gives the error
            choices.append((name, name))
    return choices


@staff_required
def register(request):
    status = request.GET.get("status", "")
    channels = Channel.objects.select_related("unit").order_by("name")
    if status in Status.values:
        channels = channels.filter(status=status)
    return render(request, "channels/register.html", {"channels": channels, "statuses": Status.choices, "current": status})


@staff_required
def propose(request):
    form = ProposeForm(request.POST or None, policy_choices=_policy_choices())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            channel = services.propose_channel(
                name=data.pop("name"), platform=data.pop("platform"), policy_name=data.pop("policy_name"), unit=data.pop("unit"), actor=request.user, **data
            )
        except TransitionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The channel %(name)s is proposed. Fill in the checklist.") % {"name": channel.name})
            return redirect("channels:detail", slug=channel.slug)
    return render(request, "channels/propose.html", {"form": form}, status=400 if form.errors else 200)


@staff_required
def detail(request, slug):
    channel = get_object_or_404(Channel.objects.select_related("unit"), slug=slug)
    policy = channel.policy
    startup = channel.startup_policy
    answers = {a.key: a for a in channel.checklist.all()}
    checks = {p.key: p for p in channel.profile_checks.all()}
    approvals = {a.step: a for a in channel.approvals.select_related("approver")}
    chain = [{"index": i, "step": s, "approval": approvals.get(i)} for i, s in enumerate(startup.approval.chain)]
    nxt = services.next_approval_step(channel) if channel.status == Status.CHECKLIST_DONE else None
    context = {
        "channel": channel,
        "policy": policy,
        "checklist": [{"item": item, "answer": answers.get(item.key)} for item in startup.checklist],
        "checklist_done": sum(1 for a in answers.values() if a.done),
        "profile": [{"item": item, "check": checks.get(item.key)} for item in startup.profile],
        "chain": chain,
        "next_step": nxt,
        "my_roles": roles_of(request.user, channel=channel),
        "members": services.active_members(channel),
        "trained_ids": {m.pk for m in services.trained_members(channel)},
        "staffing": services.staffing_report(channel),
        "custody": services.current_custody(channel),
        "custody_warnings": services.custody_warnings(channel),
        "profile_text": services.suggested_profile_text(channel, settings.UPPSIKT_MUNICIPALITY),
        "scope": SCOPES[policy.scope.platforms[channel.platform]],
        "history": history_for(channel).select_related("actor"),
        "status_changes": channel.status_changes.select_related("actor"),
        "member_form": MemberForm(),
        "custody_form": CustodyForm(),
        "reason_form": ReasonForm(),
        "close_form": CloseForm(),
        "today": timezone.localdate(),
        "details_form": DetailsForm(initial={f: getattr(channel, f) for f in services.EDITABLE_FIELDS}),
        "roles": ROLES,
        "categories": [(CATEGORY_LABELS[k], r, ACTION_LABELS[r.action]) for k, r in policy.moderation.categories.items()],
    }
    return render(request, "channels/detail.html", context)


def _form_problems(form) -> str:
    """A form's errors on one line: "Label: error; Label: error"."""
    return "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())


def _act(request, slug, fn, success: str, anchor: str = ""):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    channel = get_object_or_404(Channel, slug=slug)
    try:
        fn(channel)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect(reverse("channels:detail", args=[channel.slug]) + anchor)


@staff_required
@require_POST
def checklist(request, slug):
    def do(channel):
        answers = {
            item.key: (request.POST.get(f"done_{item.key}") == "on", request.POST.get(f"answer_{item.key}", ""))
            for item in channel.startup_policy.checklist
        }
        services.save_checklist(channel, answers, actor=request.user)

    return _act(request, slug, do, _("The checklist is saved."), "#checklista")


@staff_required
def complete_checklist(request, slug):
    return _act(request, slug, lambda c: services.complete_checklist(c, actor=request.user), _("The checklist is complete and the channel is waiting for approval."))


@staff_required
def approve(request, slug):
    return _act(request, slug, lambda c: services.approve(c, actor=request.user, comment=request.POST.get("comment", "")), _("Your approval is recorded."), "#godkannande")


@staff_required
def reject(request, slug):
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    return _act(request, slug, lambda c: services.reject(c, actor=request.user, reason=reason), _("The channel is rejected."))


@staff_required
def activate(request, slug):
    return _act(request, slug, lambda c: services.activate(c, actor=request.user), _("The channel is active and shown in the public register."))


@staff_required
def start_closing(request, slug):
    return _act(request, slug, lambda c: services.start_closing(c, actor=request.user, reason=request.POST.get("reason", "")), _("Closing has begun. Preserve the content before the channel is closed."))


@staff_required
def close(request, slug):
    def do(channel):
        services.close(channel, actor=request.user, content_preserved=request.POST.get("content_preserved") == "on", comms_informed=request.POST.get("comms_informed") == "on")

    return _act(request, slug, do, _("The channel is closed."))


@staff_required
def update(request, slug):
    def do(channel):
        form = DetailsForm(request.POST)
        if not form.is_valid():
            raise TransitionError(_("Check the details: %(problems)s") % {"problems": _form_problems(form)})
        services.update_details(channel, actor=request.user, **form.cleaned_data)

    return _act(request, slug, do, _("The details are saved."), "#uppgifter")


@staff_required
def add_member(request, slug):
    def do(channel):
        form = MemberForm(request.POST)
        if not form.is_valid():
            raise TransitionError(_("Choose a person and a role."))
        d = form.cleaned_data
        services.add_member(channel, d["user"], role=d["role"], authorised_speaker=d["authorised_speaker"], actor=request.user)

    return _act(request, slug, do, _("The person now runs the channel."), "#bemanning")


@staff_required
def remove_member(request, slug, member_id):
    def do(channel):
        member = get_object_or_404(Member, pk=member_id, channel=channel)
        services.remove_member(member, actor=request.user)

    return _act(request, slug, do, _("The person no longer runs the channel."), "#bemanning")


@staff_required
def add_custody(request, slug):
    def do(channel):
        form = CustodyForm(request.POST)
        if not form.is_valid():
            raise TransitionError(_("Check the details of the log-in: %(problems)s") % {"problems": _form_problems(form)})
        services.record_custody(channel, actor=request.user, **form.cleaned_data)

    return _act(request, slug, do, _("Where the log-in is kept is recorded."), "#inloggning")


@staff_required
def rotate_custody(request, slug, custody_id):
    def do(channel):
        from datetime import date

        custody = get_object_or_404(CredentialCustody, pk=custody_id, channel=channel)
        try:
            rotated_on = date.fromisoformat(request.POST.get("rotated_on", ""))
        except ValueError:
            raise TransitionError(_("Give the date of the password change (YYYY-MM-DD).")) from None
        services.record_rotation(custody, rotated_on=rotated_on, actor=request.user)

    return _act(request, slug, do, _("The password change is recorded."), "#inloggning")


@staff_required
def task_speaker(request, slug, member_id):
    def do(channel):
        member = get_object_or_404(Member, pk=member_id, channel=channel)
        services.task_speaker(member, actor=request.user)

    return _act(request, slug, do, _("The task of speaking for the municipality is recorded."), "#bemanning")


@staff_required
def profile(request, slug):
    def do(channel):
        done = {item.key for item in channel.startup_policy.profile if request.POST.get(f"profile_{item.key}") == "on"}
        services.save_profile(channel, done, actor=request.user)

    return _act(request, slug, do, _("The profile check is saved."), "#profil")


# --- public (GOV-7) -------------------------------------------------------------------

def _public_rows():
    rows = []
    for c in Channel.objects.filter(status=Status.ACTIVE).select_related("unit").order_by("unit__name", "name"):
        rows.append(
            {
                "name": c.name,
                "platform": c.platform,
                "platform_label": c.platform_label,
                "url": c.url,
                "handle": c.handle,
                "unit": c.unit.name if c.unit else settings.UPPSIKT_MUNICIPALITY,
                "active_since": timezone.localdate(c.activated_at).isoformat() if c.activated_at else None,
            }
        )
    return rows


def public_list(request):
    return render(request, "channels/public_list.html", {"rows": _public_rows()})


def public_list_json(request):
    response = JsonResponse({"municipality": settings.UPPSIKT_MUNICIPALITY, "channels": _public_rows()}, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


