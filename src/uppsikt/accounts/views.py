"""People: who they are, their roles, training (GOV-10) and absences (GOV-4)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from uppsikt.policies.vocabulary import ROLES
from uppsikt.web.auth import staff_required

from . import services
from .models import COURSES, User

TRAINERS = {"social_media_lead", "webbstrateg", "verksamhetschef", "forvaltningschef", "informationssekreterare"}


class TrainingForm(forms.Form):
    course = forms.ChoiceField(label="Kurs", choices=list(COURSES.items()))
    completed_on = forms.DateField(label="Genomförd", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label="Giltig till (frivilligt)", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AbsenceForm(forms.Form):
    start = forms.DateField(label="Från", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Till", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Orsak (frivilligt)", required=False, max_length=100)


def _may_train(actor, person) -> bool:
    if actor.is_superuser:
        return True
    return bool(TRAINERS & services.roles_of(actor, unit=person.unit)) if person.unit else False


@staff_required
def people(request):
    rows = User.objects.filter(is_active=True).select_related("unit").prefetch_related("grants__role", "trainings", "absences").order_by("first_name", "last_name")
    return render(request, "accounts/people.html", {"rows": [{"user": u, "courses": services.valid_courses(u), "absent": services.is_absent(u)} for u in rows], "course_count": len(COURSES)})


@staff_required
def person(request, username):
    user = get_object_or_404(User.objects.select_related("unit"), username=username)
    grants = user.grants.filter(revoked_at__isnull=True).select_related("role", "unit", "channel")
    return render(
        request,
        "accounts/person.html",
        {
            "person": user,
            "grants": [{"role": ROLES.get(g.role.name, g.role.name), "scope": g.scope_label} for g in grants],
            "trainings": user.trainings.all(),
            "absences": user.absences.all(),
            "courses": COURSES,
            "valid": services.valid_courses(user),
            "may_train": _may_train(request.user, user),
            "may_absence": request.user == user or _may_train(request.user, user),
            "training_form": TrainingForm(),
            "absence_form": AbsenceForm(),
        },
    )


@staff_required
@require_POST
def add_training(request, username):
    user = get_object_or_404(User, username=username)
    if not _may_train(request.user, user):
        messages.error(request, "Du saknar behörighet att registrera utbildning för den här personen.")
        return redirect("accounts:person", username=username)
    form = TrainingForm(request.POST)
    if form.is_valid():
        services.record_training(user, form.cleaned_data["course"], form.cleaned_data["completed_on"], valid_until=form.cleaned_data["valid_until"], actor=request.user)
        messages.success(request, "Utbildningen är registrerad.")
    else:
        messages.error(request, "Kontrollera kurs och datum.")
    return redirect("accounts:person", username=username)


@staff_required
@require_POST
def add_absence(request, username):
    user = get_object_or_404(User, username=username)
    if request.user != user and not _may_train(request.user, user):
        messages.error(request, "Du kan bara registrera din egen frånvaro.")
        return redirect("accounts:person", username=username)
    form = AbsenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange från- och tilldatum.")
    else:
        try:
            services.record_absence(user, form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["reason"], actor=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Frånvaron är registrerad. Kanaler som blir obevakade visas på översikten.")
    return redirect("accounts:person", username=username)
