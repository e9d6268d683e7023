from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from uppsikt.accounts.services import roles_of
from uppsikt.channels import services as channel_services
from uppsikt.channels.models import Channel, Status

from .auth import staff_required


@require_POST
def logout_view(request):
    logout(request)
    return redirect("web:login")


@staff_required
def dashboard(request):
    """What needs the user's attention: approvals waiting for them, and channels at risk (GOV-4, GOV-5)."""
    user = request.user
    waiting = []
    for channel in Channel.objects.filter(status=Status.CHECKLIST_DONE).select_related("unit"):
        nxt = channel_services.next_approval_step(channel)
        if nxt and (nxt[1].role in roles_of(user, channel=channel)):
            waiting.append({"channel": channel, "step": nxt[1]})
    mine = Channel.objects.filter(members__user=user, members__removed_at__isnull=True).distinct()
    watched = Channel.objects.filter(status__in=[Status.ACTIVE, Status.APPROVED]).select_related("unit")
    at_risk = []
    for channel in watched:
        warnings = channel_services.staffing_report(channel).warnings + channel_services.custody_warnings(channel)
        if warnings:
            at_risk.append({"channel": channel, "warnings": warnings})
    counts = {label: Channel.objects.filter(status=value).count() for value, label in Status.choices}
    return render(request, "web/dashboard.html", {"waiting": waiting, "mine": mine, "at_risk": at_risk, "counts": counts})
