"""A believable demo municipality: units, people with roles and training, channels in every state.

The names of people, units and channels are Swedish data, not interface text; the log-in
instructions printed at the end are interface text and translated.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from uppsikt.accounts import services as accounts
from uppsikt.accounts.models import COURSES, Unit, User
from uppsikt.channels import services as channels
from uppsikt.policies.loader import preset_names

DEMO_PASSWORD = "uppsikt-demo-2026"
MUNICIPALITY = "Exempelby kommun"

PEOPLE = [
    # username, first, last, title, unit key, roles (role, unit key)
    ("kristina", "Kristina", "Sandberg", "Kommundirektör", "ks", [("forvaltningschef", "kommun"), ("ansvarig_utgivare", "kommun")]),
    ("karin", "Karin", "Lind", "Kommunikationschef", "ks", [("social_media_lead", "kommun")]),
    ("omar", "Omar", "Haddad", "Kommunikatör", "ks", [("kommunikator", "kommun")]),
    ("elin", "Elin", "Berg", "Verksamhetschef kultur", "kultur", [("verksamhetschef", "kultur")]),
    ("jonas", "Jonas", "Nyström", "Bibliotekarie och redaktör", "bibliotek", [("redaktor", "kultur")]),
    ("sara", "Sara", "Åberg", "Fritidsledare och redaktör", "fritid", [("redaktor", "kultur")]),
    ("mats", "Mats", "Öberg", "Förvaltningschef", "kultur", [("forvaltningschef", "kultur")]),
    ("lena", "Lena", "Karlsson", "Registrator", "ks", [("registrator", "kommun")]),
    ("ali", "Ali", "Yusuf", "Dataskyddsombud", "ks", [("dataskyddsombud", "kommun")]),
    ("petra", "Petra", "Holm", "Verksamhetschef räddningstjänst", "rtj", [("verksamhetschef", "rtj"), ("redaktor", "rtj")]),
    ("nils", "Nils", "Ek", "Brandman och redaktör", "rtj", [("redaktor", "rtj")]),
]


def _unit(name, kind, parent=None, **kw):
    return Unit.objects.get_or_create(name=name, defaults={"kind": kind, "parent": parent, **kw})[0]


@transaction.atomic
def build_demo(preset: str = "mora") -> str:
    names = preset_names()
    if preset not in names:
        raise ValueError(_("unknown preset '%(name)s'; there are: %(names)s") % {"name": preset, "names": ", ".join(names)})
    if User.objects.filter(username="karin").exists():
        return login_details(preset, again=True)
    accounts.ensure_roles()
    today = timezone.localdate()
    kommun = _unit(MUNICIPALITY, Unit.Kind.KOMMUN, website="https://www.exempelby.se", email="kommun@exempelby.se", phone="0123-45 00 00")
    units = {
        "kommun": kommun,
        "ks": _unit("Kommunledningsförvaltningen", Unit.Kind.FORVALTNING, kommun, email="kommunikation@exempelby.se"),
        "kultur": _unit("Kultur- och fritidsförvaltningen", Unit.Kind.FORVALTNING, kommun, email="kultur@exempelby.se"),
        "rtj": _unit("Räddningstjänsten", Unit.Kind.VERKSAMHET, kommun, email="raddningstjansten@exempelby.se", own_symbol=True),
        "bolag": _unit("Exempelby Energi AB", Unit.Kind.BOLAG, kommun, email="info@exempelbyenergi.se", own_symbol=True),
    }
    units["bibliotek"] = _unit("Biblioteket", Unit.Kind.VERKSAMHET, units["kultur"], email="bibliotek@exempelby.se", own_symbol=True)
    units["fritid"] = _unit("Fritidsgårdarna", Unit.Kind.VERKSAMHET, units["kultur"], email="fritid@exempelby.se")

    people = {}
    for username, first, last, title, unit_key, grants in PEOPLE:
        user = accounts.create_user(username, password=DEMO_PASSWORD, first_name=first, last_name=last, email=f"{username}@exempelby.se", title=title, unit=units[unit_key])
        for role, scope in grants:
            accounts.grant_role(user, role, unit=units[scope])
        people[username] = user
    admin = accounts.create_user("admin", password=DEMO_PASSWORD, first_name="Systemförvaltare", email="admin@exempelby.se", is_superuser=True)
    people["admin"] = admin
    for username in ("omar", "jonas", "sara", "petra", "nils", "karin"):
        for course in COURSES:
            accounts.record_training(people[username], course, today - timedelta(days=120))
    accounts.record_absence(people["sara"], today - timedelta(days=2), today + timedelta(days=12), "Semester")
    _backup_codes(people)

    def proposal(name, platform, unit, **kw):
        return channels.propose_channel(name=name, platform=platform, policy_name=preset, unit=units[unit], actor=None, official_email=units[unit].email, **kw)

    def through_checklist(c):
        for item in c.startup_policy.checklist:
            channels.set_checklist_item(c, item.key, done=True, answer="Genomgånget vid uppstartsmötet.", actor=None)
        return channels.complete_checklist(c, actor=None)

    def approve_all(c):
        chain_people = {"social_media_lead": "karin", "kommunikator": "omar", "verksamhetschef": "elin", "forvaltningschef": "mats", "informationssekreterare": "karin"}
        for step in c.startup_policy.approval.chain:
            approver = people[chain_people.get(step.role, "admin")]
            if step.role not in accounts.roles_of(approver, channel=c):
                accounts.grant_role(approver, step.role, unit=c.unit)
            c = channels.approve(c, actor=approver)
        return c

    def staff(c, *usernames, speaker=None):
        for u in usernames:
            channels.add_member(c, people[u], actor=None, authorised_speaker=(u == speaker), tasked_by=people["kristina"] if u == speaker else None)
        for u in usernames[:2]:
            channels.record_custody(c, holder=people[u], login_email=c.official_email or "kommun@exempelby.se", deposited_with="Karin Lind, kommunikationschef", storage="Kommunens lösenordshanterare, valv ”Sociala medier”", last_rotated_on=today - timedelta(days=40), actor=None)
        return c

    # Active channels, on several platforms.
    main = proposal("Exempelby kommun", "facebook", "ks", handle="exempelbykommun", url="https://www.facebook.com/exempelbykommun", purpose="Nyheter och dialog med invånarna", target_group="Invånare och besökare", goals="Snabb information och dialog")
    staff(approve_all(through_checklist(main)), "omar", "karin", speaker="omar")
    channels.activate(main, actor=None)
    lib = proposal("Biblioteket i Exempelby", "instagram", "bibliotek", handle="exempelbybibliotek", url="https://www.instagram.com/exempelbybibliotek", purpose="Boktips och evenemang", target_group="Låntagare")
    staff(approve_all(through_checklist(lib)), "jonas", "omar")
    channels.activate(lib, actor=None)
    rtj = proposal("Räddningstjänsten Exempelby", "x", "rtj", handle="exempelbyrtj", url="https://x.com/exempelbyrtj", purpose="Larm, varningar och förebyggande råd", target_group="Alla i kommunen")
    staff(approve_all(through_checklist(rtj)), "petra", "nils")
    channels.activate(rtj, actor=None)
    masto = proposal("Exempelby på Mastodon", "mastodon", "ks", handle="@exempelby@social.exempelby.se", url="https://social.exempelby.se/@exempelby", purpose="Nyheter i det öppna fediversum")
    staff(approve_all(through_checklist(masto)), "omar", "karin")
    channels.activate(masto, actor=None)
    sandbox = proposal("Övningskanalen", "sandbox", "ks", purpose="Övning för nya redaktörer och demo av inkorgen")
    staff(approve_all(through_checklist(sandbox)), "omar", "karin")
    channels.activate(sandbox, actor=None)
    # Active but one person short while a colleague is on holiday: the dashboard warns (GOV-4).
    fritid = proposal("Fritidsgårdarna", "instagram", "fritid", handle="exempelbyfritid", url="https://www.instagram.com/exempelbyfritid", purpose="Aktiviteter för unga")
    staff(approve_all(through_checklist(fritid)), "sara", "jonas")
    channels.activate(fritid, actor=None)

    # Channels on the way.
    proposal("Kulturskolan", "youtube", "kultur", purpose="Konserter och elevarbeten")
    through_checklist(proposal("Exempelby Energi", "linkedin", "bolag", purpose="Rekrytering och affärsnyheter"))
    approve_all(through_checklist(proposal("Simhallen", "facebook", "fritid", purpose="Öppettider och nyheter")))
    old = proposal("Valet 2022", "facebook", "ks", purpose="Information inför valet 2022")
    staff(approve_all(through_checklist(old)), "omar", "karin")
    channels.activate(old, actor=None)
    channels.start_closing(old, actor=None, reason="Valet är över.")
    older = proposal("Sommarlovsbloggen", "facebook", "fritid", purpose="Sommarlovsaktiviteter 2021")
    staff(approve_all(through_checklist(older)), "omar", "karin")
    channels.activate(older, actor=None)
    channels.start_closing(older, actor=None)
    channels.close(older, actor=None, content_preserved=True, comms_informed=True)
    channels.reject(proposal("Kommunens filmkanal", "youtube", "ks", purpose="Korta filmer"), actor=None, reason="Det finns inte resurser att bevaka kanalen.")

    _after_demo_hooks()
    return login_details(preset)


def _after_demo_hooks() -> None:
    """Let the capture side fill the inbox (sandbox traffic, imported history) where it is installed."""
    try:
        from uppsikt.inbox.demo import fill_demo_inbox
    except ImportError:
        return
    fill_demo_inbox()


def _backup_codes(people) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    for username, user in people.items():
        device = StaticDevice.objects.create(user=user, name="Reservkoder (demo)", confirmed=True)
        for n in range(10):
            StaticToken.objects.create(device=device, token=f"{username[:3]}{n:03d}")


def _codes(user) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticToken

    return list(StaticToken.objects.filter(device__user=user).order_by("id").values_list("token", flat=True)[:3])


def login_details(preset: str, again: bool = False) -> str:
    values = {"municipality": MUNICIPALITY, "preset": preset}
    if again:
        loaded = _("The demo municipality %(municipality)s is already loaded (guideline: %(preset)s).") % values
    else:
        loaded = _("The demo municipality %(municipality)s is loaded (guideline: %(preset)s).") % values
    lines = [
        loaded,
        _("Password for every demo user: %(password)s") % {"password": DEMO_PASSWORD},
        _("Two-step verification: give one of the backup codes as the one-time code (each code works once)."),
    ]
    for username in ("karin", "omar", "elin", "jonas", "lena", "admin"):
        user = User.objects.filter(username=username).first()
        if user:
            title = user.title or _("system administrator")
            codes = _("backup codes: %(codes)s") % {"codes": ", ".join(_codes(user)) or _("(used up)")}
            lines.append(f"  {username:<6} {title:<32} {codes}")
    return "\n".join(lines)
