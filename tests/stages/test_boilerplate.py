"""The boilerplate classifier: rule packs per language, line features, structure, options, fixtures.

Every example here is written for these tests (not copied from the seeds or the benchmark pages).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpuskit.document import Document
from corpuskit.options import ConfigError
from corpuskit.stages.article import title_anchors
from corpuskit.stages.boilerplate import (
    BEFORE_ARTICLE,
    HEADLINE,
    Boilerplate,
    BoilerplateOptions,
    Classifier,
    classify_lines,
)
from corpuskit.stages.linefeatures import guess_language, line_features, load_stopwords
from corpuskit.stages.normalize import Normalize
from corpuskit.stages.repetition import Repetition
from corpuskit.stages.rulepacks import builtin_pack_text, builtin_packs, load_rules, parse_pack

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "boilerplate"


# -- rule packs, one table per language -------------------------------------------------------
PACK_EXAMPLES = {
    "common": [
        ("Hello {{ user.firstName }}, welcome back", "template"),
        ("Offer ends %%EXPIRY_DATE%%", "template"),
        ("ArrowLeftIcon ChevronIcon FacebookLogo Created with Sketch.", "icon_glyphs"),
        ("Facebook Twitter LinkedIn WhatsApp Email", "social_row"),
        ("News · Sport · Weather · Culture", "separator_row"),
        ("Home › Travel › Europe", "breadcrumb"),
        ("© 2024 Example Media Group. All rights reserved.", "copyright"),
        ("Harbour at dawn (Jane Roe/Reuters)", "photo_credit"),
        ("2024-02-11 08:30", "date_line"),
        ("Crowds gather in the square. (Jane Roe / The Coast Times)", "photo_credit"),
        ("Crowds gather in the square. Photograph: Jane Roe/Alamy", "photo_credit"),
        ("Caption: Crowds gather in the square on Monday.", "photo_credit"),
        ("Crowds gather in the square. GETTY IMAGES / Colin Barber", "photo_credit"),
        ("1.2K", "counter"),
        ("https://example.org/some/page", "url_line"),
    ],
    "en": [
        ("We use cookies to personalise content and to analyse our traffic.", "cookie_notice"),
        ("Sign up for our weekly newsletter and get the best stories.", "newsletter"),
        ("You have 3 free articles left this month.", "paywall"),
        ("Forgot your password?", "login_prompt"),
        ("Comments are closed for this story.", "comments"),
        ("To report an inappropriate comment, use the flag next to it.", "comments"),
        ("Comments are the opinions of their authors and not of The Coast Times.", "comments"),
        ("This article originally appeared on The Coast Times.", "syndication_credit"),
        ("Distributed by Shutterstock.", "photo_credit_line"),
        ("12 thoughts on “Why the harbour gates matter”", "comments"),
        ("Sam Lee on March 3, 2021 at 4:05 pm said:", "comment_header"),
        ("harbourfan99 says:", "comment_header"),
        ("Share this article", "share_prompt"),
        ("Advertisement", "advertisement"),
        ("You might also like", "related_heading"),
        ("Tags: gardening, spring, tomatoes", "read_more"),
        ("Back to top", "read_more"),
        ("Privacy Policy | Terms of Use | Accessibility", "legal_footer"),
        ("About the author", "author_bio"),
        ("By Jane Roe", "byline"),
        ("Jacqueline Ibarra, Silver Creek Beacon staff writer", "byline"),
        ("Photo by Sam Lee for The Daily Example", "photo_credit_line"),
        ("Some links in this guide are affiliate links; we may earn a commission.", "affiliate_disclosure"),
        (
            "Quotes delayed at least 15 minutes. Real-time quotes provided by Example Exchange.",
            "market_data_notice",
        ),
        ("Market data provided by Example Data. Prices are delayed by 20 minutes.", "market_data_notice"),
    ],
    "de": [
        ("Wir verwenden Cookies, um Inhalte zu personalisieren.", "cookie_notice"),
        ("Jetzt den Newsletter abonnieren und nichts verpassen", "newsletter"),
        ("Dieser Artikel ist nur für Abonnenten verfügbar.", "paywall"),
        ("Passwort vergessen?", "login_prompt"),
        ("Kommentare (8)", "comments"),
        ("5 Antworten zu „Neue Schleusen für den Hafen“", "comments"),
        ("Karl Braun schrieb am 3. März 2021:", "comment_header"),
        ("Artikel teilen", "share_prompt"),
        ("Anzeige", "advertisement"),
        ("Das könnte Sie auch interessieren", "related_heading"),
        ("Schlagworte: Energie, Verkehr", "read_more"),
        ("Impressum | Datenschutz | Kontakt", "legal_footer"),
        ("Über die Autorin", "author_bio"),
        ("Von Karla Mertens", "byline"),
        ("Foto: Peter Hahn", "photo_credit_line"),
    ],
    "fr": [
        ("Nous utilisons des cookies pour mesurer l'audience.", "cookie_notice"),
        ("Inscrivez-vous à notre newsletter gratuite", "newsletter"),
        ("Cet article est réservé aux abonnés.", "paywall"),
        ("Mot de passe oublié ?", "login_prompt"),
        ("Les commentaires sont fermés.", "comments"),
        ("7 réponses à « Les écluses du port »", "comments"),
        ("Marie a écrit :", "comment_header"),
        ("Partager sur Twitter", "share_prompt"),
        ("Publicité", "advertisement"),
        ("Sur le même sujet", "related_heading"),
        ("Lire aussi : la rentrée des classes", "read_more"),
        ("Mentions légales | Contact", "legal_footer"),
        ("À propos de l'auteur", "author_bio"),
        ("Par Julien Marchand", "byline"),
        ("Crédit photo : Anne Blanc", "photo_credit_line"),
    ],
    "es": [
        ("Este sitio utiliza cookies para mejorar la experiencia.", "cookie_notice"),
        ("Suscríbete a nuestro boletín semanal", "newsletter"),
        ("Este contenido es exclusivo para suscriptores.", "paywall"),
        ("¿Olvidaste tu contraseña?", "login_prompt"),
        ("Deja un comentario", "comments"),
        ("Sigue leyendo después del anuncio", "advertisement"),
        ("También te gustará", "related_heading"),
        ("3 respuestas a «Las compuertas del puerto»", "comments"),
        ("Lucía dijo:", "comment_header"),
        ("Compartir en Facebook", "share_prompt"),
        ("Publicidad", "advertisement"),
        ("Lo más leído", "related_heading"),
        ("Etiquetas: viajes, montaña", "read_more"),
        ("Aviso legal | Política de privacidad", "legal_footer"),
        ("Sobre el autor", "author_bio"),
        ("Por Andrés Molina", "byline"),
        ("Foto: Elena Ruiz", "photo_credit_line"),
    ],
    "nl": [
        ("Wij gebruiken cookies om onze website te verbeteren.", "cookie_notice"),
        ("Schrijf je in voor onze nieuwsbrief", "newsletter"),
        ("Dit artikel is alleen voor abonnees.", "paywall"),
        ("Wachtwoord vergeten?", "login_prompt"),
        ("Plaats een reactie", "comments"),
        ("Deel dit artikel", "share_prompt"),
        ("Advertentie", "advertisement"),
        ("Lees ook", "related_heading"),
        ("Alle rechten voorbehouden.", "legal_footer"),
        ("Door Jan de Vries", "byline"),
        ("Foto: ANP", "photo_credit_line"),
    ],
    "ru": [
        ("Мы используем файлы cookie для улучшения работы сайта.", "cookie_notice"),
        ("Подпишитесь на рассылку новостей", "newsletter"),
        ("Забыли пароль?", "login_prompt"),
        ("Комментарии (12)", "comments"),
        ("Поделиться", "share_prompt"),
        ("Реклама", "advertisement"),
        ("Читайте также", "related_heading"),
        ("© 2024 Пример. Все права защищены.", "copyright"),
        ("Автор: Иван Петров", "byline"),
        ("Фото: ТАСС", "photo_credit_line"),
    ],
}


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        pytest.param(line, rule, id=f"{lang}-{rule}")
        for lang, rows in PACK_EXAMPLES.items()
        for line, rule in rows
    ],
)
def test_rule_packs_name_the_furniture(classifier: Classifier, line: str, rule: str):
    assert classifier.pack_rule(line) == rule


BODY = {
    "en": "The council agreed on Monday to share the cost of a new flood barrier after three wet winters.",
    "de": "Der Stadtrat hat am Montag beschlossen, die Kosten für eine neue Schutzmauer zu teilen.",
    "fr": "Le conseil a décidé lundi de partager le coût d'une nouvelle digue après trois hivers pluvieux.",
    "es": "El ayuntamiento acordó el lunes compartir el coste de un nuevo dique tras tres inviernos lluviosos.",
    "nl": "De gemeenteraad besloot maandag de kosten van een nieuwe dijk te delen na drie natte winters.",
    "ru": "Городской совет в понедельник решил разделить расходы на новую дамбу после трёх дождливых зим.",
}


@pytest.mark.parametrize("lang", sorted(BODY))
def test_no_rule_fires_on_body_prose(classifier: Classifier, lang: str):
    assert classifier.pack_rule(BODY[lang]) is None


@pytest.mark.parametrize(
    "line",
    [
        "The minister said: we will build it.",
        "He says the plan will work:",
        "Two comments on the plan were made.",
    ],
)
def test_speech_in_the_body_is_not_a_comment_header(classifier: Classifier, line: str):
    assert classifier.pack_rule(line) is None


def test_every_shipped_pack_parses_and_has_rules():
    assert {"common", "en", "de", "fr", "es"} <= set(builtin_packs())
    for name in builtin_packs():
        rules = parse_pack(builtin_pack_text(f"{name}.toml"), name)
        assert rules and all(r.patterns and r.action in ("drop", "end", "final") for r in rules)


def test_same_rule_name_merges_across_languages():
    merged = {r.name: r for r in load_rules(["en", "de"])}
    alone = {r.name: r for r in load_rules(["en"])}
    assert len(merged["cookie_notice"].patterns) > len(alone["cookie_notice"].patterns)


def test_bad_packs_and_patterns_are_config_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="unknown rule pack"):
        load_rules(["xx"])
    with pytest.raises(ConfigError, match="bad pattern"):
        parse_pack("[rules.x]\npatterns = ['(']\n", "x.toml")
    with pytest.raises(ConfigError, match="action"):
        parse_pack("[rules.x]\naction = 'explode'\npatterns = ['a']\n", "x.toml")
    with pytest.raises(ConfigError, match="extra pattern"):
        load_rules([], extra_patterns={"bad": "("})


def test_patterns_that_cannot_be_joined_are_config_errors():
    """Patterns are joined into alternations: a group name or a back-reference would clash."""
    with pytest.raises(ConfigError, match="named groups"):
        parse_pack("[rules.x]\npatterns = ['^(?P<who>By) ', '^(?P<who>Von) ']\n", "x.toml")
    with pytest.raises(ConfigError, match="back-references"):
        load_rules([], extra_patterns={"echo": r"\b(\w+) \1\b"})
    plain = load_rules([], extra_patterns={"group": "^(Sponsored|Promoted) by "})
    assert Classifier(BoilerplateOptions(packs=(), extra_patterns={"group": "^(Sponsored|Promoted) by "})).pack_rule(
        "Sponsored by Acme"
    ) == "group"
    assert plain[0].patterns


def test_word_limit_keeps_long_prose_safe(classifier: Classifier):
    short = "Subscribe to our newsletter"
    long = short + " " + " ".join(["because the story of the harbour is long and worth telling"] * 6)
    assert classifier.pack_rule(short) == "newsletter"
    assert classifier.pack_rule(long) is None


# -- line features ----------------------------------------------------------------------------
def test_line_features_measure_prose_and_labels():
    stops = load_stopwords(builtin_pack_text("stopwords-en.txt"))
    prose = line_features(BODY["en"], stops)
    label = line_features("Home | World | Sport | Weather", stops)
    assert prose.words == 18 and prose.stopword_density > 0.3 and prose.sentence_end
    assert label.separators == 3 and label.title_share == 1.0 and not label.sentence_end
    assert line_features("2024 · 12:30 · 4/5", stops).digit_ratio > 0.5
    assert line_features("★★★★☆ ✉ ☰", stops).symbol_ratio > 0.5


def test_cjk_lines_are_measured_in_characters():
    features = line_features(
        "東京都は月曜日、新しい防潮堤の建設費用を近隣の町と分担することで合意した。", frozenset()
    )
    assert features.cjk and features.words >= 15 and features.sentence_end


@pytest.mark.parametrize(
    "line",
    [
        "भारत की राजधानी नई दिल्ली है और यह देश का सबसे बड़ा और सबसे पुराना शहर है।",  # vowel signs, danda
        "وَقَالَ الْوَزِيرُ إِنَّ الْحُكُومَةَ سَتَبْنِي جِسْرًا جَدِيدًا فَوْقَ النَّهْرِ قَبْلَ نِهَايَةِ الْعَامِ الْمُقْبِلِ؟",
        "הַמֶּמְשָׁלָה הֶחְלִיטָה הַיּוֹם לִבְנוֹת גֶּשֶׁר חָדָשׁ מֵעַל הַנָּהָר לִפְנֵי סוֹף הַשָּׁנָה הַבָּאָה.",
    ],
)
def test_combining_marks_are_letters_not_symbols(line: str):
    features = line_features(line, frozenset())
    assert features.symbol_ratio < 0.05 and features.sentence_end
    assert 12 <= features.words <= 20  # a vowel sign does not split a word
    assert not Classifier().classify(["Menu", "", line, "", line + " " + line])[2]


def test_more_languages_have_stopword_lists_and_english_stays_english(classifier: Classifier):
    lists = classifier.stopwords.lists
    assert {"tr", "ar", "hi", "uk", "cs", "el", "he", "fa"} <= set(lists)
    assert classifier.stopwords.guess([BODY["en"]] * 3) == "en"
    hindi = "भारत की राजधानी नई दिल्ली है और यह देश का सबसे बड़ा शहर है।"
    assert classifier.stopwords.guess([hindi]) == "hi"
    assert line_features(hindi, lists["hi"]).stopword_density >= 0.28


@pytest.mark.parametrize("lang", sorted(BODY))
def test_language_is_guessed_by_stopword_coverage(lang: str):
    stopwords = {
        code: load_stopwords(builtin_pack_text(f"stopwords-{code}.txt"))
        for code in ("en", "de", "fr", "es", "nl", "ru")
    }
    assert guess_language([BODY[lang]] * 3, stopwords) == lang
    assert guess_language(["12 34 56"], stopwords) is None


# -- structure: neighbours, article, trailing block -------------------------------------------
PARA = [
    "The harbour master said the new gates would be tested every spring, before the storm season begins in earnest.",
    "Fishermen who use the harbour every day said they were glad that the work would be finished before the winter.",
    "The council will publish the final cost of the project in the autumn, once the last contracts have been signed.",
]


def test_short_line_between_paragraphs_is_a_subheading(classifier: Classifier):
    lines = [PARA[0], "", "What happens next", "", PARA[1], "", PARA[2]]
    assert classifier.classify(lines) == [None] * len(lines)


def test_short_lines_in_a_furniture_run_go(classifier: Classifier):
    lines = ["Home", "News", "Sport", "Weather", "", "Harbour gates ready for winter", "", *PARA]
    out = classifier.classify(lines)
    assert all(out[:4]) and BEFORE_ARTICLE in out[:4]
    assert out[5] == HEADLINE  # the headline just above the article goes under its own name ...
    assert out[7:] == [None] * 3
    kept = Classifier(BoilerplateOptions(disabled_rules=(HEADLINE,))).classify(lines)
    assert kept[5] is None and kept[:4] == out[:4]  # ... and stays when that rule is off


def test_trailing_block_goes_under_its_first_rule(classifier: Classifier):
    teaser = (
        "Council approves new budget for schools after a long debate about the cost of repairs and heating."
    )
    lines = [
        *PARA,
        *PARA,
        "",
        "More from the coast",
        teaser,
        "Storm season: what to expect",
        teaser + " Again.",
    ]
    out = classifier.classify(lines)
    assert out[:6] == [None] * 6
    assert out[7:] == ["related_heading"] * 4


def test_body_resumes_after_a_short_inline_module(classifier: Classifier):
    body = [p + " " + p for p in PARA]
    lines = [*body, "", "Related", "Short teaser headline", "", *body, *body]
    out = classifier.classify(lines)
    assert out[4] == out[5] == "related_heading"  # the module goes with its heading
    assert all(out[i] is None for i in range(7, len(lines)))


def test_a_teaser_list_after_more_from_is_not_the_body_resuming(classifier: Classifier):
    teasers = ["Council approves new budget for schools after a long debate about the cost of repairs",
               "Fishermen who use the harbour every day are glad the work will be finished soon",
               "The harbour master says the new gates will be tested every spring before the storms",
               "Ferry operators expect more passengers this summer than in any year since the war"]  # fmt: skip
    lines = [*PARA, "", "More from The Coast Times", ""]
    for teaser in teasers:
        lines += [teaser, ""]
    out = classifier.classify(lines)
    assert out[:3] == [None] * 3
    assert all(out[i] for i in range(4, len(lines)) if lines[i])


def test_the_body_resumes_after_a_paywall_nag_however_short_the_rest(classifier: Classifier):
    body = [p + " " + p for p in PARA]
    lines = [*body, "", "Subscribe now for just $1 a week.", "",
             "Sign up for our newsletter: the day's top stories in your inbox.", "", PARA[0]]  # fmt: skip
    out = classifier.classify(lines)
    assert out[4] and out[6]
    assert out[:3] == [None] * 3 and out[8] is None


def test_the_body_resumes_after_a_one_line_read_next_link(classifier: Classifier):
    body = [p + " " + p for p in PARA]
    lines = [*body, *body, "", "See also: Storm closes the coast road", "", PARA[1], "", PARA[2]]
    out = classifier.classify(lines)
    assert out[7] == "related_heading"
    assert out[9] is None and out[11] is None
    # a heading without the linked story is a list's heading: the short rest is its teasers
    lines[7] = "More from the coast"
    out = classifier.classify(lines)
    assert out[9] and out[11]


def test_a_long_line_above_the_article_is_the_lede_not_the_headline(classifier: Classifier):
    lede = ("Harbour gates that took three years to build were closed for the first time on Monday as "
            "the town braced for a storm")  # fmt: skip
    lines = ["Harbour gates ready for winter", "", lede, "", *PARA]
    out = classifier.classify(lines)
    assert out[0] == HEADLINE and out[2] is None
    # a short line under the lede is body too: the headline sits above the lede, not below it
    under = ["Home", "", lede, "The first test of the gates comes next week", "", *PARA]
    assert classifier.classify(under)[2:4] == [None, None]


def test_the_body_resumes_after_a_heading_over_links_the_rules_claim(classifier: Classifier):
    body = [p + " " + p for p in PARA]
    module = ["DON'T MISS", "Ferry strike leaves hundreds stranded [VIDEO]", "Storm closes the coast road [PICS]"]
    lines = [*body, *body, "", *module, "", PARA[1], "", PARA[2]]
    out = classifier.classify(lines)
    assert all(out[7:10])
    assert out[11] is None and out[13] is None
    # with the links unclaimed (other wording), the short rest is that heading's list
    lines[8:10] = ["Ferry strike leaves hundreds stranded", "Storm closes the coast road"]
    assert classifier.classify(lines)[11]


def test_lines_above_the_byline_are_the_headline_and_dek(classifier: Classifier):
    headline = "Harbour towns agree to share the cost of a new flood barrier after three wet winters"
    dek = "The council says the first gates could be ready before the storm season begins next year."
    lines = [headline, "", dek, "", "By Jane Roe", "June 3, 2024", "", *PARA]
    out = classifier.classify(lines)
    assert out[0] == out[2] == HEADLINE
    assert out[4] == out[5] == "byline" and out[7:] == [None] * 3
    # an author's name and role above the dateline are not part of the headline
    named = [headline, "", dek, "", "Jane Roe", "Reporter", "", "June 3, 2024", "", *PARA]
    out = classifier.classify(named)
    assert out[0] == out[2] == HEADLINE and all(out[i] for i in (4, 5, 7)) and out[9:] == [None] * 3
    # with no byline under them, long lines at the top are the article's opening
    assert classifier.classify([headline, "", dek, "", *PARA])[2] is None


def _blurbs_under_a_heading(blurb_words: int) -> list[str]:
    """An article, then "Most read": headlines (no full stop) alternating with blurbs."""
    headlines = ["Council approves new budget for schools after a long debate about repairs",
                 "Ferry operators expect more passengers this summer than in any year so far",
                 "The harbour master says the new gates will be tested before the storms",
                 "Fishermen who use the harbour every day are glad the work is nearly over"]  # fmt: skip
    filler = ("and the town will hear more about it at the meeting that the council holds "
              "every month in the hall by the harbour, where all of the residents can speak ").split()  # fmt: skip
    lines = [*PARA, "", "Most read", ""]
    for k, headline in enumerate(headlines):
        blurb = " ".join((PARA[k % 3].rstrip(".").split() + filler)[:blurb_words]) + "."
        lines += [headline, "", blurb, ""]
    return lines


def test_a_teaser_list_under_its_heading_is_not_the_article_even_when_heavier(classifier: Classifier):
    lines = _blurbs_under_a_heading(blurb_words=30)
    out = classifier.classify(lines)
    assert out[:3] == [None] * 3
    assert all(out[i] for i in range(4, len(lines)) if lines[i])


def test_blurbs_as_long_as_paragraphs_make_a_list_article(classifier: Classifier):
    lines = _blurbs_under_a_heading(blurb_words=45)
    out = classifier.classify(lines)
    blurbs = [i for i in range(6, len(lines), 4)]
    assert all(out[i] is None for i in blurbs)


def test_a_teaser_sentence_between_two_modules_does_not_cut_the_article(classifier: Classifier):
    body = [p + " " + p for p in PARA]
    teaser = "Fishermen say the new harbour gates were built far too late for them."
    lines = [*body, "", "Related", teaser, "", "Read more", "Short teaser headline", "", *body, *body]
    out = classifier.classify(lines)
    assert out[:3] == [None] * 3
    assert out[4] == out[5] == out[7] == out[8] == "related_heading"
    assert all(out[i] is None for i in range(10, len(lines)))


def test_a_list_that_a_sentence_introduces_stays_after_the_article(classifier: Classifier):
    dates = ["June 9 - West Palm Beach, Coral Sky Amphitheatre", "June 10 - Tampa, Credit Union Amphitheatre",
             "June 14 - Alpharetta, Ameris Bank Amphitheatre", "June 17 - Nashville, Bridgestone Arena",
             "June 19 - Charlotte, PNC Music Pavilion"]  # fmt: skip
    footer = ["", "Privacy Policy", "Terms of Use"]
    out = classifier.classify([*PARA, "", "The band will play these dates next summer:", *dates, *footer])
    assert out[: 5 + len(dates)] == [None] * (5 + len(dates))
    untold = classifier.classify([*PARA, "", "Upcoming shows", *dates, *footer])
    assert all(untold[5 : 5 + len(dates)])


def test_a_numbered_list_with_links_stays_across_blank_lines(classifier: Classifier):
    items = ["1) Ensemble de cuisine en bois pour enfants", "https://example.org/a1", "",
             "2) Puzzle de 1000 pièces, la carte du monde", "https://example.org/b2", "",
             "3) Jeu de société pour toute la famille", "https://example.org/c3"]  # fmt: skip
    lines = [*PARA, "", "Voici nos idées de cadeaux à petit prix :", "", *items, "", "Mentions légales"]
    out = classifier.classify(lines)
    numbered = [i for i, line in enumerate(lines) if line[:1].isdigit()]
    links = [i for i, line in enumerate(lines) if line.startswith("https://")]
    assert all(out[i] is None for i in numbered)
    assert all(out[i] == "url_line" for i in links)
    assert out[-1]  # the footer after the list still goes


def test_comments_after_the_article_are_not_the_article(classifier: Classifier):
    comment = (
        "I completely agree with this, the gates should have been built ten years ago when we first asked."
    )
    lines = [*PARA, "", "12 comments", *([comment, "Reply"] * 8)]
    out = classifier.classify(lines)
    assert out[:3] == [None] * 3
    assert all(rule for rule in out[4:])


def _teaser_page() -> tuple[list[str], range]:
    """A short article below its headline, then a longer list of other stories' teasers."""
    teasers = []
    for k in range(6):
        teasers += [f"Other story number {k} about the town council", "By A. Writer", "Tuesday 3 May",
                    PARA[k % 3], ""]  # fmt: skip
    head = ["Harbour gates ready for winter - The Coast Times", "", "News", "Sport", "",
            "Harbour gates ready for winter", "By Jane Doe", ""]  # fmt: skip
    tags = ["Harbours", "Council", "Weather", "Winter", "Shipping"]
    lines = [*head, PARA[0], "", PARA[1], "", PARA[2], "", *tags, "", *teasers]
    return lines, range(len(head), len(head) + 5)


def test_the_title_repeat_marks_the_article_above_a_longer_teaser_list():
    words_only = Classifier(BoilerplateOptions(density_power=0))
    lines, article = _teaser_page()
    out = words_only.classify(lines)
    assert [out[i] for i in article] == [None] * len(article)
    assert all(out[i] for i in range(article.stop, len(lines)) if lines[i])
    assert out[5] == HEADLINE  # the headline goes under its own name
    # without the title the longer teaser list outweighs the article
    assert words_only.classify(["Weather", *lines[1:]])[article.start] is not None


def test_teasers_between_headlines_weigh_less_than_paragraphs_in_a_row(classifier: Classifier):
    lines, article = _teaser_page()
    lines[0] = "Weather"
    out = classifier.classify(lines)
    assert [out[i] for i in article] == [None] * len(article)
    assert all(out[i] for i in range(article.stop, len(lines)) if lines[i])


def test_a_record_title_works_like_the_first_line():
    lines, article = _teaser_page()
    lines[0] = "Weather"
    words_only = Classifier(BoilerplateOptions(density_power=0))
    out = words_only.classify(lines, title="Harbour gates ready for winter | The Coast Times")
    assert [out[i] for i in article] == [None] * len(article)


def test_only_the_headline_part_of_the_title_anchors():
    title = "Harbour gates ready for winter | The Coast Times"
    lines = [title, "The Coast Times", "The Coast Times Archive", "harbour gates ready for winter!"]
    assert title_anchors(lines, [0, 1, 2, 3]) == [3]


def _listing_page() -> tuple[list[str], range]:
    """A German tour-date list under its headline (no prose), then tags, a comment notice and a
    sidebar of column teasers written in sentences."""
    dates = ["12. März – Hamburg, Sporthalle", "14. März – Berlin, Columbiahalle",
             "18. März – Köln, Palladium", "20. März – München, Zenith",
             "23. März – Leipzig, Haus Auensee", "25. März – Stuttgart, Porsche-Arena",
             "* Alle Termine ohne Gewähr"]  # fmt: skip
    head = ["Die Tourdaten 2025 | Der Konzertkalender", "", "Startseite", "Konzerte", "Festivals", "",
            "Die Tourdaten 2025", "Montag, 6. Januar 2025", ""]  # fmt: skip
    sidebar = ["Klicken Sie auf das Foto und lesen Sie die Kolumnen, die unser Autor jede Woche für "
               "die Leser des Kalenders schreibt.",
               "In der neuen Folge des Podcasts sprechen wir über alles, was in dieser Woche in der "
               "Welt der Musik passiert ist, mit Ernst und mit Humor."]  # fmt: skip
    tail = ["", "Tags", "konzerte 2025, tour, hamburg, berlin", "",
            "Kommentare: Beiträge, die andere Nutzer beleidigen, werden nicht freigeschaltet.", "",
            sidebar[0], "", "Kolumne", "", sidebar[1]]  # fmt: skip
    return [*head, *dates, *tail], range(len(head), len(head) + len(dates))


def test_with_no_prose_under_the_headline_the_listing_there_is_the_article(classifier: Classifier):
    lines, listing = _listing_page()
    out = classifier.classify(lines)
    assert [out[i] for i in listing] == [None] * len(listing)
    assert all(out[i] for i in range(listing.stop, len(lines)) if lines[i])  # tags, notice, sidebar
    assert all(out[i] for i in range(listing.start - 4) if lines[i])  # navigation
    # switched off, the sidebar's sentences are taken for the article
    off = Classifier(BoilerplateOptions(listing_min_lines=1000)).classify(lines)
    assert all(off[i] for i in listing[:-1]) and off[len(lines) - 1] is None


def test_the_listing_is_not_used_when_prose_follows_the_headline(classifier: Classifier):
    lines, listing = _listing_page()
    lines[listing.start + 2] = PARA[0]  # the page has body text of its own below the headline
    out = classifier.classify(lines)
    assert out[listing.start + 2] is None
    assert all(out[i] for i in range(listing.stop, len(lines)) if lines[i])


# -- options ----------------------------------------------------------------------------------
def test_a_caption_goes_with_its_credit(classifier: Classifier):
    caption = "Crowds gather outside the courthouse in Lyon."
    page = ["Harbour gates ready for winter", "", caption, "", caption + " (Image: AFP)", "", *PARA, *PARA]
    out = classifier.classify(page)
    assert out[2] == "caption" and out[4] == "photo_credit"
    tight = ["Harbour gates ready for winter", "", "Photo: Jane Roe/Reuters", caption, "", *PARA, "", *PARA]
    out = classifier.classify(tight)
    assert out[3] == "caption" and out[2] == "photo_credit_line"
    assert out[5:] == [None] * (len(tight) - 5)  # the body is never a caption
    # every other copy of the caption goes too, wherever the page prints it again
    again = [*page[:5], "", PARA[0], "", caption, "", PARA[1], "", caption, "", PARA[2]]
    out = classifier.classify(again)
    assert out[8] == out[12] == "caption" and out[6] is None and out[10] is None and out[14] is None
    # a caption inside its credit line ("Caption: ..."), printed plain elsewhere on the page
    inside = [*PARA[:2], "", caption, "", PARA[2], "", "Caption: " + caption + " Photo: Jane Roe"]
    out = classifier.classify(inside)
    assert out[3] == "caption" and out[:2] == [None, None] and out[5] is None


def test_the_body_resumes_after_a_read_more_link_and_a_paywall_nag(classifier: Classifier):
    body = [p + " " + p for p in PARA]
    lines = [*body, *body, "", "READ MORE: Storm closes the coast road for a week", "",
             "Subscribe now for just $1 a week.", "", PARA[1], "", PARA[2]]  # fmt: skip
    out = classifier.classify(lines)
    assert out[7] and out[9]
    assert out[11] is None and out[13] is None


def test_disabled_rules_and_keep_patterns(classifier: Classifier):
    lines = [*PARA, "Advertisement", PARA[0] + " And more."]
    assert classify_lines(lines)[3] == classifier.classify(lines)[3] == "advertisement"
    assert classify_lines(lines, options=BoilerplateOptions(disabled_rules=("advertisement",)))[3] is None
    assert classify_lines(lines, options=BoilerplateOptions(keep_patterns=("^Advert",)))[3] is None


def test_extra_patterns_and_user_packs(tmp_path: Path):
    pack = tmp_path / "house.toml"
    pack.write_text("[rules.house_promo]\naction = 'drop'\nmax_words = 12\npatterns = ['^try our app\\b']\n")
    lines = [*PARA, "Try our app today", "Weekend quiz!", PARA[1] + " Indeed."]
    options = BoilerplateOptions(extra_patterns={"quiz_promo": r"^weekend quiz"}, pack_files=(str(pack),))
    out = classify_lines(lines, options=options)
    assert out[3] == "house_promo" and out[4] == "quiz_promo"
    assert out[:3] == [None] * 3 and out[5] is None


def test_structural_rules_can_be_switched_off():
    lines = ["Home", "News", "Sport", "", *PARA]
    out = classify_lines(lines, options=BoilerplateOptions(disabled_rules=(BEFORE_ARTICLE,)))
    assert BEFORE_ARTICLE not in out


def test_stage_compiles_once_and_records_rules():
    stage = Boilerplate()
    docs = list(stage([{"id": str(i), "text": "\n".join([*PARA, "Share this article"])} for i in range(3)]))
    assert stage.classifier is stage.classifier
    assert all(doc.text == "\n".join(PARA) for doc in docs)
    assert all({r.rule for r in doc.removals} == {"share_prompt"} for doc in docs)


# -- fixtures in four languages ---------------------------------------------------------------
FIXTURE_NAMES = sorted(p.stem for p in FIXTURES.glob("*.tsv"))


def test_fixtures_cover_four_languages():
    assert len(FIXTURE_NAMES) >= 10
    assert {name[:2] for name in FIXTURE_NAMES} >= {"en", "de", "fr", "es"}


@pytest.fixture(scope="module")
def stages() -> list:
    return [Normalize(), Boilerplate(), Repetition()]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fixture_cleans_as_expected(name: str, stages: list):
    rows = []
    for line in (FIXTURES / f"{name}.tsv").read_text(encoding="utf-8").split("\n")[:-1]:
        label, _, text = line.partition("\t") if line else ("blank", "", "")
        rows.append((label, text))
    doc = Document(text="\n".join(text for _, text in rows), id=name)
    for stage in stages:
        stage.run_one(doc)
    kept = set(doc.text.split("\n"))
    wrong = [
        (label, text) for label, text in rows if label != "blank" and (label == "keep") != (text in kept)
    ]
    assert not wrong
    assert sum(label == "keep" for label, _ in rows) >= 3 and sum(label == "drop" for label, _ in rows) >= 4


def test_section_branding_needs_a_headline_after_the_blurb(classifier: Classifier):
    branded = ["Harbour Watch", "Harbour Watch follows the ships, the cranes and the people of the port.", "",
               "New gates for the old harbour", "", *PARA]  # fmt: skip
    assert classifier.classify(branded)[:2] == ["section_branding"] * 2
    plain = [
        "Ferries",
        "",
        "Ferries will run every hour from May, the harbour authority said on Tuesday.",
        "",
        *PARA,
    ]
    assert "section_branding" not in classifier.classify(plain)
    assert "section_branding" not in classifier.classify(branded, extracted=True)


def test_line_caches_are_bounded_and_change_nothing(monkeypatch: pytest.MonkeyPatch):
    import corpuskit.stages.boilerplate as bp

    monkeypatch.setattr(bp, "_CACHE_SIZE", 8)
    cached = Classifier()
    lines = [
        "Home",
        "News",
        "",
        *PARA,
        "",
        "Advertisement",
        *(f"Line number {k} of the footer" for k in range(20)),
    ]
    first = cached.classify(lines)
    assert cached.classify(lines) == first == Classifier().classify(list(lines))
    assert len(cached._feature_cache) <= 8 and len(cached._rule_cache) <= 8


def test_a_pickled_stage_leaves_its_classifier_behind():
    import pickle

    stage = Boilerplate()
    stage.classifier.classify(PARA)
    assert pickle.loads(pickle.dumps(stage))._classifier is None
