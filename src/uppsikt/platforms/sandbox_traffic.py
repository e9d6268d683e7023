"""Believable Swedish traffic for the sandbox channel, the same every time for the same seed.

Time is cut into one-minute slots. What "arrives" in a slot is drawn from a random
generator seeded with the channel's seed and the slot number, so any slot can be
produced again on its own, in any order, and a poll returns exactly what arrived since
its cursor. Every six hours the municipality posts; visitors comment on the latest post,
reply to each other, write on the page and send messages: questions, fault reports,
praise, criticism of the municipality, and now and then a threat, a cry for help, a
personnummer (valid checksum), swearing, party politics or spam. Some comments are
edited ten minutes later and some threats are removed by their writers after half an
hour, so the inbox sees edits and removals too.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from personnummer import personnummer

SLOT_SECONDS = 60
POST_EVERY_SLOTS = 360  # the municipality posts every six hours
EDIT_DELAY_SLOTS = 10
DELETE_DELAY_SLOTS = 30

FIRST_NAMES = (
    "Anna", "Åsa", "Björn", "Göran", "Märta", "Östen", "Karin", "Lars", "Sofia", "Ahmed", "Fatima", "Elin", "Jöns",
    "Maja", "Nils", "Ingrid", "Mohammed", "Lena", "Per", "Ebba", "Oskar", "Linnéa", "Jukka", "Sanna", "Ali", "Britt-Marie",
)
LAST_NAMES = (
    "Andersson", "Öberg", "Ekström", "Lindqvist", "Johansson", "Åberg", "Nilsson", "Hassan", "Karlsson", "Sjöberg",
    "Persson", "Björk", "Söderström", "Mäkinen", "Larsson", "Håkansson", "Berglund", "Ahmadi", "Lundgren", "Strömberg",
)
STREETS = ("Storgatan", "Åsvägen", "Älvgatan", "Kyrkvägen", "Östra Långgatan", "Björkstigen", "Skolgatan", "Mörbyvägen", "Hamngatan")
SCHOOLS = ("Ängsskolan", "Åkerbyskolan", "Norrskolan", "förskolan Solrosen", "förskolan Blåklinten")
FACILITIES = ("simhallen", "biblioteket", "återvinningscentralen", "badplatsen vid Mörbyån", "ishallen", "kulturhuset", "fritidsgården Pulsen")
SERVICES = ("snöröjningen", "sophämtningen", "hemtjänsten", "skolskjutsen", "bygglovshandläggningen", "gatubelysningen")

VISITOR = {
    "question": (
        "Hej! Vilka öppettider har {facility} i helgen?",
        "När töms soptunnorna på {street} nästa gång? Vi har inte haft någon hämtning på två veckor.",
        "Hur ansöker man om plats på {school}? Hittar inte blanketten på webben.",
        "Finns det parkering vid {facility} eller ska man ta bussen dit?",
        "Vem kan jag prata med om bygglov för ett attefallshus?",
        "Blir det badvakter vid badplatsen i sommar?",
    ),
    "fault_report": (
        "Gatlampan vid {street} {n} har varit släckt sedan i måndags. Kan någon titta på det?",
        "Det är ett stort hål i asfalten på {street} nära busshållplatsen. Någon kommer att cykla omkull.",
        "Vattenläcka på {street} {n}! Det forsar ut vatten på gatan.",
        "Gungan på lekplatsen vid {school} är trasig och har vassa kanter.",
        "Ingen har plogat {street} i dag och det går inte att ta sig fram med rullator.",
    ),
    "praise": (
        "Stort tack till personalen på {school} för en fantastisk vårfest! 🌸",
        "{Service} har fungerat jättebra i vinter, bra jobbat! 👏",
        "Så fint det har blivit i parken vid Mörbyån. Tack! 🌳",
        "Vilken trevlig personal på {facility}, jag fick verkligen bra hjälp i dag. 😊",
    ),
    "criticism": (
        "{Service} i den här kommunen är ett skämt. Hur svårt kan det vara?",
        "Varför ska vi skattebetalare betala för ett nytt kommunhus när {school} faller sönder?",
        "Kommunstyrelsen borde skämmas över hur äldreomsorgen sköts.",
        "Tredje gången i år som {facility} håller stängt utan förvarning. Dålig service!",
        "Politikerna lyssnar aldrig på oss som bor utanför centralorten.",
    ),
    "threat": (
        "Om ni lägger ner {school} kommer jag till kommunhuset och då ska någon få betala, det lovar jag.",
        "Jag vet var handläggaren bor. Ni ska få se vad som händer om mitt bygglov inte går igenom.",
        "Nästa gång jag ser den där tjänstemannen på {street} så slår jag ihjäl honom.",
    ),
    "distress": (
        "Jag orkar inte mer. Ingen från socialtjänsten hör av sig och jag vill inte leva längre.",
        "Har inte sovit på flera dygn och tänker ta livet av mig ikväll, ingen bryr sig ändå.",
    ),
    "personal_data": (
        "Min son {first} {last}, {pnr}, har fortfarande inte fått någon plats på {school}. Vad händer?",
        "Skriver mitt personnummer här så ni kan kolla mitt ärende: {pnr}. Bor på {street} {n}.",
    ),
    "profanity": (
        "Vilken jävla skitkommun, ingenting fungerar här.",
        "Fan vad dåligt {service} sköts, helt jävla värdelöst.",
    ),
    "party_political": (
        "Rösta på Mörbyåpartiet i valet så blir det ordning på skolan! 🗳️",
        "Bara Framtidslistan kan rädda {facility}. Rösta rätt i september!",
    ),
    "spam": (
        "💰 Tjäna 5 000 kr om dagen hemifrån! Klicka här: https://snabba-pengar.example/erbjudande",
        "Solglasögon med 90 % rabatt bara i dag 😎 www.fynd-butik.example",
    ),
    "trivial": ("Fin bild! 😍", "👍", "Håller med!", "Äntligen sommar ☀️"),
}
VISITOR_WEIGHTS = {
    "question": 27, "fault_report": 17, "praise": 16, "criticism": 16, "trivial": 6, "spam": 5, "personal_data": 4,
    "profanity": 3, "threat": 2, "party_political": 2, "distress": 1,
}
MESSAGES = (
    "Hej, jag har frågor om mitt ärende hos socialtjänsten och vill inte skriva offentligt. Kan någon ringa mig?",
    "Hej! Jag söker sommarjobb inom hemtjänsten, vem ska jag kontakta?",
    "Jag vill begära ut protokollet från senaste nämndsammanträdet. Hur gör jag?",
    "Min mamma på {street} {n} har inte fått sina insatser från hemtjänsten på tre dagar.",
)
OWN_POSTS = (
    "Nu öppnar {facility} igen efter renoveringen. Välkomna! 🎉",
    "Information: vattnet stängs av på {street} på tisdag kl. 9–12.",
    "Påminnelse: sista dagen att söka plats i förskoleklass är på fredag.",
    "{Service} pågår i hela kommunen. Tack för ert tålamod! ❄️",
    "Välkommen på öppet hus på {school} på lördag kl. 10–13.",
)
OWN_REPLIES = (
    "Hej {first}! Tack för att du hör av dig. Vi har skickat vidare till ansvarig enhet.",
    "Hej! Öppettiderna finns på kommunens webbplats. Välkommen!",
    "Tack för ditt meddelande, {first}. Felanmälan är registrerad.",
)


@dataclass(frozen=True)
class Event:
    platform_id: str
    kind: str
    author_id: str
    author_name: str
    text: str
    published_at: datetime
    is_own: bool
    parent_platform_id: str | None
    category: str
    deleted: bool = False
    edited_text: str | None = None      # what the writer changes it to, EDIT_DELAY_SLOTS later
    removed_later: bool = False         # the writer removes it, DELETE_DELAY_SLOTS later
    edited_at: datetime | None = None


def personnummer_for(rng: random.Random) -> str:
    """A personnummer with a valid check digit (YYMMDD-NNNC), checked by the personnummer package."""
    while True:
        born = datetime(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 80))
        serial = rng.randrange(0, 1000)
        stem = f"{born:%y%m%d}-{serial:03d}"
        for check in range(10):
            candidate = f"{stem}{check}"
            if personnummer.valid(candidate):
                return candidate


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def slot_start(slot: int) -> datetime:
    return datetime.fromtimestamp(slot * SLOT_SECONDS, tz=UTC)


def slot_of(moment: datetime) -> int:
    return math.floor(moment.timestamp() / SLOT_SECONDS)


class Traffic:
    """The traffic of one sandbox channel."""

    def __init__(self, seed: str, rate_per_hour: float = 30.0, account_name: str = "Kommunen"):
        self.seed = str(seed)
        self.tag = hashlib.sha256(self.seed.encode("utf-8")).hexdigest()[:8]
        self.rate_per_hour = float(rate_per_hour)
        self.account_name = account_name
        self._cache: dict[int, list[Event]] = {}

    # ids: sbx-<tag>-<slot>-p (the municipality's post), sbx-<tag>-<slot>-<n> (everything else)
    def _id(self, slot: int, n) -> str:
        return f"sbx-{self.tag}-{slot}-{n}"

    def post_slot(self, slot: int) -> int:
        return slot - slot % POST_EVERY_SLOTS

    def _fill(self, rng: random.Random, template: str) -> str:
        service = rng.choice(SERVICES)
        return template.format(
            facility=rng.choice(FACILITIES), street=rng.choice(STREETS), school=rng.choice(SCHOOLS), service=service,
            Service=service[:1].upper() + service[1:], n=rng.randrange(1, 60), first=rng.choice(FIRST_NAMES),
            last=rng.choice(LAST_NAMES), pnr=personnummer_for(rng) if "{pnr}" in template else "",
        )

    def count(self, slot: int) -> int:
        """How many visitor items arrive in ``slot`` at this rate."""
        return _poisson(random.Random(f"{self.seed}|{slot}|count"), self.rate_per_hour * SLOT_SECONDS / 3600)

    def base_events(self, slot: int) -> list[Event]:
        """What first appears in ``slot``, in time order (the last slots are kept: edits look back at them)."""
        cached = self._cache.get(slot)
        if cached is None:
            cached = self._cache[slot] = self._generate(slot, self.count(slot))
            if len(self._cache) > 2 * DELETE_DELAY_SLOTS:
                del self._cache[next(iter(self._cache))]
        return cached

    def _generate(self, slot: int, count: int) -> list[Event]:
        """The slot's items. Item ``n`` is drawn from its own seed, so it is the same whatever the rate."""
        start = slot_start(slot)
        events: list[Event] = []
        if slot % POST_EVERY_SLOTS == 0:
            rng = random.Random(f"{self.seed}|{slot}|p")
            events.append(
                Event(self._id(slot, "p"), "post", f"sbx-page-{self.tag}", self.account_name, self._fill(rng, rng.choice(OWN_POSTS)), start, True, None, "own_post")
            )
        parent_post = self._id(self.post_slot(slot), "p")
        previous: Event | None = None
        for n in range(count):
            rng = random.Random(f"{self.seed}|{slot}|{n}")
            at = start + timedelta(seconds=rng.uniform(1, SLOT_SECONDS - 1))
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            author_id = f"sbx-user-{hashlib.sha256(f'{first} {last}'.encode()).hexdigest()[:10]}"
            roll = rng.random()
            if previous is not None and previous.kind == "comment" and not previous.is_own and rng.random() < 0.25:
                # A reply comes after what it answers.
                at = max(at, previous.published_at + timedelta(seconds=(SLOT_SECONDS - 1 - (previous.published_at - start).total_seconds()) * rng.random()))
                if rng.random() < 0.3:
                    text = self._fill(rng, rng.choice(OWN_REPLIES).replace("{first}", previous.author_name.split()[0]))
                    event = Event(self._id(slot, n), "reply", f"sbx-page-{self.tag}", self.account_name, text, at, True, previous.platform_id, "own_reply")
                else:
                    category = self._category(rng)
                    event = Event(self._id(slot, n), "reply", author_id, f"{first} {last}", self._fill(rng, rng.choice(VISITOR[category])), at, False, previous.platform_id, category)
            elif roll < 0.06:
                event = Event(self._id(slot, n), "message", author_id, f"{first} {last}", self._fill(rng, rng.choice(MESSAGES)), at, False, None, "message")
            elif roll < 0.10:
                category = self._category(rng)
                event = Event(self._id(slot, n), "post", author_id, f"{first} {last}", self._fill(rng, rng.choice(VISITOR[category])), at, False, None, category)
            else:
                category = self._category(rng)
                event = Event(self._id(slot, n), "comment", author_id, f"{first} {last}", self._fill(rng, rng.choice(VISITOR[category])), at, False, parent_post, category)
            if not event.is_own and event.kind != "message":
                if event.category in ("question", "criticism", "fault_report") and rng.random() < 0.05:
                    event = replace(event, edited_text=event.text + " (redigerat: rättade stavningen)")
                elif event.category == "threat" and rng.random() < 0.5:
                    event = replace(event, removed_later=True)
            events.append(event)
            previous = event
        return sorted(events, key=lambda e: e.published_at)

    def _category(self, rng: random.Random) -> str:
        names = list(VISITOR_WEIGHTS)
        return rng.choices(names, weights=[VISITOR_WEIGHTS[n] for n in names])[0]

    def slot_events(self, slot: int) -> list[Event]:
        """Everything a poll sees in ``slot``: new items, and edits and removals of earlier ones."""
        events = list(self.base_events(slot))
        at = slot_start(slot) + timedelta(seconds=SLOT_SECONDS - 0.5)
        for earlier in self.base_events(slot - EDIT_DELAY_SLOTS):
            if earlier.edited_text:
                events.append(replace(earlier, text=earlier.edited_text, edited_at=at))
        for earlier in self.base_events(slot - DELETE_DELAY_SLOTS):
            if earlier.removed_later:
                events.append(replace(earlier, deleted=True, edited_at=at))
        return events

    def find(self, platform_id: str, *, until_slot: int) -> Event | None:
        """The item ``platform_id`` as it stands before ``until_slot`` (edited if the edit came earlier)."""
        parts = platform_id.split("-")
        if len(parts) != 4 or parts[0] != "sbx" or parts[1] != self.tag:
            return None
        try:
            slot = int(parts[2])
            n = None if parts[3] == "p" else int(parts[3])
        except ValueError:
            return None
        if slot >= until_slot or (n is None and slot % POST_EVERY_SLOTS) or (n is not None and n < 0):
            return None
        events = self.base_events(slot) if n is None or n < self.count(slot) else self._generate(slot, n + 1)
        for event in events:
            if event.platform_id == platform_id:
                if event.edited_text and slot + EDIT_DELAY_SLOTS < until_slot:
                    return replace(event, text=event.edited_text, edited_at=slot_start(slot + EDIT_DELAY_SLOTS))
                return event
        return None
