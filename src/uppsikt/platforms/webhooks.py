"""The Meta webhook receiver (Facebook Pages and Instagram): ``/webhooks/meta/``.

``GET`` answers Meta's subscription handshake; ``POST`` carries changes, signed with the
app secret in ``X-Hub-Signature-256``. The view only checks the HTTP shape; checking the
signature and storing the items is ``services.receive_meta_webhook`` (invariant 3).
This is the one view exempt from CSRF: Meta cannot send a CSRF token, the signature
takes its place.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services


@csrf_exempt
@require_http_methods(["GET", "POST"])
def meta_webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        try:
            challenge = services.verify_meta_subscription(
                request.GET.get("hub.mode"), request.GET.get("hub.verify_token"), request.GET.get("hub.challenge")
            )
        except services.WebhookRejected as exc:
            return HttpResponse(exc.reason, status=exc.status, content_type="text/plain; charset=utf-8")
        return HttpResponse(challenge, content_type="text/plain; charset=utf-8")
    try:
        result = services.receive_meta_webhook(request.body, request.headers.get("X-Hub-Signature-256"))
    except services.WebhookRejected as exc:
        return JsonResponse({"fel": exc.reason}, status=exc.status, json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"mottagna": result.read, "nya": result.created, "ändrade": result.updated}, json_dumps_params={"ensure_ascii": False})
