"""Administration of units and people. Changes go through the accounts services (audited);
roles, training and absences are shown here but changed on the people pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from . import services
from .models import Absence, RoleGrant, Training, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "email")
    list_filter = ("kind",)
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        try:
            services.save_unit(obj, actor=request.user)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TrainingInline(ReadOnlyInline):
    model = Training
    fk_name = "user"
    fields = ("course", "completed_on", "valid_until")


class AbsenceInline(ReadOnlyInline):
    model = Absence
    fields = ("start", "end")


class GrantInline(ReadOnlyInline):
    model = RoleGrant
    fk_name = "user"
    fields = ("role", "unit", "channel", "granted_at", "revoked_at")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Uppsikt", {"fields": ("title", "unit", "phone")}),)
    readonly_fields = ("left_at", "last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "title", "unit", "is_active", "left_at")
    list_filter = ("unit", "is_active")
    inlines = [GrantInline, TrainingInline, AbsenceInline]

    def save_model(self, request, obj, form, change):
        services.save_user_details(obj, fields=list(form.changed_data), actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False
