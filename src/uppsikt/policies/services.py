"""Reading and copying policies. A municipality's own policy (in the database) wins over a preset."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from uppsikt.audit.events import log

from .loader import load_preset, preset_data, preset_names
from .models import MunicipalPolicy
from .schema import Policy, PolicyError, validate_policy


def policy_names() -> list[str]:
    return sorted(set(preset_names()) | set(MunicipalPolicy.objects.values_list("name", flat=True)))


def get_policy(name: str) -> Policy:
    own = MunicipalPolicy.objects.filter(name=name).first()
    if own is not None:
        return validate_policy(own.data)
    return load_preset(name)


@transaction.atomic
def copy_preset(preset: str, name: str, *, actor=None) -> MunicipalPolicy:
    """Copy a preset into an editable policy of the municipality's own."""
    if MunicipalPolicy.objects.filter(name=name).exists() or name in preset_names():
        raise PolicyError([_("the name '%(name)s' is already taken") % {"name": name}])
    data = preset_data(preset)
    data["name"] = name
    validate_policy(data)
    policy = MunicipalPolicy.objects.create(name=name, based_on=preset, data=data)
    log("policy_created", actor=actor, obj=policy, policy=name, source=preset)
    return policy


@transaction.atomic
def update_policy(policy: MunicipalPolicy, data: dict, *, actor=None) -> MunicipalPolicy:
    validated = validate_policy(data)
    if validated.name != policy.name:
        raise PolicyError([_("name: may not be changed (it is '%(name)s')") % {"name": policy.name}])
    MunicipalPolicy.objects.filter(pk=policy.pk).update(data=data)
    policy.refresh_from_db()
    log("policy_changed", actor=actor, obj=policy, policy=policy.name)
    return policy
