from corpuskit.stages.repetition import Repetition, copied_lines, repeated_lines


def test_later_copies_go_first_copy_stays():
    lines = ["Caption of the photo, with the agency", "Caption of the photo, with the agency", "Body.",
             "CAPTION of the photo — with the agency!"]  # fmt: skip
    assert repeated_lines(lines) == {1: "repeated_line", 3: "repeated_line"}


def test_short_lines_may_repeat():
    assert repeated_lines(["Yes.", "Yes.", "Photo", "Photo"]) == {}


def test_stage_removes_duplicated_lede():
    lede = "The United States and Japan have proposed a set of sweeping changes to their relationship."
    (doc,) = Repetition()([{"id": "a", "text": f"Headline\n\n{lede}\n\n{lede}\n\nSecond paragraph here."}])
    assert doc.text == f"Headline\n\n{lede}\n\nSecond paragraph here."
    assert {r.rule for r in doc.removals} == {"repeated_line"}


PARAGRAPHS = [
    "The harbour master said the new gates would be tested every spring, before the storm season "
    "begins in earnest, and that the first test had gone well.",
    "Fishermen who use the harbour every day said they were glad that the work would be finished "
    "before the winter, after two years of delays and detours.",
    "The council will publish the final cost of the project in the autumn, once the last contracts "
    "have been signed and the accounts have been checked.",
]


def test_a_long_line_gluing_the_paragraphs_together_goes():
    glued = " ".join(PARAGRAPHS) + " Read more."
    lines = ["Headline", *PARAGRAPHS, "Tags", glued]
    assert copied_lines(lines, set(), min_words=40) == {5: "repeated_text"}


def test_of_two_copies_of_one_long_paragraph_one_stays():
    para = " ".join(PARAGRAPHS)
    lines = [para, "Other text", para.replace("autumn", "spring")]
    assert copied_lines(lines, set(), min_words=40) == {2: "repeated_text"}


def test_long_lines_that_share_a_few_phrases_stay():
    other = (
        "The harbour master said the new gates would be tested every spring, and the ferry company "
        "answered that its boats would keep sailing through the works without any change to the "
        "timetable or to the prices that passengers pay for a crossing."
    )
    assert copied_lines([" ".join(PARAGRAPHS), other], set(), min_words=30) == {}
