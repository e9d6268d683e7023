from __future__ import annotations

from django import forms

from uppsikt.accounts.models import Unit, User
from uppsikt.policies.vocabulary import PLATFORM_LABELS

from .models import Member


class ProposeForm(forms.Form):
    name = forms.CharField(label="Kanalens namn", max_length=200)
    platform = forms.ChoiceField(label="Plattform", choices=list(PLATFORM_LABELS.items()))
    unit = forms.ModelChoiceField(label="Ägande enhet", queryset=Unit.objects.all())
    policy_name = forms.ChoiceField(label="Riktlinje")
    handle = forms.CharField(label="Användarnamn på plattformen", max_length=200, required=False)
    url = forms.URLField(label="Adress till kanalen", required=False, assume_scheme="https")
    official_email = forms.EmailField(label="Officiell e-postadress", required=False, help_text="Kontot ska alltid kopplas till en officiell e-postadress.")
    purpose = forms.CharField(label="Syfte", widget=forms.Textarea, required=False)
    target_group = forms.CharField(label="Målgrupp", widget=forms.Textarea, required=False)
    goals = forms.CharField(label="Mål", widget=forms.Textarea, required=False)
    communication_plan = forms.CharField(label="Kommunikationsplan", widget=forms.Textarea, required=False)

    def __init__(self, *args, policy_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_name"].choices = policy_choices


class DetailsForm(forms.Form):
    name = forms.CharField(label="Kanalens namn", max_length=200)
    handle = forms.CharField(label="Användarnamn på plattformen", max_length=200, required=False)
    url = forms.URLField(label="Adress till kanalen", required=False, assume_scheme="https")
    official_email = forms.EmailField(label="Officiell e-postadress", required=False)
    purpose = forms.CharField(label="Syfte", widget=forms.Textarea, required=False)
    target_group = forms.CharField(label="Målgrupp", widget=forms.Textarea, required=False)
    goals = forms.CharField(label="Mål", widget=forms.Textarea, required=False)
    communication_plan = forms.CharField(label="Kommunikationsplan", widget=forms.Textarea, required=False)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label="Person", queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"))
    role = forms.ChoiceField(label="Roll i kanalen", choices=Member.Role.choices)
    authorised_speaker = forms.BooleanField(label="Får uttala sig för kommunen (uppdraget ges av dig som chef)", required=False)


class CustodyForm(forms.Form):
    holder = forms.ModelChoiceField(label="Innehavare", queryset=User.objects.filter(is_active=True).order_by("first_name"))
    login_email = forms.EmailField(label="Inloggningens e-postadress (officiell)")
    deposited_with = forms.CharField(label="Deponerad hos", max_length=200, help_text="Till exempel informationsansvarig.")
    storage = forms.CharField(label="Förvaras i", max_length=200, help_text="Var uppgifterna förvaras, till exempel kommunens lösenordshanterare. Skriv aldrig lösenordet här.")
    last_rotated_on = forms.DateField(label="Lösenordet senast bytt", widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Motivering", widget=forms.Textarea)


class CloseForm(forms.Form):
    content_preserved = forms.BooleanField(label="Kanalens innehåll är bevarat och registrerat", required=False)
    comms_informed = forms.BooleanField(label="Kommunikationsenheten är informerad", required=False)
