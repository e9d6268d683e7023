from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission


class IsVerifiedStaff(BasePermission):
    """Logged in and, where two factors are required, verified with the second one."""

    message = _("Log-in with two-step verification is required.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return not settings.REQUIRE_2FA or (hasattr(user, "is_verified") and user.is_verified())
