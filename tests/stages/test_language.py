import pickle

import pytest

from corpuskit.config import Config
from corpuskit.options import ConfigError
from corpuskit.stages.language import Language, LanguageOptions, _detector_maker, _profiles, text_sample

TEXTS = {
    "en": "The committee met on Thursday to discuss the budget and agreed to postpone the vote until next week.",
    "de": "Der Ausschuss traf sich am Donnerstag, um über den Haushalt zu beraten, und vertagte die Abstimmung.",
    "fr": "Le comité s'est réuni jeudi pour discuter du budget et a décidé de reporter le vote à la semaine prochaine.",
    "es": "El comité se reunió el jueves para discutir el presupuesto y acordó aplazar la votación hasta la próxima semana.",
}


def test_detects_languages_deterministically():
    stage = Language()
    for expected, text in TEXTS.items():
        results = {tuple(sorted(next(stage([{"id": "x", "text": text}])).metadata.items())) for _ in range(3)}
        assert len(results) == 1
        assert dict(results.pop())["language"] == expected


def test_keep_filter_rejects_other_languages_with_reason():
    docs = list(Language(LanguageOptions(keep=("en",)))({"id": k, "text": t} for k, t in TEXTS.items()))
    assert [d.id for d in docs if not d.rejected] == ["en"]
    assert {d.rejection.reason for d in docs if d.rejected} == {"language_not_kept:de", "language_not_kept:fr", "language_not_kept:es"}


def test_no_letters_is_undetermined():
    (doc,) = Language()([{"id": "x", "text": "1234 5678 --- 99"}])
    assert doc.metadata["language"] == "und"


def test_sample_is_bounded_and_made_of_whole_lines():
    text = "\n".join(f"line {i} " + "word " * i for i in range(200))
    sample = text_sample(text, 500)
    assert len(sample) <= 500
    assert max(text.split("\n"), key=len).startswith(sample.split("\n")[0])  # longest line first, cut at the limit
    short = "\n".join(f"sentence number {i}." for i in range(100))
    assert all(line in short.split("\n") for line in text_sample(short, 200).split("\n"))


# --- corpuskit's detector is langdetect's, minus the per-character Python loops ----------------------

MIXED = [
    *TEXTS.values(),
    "Kindle for PCをCtrl＋Alt＋Kのショートカットキーで立ち上がらなくする方法。今回はその話です。",
    "Comitê aprova o orçamento; see https://example.com/a?b=1 or write to desk@example.org NOW.",
    "Комитет собрался в четверг, чтобы обсудить бюджет. NATO and the USA   said   nothing.",
    "Người dân Việt Nam rất thân thiện. Tiếng Việt có dấu: a\u0300 e\u0301 o\u0303.",
    "위원회는 목요일에 예산을 논의했다. 日本語と中文の混在 ㄅㄆㄇ دیگر العربية",
]


def _stock(trials: int):
    from langdetect.detector import Detector

    detector = Detector(_profiles())
    detector.seed, detector.n_trial = 0, trials
    return detector


def test_same_ngrams_and_one_walk_probabilities_as_langdetect():
    make = _detector_maker()
    for text in MIXED:
        stock, ours = _stock(1), make(_profiles(), 0, 1)
        stock.append(text)
        ours.append(text)
        assert ours.text == stock.text
        stock.cleaning_text()
        ours.cleaning_text()
        assert ours._extract_ngrams() == stock._extract_ngrams()
        assert _probabilities(make(_profiles(), 0, 1), text) == _probabilities(_stock(1), text)


def test_stopping_early_keeps_langdetects_label():
    make = _detector_maker()
    for trials in (2, 3, 7):
        for text in MIXED:
            assert _probabilities(make(_profiles(), 0, trials), text)[0][0] == _probabilities(_stock(trials), text)[0][0]


def _probabilities(detector, text):
    detector.append(text)
    return [(lang.lang, lang.prob) for lang in detector.get_probabilities()]


def test_trials_option_is_configurable_and_survives_pickling():
    config = Config.from_mapping({"language": {"trials": 7, "sample_chars": 500}})
    stage = Language(config.language)
    assert stage.detector.trials == 7
    assert pickle.loads(pickle.dumps(stage.detector)).trials == 7
    for expected, text in TEXTS.items():
        assert next(stage([{"id": "x", "text": text}])).metadata["language"] == expected
    with pytest.raises(ConfigError, match="language.trials"):
        Language(LanguageOptions(trials=0))
