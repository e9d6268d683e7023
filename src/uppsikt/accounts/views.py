"""People: who they are, their roles, training (GOV-10) and absences (GOV-4). Changes go through services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from uppsikt.policies.vocabulary import ROLES
from uppsikt.web.auth import staff_required

from . import services
from .models import COURSES, RoleGrant, Unit, User


class TrainingForm(forms.Form):
    course = forms.ChoiceField(label=gettext_lazy("Course"), choices=list(COURSES.items()))
    completed_on = forms.DateField(label=gettext_lazy("Completed on"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=gettext_lazy("Valid until (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AbsenceForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=gettext_lazy("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("Reason (optional, seen only by you and your manager)"), required=False, max_length=100)


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=list(ROLES.items()))
    unit = forms.ModelChoiceField(label=gettext_lazy("Applies to the unit (and the units below it)"), queryset=Unit.objects.all())


class LeftForm(forms.Form):
    left_on = forms.DateField(label=gettext_lazy("Last day of employment"), widget=forms.DateInput(attrs={"type": "date"}))


@staff_required
def people(request):
    rows = User.objects.filter(is_active=True).select_related("unit").prefetch_related("trainings", "absences").order_by("first_name", "last_name")
    return render(request, "accounts/people.html", {"rows": [{"user": u, "courses": services.valid_courses(u), "absent": services.is_absent(u)} for u in rows], "course_count": len(COURSES)})


@staff_required
def person(request, username):
    user = get_object_or_404(User.objects.select_related("unit"), username=username)
    grants = user.grants.filter(revoked_at__isnull=True).select_related("role", "unit", "channel")
    manages = services.may_manage(request.user, user)
    return render(
        request,
        "accounts/person.html",
        {
            "person": user,
            "grants": [{"id": g.pk, "role": ROLES.get(g.role.name, g.role.name), "scope": g.scope_label} for g in grants],
            "courses": COURSES,
            "valid": services.valid_courses(user),
            "absences": user.absences.all(),
            "manages": manages,
            "sees_reasons": manages or request.user == user,
            "may_absence": manages or request.user == user,
            "training_form": TrainingForm(),
            "absence_form": AbsenceForm(),
            "grant_form": GrantForm(),
            "left_form": LeftForm(initial={"left_on": timezone.localdate()}),
        },
    )


def _change(request, username, form_class, do, success):
    user = get_object_or_404(User, username=username)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        problems = "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
        messages.error(request, _("Check the details: %(problems)s") % {"problems": problems})
    else:
        try:
            result = do(user, form.cleaned_data if form is not None else None)
        except ValueError as exc:  # NotAllowed is a ValueError too
            messages.error(request, str(exc))
        else:
            messages.success(request, success(result) if callable(success) else success)
    return redirect("accounts:person", username=username)


@staff_required
@require_POST
def add_training(request, username):
    return _change(request, username, TrainingForm, lambda u, d: services.record_training(u, d["course"], d["completed_on"], valid_until=d["valid_until"], actor=request.user), _("The training is recorded."))


@staff_required
@require_POST
def add_absence(request, username):
    return _change(request, username, AbsenceForm, lambda u, d: services.record_absence(u, d["start"], d["end"], d["reason"], actor=request.user), _("The absence is recorded. Channels left unwatched are shown on the overview."))


@staff_required
@require_POST
def add_grant(request, username):
    return _change(request, username, GrantForm, lambda u, d: services.grant_role(u, d["role"], unit=d["unit"], actor=request.user), _("The role is granted."))


@staff_required
@require_POST
def revoke_grant(request, username, grant_id):
    def do(user, _):
        grant = get_object_or_404(RoleGrant, pk=grant_id, user=user)
        services.revoke_role(grant, actor=request.user)

    return _change(request, username, None, do, _("The role is removed."))


@staff_required
@require_POST
def mark_left(request, username):
    def success(channels):
        if channels:
            return _("The person is marked as having left. Change the password for: %(channels)s.") % {"channels": ", ".join(c.name for c in channels)}
        return _("The person is marked as having left.")

    return _change(request, username, LeftForm, lambda u, d: services.mark_left(u, d["left_on"], actor=request.user), success)
