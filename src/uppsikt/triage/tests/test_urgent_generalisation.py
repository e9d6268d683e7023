"""Distress and threat as people write them: paraphrase, dialect, English, veiled and
conditional threats, and the figures of speech and reports right next to them.
(The labelled set bench/triage/data/dev_urgent2.jsonl holds many more.)"""

import pytest


def urgent(classify, text):
    return classify(text).urgent


@pytest.mark.parametrize(
    "text",
    [
        # distress: paraphrase, pro-drop, English, a laugh taken back, a farewell alone
        "dom säger att det blir bättre. det har det inte blivit. ikväll avslutar jag det",
        "va e ens poängen med att vakna imorrn",
        "i wanna die lol. nej men på riktigt, ingen bryr sig om mig",
        "har gett bort alla mina saker nu. kan nån ta hand om min katt efter helgen",
        "repet ligger i garaget. bara så ni vet. ingen lyssnar ändå",
        "kommer inte finnas imorgon. sorry allihop",
        "Om ingen hör av sig före midnatt så tar jag alla mina piller.",
        "Har haft det tufft sedan i fjol. Vill inte leva längre.",  # the past is not the signal
        # threat: veiled, conditional with the verb first (V2), English, dialect
        "Om ni inte ändrar beslutet så bränner jag ner kommunhuset",
        "Om min mamma dör på ert äldreboende så dör ni också.",
        "rektorn pa skolan kommer fa se vad som hander nar skolan slutar pa fredag",
        "hade jag varit du hade jag sett mig över axeln när du går till bilen, Fredrik",
        "skulle vara synd om nåt hände med dina barn, soc-tanten",
        "If you don't fix this I will come to the town hall and kill everyone",
        "ja ska ta ma mej hagelbossa te byamotet om di int lyssnar",
    ],
)
def test_MOD_6_urgent_paraphrases(classify, text):
    assert urgent(classify, text)


@pytest.mark.parametrize(
    "text",
    [
        "Jag vill dö när jag ser hur mycket skatten höjts 🙄",
        "Butiken på torget kommer inte finnas längre, tråkigt",
        "Jag är så trött på livet som pendlare, fixa tågen!",
        "Förlåt mamma att jag glömde din födelsedag! Tack för allt du gör",
        "Vi har skrivit brev till barnen på skolan om lovet, förlåt att det blev sent",
        "Får jag hänga mig på er till festivalen i helgen? Har ingen bil",
        "Ger upp snart. Har ringt om min soptunna fem gånger och ingen svarar.",
        "Var kan man få stöd om man har självmordstankar? Frågar för en vän.",
        "Vi får se vad som händer med budgeten efter valet",
        "Han har familj i Polen och behöver tolk vid mötet, finns det?",
        "This song will kill you, so good! Spelas på festivalen i sommar",
        "Han dömdes för att ha hotat att döda socialsekreteraren, bra att domen kom",
        "Döda länkar överallt på er hemsida",
        "Nakna tjejer väntar på dig, klicka här",
        "Tack till personalen på akuten som räddade min son när han försökte ta sitt liv förra året",
    ],
)
def test_MOD_6_figures_reports_and_everyday_uses_are_not_urgent(classify, text):
    assert not urgent(classify, text)
