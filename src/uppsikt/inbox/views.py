"""Pages of the inbox. Views read; every change goes through inbox.services."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from uppsikt.channels.models import Channel
from uppsikt.policies.schema import PolicyError
from uppsikt.policies.vocabulary import CATEGORY_LABELS, SCOPES
from uppsikt.web.auth import staff_required

from .models import Item, ItemTriage, ItemVersion

PAGE_SIZE = 50


@staff_required  # logged in, and with the second factor where the municipality requires it
def channel_items(request, slug: str):
    """A channel's items, newest first, with record status and triage (INB-1, REC-1)."""
    channel = get_object_or_404(Channel, slug=slug)
    items = Item.objects.filter(channel=channel).select_related("current_version").order_by("-published_at", "-id")
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = list(page.object_list)
    latest: dict[int, ItemTriage] = {}
    for triage in ItemTriage.objects.filter(item_id__in=[item.pk for item in rows]).order_by("item_id", "created_at", "id"):
        latest[triage.item_id] = triage
    versions = {v.pk: v for v in ItemVersion.objects.filter(pk__in=[t.version_id for t in latest.values() if t.version_id])}
    for item in rows:
        triage = latest.get(item.pk)
        item.triage = triage
        item.category_labels = [CATEGORY_LABELS.get(c, c) for c in triage.categories] if triage else []
        item.explanations = _explanations(triage, versions.get(triage.version_id).text if triage and triage.version_id in versions else item.text)
    try:
        scope = SCOPES.get(channel.policy.scope.platforms.get(channel.platform, "assess"), "")
    except PolicyError:
        scope = ""  # a broken policy must not hide the records; the channel register shows the fault
    return render(request, "inbox/channel_items.html", {"channel": channel, "page": page, "rows": rows, "scope": scope})


def _explanations(triage: ItemTriage | None, text: str) -> list[str]:
    """Which words and which rule led to the assessment (MOD-6), one line each, for the
    text that was assessed. A stored reason that does not read as one is skipped."""
    from uppsikt.triage.explanations import explain

    lines = []
    for reason in triage.reasons if triage else ():
        try:
            start, end = (int(x) for x in reason["span"])
            lines.append(explain(str(reason["category"]), str(reason["rule"]), (start, end), text))
        except (KeyError, TypeError, ValueError):
            continue
    return lines
