"""Urgent signals: each one, its idioms and negations, evidence in the original text."""

from __future__ import annotations

import pytest

from nlu import SIGNALS, analyze


def main_signal(text: str) -> str:
    result = analyze(text)
    return result.signals[0] if result.signals else "none"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        # suicidal ideation, in SMS spelling, English, and about a friend
        ("jveux plu vivre", "suicidal_ideation"),
        ("g envi de disparaitre pour de bon", "suicidal_ideation"),
        ("jsuis fatiguee de vivre", "suicidal_ideation"),
        ("je vais m0urir ce soir, j'ai tout préparé", "suicidal_ideation"),
        ("j'ai avalé toute une plaquette de somnifères", "suicidal_ideation"),
        ("i just wanna die", "suicidal_ideation"),
        ("ma pote veut se suicider", "suicidal_ideation"),
        ("my bro talks about killing himself", "suicidal_ideation"),
        # incitement: what others tell the young person
        ("on me dit kys en mp", "suicide_incitement"),
        ("ils m'écrivent pends-toi", "suicide_incitement"),
        ("ils disent que je devrais me foutre en l'air", "suicide_incitement"),
        ("they keep telling me to kill myself", "suicide_incitement"),
        # self-harm
        ("je me scarifie le soir", "self_harm"),
        ("jme suis coupée les poignets", "self_harm"),
        ("i burn myself with a lighter", "self_harm"),
        # sextortion
        ("il menace de balancer mes nudes", "sextortion"),
        ("il veut 100 euros sinon il poste la video", "sextortion"),
        ("he's blackmailing me with my pics", "sextortion"),
        # violence
        ("ils vont me tabasser demain", "violence_threat"),
        ("on a mis mon adresse en ligne avec des menaces", "violence_threat"),
        ("he said he's gonna stab me", "violence_threat"),
        ("je vais tuer mon frère s'il touche à ma console", "violence_threat"),
        # grooming
        ("un homme de 40 ans veut me voir en secret", "grooming"),
        ("a grown man keeps asking for pics of me", "grooming"),
    ],
)
def test_signal_is_raised(text: str, signal: str) -> None:
    assert main_signal(text) == signal


@pytest.mark.parametrize(
    "text",
    [
        "ptdr je meurs",
        "je suis morte de rire",
        "je crève de chaud",
        "jsuis crevé",
        "mon père va me tuer si je rentre tard",
        "ma mère va me tuer quand elle verra mes notes",
        "ce boss m'a tué",
        "j'ai tué tout le monde à la partie d'hier",
        "i'm dying of laughter",
        "that joke killed me",
        "this homework is killing me",
        "je me suis coupé le doigt en cuisinant",
        "je me coupe les cheveux",
        "il m'a menacé de me bloquer",
        "je veux en finir avec ce harcèlement",
        "je veux disparaître des réseaux",
        "on a fait un exposé sur le suicide",
        "une photo de moi moche circule",
        "ils m'insultent sur snap",
    ],
)
def test_idioms_and_ordinary_harassment_raise_no_alarm(text: str) -> None:
    assert analyze(text).signals == ()


@pytest.mark.parametrize(
    "text",
    [
        "je veux pas mourir",
        "t'inquiète je vais pas me suicider",
        "i'm not going to kill myself",
        "je suis pas suicidaire",
    ],
)
def test_a_negated_phrase_is_not_an_alarm(text: str) -> None:
    assert not analyze(text).urgent


@pytest.mark.parametrize(
    "text",
    [
        "je veux pas vivre comme ça",  # negating life is the alarm itself
        "je ne veux plus vivre",
        "je suis pas suicidaire mais je pense à mourir",  # the rest of the message still counts
        "je veux pas mourir mais j'ai envie de me pendre",
    ],
)
def test_negation_does_not_hide_what_is_said_around_it(text: str) -> None:
    assert analyze(text).signals[0] == "suicidal_ideation"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        # spelling variants, goodbyes, past attempts, reports about someone else
        ("jsp cmt le dire mais jpense a me suissider", "suicidal_ideation"),
        ("jveu me foutre en lair", "suicidal_ideation"),
        ("c'est mon dernier message, dites a ma mere que je l'aime", "suicidal_ideation"),
        ("hier g avalé toutes les boites de l'armoire", "suicidal_ideation"),
        ("mon pote a dit qu'il allait se tirer une balle", "suicidal_ideation"),
        ("no point living anymore tbh", "suicidal_ideation"),
        ("je suis sur le toit de l'immeuble", "suicidal_ideation"),
        ("i took like 30 of my sleeping pills", "suicidal_ideation"),
        # incitement, in the third person and with emoji
        ("ma soeur recoit des messages qui lui disent de se pendre", "suicide_incitement"),
        ("t'as qu'a te buter", "suicide_incitement"),
        ("ils commentent des 🪢 sous chaque post", "suicide_incitement"),
        ("they said do everyone a favour and die", "suicide_incitement"),
        # self-harm: misspelt, third person, emoji only
        ("g recommencé a me couper", "self_harm"),
        ("je me scarrifie", "self_harm"),
        ("mon frere se brule avec des cigarettes", "self_harm"),
        ("🔪🩸", "self_harm"),
        ("my girlfriend self harms", "self_harm"),
        ("ive been cutting for months", "self_harm"),
        # sextortion: conditional threats, filmed, "me fait chanter"
        ("he wants more pics or he'll send them to my friends", "sextortion"),
        ("elle me fait chanter avec une video", "sextortion"),
        ("ils m'ont filmée dans les vestiaires", "sextortion"),
        ("he recorded our call while i was naked and wants $200", "sextortion"),
        # violence: weapons, people waiting, address posted
        ("il menace de brûler ma maison", "violence_threat"),
        ("ils me guettent devant chez moi", "violence_threat"),
        ("ils vont me casser les jambes", "violence_threat"),
        ("someone leaked where i live and said they're coming for me", "violence_threat"),
        # grooming: age, secrecy, requests
        ("il a 28 ans et me dit de supprimer nos conversations", "grooming"),
        ("he said our chats are a secret and wants to meet", "grooming"),
        ("a grown man keeps asking what im wearing", "grooming"),
        ("this man from roblox wants me to come to his house, im 12", "grooming"),
    ],
)
def test_new_variants_are_raised(text: str, signal: str) -> None:
    assert main_signal(text) == signal


@pytest.mark.parametrize(
    "text",
    [
        "jvais le tuer en ranked ce soir",
        "je vais te tuer si tu spoil la fin",
        "ma pote a dit qu'elle allait me tuer si je racontais son secret",
        "mdrr t'es morte toi",
        "je me suis coupé en epluchant les carottes",
        "je veux disparaitre de ce groupe de classe",
        "trop envie de disparaitre sous ma couette",
        "jvais tuer ce controle de maths demain",
        "i'm gonna shoot my shot with her",
        "i'm gonna get killed by my mom",
        "la prof me fait chanter devant la classe",
        "un adulte de mon club m'a demandé mon numero pour les entrainements",
        "il m'a envoyé un snap",
    ],
)
def test_more_idioms_raise_no_alarm(text: str) -> None:
    assert analyze(text).signals == ()


@pytest.mark.parametrize(
    "text",
    [
        "j'ai jamais pensé a me faire du mal",
        "jai jamais envoyé de nudes a personne",
        "il a jamais menacé de me frapper",
        "nobody threatened me, they just talk behind my back",
        "je me suis fait frapper au foot par accident",
    ],
)
def test_more_negations_raise_no_alarm(text: str) -> None:
    assert not analyze(text).urgent


def test_a_friend_is_not_read_as_a_threat_when_the_writer_hits_themself() -> None:
    assert analyze("je me frappe quand je suis en crise").signals[0] == "self_harm"


def test_a_joke_cancels_a_weak_phrase_but_not_a_strong_one() -> None:
    assert not analyze("je vais mourir si je rate le bus mdr").urgent
    assert analyze("mdr je veux me suicider").urgent


def test_incitement_is_not_read_as_the_writers_own_wish() -> None:
    assert analyze("ils me disent de me suicider").signals == ("suicide_incitement",)


def test_the_main_signal_comes_first() -> None:
    result = analyze("on me dit kys et franchement je veux mourir")
    assert result.signals == ("suicidal_ideation", "suicide_incitement")


def test_evidence_points_into_the_original_text() -> None:
    text = "bon ben jveux plu vivre 😭"
    result = analyze(text)
    assert result.evidence
    for evidence in result.evidence:
        assert evidence.signal in SIGNALS
        assert text[evidence.start : evidence.end] == evidence.text
    assert "jveux plu vivre" in result.evidence[0].text


def test_every_signal_has_evidence() -> None:
    result = analyze("il menace de publier mes nudes et dit qu'il va me frapper")
    assert set(result.signals) == {"sextortion", "violence_threat"}
    assert {e.signal for e in result.evidence} == set(result.signals)


def rules_signal(text: str) -> str:
    """The main signal of the rules of safety.yml alone (no learned model)."""
    from nlu.normalize import normalize
    from nlu.safety import detect

    hits = detect(normalize(text), use_model=False)
    return hits[0].signal if hits else "none"


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        # indirect ideation: a burden no more, away for good, everything ready, a dead relative
        ("bientôt je serai plus un fardeau pour eux", "suicidal_ideation"),
        ("jsuis qu un boulet pour mes parents", "suicidal_ideation"),
        ("they'll be happier once i'm gone", "suicidal_ideation"),
        ("i won't be around by monday", "suicidal_ideation"),
        ("lundi je serai plus là, c'est comme ça", "suicidal_ideation"),
        ("g tout planifié pour quand ils dorment", "suicidal_ideation"),
        ("j'ai fixé le jour, je change pas d'avis", "suicidal_ideation"),
        ("je vais retrouver mamie au ciel", "suicidal_ideation"),
        ("jvais rejoindre mon grand-père, il m'attend", "suicidal_ideation"),
        ("i'll see my granny again soon", "suicidal_ideation"),
        ("j'ai laissé mon vélo à mon cousin, j'en aurai plus besoin", "suicidal_ideation"),
        ("giving my headphones to my sis, where im going i won't need them", "suicidal_ideation"),
        ("voilà c'est mes adieux", "suicidal_ideation"),
        ("mon meilleur pote a posté un message d'adieu", "suicidal_ideation"),
        ("please tell my dad it was not his fault", "suicidal_ideation"),
        ("je tiendrai pas jusqu'à noël", "suicidal_ideation"),
        ("j ai compté les cachets, ça suffira", "suicidal_ideation"),
        # reported about a friend, and new wordings of other signals
        ("mon pote s'est fait menacer au couteau devant le lycée", "violence_threat"),
        ("ma pote s'est fait tabasser à la sortie", "violence_threat"),
        ("they said they'd put me in the hospital", "violence_threat"),
        ("ma copine m'a dit qu'elle allait se couper ce soir", "self_harm"),
        ("45 days clean and i relapsed", "self_harm"),
        ("i scratch my arms till they bleed", "self_harm"),
        ("ils m'écrivent disparais pour de bon", "suicide_incitement"),
        ("tes parents seraient soulagés si tu crevais", "suicide_incitement"),
        ("mon entraîneur m'écrit la nuit et dit que c'est notre secret", "grooming"),
    ],
)
def test_indirect_wordings_are_raised_by_the_rules(text: str, signal: str) -> None:
    assert rules_signal(text) == signal


@pytest.mark.parametrize(
    "text",
    [
        "je suis un poids mort en sport",
        "i won't be here tomorrow, dentist lol",
        "j'ai tout préparé pour la fête de samedi",
        "j'ai choisi la date de la soirée",
        "je vais rejoindre papi au marché",
        "je vais rejoindre mes potes au parc",
        "i'm going to see grandpa this weekend",
        "ok bye everyone, gotta do homework",
        "the song says i wanna die, such a banger",
        "ils m ont kick du serveur",
        "they kicked me out of the group chat",
        "mon frangin va me démonter j'ai pris sa manette",
        "je me suis coupé en ouvrant un carton",
        "i'm gonna die if he texts back",
        "ma pote s'est fait insulter dans le bus",
        "je me suis fait tuer sur fortnite",
    ],
)
def test_lookalikes_of_indirect_wordings_raise_no_alarm(text: str) -> None:
    assert main_signal(text) == "none"


@pytest.mark.parametrize(
    "text",
    [
        "on prepare un expose sur la sextorsion",
        "c est quoi le grooming",
        "i read an article about teens who self harm",
        "dans le roman le heros se suicide a la fin",
        "ma tante est infirmiere et elle parle des overdoses",
    ],
)
def test_talk_about_a_topic_is_not_an_alarm(text: str) -> None:
    assert not analyze(text).urgent


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("on a fait un expose sur le suicide et j ai envie de mourir", "suicidal_ideation"),
        ("en cours ils m ont dit va te suicider", "suicide_incitement"),
        ("c est quoi la sextorsion ? il menace de poster mes nudes", "sextortion"),
        ("after the assembly on self harm i cut myself again", "self_harm"),
    ],
)
def test_talk_about_a_topic_keeps_the_alarm_of_the_rest(text: str, signal: str) -> None:
    result = analyze(text)
    assert result.urgent
    assert signal in result.signals
