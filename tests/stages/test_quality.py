"""Quality filters: each one passes ordinary news, rejects its own failure case, and can be switched off.

Every text here was written for these tests (short fictional news items and made-up spam shapes).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from corpuskit.config import Config
from corpuskit.document import Document
from corpuskit.options import ConfigError
from corpuskit.stages.language import Language
from corpuskit.stages.normalize import Normalize
from corpuskit.stages.quality import Quality, QualityOptions
from corpuskit.stages.repetition import Repetition
from corpuskit.stages.textstats import TextStats

NEWS = {
    "en": """City council approves new bike lanes after long debate

The city council voted on Tuesday to build twelve kilometres of protected bike lanes across the old town, ending a debate that had run for more than two years. The plan passed with seven votes to four.

Supporters said the lanes would make the narrow streets safer for children riding to school and for older residents who have given up cycling. Opponents warned that shop owners would lose parking spaces that their customers depend on, and asked for a trial period first.

The mayor said construction would begin in the spring and should be finished before the end of next year. The work will cost about four million euros, most of it paid by a regional transport fund.

A group of local traders said they would meet with the council next month to discuss delivery zones and loading times.""",
    "de": """Stadtrat beschließt neue Radwege nach langer Debatte

Der Stadtrat hat am Dienstag den Bau von zwölf Kilometern geschützter Radwege in der Altstadt beschlossen. Damit endet eine Diskussion, die mehr als zwei Jahre gedauert hatte. Der Plan wurde mit sieben zu vier Stimmen angenommen.

Befürworter sagten, die neuen Wege würden die engen Straßen für Kinder auf dem Schulweg und für ältere Menschen sicherer machen. Gegner warnten dagegen, dass Geschäfte Parkplätze verlieren würden, auf die ihre Kundschaft angewiesen sei, und forderten zunächst eine Testphase.

Der Bürgermeister erklärte, die Arbeiten sollen im Frühjahr beginnen und bis Ende des nächsten Jahres abgeschlossen sein. Die Kosten liegen bei rund vier Millionen Euro, die zum größten Teil aus einem regionalen Verkehrsfonds kommen.""",
    "fr": """Le conseil municipal approuve de nouvelles pistes cyclables

Le conseil municipal a voté mardi la construction de douze kilomètres de pistes cyclables protégées dans la vieille ville, mettant fin à un débat qui durait depuis plus de deux ans. Le projet a été adopté par sept voix contre quatre.

Ses partisans estiment que ces pistes rendront les rues étroites plus sûres pour les enfants qui vont à l'école à vélo et pour les habitants plus âgés. Les opposants craignent que les commerçants perdent des places de stationnement dont leurs clients ont besoin, et ont demandé une période d'essai.

Le maire a indiqué que les travaux commenceraient au printemps et devraient être terminés avant la fin de l'année prochaine.""",
    "es": """El ayuntamiento aprueba nuevos carriles bici tras un largo debate

El pleno municipal votó el martes a favor de construir doce kilómetros de carriles bici protegidos en el casco antiguo, poniendo fin a una discusión que se había prolongado durante más de dos años. El plan salió adelante con siete votos a favor y cuatro en contra.

Los partidarios afirman que los carriles harán más seguras las calles estrechas para los niños que van en bicicleta al colegio y para los vecinos de más edad. Los detractores advierten que los comercios perderán plazas de aparcamiento de las que dependen sus clientes y pidieron un periodo de prueba.

El alcalde explicó que las obras comenzarán en primavera y deberían terminar antes de que acabe el próximo año.""",
    "pt": """Câmara aprova novas ciclovias depois de longo debate

A câmara municipal votou na terça-feira a construção de doze quilómetros de ciclovias protegidas no centro histórico, pondo fim a uma discussão que se arrastava há mais de dois anos. O plano foi aprovado com sete votos a favor e quatro contra.

Os apoiantes dizem que as ciclovias vão tornar as ruas estreitas mais seguras para as crianças que vão de bicicleta para a escola e para os moradores mais velhos. Os opositores avisam que o comércio vai perder lugares de estacionamento de que os clientes dependem e pediram um período experimental.

O presidente da câmara disse que as obras começam na primavera e devem estar concluídas antes do fim do próximo ano.""",
    "it": """Il consiglio comunale approva nuove piste ciclabili dopo un lungo dibattito

Il consiglio comunale ha votato martedì la costruzione di dodici chilometri di piste ciclabili protette nel centro storico, chiudendo una discussione che andava avanti da più di due anni. Il piano è stato approvato con sette voti favorevoli e quattro contrari.

I sostenitori affermano che le piste renderanno le strade strette più sicure per i bambini che vanno a scuola in bicicletta e per i residenti più anziani. Gli oppositori temono che i negozi perdano posti auto di cui i clienti hanno bisogno e hanno chiesto un periodo di prova.

Il sindaco ha spiegato che i lavori inizieranno in primavera e dovrebbero concludersi entro la fine del prossimo anno.""",
    "ja": """市議会は火曜日、旧市街に自転車専用レーンを新たに整備する計画を賛成多数で可決した。計画では、約十二キロの区間に車道と分離されたレーンを設ける。

賛成派は、通学する子どもや高齢の住民にとって道路が安全になると説明した。一方、反対派の商店主らは、客が利用する駐車スペースが減ると懸念を示し、まず試験期間を設けるよう求めた。

市長によると、工事は春に始まり、来年末までに完了する見通しだという。費用は約四百万ユーロで、大部分は地域の交通基金から支出される。""",
    "zh": """市议会周二以多数票通过了在老城区修建自行车专用道的计划，结束了持续两年多的争论。根据计划，约十二公里的道路将设置与机动车道隔离的车道。

支持者表示，新车道将让骑车上学的孩子和年长居民更加安全。反对者则担心商店会失去顾客依赖的停车位，并要求先进行试运行。

市长说，工程将于春季开工，预计在明年年底前完成，费用约四百万欧元，大部分由地区交通基金承担。""",
    "ko": """시의회는 화요일 구시가지에 자전거 전용도로를 새로 만드는 계획을 찬성 다수로 통과시켰다. 계획에 따르면 약 12킬로미터 구간에 차도와 분리된 도로가 설치된다.

찬성 측은 자전거로 등교하는 아이들과 나이 든 주민들에게 길이 더 안전해질 것이라고 설명했다. 반대 측 상인들은 손님들이 이용하는 주차 공간이 줄어들 것을 우려하며 먼저 시범 기간을 두자고 요구했다.

시장은 공사가 봄에 시작되어 내년 말까지 끝날 것이라고 밝혔다. 비용은 약 400만 유로이며 대부분 지역 교통 기금에서 지원된다. 상인 단체는 다음 달 시와 만나 배송 구역과 하역 시간을 논의할 예정이다.""",
    "ru": """Городской совет во вторник большинством голосов одобрил строительство двенадцати километров защищённых велосипедных дорожек в старом городе. Тем самым завершился спор, который продолжался более двух лет.

Сторонники плана считают, что дорожки сделают узкие улицы безопаснее для детей, которые ездят в школу на велосипеде, и для пожилых жителей. Противники опасаются, что магазины потеряют парковочные места, от которых зависят их покупатели, и предложили сначала провести пробный период.

По словам мэра, работы начнутся весной и должны завершиться до конца следующего года. Их стоимость составит около четырёх миллионов евро.""",
}

SHORT_NEWS = """Power cut hits northern districts

About three thousand homes in the northern districts were without electricity for several hours on Sunday evening after a fault at a substation. Engineers restored supply shortly before midnight. The grid operator said the cause was being investigated and apologised to customers, adding that no injuries had been reported."""


def doc(text: str, language: str | None = "en") -> Document:
    return Document(text=text, id="t", metadata={} if language is None else {"language": language})


def random_words(seed: int, count: int, length: tuple[int, int] = (4, 8)) -> list[str]:
    """Distinct-looking made-up words, so no n-gram repeats by accident."""
    rng = random.Random(seed)
    return ["".join(rng.choices("bcdfghklmnprstvz", k=rng.randint(*length))) for _ in range(count)]


def lines_of(words: list[str], per_line: int) -> list[str]:
    return [" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line)]


def filler(seed: int, count: int) -> str:
    """Made-up words with enough of Gopher's stopwords sprinkled in to pass the stopword filter."""
    words = random_words(seed, count)
    words[1::9] = ["the"] * len(words[1::9])
    words[4::9] = ["and"] * len(words[4::9])
    return " ".join(words)


def spam_2gram() -> str:
    words = random_words(5, 60)
    return "\n".join(" ".join(f"buy now {w}" for w in words[i : i + 6]) + " and the" for i in range(0, 60, 6))


def spam_ngram(n: int) -> str:
    phrase = " ".join(random_words(6, n))
    parts = [f"{phrase} {w} the and" for w in random_words(7, 20)]
    return "\n".join(" ".join(parts[i : i + 2]) for i in range(0, 20, 2))


def failing_case(name: str) -> tuple[Document, tuple[str, ...]]:
    """A document that fails ``name`` (and the filters listed with it, switched off for the test)."""
    furniture = "Home | News | Sport | Weather | Contact\n" * 3000
    cases: dict[str, tuple[str | Document, tuple[str, ...]]] = {
        "too_few_words": ("Short note about the weather and the sea.", ()),
        "mostly_boilerplate": (Document(text=furniture + SHORT_NEWS, id="b"), ()),
        "mean_word_length": (
            " ".join(w if i % 5 else "the and" for i, w in enumerate(random_words(1, 80, (1, 2)))),
            (),
        ),
        "symbol_word_ratio": (filler(2, 70) + "\n" + " ".join(f"#{w}" for w in random_words(3, 12)), ()),
        "bullet_lines": ("\n".join(f"- {line}" for line in lines_of(filler(4, 120).split(), 10)), ()),
        "ellipsis_lines": ("\n".join(f"{line} ..." for line in lines_of(filler(8, 150).split(), 15)), ()),
        "no_stopwords": (" ".join(random_words(9, 80)), ()),
        "duplicate_lines": (
            "\n".join(lines_of(filler(10, 120).split(), 12) + lines_of(filler(10, 60).split(), 12)),
            (),
        ),
        "duplicate_line_chars": (filler(11, 60) + "\n" + "\n".join(["Go team go go!"] * 20), ()),
        "duplicate_paragraphs": (
            "\n\n".join(lines_of(filler(12, 100).split(), 10) + lines_of(filler(12, 50).split(), 10)),
            ("duplicate_lines", "duplicate_line_chars"),
        ),
        "duplicate_paragraph_chars": (
            filler(13, 80) + "\n\n" + "\n\n".join(["Go go go!\nWin it!"] * 16),
            ("duplicate_lines", "duplicate_line_chars"),
        ),
        "top_2gram": (spam_2gram(), ()),
        "top_3gram": (spam_ngram(3), ("top_2gram",)),
        "top_4gram": (spam_ngram(4), ("top_2gram", "top_3gram")),
        "duplicate_5gram": (spam_ngram(5), ("top_2gram", "top_3gram", "top_4gram")),
        "duplicate_10gram": (
            spam_ngram(10),
            ("top_2gram", "top_3gram", "top_4gram", *(f"duplicate_{n}gram" for n in range(5, 10))),
        ),
    }
    text, also_off = cases[name]
    if isinstance(text, Document):
        base = text.text
        text.remove_spans("boilerplate", [(0, len(furniture), "menu")])
        assert text.base == base
        return text, also_off
    return doc(text), also_off


FILTERS = [
    "too_few_words", "mostly_boilerplate", "mean_word_length", "symbol_word_ratio", "bullet_lines",
    "ellipsis_lines", "no_stopwords", "duplicate_lines", "duplicate_line_chars", "duplicate_paragraphs",
    "duplicate_paragraph_chars", "top_2gram", "top_3gram", "top_4gram", "duplicate_5gram", "duplicate_10gram",
]  # fmt: skip


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_rejects_its_failure_and_records_the_value(name: str) -> None:
    document, also_off = failing_case(name)
    stage = Quality(QualityOptions(disabled=also_off))
    stage.run_one(document)
    assert document.rejection is not None, name
    assert (document.rejection.stage, document.rejection.reason) == ("quality", name)
    assert isinstance(document.rejection.value, float)
    expected = dict((n, v) for n, v, _ in stage.measures(document, TextStats(document.text)))[name]
    assert document.rejection.value == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_can_be_switched_off_by_name(name: str) -> None:
    document, also_off = failing_case(name)
    Quality(QualityOptions(disabled=(*also_off, name))).run_one(document)
    assert document.rejection is None or document.rejection.reason != name


THRESHOLDS = {
    "too_few_words": {"min_words": None},
    "mostly_boilerplate": {"max_removed_fraction": 0},
    "mean_word_length": {"min_mean_word_length": None, "max_mean_word_length": None},
    "symbol_word_ratio": {"max_symbol_word_ratio": None},
    "bullet_lines": {"max_bullet_line_fraction": None},
    "ellipsis_lines": {"max_ellipsis_line_fraction": 0},
    "no_stopwords": {"min_stopwords": 0},
    "duplicate_lines": {"max_duplicate_line_fraction": None},
    "duplicate_paragraph_chars": {"max_duplicate_paragraph_char_fraction": None},
    "top_2gram": {"max_top_ngram_fraction": {"2": 0, "3": 0.18, "4": 0.16}},
    "duplicate_5gram": {"max_duplicate_ngram_fraction": {"5": 0}},
}


@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_a_zero_or_none_threshold_switches_the_filter_off(name: str) -> None:
    document, also_off = failing_case(name)
    options = Config.from_mapping({"quality": {"disabled": list(also_off), **THRESHOLDS[name]}}).quality
    Quality(options).run_one(document)
    assert document.rejection is None or document.rejection.reason != name


@pytest.mark.parametrize("language", sorted(NEWS))
def test_ordinary_news_passes_in_every_language(language: str) -> None:
    assert Quality().check(doc(NEWS[language], language)) is None
    assert Quality().check(doc(NEWS[language], None)) is None  # no detected language either


def test_short_news_of_sixty_words_passes() -> None:
    assert 50 <= len(TextStats(SHORT_NEWS).words) <= 65
    assert Quality().check(doc(SHORT_NEWS)) is None


@pytest.mark.parametrize("language", ["ja", "zh", "ko"])
def test_cjk_text_is_not_judged_by_word_length(language: str) -> None:
    stats = TextStats(NEWS[language])
    assert stats.mean_word_length() is None
    strict = Quality(QualityOptions(min_mean_word_length=3.0, max_mean_word_length=3.5))
    assert strict.check(doc(NEWS[language], language)) is None


def test_unspaced_scripts_count_one_word_per_character_and_use_longer_ngrams() -> None:
    stats = TextStats("東京で会議。Tokyo meeting")
    assert stats.words == ["東", "京", "で", "会", "議", "Tokyo", "meeting"]
    assert stats.unspaced == 5 and stats.ngram_scale == 2
    assert TextStats(NEWS["en"]).ngram_scale == 1


def test_combining_marks_stay_inside_words() -> None:
    assert TextStats("हिन्दी भाषा में लिखा गया।").words == ["हिन्दी", "भाषा", "में", "लिखा", "गया"]


def test_stopwords_follow_the_detected_language() -> None:
    german_keywords = "Angebote Schuhe Jacken Hosen billig online kaufen Versand gratis " * 6
    keywords = doc(" ".join(f"{w}{i}" for i, w in enumerate(german_keywords.split())), "de")
    assert Quality().check(keywords) == ("no_stopwords", 0.0)
    assert Quality().check(doc(NEWS["de"], "de")) is None
    assert Quality().check(doc(NEWS["de"], "en")) == ("no_stopwords", 0.0)  # the language decides the list


@pytest.mark.parametrize("language", ["ja", "ru", "ar", "und", None])
def test_stopword_check_is_skipped_without_a_list(language: str | None) -> None:
    stage = Quality()
    text = NEWS["ru"] if language in ("ru", "ar", "und", None) else NEWS["ja"]
    values = {n: v for n, v, _ in stage.measures(doc(text, language), TextStats(text))}
    assert values["no_stopwords"] is None
    assert stage.check(doc(text, language)) is None


def test_own_stopword_lists_extend_the_languages() -> None:
    russian = Config.from_mapping({"quality": {"stopwords": {"ru": ["и", "в", "не", "на", "что"]}}}).quality
    assert Quality(russian).check(doc(NEWS["ru"], "ru")) is None
    keywords = " ".join(random_words(14, 60))
    assert Quality(russian).check(doc(keywords, "ru")) == ("no_stopwords", 0.0)


def test_a_few_ellipsis_lines_in_a_short_article_pass() -> None:
    paywalled = "\n\n".join(NEWS["en"].split("\n\n")[:3]) + "..."
    assert TextStats(paywalled).line_share(("...",), at_end=True)[1] == 1
    assert Quality(QualityOptions(min_flagged_lines=1)).check(doc(paywalled)) == ("ellipsis_lines", 0.3333)
    assert Quality().check(doc(paywalled)) is None


def test_short_repeated_labels_do_not_count_as_duplicate_lines() -> None:
    text = "\n".join(f"{line}\nShare\nReply" for line in lines_of(filler(15, 120).split(), 12))
    assert Quality().check(doc(text)) is None
    assert Quality(QualityOptions(duplicate_min_chars=0)).check(doc(text))[0] == "duplicate_lines"


def test_duplicate_ngram_early_stop_reports_the_same_as_checking_every_n() -> None:
    stats = TextStats(spam_ngram(8))
    values = [stats.duplicate_ngram_fraction(n) for n in range(5, 11)]
    assert values == sorted(values, reverse=True) and values[0] > 0.15


def test_config_rejects_unknown_filter_names_and_bad_ngram_sizes() -> None:
    with pytest.raises(ConfigError, match="top_5gram"):
        Quality(QualityOptions(disabled=("top_5gram",)))
    with pytest.raises(ConfigError, match="n-gram size"):
        Quality(QualityOptions(max_top_ngram_fraction={"two": 0.2}))
    options = Config.from_mapping({"quality": {"max_top_ngram_fraction": {"5": 0.3}}}).quality
    assert "top_5gram" in Quality(options).filter_names()


def test_switching_the_stage_off_keeps_everything() -> None:
    document = doc("too short")
    Quality(QualityOptions(enabled=False)).run_one(document)
    assert document.rejection is None


def test_seeds_pass_after_cleaning(seeds_dir: Path) -> None:
    stages = [Normalize(), Repetition(), Language(), Quality()]
    paths = sorted(seeds_dir.glob("*.txt"))
    assert paths
    for path in paths:
        document = Document(text=path.read_text(encoding="utf-8"), id=path.stem)
        for stage in stages:
            stage.run_one(document)
        assert document.rejection is None, (path.name, document.rejection)


def test_defaults_are_gophers_published_thresholds() -> None:
    o = QualityOptions()
    assert (o.min_words, o.min_mean_word_length, o.max_mean_word_length) == (50, 3.0, 10.0)
    assert (o.max_symbol_word_ratio, o.max_bullet_line_fraction, o.max_ellipsis_line_fraction) == (
        0.1,
        0.9,
        0.3,
    )
    assert o.min_stopwords == 2
    assert o.max_top_ngram_fraction == {"2": 0.20, "3": 0.18, "4": 0.16}
    assert o.max_duplicate_ngram_fraction == {
        "5": 0.15,
        "6": 0.14,
        "7": 0.13,
        "8": 0.12,
        "9": 0.11,
        "10": 0.10,
    }


def test_mean_word_length_rejects_long_words_too() -> None:
    words = random_words(16, 70, (12, 16))
    words[::7] = ["the"] * len(words[::7])
    words[3::7] = ["and"] * len(words[3::7])
    name, value = Quality().check(doc(" ".join(words)))
    assert name == "mean_word_length" and value > 10


def test_gold_article_bodies_of_the_benchmark_pass(shared_dir: Path) -> None:
    """A gate, like trafilatura's: of 181 real article bodies, only the two that Gopher is meant to
    catch (a box-score list without prose, a meal plan repeating its headings) may be rejected."""
    gold = sorted((shared_dir / "bench" / "article-extraction" / "gold").glob("*.txt"))
    assert len(gold) == 181
    stages = [Normalize(), Repetition(), Language(), Quality()]
    rejected = []
    for path in gold:
        document = Document(text=path.read_text(encoding="utf-8"), id=path.stem)
        for stage in stages:
            stage.run_one(document)
        if document.rejection is not None:
            rejected.append(document.rejection.reason)
    assert len(rejected) <= 2 and set(rejected) <= {"duplicate_5gram", "no_stopwords"}, rejected
