from django.conf import settings
from rest_framework.permissions import BasePermission


class IsVerifiedStaff(BasePermission):
    """Logged in and, where two factors are required, verified with the second one."""

    message = "Inloggning med tvåstegsverifiering krävs."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return not settings.REQUIRE_2FA or (hasattr(user, "is_verified") and user.is_verified())
