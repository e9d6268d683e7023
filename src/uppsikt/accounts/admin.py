from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Absence, RoleGrant, Training, Unit, User


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "email")
    list_filter = ("kind",)
    search_fields = ("name",)


class TrainingInline(admin.TabularInline):
    model = Training
    fk_name = "user"
    extra = 0
    fields = ("course", "completed_on", "valid_until")


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0


class GrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    fields = ("role", "unit", "channel", "granted_at", "revoked_at")
    readonly_fields = ("granted_at",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Uppsikt", {"fields": ("title", "unit", "phone", "left_at")}),)
    list_display = ("username", "first_name", "last_name", "title", "unit", "is_active")
    list_filter = ("unit", "is_active")
    inlines = [GrantInline, TrainingInline, AbsenceInline]
