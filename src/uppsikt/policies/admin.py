"""Admin for the municipality's own policies: copy a preset, then edit it as YAML.

Every save goes through ``services.copy_preset`` or ``services.update_policy``, which
validate the policy and log an audit event; the admin never writes the row itself.
"""

from __future__ import annotations

import yaml
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy as _, ngettext

from . import services
from .commands import parse_policy_text
from .loader import load_preset, preset_names
from .models import MunicipalPolicy
from .schema import SLUG, PolicyError, validate_policy


def policy_yaml(data) -> str:
    """Stored policy data as YAML for editing, in the schema's order."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def _problems_as_error(problems: list[str]) -> ValidationError:
    return ValidationError([ValidationError(line, code="policy") for line in problems])


def _preset_choices() -> list[tuple[str, str]]:
    choices = []
    for name in preset_names():
        try:
            choices.append((name, f"{name} – {load_preset(name).title}"))
        except PolicyError:
            continue  # a broken preset cannot be copied; `uppsikt policy check` names the problem
    return choices


class CopyPresetForm(forms.ModelForm):
    """Add form: a new policy is always a copy of a preset (GOV-3, invariant 6)."""

    preset = forms.ChoiceField(label=_("Preset to start from"), choices=_preset_choices, help_text=_("The policy starts as a copy of the preset and can then be changed."))
    name = forms.RegexField(
        label=_("Name of the new policy"),
        regex=SLUG,
        help_text=_("Lower-case letters a–z, digits and hyphens, e.g. “vara-riktlinjer”."),
        error_messages={"invalid": _("Use lower-case letters a–z, digits and hyphens (2–63 characters).")},
    )

    class Meta:
        model = MunicipalPolicy
        fields = ("preset", "name")

    def clean_name(self):
        name = self.cleaned_data["name"]
        if name in preset_names() or MunicipalPolicy.objects.filter(name=name).exists():
            raise ValidationError(gettext("The name “%(name)s” is already taken.") % {"name": name}, code="taken")
        return name


class PolicyYamlForm(forms.ModelForm):
    """Change form: the whole policy as YAML, validated against the schema on save."""

    yaml_text = forms.CharField(
        label=_("The policy (YAML)"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 40, "cols": 110, "spellcheck": "false", "style": "font-family: monospace; width: 100%;"}),
        help_text=_(
            "Every rule has a source that quotes the guideline. Times are written in quotation marks, e.g. \"08:00\". "
            "Categories the guideline does not prohibit must not be hidden (freedom of expression)."
        ),
    )

    class Meta:
        model = MunicipalPolicy
        fields = ("yaml_text",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.policy_data: dict | None = None
        if self.instance.pk is not None and not self.is_bound:
            self.initial["yaml_text"] = policy_yaml(self.instance.data)

    def clean_yaml_text(self):
        text = self.cleaned_data["yaml_text"]
        try:
            policy = validate_policy(parse_policy_text(text, "YAML"))
        except PolicyError as exc:
            raise _problems_as_error(exc.problems) from None
        if policy.name != self.instance.name:
            raise ValidationError(gettext("name: may not be changed (it is “%(name)s”)") % {"name": self.instance.name}, code="policy")
        self.policy_data = policy.model_dump(mode="json")
        return text


@admin.register(MunicipalPolicy)
class MunicipalPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "title", "based_on", "valid", "updated_at")
    search_fields = ("name", "based_on")
    ordering = ("name",)
    actions = ("check_against_schema",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = PolicyYamlForm if obj is not None else CopyPresetForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ("preset", "name")})]
        return [
            (None, {"fields": ("name", "based_on", "created_at", "updated_at")}),
            (_("Content"), {"fields": ("yaml_text",)}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("name", "based_on", "created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        # Channels name their policy; there is no audited service for deleting one.
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.update_policy(obj, form.policy_data, actor=request.user)
            return
        created = services.copy_preset(form.cleaned_data["preset"], form.cleaned_data["name"], actor=request.user)
        # Hand the stored row back to the admin (for its log entry and redirect).
        for field in MunicipalPolicy._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False
        obj._state.db = created._state.db

    @admin.display(description=_("title"))
    def title(self, obj):
        return obj.data.get("title", "") if isinstance(obj.data, dict) else ""

    @admin.display(description=_("valid"), boolean=True)
    def valid(self, obj):
        try:
            validate_policy(obj.data)
        except PolicyError:
            return False
        return True

    @admin.action(description=_("Check the selected policies against the schema"))
    def check_against_schema(self, request, queryset):
        for policy in queryset:
            try:
                validate_policy(policy.data)
            except PolicyError as exc:
                message = ngettext("%(policy)s: %(count)d error – %(first)s", "%(policy)s: %(count)d errors – %(first)s", len(exc.problems)) % {
                    "policy": policy.name,
                    "count": len(exc.problems),
                    "first": exc.problems[0],
                }
                self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, gettext("%(policy)s: valid") % {"policy": policy.name}, messages.SUCCESS)
