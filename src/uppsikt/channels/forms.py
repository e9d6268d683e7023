from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from uppsikt.accounts.models import Unit, User
from uppsikt.policies.vocabulary import PLATFORM_LABELS

from .models import Member


class ProposeForm(forms.Form):
    name = forms.CharField(label=_("The channel's name"), max_length=200)
    platform = forms.ChoiceField(label=_("Platform"), choices=list(PLATFORM_LABELS.items()))
    unit = forms.ModelChoiceField(label=_("Owning unit"), queryset=Unit.objects.all())
    policy_name = forms.ChoiceField(label=_("Guideline"))
    handle = forms.CharField(label=_("User name on the platform"), max_length=200, required=False)
    url = forms.URLField(label=_("Address of the channel"), required=False, assume_scheme="https")
    official_email = forms.EmailField(label=_("Official e-mail address"), required=False, help_text=_("The account must always be tied to an official e-mail address."))
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea, required=False)
    target_group = forms.CharField(label=_("Target group"), widget=forms.Textarea, required=False)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea, required=False)
    communication_plan = forms.CharField(label=_("Communication plan"), widget=forms.Textarea, required=False)

    def __init__(self, *args, policy_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_name"].choices = policy_choices


class DetailsForm(forms.Form):
    name = forms.CharField(label=_("The channel's name"), max_length=200)
    handle = forms.CharField(label=_("User name on the platform"), max_length=200, required=False)
    url = forms.URLField(label=_("Address of the channel"), required=False, assume_scheme="https")
    official_email = forms.EmailField(label=_("Official e-mail address"), required=False)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea, required=False)
    target_group = forms.CharField(label=_("Target group"), widget=forms.Textarea, required=False)
    goals = forms.CharField(label=_("Goals"), widget=forms.Textarea, required=False)
    communication_plan = forms.CharField(label=_("Communication plan"), widget=forms.Textarea, required=False)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"))
    role = forms.ChoiceField(label=_("Role in the channel"), choices=Member.Role.choices)
    authorised_speaker = forms.BooleanField(label=_("May speak for the municipality (you give the task as the manager)"), required=False)


class CustodyForm(forms.Form):
    holder = forms.ModelChoiceField(label=_("Holder"), queryset=User.objects.filter(is_active=True).order_by("first_name"))
    login_email = forms.EmailField(label=_("The log-in's e-mail address (official)"))
    deposited_with = forms.CharField(label=_("Deposited with"), max_length=200, help_text=_("For example the person responsible for information."))
    storage = forms.CharField(label=_("Kept in"), max_length=200, help_text=_("Where the details are kept, for example the municipality's password manager. Never write the password here."))
    last_rotated_on = forms.DateField(label=_("Password last changed"), widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class CloseForm(forms.Form):
    content_preserved = forms.BooleanField(label=_("The channel's content is preserved and registered"), required=False)
    comms_informed = forms.BooleanField(label=_("The communications unit is informed"), required=False)
