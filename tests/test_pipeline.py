from corpuskit.config import Config
from corpuskit.document import Document
from corpuskit.pipeline import Pipeline, clean_text
from corpuskit.stages.base import CorpusStage, DocumentStage

BODY = (
    "The council approved the new budget on Monday after a long debate about school funding and roads. "
    "Members said the plan would be reviewed again in the spring when new revenue figures arrive. "
    "Several residents spoke during the public session, most of them asking for safer crossings near the "
    "primary school and for longer opening hours at the library, which closed early all last winter."
)


class Upper(DocumentStage):
    name = "drop_short"

    def process(self, doc: Document) -> None:
        if len(doc.text) < 5:
            doc.reject(self.name, "short")


class CountAll(CorpusStage):
    """Rejects every document but the longest: checks the observe/apply passes see all documents."""

    name = "longest"

    def __init__(self) -> None:
        super().__init__()
        self.lengths: dict[str, int] = {}

    def observe(self, doc: Document) -> None:
        self.lengths[doc.id] = len(doc.text)

    def finalize(self) -> None:
        self.winner = max(self.lengths, key=lambda k: (self.lengths[k], k))

    def apply(self, doc: Document) -> None:
        if doc.id != self.winner:
            doc.reject(self.name, "not_longest", duplicate_of=self.winner)


def test_every_document_comes_out_once_in_order():
    items = [{"id": str(i), "text": "x" * i} for i in range(1, 12)]
    out = list(Pipeline([Upper(), CountAll(), Upper()]).run(items))
    assert [d.id for d in out] == [str(i) for i in range(1, 12)]
    assert [d.id for d in out if not d.rejected] == ["11"]
    assert out[0].rejection.reason == "short"  # the corpus stage never saw it
    assert out[5].rejection.duplicate_of == "11"


def test_repeated_ids_are_made_unique():
    out = list(Pipeline([Upper()]).run([{"id": "a", "text": "hello"}, {"id": "a", "text": "world"}]))
    assert [d.id for d in out] == ["a", "a#2"]


def test_default_pipeline_accepts_plain_dicts_and_strings():
    out = list(Pipeline.from_config(Config()).run([{"id": "a", "text": BODY}, BODY.replace("Monday", "Tuesday")]))
    assert len(out) == 2
    assert out[0].metadata["language"] == "en"
    assert out[0].stages == ["normalize", "boilerplate", "repetition", "language", "quality", "neardup"]


def test_clean_text_removes_repeated_lines_and_templates():
    title = "Council approves new budget after long debate"
    text = f"{title}\n\n{BODY}\n\n{BODY}\n\nYou have {{{{count}}}} free articles left"
    assert clean_text(text) == BODY  # the headline goes too, as "headline"


def test_stage_stats_count_documents_and_time():
    pipeline = Pipeline.from_config(Config())
    list(pipeline.run([{"id": "a", "text": BODY}]))
    stats = pipeline.stage_stats()
    assert stats["normalize"]["docs"] == 1 and stats["neardup"]["docs"] == 1


class Explodes(DocumentStage):
    name = "explodes"

    def process(self, doc: Document) -> None:
        if "boom" in doc.text:
            raise RuntimeError("unexpected input")


def test_a_failing_stage_costs_one_document_not_the_run():
    out = list(Pipeline([Explodes()]).run(["fine text", "boom text", "more text"]))
    assert [d.rejected for d in out] == [False, True, False]
    assert out[1].rejection.reason == "stage_error" and "unexpected input" in out[1].rejection.detail
