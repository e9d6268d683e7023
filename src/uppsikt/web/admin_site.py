"""The admin needs the same two factors as the rest of the app; its log-in is ours."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite


class UppsiktAdminSite(OTPAdminSite if settings.REQUIRE_2FA else AdminSite):
    site_header = _("Uppsikt – administration")
    site_title = "Uppsikt"

    def login(self, request, extra_context=None):
        return redirect(f"{reverse('web:login')}?next={reverse('admin:index')}")
