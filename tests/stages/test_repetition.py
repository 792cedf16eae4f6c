from corpuskit.stages.repetition import Repetition, repeated_lines


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
