"""Detectors: from lexicon hits and patterns to categories, each with a rule and a span.

``detect(text, lexicon)`` normalises once, scans the automaton once, and then runs the
detectors below. Each detector looks only at the tags it needs, so a post with no
relevant word costs one dictionary lookup per detector. A detector returns
``Reason``\\ s: category, rule name, span in the original text, score in [0, 1].

Context rules, all written out here:

* figures of speech cover the words they contain ("skjuta upp", "en bomb under
  ekonomin", "dör av skratt") and turn them off;
* quoting or condemning hate is not hate ("att kalla invandrare råttor är rasism");
* criticism of the municipality, its decisions and its politicians is never a
  violation by itself (MOD-7): only insults or accusations of crime against an
  identifiable person are defamation;
* a party named without a call to vote or join is not campaigning;
* a number that looks like a personnummer but fails the checksum is not one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection
from typing import NamedTuple

from . import identifiers as ids
from .lexicon import Hit, Lexicon
from .normalize import Normalized, normalize


class Reason(NamedTuple):
    """Why a post got a category: the rule, the matched span of the original text, a score."""

    category: str
    rule: str
    span: tuple[int, int]
    score: float

    def to_json(self) -> dict:
        return {"category": self.category, "rule": self.rule, "span": [self.span[0], self.span[1]], "score": round(self.score, 2)}


_PARTY_ABBREV = re.compile(r"(?<![\w\-/])(S|M|SD|C|L|KD|V|MP|Fi|AfS)(?![\w\-/])")
_QUOTES = re.compile(r"[\"“”„«»]([^\"“”„«»]{3,})[\"“”„«»]|['‘’]([^'‘’]{6,})['‘’]")
_QUESTION_START = re.compile(r"^\s*(?:hur|när|var|vart|vad|vem|vems|vilken|vilket|vilka|varför|finns|kan|får|går|har|är|ska|skall|blir|behöver|gäller|stämmer|undrar|vet)\b", re.I)
# Question words that also open an exclamation ("Vilken fin park!", "Vad fint det blev").
_EXCLAIM_START = re.compile(r"^\s*(?:vilken|vilket|vilka|vad\s+(?:fint|fin|fina|bra|roligt|kul|härligt|snyggt|skönt|gott|mysigt|vackert|trevligt|duktig|duktiga|glad|glada))\b", re.I)



def has_ascii_digit(text: str) -> bool:
    """``re.search("[0-9]", text)``: ten substring tests in C are about four times faster."""
    return "0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text or "6" in text or "7" in text or "8" in text or "9" in text

_DOT_WORD = re.compile(r"\.[a-z]{2}")
EMPTY: tuple = ()


try:  # the dot test in C (setup.py builds it where a C compiler is found)
    from ._squeeze import dot_word as _dot_word
except ImportError:  # pragma: no cover - the same test with the regular expression
    def _dot_word(low: str) -> bool:
        return _DOT_WORD.search(low) is not None


def _url_gate(low: str) -> bool:
    """Could ``low`` hold a link: a dot before two small letters, ``www`` or ``http``?"""
    return "www" in low or "http" in low or _dot_word(low)


class Context:
    """One post while it is being triaged: the views, the hits, and cached lookups."""

    __slots__ = ("text", "nz", "hits", "has_digit", "ruled_out", "_names", "_sentences", "_phones", "_emails", "_urls", "_prices", "_codes", "_streets", "_pnr")

    def __init__(self, text: str, nz: Normalized, hits: dict[str, list[Hit]]):
        self.text = text
        self.nz = nz
        self.hits = hits
        self.has_digit = has_ascii_digit(text)
        # Categories a rule saw a trigger for and ruled out in so many words ("ett stort fan
        # av biblioteket"): the shipped model does not add them back (engine.py).
        self.ruled_out: tuple[str, ...] = ()
        self._names = None
        self._sentences = None
        self._phones = None
        self._emails = None
        self._urls = None
        self._prices = None
        self._codes = None
        self._streets = None
        self._pnr = None

    # -- lexicon hits -------------------------------------------------------------
    def get(self, tag: str) -> list[Hit]:
        return self.hits.get(tag, EMPTY)

    def has(self, tag: str) -> bool:
        return tag in self.hits

    def total(self, tag: str, hits: list[Hit] | None = None) -> float:
        """Sum of weights of the hits that are not inside a longer hit of the same tag."""
        hits = self.get(tag) if hits is None else hits
        if not hits:
            return 0.0
        if len(hits) == 1:
            return hits[0][2]
        best: dict[tuple[int, int], float] = {}
        for h in hits:
            key = (h[0], h[1])
            if h[2] > best.get(key, -1.0):
                best[key] = h[2]
        return sum(w for (a, b), w in best.items() if not any(o[0] <= a and o[1] >= b and (o[1] - o[0]) > (b - a) for o in best))

    def covered(self, hit: Hit, tag: str) -> bool:
        """Is ``hit`` inside a hit of ``tag`` that is longer than it (a figure of speech)?"""
        for o in self.get(tag):
            if o[0] <= hit[0] and o[1] >= hit[1] and (o[1] - o[0]) > (hit[1] - hit[0]):
                return True
        return False

    def extended(self, hit: Hit, tag: str) -> bool:
        """Does a hit of ``tag`` overlap ``hit`` and reach outside it?"""
        for o in self.get(tag):
            if o[0] < hit[1] and hit[0] < o[1] and (o[0] < hit[0] or o[1] > hit[1]):
                return True
        return False

    def near(self, hit: Hit, tag: str, before: int = 60, after: int = 60) -> list[Hit]:
        lo = hit[0] - before
        hi = hit[1] + after
        return [o for o in self.get(tag) if o[1] > lo and o[0] < hi and not (o[0] == hit[0] and o[1] == hit[1])]

    def span(self, hit: Hit) -> tuple[int, int]:
        return self.nz.norm_span(hit[0], hit[1])

    def norm_pos(self, orig_pos: int) -> int:
        """An index of the original text as an index of the padded ``norm``."""
        offs = self.nz.norm_offsets
        if offs is None:
            return orig_pos + 1
        return bisect_left(offs, orig_pos) + 1

    # -- sentences ----------------------------------------------------------------
    def sentence_of(self, norm_index: int) -> int:
        if self._sentences is None:
            self._sentences = [m.end() for m in re.finditer(r"[.!?\n]+(?:\s|$)", self.text)]
        if not self._sentences:
            return 0
        orig = self.nz.norm_span(norm_index, norm_index + 1)[0]
        return bisect_left(self._sentences, orig + 1)

    def same_sentence(self, a: Hit, b: Hit) -> bool:
        return self.sentence_of(a[0]) == self.sentence_of(b[0])

    # -- patterns (lazy) ----------------------------------------------------------
    def names(self) -> list[Hit]:
        """Personal names as hits in ``norm`` coordinates."""
        if self._names is None:
            self._names = [(self.norm_pos(s), self.norm_pos(e), 1.0, self.text[s:e]) for s, e in ids.name_spans(self.text)]
        return self._names

    def phones(self):
        if self._phones is None:
            self._phones = ids.phone_spans(self.text) if self.has_digit else []
        return self._phones

    def emails(self):
        if self._emails is None:
            self._emails = ids.email_spans(self.nz.low)
        return self._emails

    def urls(self):
        if self._urls is None:
            self._urls = ids.url_spans(self.nz.low) if _url_gate(self.nz.low) else []
        return self._urls

    def prices(self):
        if self._prices is None:
            self._prices = ids.price_spans(self.nz.low)
        return self._prices

    def codes(self):
        if self._codes is None:
            self._codes = ids.code_spans(self.text) if self.has_digit else []
        return self._codes

    def streets(self):
        if self._streets is None:
            self._streets = ids.street_address_spans(self.text) if self.has_digit else []
        return self._streets

    def personnummer(self):
        if self._pnr is None:
            self._pnr = ids.personnummer_spans(self.nz.low) if self.has_digit else []
        return self._pnr

    def low_hit(self, start: int, end: int, weight: float = 1.0, term: str = "") -> Hit:
        """A span of ``low`` as a hit in ``norm`` coordinates."""
        s, e = self.nz.low_span(start, end)
        return (self.norm_pos(s), self.norm_pos(e), weight, term)

    def is_question(self) -> bool:
        if "?" in self.text:
            return True
        # "Vilken trevlig personal!", "Vad fint det blev": praise, not a question.
        return bool(_QUESTION_START.match(self.text)) and not (self.has("praise") and _EXCLAIM_START.match(self.text))


def _score(x: float, base: float = 0.55) -> float:
    return round(min(0.99, base + 0.4 * min(1.0, x)), 2)


# -- distress (nöddrop) -------------------------------------------------------------
def _long_ago(c: Context) -> bool:
    """Every sign of distress sits in a sentence about long ago, and nothing says now."""
    norm = c.nz.norm
    past = _PAST.search(norm)
    if past is None or _NOW.search(norm):
        return False
    sentences = {c.sentence_of(m.start() + 1) for m in _PAST.finditer(norm)}
    for tag in ("distress.explicit", "distress.method", "distress.hopeless", "distress.third_party", "distress.c_death", "distress.c_life", "distress.c_method"):
        for h in c.get(tag):
            if c.sentence_of(h[0]) not in sentences:
                return False
    return True


def _joking(c: Context) -> bool:
    """A laugh ("haha", 😂, "skämtar bara") that the post does not take back ("nej men på riktigt")."""
    if not (c.has("laugh") or "😂" in c.text or "😅" in c.text or "skämtar bara" in c.nz.norm):
        return False
    return _EARNEST.search(c.nz.norm) is None


# Long ago only: an attempt last week is a present danger.
_PAST = re.compile(r" (?:förra året|i fjol|för (?:\w+ )?år sedan|för länge sedan|när (?:jag|han|hon) var (?:liten|yngre|ung|barn)) ")
_NOW = re.compile(r" (?:nu|igen|ikväll|i kväll|inatt|i natt|imorgon|imorrn|i morgon|idag|snart|fortfarande|tänker|ska|försöka) ")
# "Vad gör man om någon i ens närhet pratar om självmord?": a question in general.
_GENERIC_SOMEONE = re.compile(r" om (?:någon|nån|man|en vän|ens (?:barn|vän|partner)) ")
_OTHER_SUBJECT = re.compile(r" (?:man|vi|ni|du|de|dom|det|den|han|hon|alla|folk|kommunen|ingen|någon|nån) ")
_SINGULAR_FIRST = re.compile(r" (?:jag|ja|mig|mej|min|mitt|mina) ")
_EARNEST = re.compile(r" (?:på|pa) (?:riktigt|allvar) |jag menar allvar|skämt åsido|skamt asido|inget skämt|inte ett skämt|skämtar inte|skamtar inte")


def detect_distress(c: Context) -> list[Reason]:
    if not (
        c.has("distress.explicit") or c.has("distress.method") or c.has("distress.hopeless") or c.has("distress.third_party")
        or c.has("distress.c_death") or c.has("distress.c_life") or c.has("distress.c_method")
    ):
        return []
    out = []
    if _long_ago(c):
        # "... som räddade min son när han försökte ta sitt liv förra året": over, not now.
        return out
    # "i wanna die lol. nej men på riktigt": a laugh taken back is no joke. Looked for only
    # when a sign is weighed (it reads the context words, which most posts never need).
    joking = None

    def is_joking() -> bool:
        nonlocal joking
        if joking is None:
            joking = _joking(c)
        return joking

    best = None
    for h in c.get("distress.explicit"):
        if c.extended(h, "distress.figurative"):
            continue
        w = h[2] * (0.5 if is_joking() else 1.0)
        if best is None or w > best[0]:
            best = (w, h)
    if best is not None and best[0] >= 0.75:
        out.append(Reason("distress", "distress.explicit", c.span(best[1]), _score(best[0], 0.6)))
        return out
    method = [h for h in c.get("distress.method") if not c.covered(h, "distress.figurative")]
    hopeless = [h for h in c.get("distress.hopeless") if not c.covered(h, "distress.figurative")]
    m = c.total("distress.method", method)
    hp = c.total("distress.hopeless", hopeless)
    explicit_part = best[0] if best is not None else 0.0
    total = m + hp + explicit_part
    if total >= 1.0 and (m >= 1.0 or not (is_joking() or c.has("distress.mundane") or c.has("distress.figurative")) or total * 0.5 >= 1.0):
        lead = max(method + hopeless, key=lambda h: h[2]) if (method or hopeless) else best[1]
        rule = "distress.method" if m >= 0.5 else "distress.hopeless"
        out.append(Reason("distress", rule, c.span(lead), _score(m + hp + explicit_part - 0.5)))
        return out
    concept = _distress_concepts(c)
    if concept is not None:
        out.append(concept)
        return out
    generic = c.is_question() and _GENERIC_SOMEONE.search(c.nz.norm) is not None
    for h in c.get("distress.third_party"):
        if generic or is_joking() or c.covered(h, "distress.figurative"):
            continue
        if h[2] >= 0.8 or (h[2] >= 0.5 and (c.has("pron.third") or c.has("family"))):
            out.append(Reason("distress", "distress.third_party", c.span(h), 0.85))
            return out
    return out


_CONCEPTS = ("distress.c_life", "distress.c_death", "distress.c_final", "distress.c_hopeless", "distress.c_method")


def _distress_concepts(c: Context) -> Reason | None:
    """Several families of signs together: life or death, finality, hopelessness, a means.

    Each family counts once (its term weights summed, at most 1.0). The poster must be
    the subject (first person), or a person close to them ("min son", "min kompis").
    """
    if not (c.has("distress.c_death") or c.has("distress.c_life") or c.has("distress.c_method")):
        # Farewell and hopelessness together can be enough ("Mamma, förlåt mig. Jag orkar
        # inte mer. Det blir bäst så här.").
        if not c.has("distress.c_final"):
            return None
        final = c.total("distress.c_final")
        if not c.has("distress.c_hopeless"):
            # A farewell strong enough on its own: "Har gett bort alla mina saker. Kan nån
            # ta hand om min katt efter helgen?" Several signs, one of them clear.
            strong = [h for h in c.get("distress.c_final") if h[2] >= 0.6]
            if (
                strong and max(h[2] for h in strong) >= 0.8 and c.total("distress.c_final", strong) >= 1.3
                and not (c.has("laugh") or c.has("praise")) and _SINGULAR_FIRST.search(c.nz.norm)
            ):
                lead = max(strong, key=lambda h: h[2])
                return Reason("distress", "distress.combined_signs", c.span(lead), _score(final - 1.1, 0.6))
            return None
        # A bare time word ("snart", "ikväll") is no farewell: "Ger upp snart, ingen svarar."
        if final < 0.5:
            return None
    if c.has("laugh"):
        return None
    total = 0.0
    families = 0
    lead = None
    anchor = None
    for tag in ("distress.c_death", "distress.c_method", "distress.c_life", "distress.c_final"):
        for h in c.get(tag):
            if anchor is None or h[2] > anchor[2]:
                anchor = h
    for tag in _CONCEPTS:
        hits = [h for h in c.get(tag) if not c.covered(h, "threat.figurative") and not c.covered(h, "distress.mundane") and not c.covered(h, "distress.figurative")]
        if anchor is not None:
            hits = [h for h in hits if abs(h[0] - anchor[0]) <= 150]
        if not hits:
            continue
        score = min(1.0, c.total(tag, hits))
        total += score
        families += 1
        top = max(hits, key=lambda h: h[2])
        if lead is None or top[2] > lead[0]:
            lead = (top[2], top)
    if c.has("distress.mundane") or c.has("criticism"):
        total -= 0.4
    if families < 2 or total < 1.1 or lead is None:
        return None
    if total < 1.4 and not (_own_markers(c) or c.has("family") or c.has("third_party") or c.has("pron.third")):
        # Informal Swedish drops "jag" ("orkar inte mer. tänker på döden hela tiden"):
        # with no other subject at all the poster is the one speaking.
        if _OTHER_SUBJECT.search(c.nz.norm):
            return None
    return Reason("distress", "distress.combined_signs", c.span(lead[1]), _score(total - 1.1, 0.6))


# -- threat (hot) -------------------------------------------------------------------
_SELF_HARM_TAGS = ("distress.explicit", "distress.third_party")
# Someone reports, quotes or condemns a threat, or it happens in a game, book or film.
_REPORTED = re.compile(r" (?:läste att|läst att|enligt (?:polisen|tidningen|brå)|polisen (?:utreder|har gripit|grep)|gripen|gripits|åtalad|åtalats|dömd|dömdes|inte okej att|oacceptabelt att|skäms|fördömer|tar avstånd från|sjukt att folk) ")
# A threat in quotation marks in a post that tells how it came ("någon skrev 'vi vet var
# du bor' till min son, vi har polisanmält") is reported, not made.
# The poster's own words ("jag skrev 'jag ska skjuta dig'") are not reported.
_TOLD = re.compile(
    r"(?<!jag)(?<!vi) (?:skrev|skrivit|sa|sade|sagt|ropade|skrek) "
    r"| (?:stod|står det|sprayade|sprayat|klottrade|klottrat|polisanmält|polisanmäla|polisanmäler|anmält|anmäla|anmäler|hotmejl|hotmail|hotbrev|lapp|lappen|lappar) "
)
_TURN = re.compile(r" (?:nu|men|jag ska|vi ska|ja ska|jag kommer|vi kommer|jag tänker) ")
_FICTION = re.compile(r" (?:i spelet|i filmen|i boken|i serien|i deckaren|i romanen|fortnite|minecraft|counter-strike|gta|i pjäsen) ")
_EXPLOSIVES = frozenset(("bomb", "bomben", "bomber", "sprängladdning", "sprängmedel", "sprängämne", "dynamit", "handgranat", "handgranater", "brandbomb", "molotov"))
_PLACED = re.compile(r"\b(?:ligger|placera\w*|gömd\w*|finns|kommer|går av|smäller|sprängs|exploderar|i källaren|under)\b")
_DIRECT_TARGETS = frozenset(("er", "er alla", "er allihop", "dig", "honom", "henne", "dem", "dom"))


def _negated_between(c: Context, a: Hit, b: Hit) -> bool:
    lo, hi = min(a[1], b[1]), max(a[0], b[0])
    if hi <= lo:
        lo, hi = min(a[0], b[0]), max(a[1], b[1])
    return any(lo - 1 <= n[0] and n[1] <= hi + 1 for n in c.get("negation"))


def _targets(c: Context, h: Hit, before: int = 60, after: int = 70) -> list[Hit]:
    t = c.near(h, "threat.target", before, after) or c.near(h, "hate.group", before, after) or c.near(h, "person.role", before, after)
    if not t:
        t = [n for n in c.names() if n[1] > h[0] - before and n[0] < h[1] + after]
    return t


_OWN_INTENT = re.compile(r"(?:\b(?:jag|ja|vi|jag personligen)|(?:^|[.!?:]) *) (?:ska|skall|kommer att|kommer|tänker|har tänkt|ska nog|ska fan) (?:\w+ ){0,3}$")
# What a deed may be done to that is no person: game, pests, weeds, time, a debate.
_NOT_A_PERSON = re.compile(
    r" *(?:(?:den där|det där|de där|dom där|den|det|de|en|ett|alla|varenda|några|lite|min|mitt|mina) )?(?:älg|rådjur|vildsvin|kråk|råtto?r?|möss|mus|spind|geting|mygg|fluga|flugor|ogräs|tid|debatt|ämne|idé|ide|rykte|förslag|batteri|motor|datorn|mobil|telefon|bakterie|virus|lust|sug|hunger|känsl|ångest|tankarna|mig själv|mig|mej|oss själva|berg|sten|stubb|träd|ris|löv|skräp|sopor|papper|ljus|brasa|grill|kol|fyrverk|raket|mål|straff|boll|puck|zombie|monster|boss|fiend|karaktär|gubben i spelet)",
)

# Whom or what the deed is done to: a person named by a role, trade or insult, everyone of
# a group, or a building or vehicle of the municipality's or a person's.
_A_PERSON_OR_PLACE = re.compile(
    r"(?:lär[ae]r|tränar|förar|vakt|chef|grann|kontrollant|domar|kapten|bond[ea]|jävel|jäveln|jävlar|fittan?|kärring|gubb|tant|snut|polis|politiker|personal|ledning|handläggar|rektor|mentor|röjar|mästar|ledar|sekreterar|assistent|ordförande|kommunalråd|kollega|exet?\b|varenda (?:en|jävel)|alla som|första (?:bästa|\w+ jag)|"
    r"hus\b|huset|verket|tornet|depå|skolan|skolbuss|bussen|kommunbil|bilen|bil\b|terminal|förvaltning|kontoret|stugan?\b|station|biograf|arena|hallen|kyrkan|moskén|synagogan|boendet|centralen)"
)


def _said_of_a_person(c: Context, h: Hit) -> bool:
    """A violent verb right after the writer's own intent ("jag ska döda", "vi tänker
    skjuta") said of something that is no game, pest, weed or thing of the mind."""
    norm = c.nz.norm
    if not _OWN_INTENT.search(norm, max(0, h[0] - 40), h[0]):
        return False
    if _NOT_A_PERSON.match(norm, h[1]) or c.has("threat.figurative") or c.has("distress.figurative"):
        return False
    return _A_PERSON_OR_PLACE.search(" ".join(norm[h[1] :].split()[:5])) is not None


def detect_threat(c: Context) -> list[Reason]:
    if not (c.has("threat.explicit") or c.has("threat.verb") or c.has("threat.weapon")):
        return []
    best: tuple[float, Hit, str] | None = None
    for h in c.get("threat.explicit"):
        if c.covered(h, "threat.figurative") or c.extended(h, "threat.figurative"):
            continue
        w = h[2]
        if w < 1.0 and (_targets(c, h) or c.near(h, "threat.weapon") or c.near(h, "threat.explicit")):
            w += 0.4
        if w < 1.2 and _joking(c):
            w *= 0.7  # "Nästa gång är du död om du parkerar där, skämtar bara 😂"
        if best is None or w > best[0]:
            best = (w, h, "threat.explicit")
    for h in c.get("threat.verb"):
        if c.covered(h, "threat.figurative") or any(c.covered(h, t) or c.extended(h, t) for t in _SELF_HARM_TAGS):
            continue
        intents = [i for i in c.near(h, "threat.intent", 45, 12) if not _negated_between(c, i, h)]
        intents += [i for i in c.near(h, "threat.intent", 0, 45) if i[3].startswith("om ") and i[0] >= h[1]]
        intents = [i for i in intents if c.same_sentence(i, h)]
        targets = [t for t in _targets(c, h) if c.same_sentence(t, h)]
        weapons = [w for w in c.near(h, "threat.weapon", 60, 60) if not c.covered(w, "threat.figurative") and c.same_sentence(w, h)]
        if not intents and not c.has("laugh") and targets and h[3] in ("skjut", "spräng", "bränn", "häng", "döda", "mörda"):
            intents = [h]  # an imperative: "skjut dem"
        if not intents and not c.has("laugh") and h[3] == "spöa" and any(t[3] not in _DIRECT_TARGETS for t in targets) and (h[0] <= 2 or _CLAUSE_START.search(c.nz.norm, 0, h[0])):
            intents = [h]  # a call to beat people that opens a clause: "... och spöa upp personalen"
        if not intents and h[2] >= 1.0 and any(t[0] >= h[1] and t[0] - h[1] <= 12 and t[3] in _DIRECT_TARGETS for t in c.get("threat.target")):
            intents = [h]  # "dödar jag er", "skjuter dig"
        if not targets and h[2] >= 1.0 and not c.has("laugh") and _said_of_a_person(c, h):
            targets = [h]  # "jag ska skjuta ihjäl grannen": the writer's own deed, done to someone
        w = h[2] * (1.0 if intents else 0.5) * (1.0 if targets else 0.6) + (0.15 if weapons else 0.0)
        if c.has("laugh"):
            w *= 0.7
        rule = "threat.weapon_intent" if weapons else "threat.violence_intent"
        if best is None or w > best[0]:
            best = (w, h, rule)
    for h in c.get("threat.weapon"):
        if c.covered(h, "threat.figurative"):
            continue
        if h[3] in _EXPLOSIVES and not c.is_question() and [t for t in c.near(h, "threat.target", 10, 60) if t[3] not in _DIRECT_TARGETS] and _PLACED.search(c.nz.norm[max(0, h[0] - 30) : h[1] + 40]):
            w = 0.85
            if best is None or w > best[0]:
                best = (w, h, "threat.weapon_intent")
            continue
        intents = [i for i in c.near(h, "threat.intent", 45, 20) if not _negated_between(c, i, h) and c.same_sentence(i, h)]
        targets = [t for t in _targets(c, h) if c.same_sentence(t, h)]
        if intents and targets:
            w = 0.8 + 0.1 * h[2]
            if best is None or w > best[0]:
                best = (w, h, "threat.weapon_intent")
    if best is None or best[0] < 0.75:
        return []
    norm = c.nz.norm
    if _FICTION.search(norm):
        return []
    if _TOLD.search(norm) and _in_quotes(c, c.span(best[1])):
        return []
    m = _REPORTED.search(norm)
    if (
        m is not None and m.start() < best[1][0] and c.sentence_of(m.start() + 1) == c.sentence_of(best[1][0])
        and not _TURN.search(norm, m.end() - 1, best[1][0] + 1)
    ):
        return []
    return [Reason("threat", best[2], c.span(best[1]), _score(best[0], 0.55))]


# -- hate (hets mot folkgrupp, sexism) ---------------------------------------------
def _in_quotes(c: Context, span: tuple[int, int]) -> bool:
    if not any(q in c.text for q in "\"“”„«»'"):
        return False
    for m in _QUOTES.finditer(c.text):
        if m.start() <= span[0] and span[1] <= m.end():
            rest = (c.text[: m.start()] + c.text[m.end() :]).strip()
            return len(rest) >= 8
    return False


def _condemned(c: Context) -> bool:
    return c.has("hate.condemn") and not c.has("hate.not_condemn")


_WELCOME = re.compile(r"\bvälkom(?:na|men|nar)\b(?! att)")


def _welcomes_group(c: Context) -> bool:
    """"Invandrare och flyktingar är välkomna här": a welcome to a group, with no negation,
    slur, dehumanising word or swearing, is no hate, however the model reads the group's
    name ("välkomna att åka hem" is no welcome)."""
    return (
        c.has("hate.group")
        and _WELCOME.search(c.nz.norm) is not None
        and not (c.has("negation") or c.has("hate.slur") or c.has("hate.dehumanise") or c.has("profanity.swear") or c.has("threat.verb"))
    )


def detect_hate(c: Context) -> list[Reason]:
    if _welcomes_group(c):
        c.ruled_out += ("hate",)
        return []
    if not (c.has("hate.slur") or c.has("hate.sexist") or (c.has("hate.group") and (c.has("hate.dehumanise") or c.has("threat.verb") or c.has("profanity.swear")))):
        return []
    condemned = _condemned(c)
    found: list[Reason] = []
    for h in c.get("hate.slur"):
        if h[2] < 0.5:
            continue
        span = c.span(h)
        if condemned or _in_quotes(c, span):
            continue
        found.append(Reason("hate", "hate.slur", span, 0.95))
        break
    if not found:
        for h in c.get("hate.sexist"):
            span = c.span(h)
            if condemned or _in_quotes(c, span):
                continue
            found.append(Reason("hate", "hate.sexist", span, 0.9))
            break
    if not found:
        for g in c.get("hate.group"):
            preds = c.near(g, "hate.dehumanise", 10, 70) + [p for p in c.near(g, "hate.dehumanise", 40, 0) if p[1] <= g[0]]
            if not preds:
                # "Invandrare ... De är en parasit": a pronoun carries the group on.
                preds = [p for p in c.near(g, "hate.dehumanise", 0, 170) if re.search(r"\b(?:de|dom|dem)\b", c.nz.norm[g[1] : p[0]])]
            preds = [p for p in preds if not c.covered(p, "threat.figurative")]
            if not preds:
                continue
            span = (min(c.span(g)[0], c.span(preds[0])[0]), max(c.span(g)[1], c.span(preds[0])[1]))
            if condemned or _in_quotes(c, span):
                continue
            found.append(Reason("hate", "hate.dehumanising", span, _score(preds[0][2], 0.5)))
            break
    if not found and c.has("profanity.swear"):
        # "alla jävla afghaner": a swear word that qualifies the group itself.
        for g in c.get("hate.group"):
            before = [p for p in c.near(g, "profanity.swear", 14, 0) if p[1] <= g[0] and p[2] >= 0.5]
            if before and not condemned and not _in_quotes(c, c.span(g)):
                found.append(Reason("hate", "hate.dehumanising", (c.span(before[0])[0], c.span(g)[1]), 0.85))
                break
    if not found:
        for g in c.get("hate.group"):
            for v in c.near(g, "threat.verb", 5, 60):
                if c.covered(v, "threat.figurative") or v[2] < 0.6:
                    continue
                if not c.near(v, "threat.intent", 45, 12) or condemned:
                    continue
                found.append(Reason("hate", "hate.violent_wish", (c.span(g)[0], c.span(v)[1]), 0.9))
                break
            if found:
                break
    return found


# -- defamation (förtal, personangrepp) ---------------------------------------------
_SECOND_PERSON_ADDRESS = ("du är", "du e", "din jävla", "ditt jävla", "din lilla", "ditt lilla", "din dumma", "ditt dumma", "du din")


def _identifiable(c: Context, h: Hit) -> Hit | None:
    for tag in ("person.role", "third_party"):
        near = [w for w in c.near(h, tag, 90, 40) if c.same_sentence(w, h)]
        if near:
            return near[0]
    names = c.names()
    if names:
        for n in names:
            if n[1] > h[0] - 120 and n[0] < h[1] + 60:
                return n
        if c.near(h, "pron.third", 40, 10):
            return names[0]
    return None


def detect_defamation(c: Context) -> list[Reason]:
    if not (c.has("defamation.accusation") or c.has("defamation.insult")):
        return []
    best = None
    total_acc = 0.0
    for tag, rule in (("defamation.accusation", "defamation.accusation"), ("defamation.insult", "defamation.insult")):
        for h in c.get(tag):
            if c.covered(h, "criticism") or c.covered(h, "profanity.not") or c.covered(h, "hate.condemn"):
                continue
            if c.near(h, "pron.first", 12, 0) and not c.near(h, "pron.third", 12, 0):
                continue  # "jag är en idiot", "jag ljuger inte"
            who = _identifiable(c, h)
            if who is None:
                text_before = c.nz.norm[max(0, h[0] - 14) : h[0]]
                if tag == "defamation.insult" and any(p in text_before for p in _SECOND_PERSON_ADDRESS):
                    who = h
            if who is None:
                continue
            if tag == "defamation.accusation":
                total_acc += h[2]
            w = h[2] if tag == "defamation.insult" else max(h[2], min(1.0, total_acc))
            if best is None or w > best[0]:
                lo, hi = c.span(h), c.span(who)
                best = (w, (min(lo[0], hi[0]), max(lo[1], hi[1])), rule)
    if best is None or best[0] < 0.75:
        return []
    return [Reason("defamation", best[2], best[1], _score(best[0], 0.5))]


# -- violence and pornography ----------------------------------------------------------
def detect_violence_porn(c: Context) -> list[Reason]:
    if c.has("porn.explicit"):
        for h in c.get("porn.explicit"):
            if c.covered(h, "profanity.not") or c.covered(h, "porn.not"):
                continue
            return [Reason("violence_porn", "violence_porn.pornography", c.span(h), 0.92)]
    if c.has("porn.weak") and c.total("porn.weak") >= 1.2:
        h = max(c.get("porn.weak"), key=lambda x: x[2])
        return [Reason("violence_porn", "violence_porn.pornography", c.span(h), 0.8)]
    if c.has("violence.graphic") and c.total("violence.graphic") >= 0.9:
        h = max(c.get("violence.graphic"), key=lambda x: x[2])
        return [Reason("violence_porn", "violence_porn.violence_depiction", c.span(h), 0.9)]
    if c.has("violence.act") and c.has("violence.display"):
        for h in c.get("violence.act"):
            d = c.near(h, "violence.display", 80, 60)
            if d:
                span = (min(c.span(h)[0], c.span(d[0])[0]), max(c.span(h)[1], c.span(d[0])[1]))
                return [Reason("violence_porn", "violence_porn.violence_depiction", span, 0.85)]
    return []


# -- crime (uppmaning till brott) ---------------------------------------------------
# What precedes an act that opens a clause: a sentence break, a colon, or "och" after one.
_SOMEONE_WHO = re.compile(r"\b(?:killen|tjejen|mannen|kvinnan|grabben|typen|snubben|han|hon|den|gubben|tanten) som (?:\w+ )?$")
_CLAUSE_START = re.compile(r"(?:^|[.!:;\n]|\b(?:och|sen|så)) *$")


def detect_crime(c: Context, threat: list[Reason]) -> list[Reason]:
    out: list[Reason] = []
    norm = c.nz.norm
    for h in c.get("crime.offer"):
        if _SOMEONE_WHO.search(norm, max(0, h[0] - 30), h[0]):
            continue  # "Killen som säljer stulna cyklar: ..." points at someone; it offers nothing
        return [Reason("crime", "crime.offer", c.span(h), 0.92)]
    for h in c.get("crime.contraband"):
        sell = c.near(h, "crime.sell", 60, 60)
        accused = c.near(h, "person.role", 80, 0) or [n for n in c.names() if h[0] - 80 < n[0] < h[0]] or [s for s in sell if _SOMEONE_WHO.search(norm, max(0, s[0] - 30), s[0])]
        if sell and not c.is_question() and not accused and h[2] >= 0.6:
            return [Reason("crime", "crime.contraband_sale", (min(c.span(h)[0], c.span(sell[0])[0]), max(c.span(h)[1], c.span(sell[0])[1])), 0.85)]
    if threat:
        lead = threat[0]
        lead_hit = (c.norm_pos(lead.span[0]), c.norm_pos(lead.span[1]), 1.0, "")
        for h in c.get("crime.incite"):
            if not c.same_sentence(h, lead_hit):
                continue
            if h[2] >= 1.0 and h[3] in ("någon borde", "någon måste", "alla borde", "vi borde", "låt oss", "kom igen", "dags att", "nu är det dags att", "uppmanar", "uppmanar alla", "ta lagen i egna händer", "ta saken i egna händer"):
                return [Reason("crime", "crime.incitement", c.span(h), 0.85)]
        for h in c.get("threat.intent"):
            if not c.same_sentence(h, lead_hit):
                continue
            if h[3] in ("någon borde", "någon måste", "man borde", "borde man", "låt oss", "kom igen", "dags att"):
                return [Reason("crime", "crime.incitement", c.span(h), 0.85)]
    best = None
    if c.has("crime.evade") and c.has("crime.imperative") and not c.is_question():
        # "Dumpa däcken i skogen, ingen ser": an instruction that counts on not being caught.
        for v in c.get("crime.imperative"):
            if v[0] <= 2 or _CLAUSE_START.search(norm, 0, v[0]):
                later = [e for e in c.get("crime.evade") if e[0] > v[1]]
                if later:
                    best = (0.8, v, later[0])
                break
    names = None
    for a in c.get("crime.act"):
        if c.covered(a, "threat.figurative") or c.covered(a, "case.fault") or c.covered(a, "threat.explicit") or c.covered(a, "crime.not"):
            continue
        if a[0] > 2:
            # "Olle Berg kör full varje fredag": a named person's act is an accusation.
            if names is None:
                names = [*c.names(), *c.get("person.role")]
            if any(0 <= a[0] - n[1] <= 4 for n in names):
                continue
        if not c.is_question() and a[2] >= 0.6 and (a[0] <= 2 or (a[2] >= 1.0 and _CLAUSE_START.search(norm, 0, a[0]))):
            # An imperative that opens the post or a clause: "Kasta sten på ...",
            # "Tips till er: fakturera via ...", "Kör ner och riv vägbommen"
            best = (0.8, a, a) if best is None or best[0] < 0.8 else best
        for i in c.near(a, "crime.incite", 50, 70):
            if _negated_between(c, i, a):
                continue
            w = a[2] * i[2]
            if best is None or w > best[0]:
                best = (w, a, i)
    if best is not None and best[0] >= 0.6 and not (c.is_question() and best[0] < 0.8):
        a, i = best[1], best[2]
        span = (min(c.span(a)[0], c.span(i)[0]), max(c.span(a)[1], c.span(i)[1]))
        out.append(Reason("crime", "crime.incitement", span, _score(best[0], 0.5)))
    return out


# -- copyright -------------------------------------------------------------------------
def detect_copyright(c: Context) -> list[Reason]:
    if not (c.has("copyright.strong") or (c.has("copyright.work") and c.has("copyright.free"))):
        return []
    legit = c.has("copyright.legit")
    for h in c.get("copyright.strong"):
        if legit and h[2] < 1.0:
            continue
        if legit and h[3] in ("slipper köpa", "ladda ner gratis", "se gratis"):
            continue
        return [Reason("copyright", "copyright.piracy", c.span(h), 0.9 if not legit else 0.75)]
    if legit:
        return []
    for w in c.get("copyright.work"):
        f = c.near(w, "copyright.free", 60, 60)
        if f and w[2] >= 0.5:
            span = (min(c.span(w)[0], c.span(f[0])[0]), max(c.span(w)[1], c.span(f[0])[1]))
            return [Reason("copyright", "copyright.free_copy", span, 0.8)]
    return []


# -- commercial ------------------------------------------------------------------------
def detect_commercial(c: Context, others: set[str]) -> list[Reason]:
    strong = c.get("commercial.strong")
    has_digit = c.has_digit
    if not strong and not has_digit and not _url_gate(c.nz.low):
        return []
    score = c.total("commercial.strong", strong)
    lead: tuple[int, int] | None = c.span(max(strong, key=lambda h: h[2])) if strong else None
    spam_urls = [u for u in c.urls() if not u[2]]
    if spam_urls:
        score += 0.6
        lead = lead or c.nz.low_span(spam_urls[0][0], spam_urls[0][1])
    if has_digit or "gratis" in c.nz.low:
        prices = c.prices()
        if prices:
            score += 0.5
            lead = lead or c.nz.low_span(*prices[0])
        codes = c.codes()
        if codes:
            score += 0.6
            lead = lead or codes[0]
        if score >= 0.5 and not c.has("third_party") and any(kind == "personal" for _, _, kind in c.phones()):
            score += 0.4
    if "crime" in others and c.has("crime.sell") and (c.has("crime.contraband") or c.has("crime.offer")):
        # Selling what may not be sold is still a sales message: "Säljer gräs, skriv privat".
        sells = [h for h in c.get("crime.sell") if not _SOMEONE_WHO.search(c.nz.norm, max(0, h[0] - 30), h[0])]
        if sells:
            score += 1.0
            lead = lead or c.span(sells[0])
    porn = "violence_porn" in others and (c.has("porn.explicit") or c.has("porn.weak"))
    if ("copyright" in others or porn or "crime" in others) and (spam_urls or c.has("commercial.strong")):
        # A link to a film of violence shares it; it sells nothing.
        score += 0.5
    if "party_political" in others and not spam_urls:
        # "Gilla och dela om du står bakom oss": a campaign's call, not an advert.
        score -= 0.6
    if 0.5 <= score < 1.0:
        # Everyday shop words only tip a post that already looks like an ad.
        score += 0.25 * min(2, len(c.get("commercial.weak")))
    if c.is_question() and not spam_urls and c.total("commercial.strong", strong) < 0.8:
        score *= 0.6
    if score < 1.0 or lead is None:
        return []
    return [Reason("commercial", "commercial.advertising", lead, _score(score - 1.0, 0.7))]


# -- party politics ----------------------------------------------------------------------
_PARTY_HANDLE = re.compile(
    r"(?:@[\w.]*?|\b)(?:moderat|sverigedemokrat|socialdemokrat|liberalerna|centerpartiet|kristdemokrat|v[aä]nsterpartiet|milj[oö]partiet|sdu_|ssu_|muf_)[\w.]*(?:\.se\b[\w/]*)?",
    re.I,
)
# A report of how parties voted ("S och V röstade för förslaget"): news of a decision, no campaign.
_VOTED = re.compile(r"\b(?:röstade|röstar|har röstat) (?:för|emot|mot|ja|nej|igenom|ned|ner|bort)\b|\breserverade sig\b|\blade ned sina röster\b")


def detect_party(c: Context) -> list[Reason]:
    calls = c.get("party.call")
    if not calls:
        if _VOTED.search(c.nz.norm) and c.has("party.name"):
            c.ruled_out += ("party_political",)
        return []
    calls = [h for h in calls if not c.covered(h, "party.not_call") and not c.extended(h, "party.not_call")]
    if not calls:
        return []
    names = list(c.get("party.name"))
    for m in _PARTY_ABBREV.finditer(c.text):
        s, e = m.span()
        names.append((c.norm_pos(s), c.norm_pos(e), 1.0, m.group(0)))
    if "@" in c.text or "." in c.text:
        # "@moderaterna_solna", "liberalerna.se/vasteras": a party's account or site.
        for m in _PARTY_HANDLE.finditer(c.text):
            s, e = m.span()
            names.append((c.norm_pos(s), c.norm_pos(e), 1.0, m.group(0)))
    if not names:
        return []
    total = 0.0
    lead = None
    for h in calls:
        near = [n for n in names if n[1] > h[0] - 90 and n[0] < h[1] + 90]
        if not near:
            continue
        total += h[2]
        if lead is None or h[2] > lead[0][2]:
            lead = (h, near[0])
    if lead is None or total < 0.9:
        return []
    h, n = lead
    span = (min(c.span(h)[0], c.span(n)[0]), max(c.span(h)[1], c.span(n)[1]))
    return [Reason("party_political", "party_political.campaign", span, _score(total, 0.55))]


# -- profanity -------------------------------------------------------------------------
def detect_profanity(c: Context) -> list[Reason]:
    ruled_out = False
    for tag, rule in (("profanity.swear", "profanity.swear"), ("profanity.obscene", "profanity.obscene")):
        for h in c.get(tag):
            if h[2] < 0.5:
                continue
            if c.covered(h, "profanity.not") or c.extended(h, "profanity.not"):
                ruled_out = True
                continue
            span = c.span(h)
            masked = "*" in c.nz.norm[h[0] : h[1]] or (span[1] - span[0]) > (h[1] - h[0])
            return [Reason("profanity", "profanity.masked" if masked else rule, span, 0.9)]
    for h in c.get("emoji.profanity"):
        return [Reason("profanity", "profanity.swear", c.span(h), 0.7)]
    if ruled_out:
        c.ruled_out += ("profanity",)
    return []


# -- personal data and confidential details ----------------------------------------------
_OWN_CONTACT = ("ring mig", "mitt nummer", "min mobil", "nå mig", "mejla mig", "maila mig", "min mejl", "min mail", "mitt telefonnummer", "kontakta mig", "mig på")


def detect_personal_data(c: Context, commercial: bool) -> list[Reason]:
    out: list[Reason] = []
    for s, e, coordination in c.personnummer():
        rule = "personal_data.samordningsnummer" if coordination else "personal_data.personnummer"
        out.append(Reason("personal_data", rule, c.nz.low_span(s, e), 0.99))
        return out
    if c.has_digit and not commercial:
        for s, e, kind in c.phones():
            if kind != "personal":
                continue
            h = c.low_hit(s, e)
            before = c.nz.norm[max(0, h[0] - 25) : h[0]]
            if any(o in before for o in _OWN_CONTACT):
                continue
            if c.near(h, "third_party", 80, 20) or c.near(h, "pron.third", 40, 10) or _near_name(c, h):
                out.append(Reason("personal_data", "personal_data.phone", (s, e), 0.85))
                return out
    if "@" in c.text and not commercial:
        for s, e, functional in c.emails():
            if functional:
                continue
            h = c.low_hit(s, e)
            before = c.nz.norm[max(0, h[0] - 25) : h[0]]
            if any(o in before for o in _OWN_CONTACT):
                continue
            if c.near(h, "third_party", 80, 20) or c.near(h, "pron.third", 40, 10) or _near_name(c, h):
                out.append(Reason("personal_data", "personal_data.email", c.nz.low_span(s, e), 0.85))
                return out
    for s, e in c.streets():
        h = (c.norm_pos(s), c.norm_pos(e), 1.0, "")
        before = c.nz.norm[max(0, h[0] - 50) : h[0]]
        if "jag bor" in before or "vi bor" in before:
            continue
        if before.endswith(" på ") and _near_name(c, h, 40, 0) and not c.has("case.fault"):
            out.append(Reason("personal_data", "personal_data.address", (s, e), 0.8))
            return out
        if ("bor" in before or "adress" in before) and (c.near(h, "third_party", 90, 10) or c.near(h, "pron.third", 40, 5) or _near_name(c, h)):
            out.append(Reason("personal_data", "personal_data.address", (s, e), 0.85))
            return out
    return out


def _near_name(c: Context, h: Hit, before: int = 90, after: int = 40) -> bool:
    return any(n[1] > h[0] - before and n[0] < h[1] + after for n in c.names())


def _sensitive_hits(c: Context) -> list[Hit]:
    return [h for tag in ("sensitive.health", "sensitive.social", "sensitive.case") for h in c.get(tag) if not c.covered(h, "threat.figurative")]


_GENERIC_BEFORE = re.compile(r"(?:personer|de|den|dem|barn|elever|äldre|unga|familjer|man|alla|folk|människor|någon) (?:med|som har|som lider av|som)\s*$|(?:om man|för den som|stöd för|hjälp för|hjälp med|info om|information om|stöd vid|bli|att bli|vara)\s*$")


def _generic(c: Context, h: Hit) -> bool:
    """"personer med demens", "stöd för barn med adhd": a topic, not someone's details."""
    before = c.nz.norm[max(0, h[0] - 28) : h[0]]
    if not _GENERIC_BEFORE.search(before):
        return False
    return not any(f[1] <= h[0] and h[0] - f[1] <= 12 for f in c.get("family"))


def _own_markers(c: Context) -> list[Hit]:
    """First-person words that are not part of "min granne", "min chef" and the like."""
    third = c.get("third_party")
    return [h for h in c.get("pron.first") if not any(t[0] <= h[0] and h[1] <= t[1] for t in third)]


def detect_sensitive(c: Context) -> list[Reason]:
    """Confidential own-case details, and health or social details about someone else."""
    for h in c.get("sensitive.protected"):
        return [Reason("confidential", "confidential.protected_identity", c.span(h), 0.95)]
    if not (c.has("sensitive.health") or c.has("sensitive.social") or c.has("sensitive.case")):
        return []
    sens = [h for h in _sensitive_hits(c) if not _generic(c, h)]
    if not sens:
        return []
    case_hits = c.get("sensitive.case")
    fam = c.get("family")
    if fam:
        # "Min svägerska Linnea Berg är gravid": a named relative is someone else, not one's own case.
        names = c.names()
        if names:
            fam = [f for f in fam if not any(0 <= n[0] - f[1] <= 2 for n in names)]
    if fam:
        near = [s for s in sens if any(f[1] > s[0] - 160 and f[0] < s[1] + 60 for f in fam)]
        praised = c.has("praise") and not any(s[2] >= 0.9 for s in near) and not c.has("case.complaint")
        if c.total("x", near) >= 0.6 and not praised:
            lead = max(near, key=lambda x: x[2])
            return [Reason("confidential", "confidential.own_case", c.span(lead), _score(c.total("x", near) - 0.6, 0.75))]
    own_words = _own_markers(c)
    if own_words:
        own = [s for s in sens if any(o[1] > s[0] - 90 and o[0] < s[1] + 40 and c.same_sentence(o, s) for o in own_words)]
        if own and all(s in case_hits for s in own):
            own = []  # "avslag på mitt bygglov": a case, but not a sensitive one
        weight = c.total("x", own)
        has_case = any(s in case_hits for s in own)
        praised = c.has("praise") and not has_case and not c.has("case.complaint")
        if own and (weight >= 1.0 or has_case) and not praised:
            if not (c.is_question() and weight < 1.5 and not has_case and not c.has("case.intent")):
                lead = max(own, key=lambda x: x[2])
                return [Reason("confidential", "confidential.own_case", c.span(lead), _score(weight - 1.0, 0.7))]
    about_others = [s for s in sens if s not in case_hits]
    for s in sorted(about_others, key=lambda h: -h[2]):
        who = c.near(s, "third_party", 90, 30) or c.near(s, "person.role", 90, 20) or [n for n in c.names() if n[1] > s[0] - 90 and n[0] < s[1] + 30]
        who = [w for w in who if c.same_sentence(w, s)]
        if not who or c.total("x", [o for o in about_others if abs(o[0] - s[0]) < 80]) < 0.9:
            continue
        if not any(o[1] > s[0] - 20 and o[0] < s[0] for o in own_words):
            span = (min(c.span(s)[0], c.span(who[0])[0]), max(c.span(s)[1], c.span(who[0])[1]))
            return [Reason("personal_data", "personal_data.sensitive_third_party", span, 0.85)]
    return []


# -- case matters, questions, trivial ----------------------------------------------------
def _thanks_only(c: Context) -> bool:
    """Praise for a service that works ("Snöröjningen har fungerat jättebra i vinter, bra
    jobbat!"): thanks, no question, no negation, no wish to start a case."""
    return c.has("praise") and "?" not in c.text and not c.has("negation") and not c.has("case.intent")


def detect_case_matter(c: Context) -> list[Reason]:
    best = None
    for tag, rule in (("case.records", "case_matter.records_request"), ("case.complaint", "case_matter.complaint"), ("case.fault", "case_matter.fault_report"), ("case.application", "case_matter.application")):
        hits = [h for h in c.get(tag) if not c.covered(h, "threat.figurative")] if tag == "case.fault" else c.get(tag)
        if not hits:
            continue
        total = c.total(tag, hits)
        if 0.7 <= total < 1.0 and c.has("case.intent"):
            total += 0.3
        if best is None or total > best[0]:
            best = (total, max(hits, key=lambda h: h[2]), rule)
    if best is None or best[0] < 1.0:
        return []
    if best[2] == "case_matter.application" and c.is_question() and not c.has("case.intent"):
        return []
    if best[2] in ("case_matter.fault_report", "case_matter.application") and _thanks_only(c):
        return []
    return [Reason("case_matter", best[2], c.span(best[1]), _score(best[0] - 1.0, 0.6))]


def detect_question(c: Context) -> list[Reason]:
    if not c.is_question():
        return []
    qpos = c.text.find("?")
    if qpos < 0:
        return [Reason("question", "question.plain", (0, min(len(c.text), 80)), 0.7)]
    start = max(c.text.rfind(".", 0, qpos), c.text.rfind("!", 0, qpos), c.text.rfind("\n", 0, qpos)) + 1
    while start < qpos and c.text[start].isspace():
        start += 1
    return [Reason("question", "question.plain", (start, qpos + 1), 0.8)]


def needs_expert(c: Context, categories: Collection[str]) -> bool:
    """INB-4: what the editor should hand to the kommunikatör, who asks the expert."""
    if "case_matter" in categories or "confidential" in categories:
        return True
    if "question" in categories:
        return c.has("question.complex") or c.text.count("?") >= 3 or len(c.text) > 400
    return False


def trivial_reason(c: Context) -> Reason:
    n = len(c.text)
    if c.has("criticism"):
        h = c.get("criticism")[0]
        return Reason("trivial", "trivial.criticism", c.span(h), 0.8)
    for tag in ("threat.figurative", "distress.figurative"):
        if c.has(tag):
            return Reason("trivial", "trivial.figure_of_speech", c.span(c.get(tag)[0]), 0.8)
    return Reason("trivial", "trivial.no_signal", (0, n), 0.6)


# -- the pipeline ---------------------------------------------------------------------------
def context_for(text: str, lexicon: Lexicon) -> Context:
    nz = normalize(text)
    hits = lexicon.scan(nz.norm)
    if not nz.low.isascii():
        for start, end, tag, weight, term in lexicon.scan_emoji(nz.low):
            s, e = nz.low_span(start, end)
            pos_s = bisect_left(nz.norm_offsets, s) + 1 if nz.norm_offsets is not None else s + 1
            pos_e = pos_s + max(1, e - s)
            hits.setdefault(tag, []).append((pos_s, pos_e, weight, term))
    if "laugh.not" in hits and "laugh" in hits:
        # "det var inte ett skämt": a laugh word said not to be one is no laugh.
        nots = hits["laugh.not"]
        laughs = [h for h in hits["laugh"] if not any(n[0] <= h[0] and h[1] <= n[1] for n in nots)]
        if laughs:
            hits["laugh"] = laughs
        else:
            del hits["laugh"]
    return Context(text, nz, hits)


def _resolve(c: Context, reasons: list[Reason]) -> list[Reason]:
    """Where two detectors read the same words two ways, keep the likelier reading."""
    cats = {r.category for r in reasons}
    if "defamation" in cats and any(r.rule == "personal_data.sensitive_third_party" for r in reasons):
        # "Läraren X är alkoholist" attacks someone in their role; "Grannen X är
        # alkoholist" spreads a private person's health.
        drop = "personal_data" if c.has("person.role") else "defamation"
        reasons = [r for r in reasons if r.category != drop]
    cats = {r.category for r in reasons}
    if "threat" in cats and "distress" in cats and all(r.rule == "distress.combined_signs" for r in reasons if r.category == "distress"):
        # "Jag har mina vapen redo och vet vilka som ska dö": the death is meant for others.
        reasons = [r for r in reasons if r.category != "distress"]
    cats = {r.category for r in reasons}
    if "distress" in cats and "threat" in cats:
        # "Jag har en kniv och ska skära mig": the danger is to the poster, not to others.
        others = [t for t in c.get("threat.target") if t[3] not in ("ni", "er", "dig")] or c.get("person.role") or c.get("hate.group")
        if not others:
            reasons = [r for r in reasons if r.category != "threat"]
    cats = {r.category for r in reasons}
    if "threat" in cats and any(r.rule == "violence_porn.violence_depiction" for r in reasons):
        # "Rektorn ska få se hur det känns att bli misshandlad" threatens; it shows nothing.
        reasons = [r for r in reasons if r.rule != "violence_porn.violence_depiction"]
    if "threat" in cats or "distress" in cats:
        reasons = [r for r in reasons if r.rule != "confidential.own_case"]
    cats = {r.category for r in reasons}
    if "confidential" in cats and "defamation" in cats and (c.has("sensitive.case") or c.has("sensitive.social")):
        # Complaints about one's own case officer belong to the case: hide and refer it.
        reasons = [r for r in reasons if r.category != "defamation"]
    if "violence_porn" in cats and "profanity" in cats:
        porn_words = {h[3] for h in c.get("porn.explicit")}
        prof = [r for r in reasons if r.category == "profanity"]
        swears = [h for tag in ("profanity.swear", "profanity.obscene") for h in c.get(tag) if h[3] not in porn_words and h[2] >= 0.5]
        if prof and not swears:
            reasons = [r for r in reasons if r.category != "profanity"]
    return reasons


# The trigger tags of each detector: a detector runs only when one of them was hit.
_DISTRESS_TRIGGERS = frozenset(("distress.explicit", "distress.method", "distress.hopeless", "distress.third_party", "distress.c_death", "distress.c_life", "distress.c_method"))
_THREAT_TRIGGERS = frozenset(("threat.explicit", "threat.verb", "threat.weapon"))
_HATE_TRIGGERS = frozenset(("hate.slur", "hate.sexist", "hate.group"))
_DEFAMATION_TRIGGERS = frozenset(("defamation.accusation", "defamation.insult"))
_VIOLENCE_TRIGGERS = frozenset(("porn.explicit", "porn.weak", "violence.graphic", "violence.act"))
_CRIME_TRIGGERS = frozenset(("crime.offer", "crime.contraband", "crime.act", "crime.evade"))
_COPYRIGHT_TRIGGERS = frozenset(("copyright.strong", "copyright.work"))
_PROFANITY_TRIGGERS = frozenset(("profanity.swear", "profanity.obscene", "emoji.profanity"))
_SENSITIVE_TRIGGERS = frozenset(("sensitive.protected", "sensitive.health", "sensitive.social", "sensitive.case"))
_CASE_TRIGGERS = frozenset(("case.records", "case.complaint", "case.fault", "case.application"))


def detect(text: str, lexicon: Lexicon) -> tuple[list[Reason], Context]:
    c = context_for(text, lexicon)
    tags = c.hits.keys()
    reasons: list[Reason] = []
    if not tags.isdisjoint(_DISTRESS_TRIGGERS):
        reasons += detect_distress(c)
    threat = detect_threat(c) if not tags.isdisjoint(_THREAT_TRIGGERS) else []
    reasons += threat
    if not tags.isdisjoint(_HATE_TRIGGERS):
        reasons += detect_hate(c)
    if not tags.isdisjoint(_DEFAMATION_TRIGGERS):
        reasons += detect_defamation(c)
    if not tags.isdisjoint(_VIOLENCE_TRIGGERS):
        reasons += detect_violence_porn(c)
    if threat or not tags.isdisjoint(_CRIME_TRIGGERS):
        reasons += detect_crime(c, threat)
    if not tags.isdisjoint(_COPYRIGHT_TRIGGERS):
        reasons += detect_copyright(c)
    if "party.call" in tags or "röst" in c.nz.norm or "reserverade" in c.nz.norm:
        reasons += detect_party(c)
    if not tags.isdisjoint(_PROFANITY_TRIGGERS):
        reasons += detect_profanity(c)
    if not tags.isdisjoint(_SENSITIVE_TRIGGERS):
        reasons += detect_sensitive(c)
    if len(reasons) > 1:
        reasons = _resolve(c, reasons)
    cats = {r.category for r in reasons}
    commercial = detect_commercial(c, cats)
    reasons += commercial
    if "personal_data" not in cats and (c.has_digit or "@" in text or not tags.isdisjoint(_SENSITIVE_TRIGGERS)):
        reasons += detect_personal_data(c, bool(commercial))
    if "confidential" not in cats and not tags.isdisjoint(_CASE_TRIGGERS):
        reasons += detect_case_matter(c)
    return reasons, c
