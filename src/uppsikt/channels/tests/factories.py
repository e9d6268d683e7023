"""Test factories for the channel register."""

from __future__ import annotations

from datetime import date, timedelta

from uppsikt.accounts import services as accounts
from uppsikt.accounts.models import COURSES, Unit
from uppsikt.channels import services
from uppsikt.policies.loader import preset_data
from uppsikt.policies.models import MunicipalPolicy


def unit(name="Kulturförvaltningen", **kw):
    kommun = Unit.objects.get_or_create(name="Testby kommun", defaults={"kind": Unit.Kind.KOMMUN, "website": "https://www.testby.se"})[0]
    return Unit.objects.get_or_create(name=name, defaults={"kind": Unit.Kind.FORVALTNING, "parent": kommun, **kw})[0]


def person(username, *, roles=(), unit_=None, trained=False):
    u = accounts.create_user(username, password="rätt-lösenord-123", first_name=username.title(), unit=unit_)
    for role in roles:
        accounts.grant_role(u, role, unit=unit_)
    if trained:
        for course in COURSES:
            accounts.record_training(u, course, date.today() - timedelta(days=10))
    return u


def two_step_policy(name="testby"):
    """A municipal policy with a two-step chain like Nyköping's: verksamhetschef, then kommunikatör."""
    data = preset_data("lilla-edet")
    data["name"] = name
    data["approval"]["chain"] = [
        {"role": "verksamhetschef", "label": "Verksamhetschef", "source": "NY §4: verksamhetschef och kommunikatör beslutar gemensamt."},
        {"role": "kommunikator", "label": "Kommunikatör", "source": "NY §4: verksamhetschef och kommunikatör beslutar gemensamt."},
    ]
    return MunicipalPolicy.objects.create(name=name, based_on="lilla-edet", data=data)


def proposed(policy="lilla-edet", unit_=None, **kw):
    return services.propose_channel(name=kw.pop("name", "Biblioteket"), platform=kw.pop("platform", "facebook"), policy_name=policy, unit=unit_ or unit(), actor=None, **kw)


def checklist_done(channel):
    for item in channel.startup_policy.checklist:
        services.set_checklist_item(channel, item.key, done=True, actor=None)
    return services.complete_checklist(channel, actor=None)
