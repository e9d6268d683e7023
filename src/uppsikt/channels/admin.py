from django.contrib import admin

from .models import Channel


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    """Read-only here: the register changes through its own pages, so every change is audited."""

    list_display = ("name", "platform", "unit", "status", "policy_name")
    list_filter = ("status", "platform", "policy_name")
    search_fields = ("name", "handle", "slug")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
