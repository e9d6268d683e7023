"""Log-in with password and a one-time code (TOTP app or backup code), with lockout (django-axes)."""

from __future__ import annotations

import base64
import io
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, signals
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, gettext_lazy
from django_otp import devices_for_user, login as otp_login, match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from uppsikt.accounts.services import confirm_totp_device
from uppsikt.audit.events import log


class LoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(
        label=gettext_lazy("One-time code"),
        required=False,
        max_length=16,
        help_text=gettext_lazy("Six digits from your authenticator app, or a backup code. Leave it empty the first time, when you get to connect an app."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _safe_next(request) -> str:
    """Where to go after log-in: the ``next`` page if it is on this site, else the dashboard."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("web:dashboard")


def _has_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def login_view(request):
    if request.user.is_authenticated and (request.user.is_verified() or not settings.REQUIRE_2FA):
        return redirect("web:dashboard")
    form = LoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            log("login_failed", username=username)
            if getattr(request, "axes_locked_out", False):
                return render(request, "web/locked.html", status=429)
            error = _("Wrong user name, password or one-time code. Try again.")
        else:
            token = form.cleaned_data["otp_token"].strip().replace(" ", "")
            if _has_device(user):
                device = match_token(user, token) if token else None
                if device is None:
                    # A wrong code counts as a failed log-in, so the lockout applies to it too.
                    signals.user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
                    log("login_failed", username=username)
                    if getattr(request, "axes_locked_out", False):
                        return render(request, "web/locked.html", status=429)
                    error = _("Wrong user name, password or one-time code. Try again.")
                else:
                    login(request, user)
                    otp_login(request, device)
                    log("login_succeeded", actor=user)
                    return redirect(_safe_next(request))
            else:
                login(request, user)
                log("login_succeeded", actor=user)
                if settings.REQUIRE_2FA:
                    return redirect("web:otp_setup")
                return redirect(_safe_next(request))
    status = 200 if error is None else 400
    return render(request, "web/login.html", {"form": form, "error": error}, status=status)


@login_required
def otp_setup(request):
    """Connect an authenticator app: shows a QR code, confirms with the first code."""
    if _has_device(request.user) and request.user.is_verified():
        return redirect("web:dashboard")
    if _has_device(request.user):
        messages.info(request, _("You already have two-step verification. Log in with the one-time code."))
        return redirect("web:login")
    device = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False, defaults={"name": _("Authenticator app")})[0]
    error = None
    if request.method == "POST":
        token = request.POST.get("otp_token", "").strip().replace(" ", "")
        if confirm_totp_device(device, token):
            otp_login(request, device)
            messages.success(request, _("Two-step verification is turned on."))
            return redirect("web:dashboard")
        error = _("The code did not match. Check that the clock in your phone is right and try again.")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "web/otp_setup.html", {"qr": _qr_svg(device.config_url), "secret": secret, "error": error})


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue().decode()


def staff_required(view):
    """Logged in and, where 2FA is required, verified with a second factor."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('web:login')}?next={request.path}")
        if settings.REQUIRE_2FA and not request.user.is_verified():
            if _has_device(request.user):
                return redirect(f"{reverse('web:login')}?next={request.path}")
            return redirect("web:otp_setup")
        return view(request, *args, **kwargs)

    return wrapper
