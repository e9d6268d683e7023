"""A Swedish sentence for every rule, shown to editors next to the matched words.

``explain(reason, text)`` gives e.g. "Hot: ”skjuta er alla” (regel threat.weapon_intent)
– hot om våld med vapen och avsikt." Every rule name the engine can emit is a key here;
a test checks it.
"""

from __future__ import annotations

from uppsikt.policies import vocabulary

RULES_SV: dict[str, str] = {

    "distress.explicit": "Skribenten skriver att hen tänker ta sitt liv eller vill dö.",
    "distress.method": "Skribenten beskriver självskada eller ett sätt att ta sitt liv (till exempel tabletter).",
    "distress.hopeless": "Flera uttryck för hopplöshet om det egna livet; kan vara ett nödrop.",
    "distress.combined_signs": "Flera tecken tillsammans (död eller liv, avsked, hopplöshet, ett sätt att skada sig); kan vara ett nödrop.",
    "distress.third_party": "Någon annan kan vara i fara: inlägget säger att en person vill ta sitt liv eller skadar sig.",
    "threat.explicit": "Ett uttalat hot mot en person, personal, en byggnad eller ett möte.",
    "threat.weapon_intent": "Hot om våld med vapen och avsikt.",
    "threat.violence_intent": "Hot om våld med avsikt mot en utpekad person, grupp eller plats.",
    "hate.slur": "Ett nedsättande skällsord om en folkgrupp eller minoritet (hets mot folkgrupp).",
    "hate.dehumanising": "En grupp beskrivs som ohyra, sjukdom eller mindre värd (hets mot folkgrupp).",
    "hate.sexist": "Sexistiskt uttalande om kvinnor eller en grupp.",
    "hate.violent_wish": "Önskan om våld mot en grupp (hets mot folkgrupp, trakasserier).",
    "defamation.accusation": "En identifierbar person pekas ut som brottslig eller klandervärd (förtal).",
    "defamation.insult": "En identifierbar person förolämpas (personangrepp).",
    "violence_porn.pornography": "Pornografiskt innehåll eller sexuellt lockbete.",
    "violence_porn.violence_depiction": "Skildring av grovt våld (film, bilder).",
    "crime.offer": "Erbjudande som i sig är ett brott (till exempel falska körkort eller intyg).",
    "crime.contraband_sale": "Försäljning av narkotika, vapen eller annat olagligt.",
    "crime.incitement": "Uppmaning till eller avsikt att begå brott.",
    "copyright.piracy": "Piratkopierat material eller text bakom betalvägg som delas utan tillstånd.",
    "copyright.free_copy": "Ett upphovsrättsskyddat verk erbjuds gratis utan tillstånd.",
    "commercial.advertising": "Reklam, kommersiellt budskap eller skräppost (länk, pris, rabattkod, kontakta mig).",
    "party_political.campaign": "Partipolitisk kampanj: ett parti nämns tillsammans med en uppmaning att rösta eller gå med.",
    "profanity.swear": "Svordom.",
    "profanity.obscene": "Obscent ord.",
    "profanity.masked": "Maskerad svordom eller obscent ord (till exempel f*n, j ä v l a).",
    "personal_data.personnummer": "Ett personnummer med giltig kontrollsiffra.",
    "personal_data.samordningsnummer": "Ett samordningsnummer med giltig kontrollsiffra.",
    "personal_data.phone": "Någon annans telefonnummer.",
    "personal_data.email": "Någon annans e-postadress.",
    "personal_data.address": "Någon annans hemadress.",
    "personal_data.sensitive_third_party": "Hälsa eller sociala förhållanden om en utpekad person (känsliga personuppgifter).",
    "confidential.protected_identity": "Skyddad identitet eller sekretessmarkering; får inte röjas.",
    "confidential.own_case": "Detaljer i ett enskilt personärende (hälsa, socialtjänst, LSS, ärende); hänvisa till annan kontaktväg.",
    "case_matter.fault_report": "Felanmälan: något behöver åtgärdas.",
    "case_matter.complaint": "Klagomål, anmälan eller överklagande.",
    "case_matter.application": "Ansökan eller bokning som blir ett ärende.",
    "case_matter.records_request": "Begäran att få ta del av allmänna handlingar.",
    "question.plain": "En fråga att besvara.",
    "trivial.criticism": "Kritik av kommunen eller dess politiker står kvar och besvaras sakligt (MOD-7).",
    "trivial.figure_of_speech": "Bildligt uttryck, inte ett hot eller nödrop.",
    "trivial.no_signal": "Inget i inlägget kräver åtgärd.",
}

MODEL_RULE_PREFIX = "model."
BASE_MODEL_RULE_PREFIX = "base_model."


def _label(table_names: tuple[str, ...], key: str) -> str:
    for name in table_names:
        table = getattr(vocabulary, name, None)
        if table and key in table:
            return str(table[key])
    return key


# The categories' Swedish names as the explanations use them (contracts/triage.md).
CATEGORY_SV = {
    "question": "Enkel fråga",
    "trivial": "Anspråkslöst inlägg",
    "case_matter": "Betydelse i ett ärende",
    "distress": "Nöddrop",
    "threat": "Hot",
    "hate": "Hets mot folkgrupp, sexism, trakasserier",
    "defamation": "Förtal, personangrepp",
    "violence_porn": "Olaga våldsskildring, pornografi",
    "crime": "Uppmaning till brott",
    "copyright": "Upphovsrättsintrång",
    "commercial": "Reklam",
    "party_political": "Partipolitiskt budskap",
    "profanity": "Svordomar",
    "personal_data": "Kränkande personuppgifter",
    "confidential": "Sekretess, enskilt personärende",
}


def category_label(category: str) -> str:
    """The category's Swedish name."""
    return CATEGORY_SV.get(category) or _label(("CATEGORY_LABELS_SV", "CATEGORY_LABELS"), category)


def action_label(action: str) -> str:
    return _label(("ACTION_LABELS_SV", "ACTION_LABELS"), action)


def rule_sentence(rule: str) -> str:
    if rule.startswith(BASE_MODEL_RULE_PREFIX):
        label = category_label(rule[len(BASE_MODEL_RULE_PREFIX) :])
        return f"Den medföljande modellen känner igen ordval som ofta betyder ”{label}”; ett av orden som vägde tyngst är markerat. Bedöm inlägget själv."
    if rule.startswith(MODEL_RULE_PREFIX):
        category = rule[len(MODEL_RULE_PREFIX) :]
        label = category_label(category)
        return f"Den inlärda modellen för kommunen bedömer inlägget som ”{label}” utifrån redaktörernas tidigare beslut."
    return RULES_SV.get(rule, "Regel utan förklaring.")


def explain(category: str, rule: str, span: tuple[int, int], text: str) -> str:
    """One line for the UI: category, the matched words, the rule and why."""
    label = category_label(category)
    quoted = text[span[0] : span[1]].strip()
    if len(quoted) > 80:
        quoted = quoted[:77] + "…"
    where = f": ”{quoted}”" if quoted else ""
    return f"{label}{where} (regel {rule}) – {rule_sentence(rule)}"


def overruled_explanation(reason, text: str) -> str:
    """Why a rule's finding was not counted: the shipped model found it all but impossible."""
    from .base_model import VETO

    label = category_label(reason.category)
    return (
        f"{explain(reason.category, reason.rule, reason.span, text)} Regeln räknades inte: den medföljande "
        f"modellen bedömde ”{label}” som mycket osannolikt (under {round(VETO * 100)} %) i det här inlägget. Bedöm inlägget själv."
    )
