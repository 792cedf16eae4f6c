from corpuskit.stages.language import Language, LanguageOptions, text_sample

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
