"""Boilerplate: decide, line by line, what is page furniture, with a named rule for every removal.

Three kinds of evidence are combined (see ``docs/cleaning.md``):

1. Rule packs (``corpuskit/rules/*.toml``): wordings that are furniture in any context
   (cookie notices, paywall nags, share rows, "More from ..." headings, photo credits, templates).
2. Line statistics (``linefeatures``): long, stopword-dense lines are body text; short lines are
   undecided and take the verdict of their neighbours (a short line between body paragraphs is a
   subheading; a short line in a run of furniture is furniture).
3. Document structure: the article is the largest cluster of body lines. What precedes it goes
   (except the headline and dek just above it); once it is over, the trailing block of teasers and
   footers goes as one block, recorded under the rule of its first furniture line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from corpuskit.document import Document
from corpuskit.stages.article import Article, Page, extracted_span, find_article, nav_like, title_anchors
from corpuskit.stages.base import DocumentStage
from corpuskit.stages.linefeatures import (
    LineFeatures,
    StopwordLists,
    line_features,
    load_stopwords,
    masthead_like,
    share_row_names,
)
from corpuskit.stages.repetition import RepetitionOptions, line_key
from corpuskit.stages.rulematch import RuleMatcher
from corpuskit.stages.rulepacks import Rule, builtin_pack_text, load_rules

_TOKEN = re.compile(r"\w+")
K = TypeVar("K")
V = TypeVar("V")
_CACHE_SIZE = 50_000  # lines remembered per classifier (features, rule, share row); emptied when full
DEFAULT_PACKS = (  # earlier packs win ties
    *("en", "de", "fr", "es", "pt", "it", "nl", "ru", "pl", "sv", "da", "no", "tr", "id"),
    *("cs", "ro", "hu", "fi", "uk", "common"),
)
DEFAULT_STOPWORDS = (
    *("en", "de", "fr", "es", "pt", "it", "nl", "id", "ru", "pl", "sv", "tr", "ar", "hi", "uk", "cs"),
    *("el", "ro", "hu", "da", "no", "vi", "ca", "fa", "he", "bg", "sk", "hr"),
)

# Names of the structural rules (decided by position and statistics, not by wording).
BEFORE_ARTICLE = "before_article"
TRAILING_BLOCK = "trailing_block"
FURNITURE_RUN = "furniture_run"
SECTION_BRANDING = "section_branding"
LOW_CONTENT = "low_content"
SHARE_ROW = "share_row"  # network / share-action names glued together (see linefeatures)
MASTHEAD = "masthead"  # an all-caps site name above the headline or below the article
CAPTION = "caption"  # the caption of a photo credit (next to it, or repeated in it)
HEADLINE = "headline"  # the headline (and dek) just above the article; disable the rule to keep them
STRUCTURAL_RULES = (
    CAPTION,
    HEADLINE,
    BEFORE_ARTICLE,
    TRAILING_BLOCK,
    FURNITURE_RUN,
    SECTION_BRANDING,
    LOW_CONTENT,
    SHARE_ROW,
    MASTHEAD,
)


@dataclass(frozen=True)
class BoilerplateOptions:
    enabled: bool = True
    disabled_rules: tuple[str, ...] = ()  # rule names (pack or structural) never applied
    extra_patterns: dict[str, str] = field(default_factory=dict)  # rule name -> regex (searched, any case)
    keep_patterns: tuple[str, ...] = ()  # a line matching any of these is never removed
    packs: tuple[str, ...] = DEFAULT_PACKS  # built-in rule packs to load
    pack_files: tuple[str, ...] = ()  # extra rule packs (TOML files in the same format)
    stopword_languages: tuple[str, ...] = DEFAULT_STOPWORDS  # lists to choose from when language is None
    good_min_words: int = 12  # a body line has at least this many words ...
    good_min_stopwords: float = 0.28  # ... and at least this share of stopwords
    long_line_words: int = 40  # a line this long is body text at a lower stopword share
    long_min_stopwords: float = 0.15
    max_gap: int = 6  # body clusters separated by at most this many non-body lines are one article
    headline_window: int = 2  # short lines just above the article that are its headline (and dek) ...
    headline_max_words: int = 20  # ... removed as such up to this length (a longer one is the lede: kept)
    min_article_words: int = 40  # a cluster this large before an end marker may be the article
    after_end_penalty: float = 0.25  # weight of clusters after such an end marker
    join_ratio: float = 0.2  # a cluster beyond a gap joins only if it has this share of the article's words
    max_module: int = 10  # an inline "Related" module is at most this many lines ...
    module_resume_ratio: float = 0.5  # ... and the body after it carries this share of the article
    # HTML path: a "final" marker ends the text after this share of the body; >= 1: never (the
    # extractor already chose the content, and keeping comments is its include_comments setting)
    extracted_end_share: float = 1.0
    branding_lines: int = 6  # section branding is looked for among the first lines only
    nav_run: int = 4  # this many navigation-like lines in a row separate furniture from the article
    caption_max_words: int = 30  # a photo credit's caption is at most this long
    title_window: int = 12  # a body cluster this many lines below the page title's repeat ...
    title_boost: float = 3.0  # ... weighs this much more (the headline sits above its article)
    listing_min_lines: int = 6  # with no prose under the headline, this many unclaimed lines are the article
    density_power: float = 1.0  # clusters weigh words x (body lines / lines spanned) ** this


class Classifier:
    """Rule packs and stopword lists compiled once; ``classify`` then runs per document."""

    def __init__(self, options: BoilerplateOptions = BoilerplateOptions()) -> None:
        self.options = options
        disabled = set(options.disabled_rules)
        rules = load_rules(options.packs, options.pack_files, options.extra_patterns)
        self.matcher = RuleMatcher(r for r in rules if r.name not in disabled)
        self.keep = [re.compile(p) for p in options.keep_patterns]
        self.stopwords = StopwordLists(
            {
                lang: load_stopwords(builtin_pack_text(f"stopwords-{lang}.txt"))
                for lang in options.stopword_languages
            }
        )
        self.structural = {name: name not in disabled for name in STRUCTURAL_RULES}
        self._share_rule = Rule(SHARE_ROW, "share", "drop", 0, ())
        self._caption_rule = Rule(CAPTION, "credit", "drop", 0, ())
        self._feature_cache: dict[tuple[str, str | None], LineFeatures] = {}
        self._rule_cache: dict[tuple[str, int], Rule | None] = {}
        self._share_cache: dict[str, bool] = {}

    def pack_rule(self, line: str) -> str | None:
        """The rule-pack rule whose wording matches ``line`` on its own (no context), if any."""
        rule = self.matcher.match(line, line_features(line, frozenset()).words)
        return rule.name if rule else None

    # -- per document ------------------------------------------------------------------------
    def classify(
        self,
        lines: Sequence[str],
        language: str | None = None,
        extracted: bool = False,
        title: str | None = None,
    ) -> list[str | None]:
        """For each line, the rule that marks it furniture, or None to keep it.

        ``extracted``: the text is already an extractor's main-content output (the HTML path), so
        there is no page around the article to find; only rules, furniture runs and a trailing
        block that starts at an end marker apply. ``title``: the page title if the record has one
        (full-page text usually starts with it anyway); its repeat marks the headline.
        """
        n = len(lines)
        out: list[str | None] = [None] * n
        rows = [i for i in range(n) if lines[i].strip()]
        if not rows:
            return out
        if language not in self.stopwords.lists:
            language = self.stopwords.guess([lines[i] for i in rows])
        stops = self.stopwords.lists.get(language or "", frozenset())
        feats = {i: self._features(lines[i], language, stops) for i in rows}
        hits: dict[int, Rule] = {}
        for i in rows:
            rule = self._match(lines[i].strip(), feats[i].words)
            if rule is not None and (rule.on_extracted or not extracted):
                hits[i] = rule
            elif self.structural[SHARE_ROW] and feats[i].words <= 40 and self._share_row(lines[i]):
                hits[i] = self._share_rule
        if self.structural[CAPTION]:
            self._captions(lines, rows, feats, hits, extracted)
        if self.structural[SECTION_BRANDING] and not extracted:
            self._section_branding(lines, rows, out)
        good = [
            i
            for i in rows
            if i not in hits
            and not out[i]  # a section's branding blurb is not the article's first paragraph
            and self._is_body(feats[i], stops)
            # unpunctuated lines packed without blank lines are a list of headlines (teasers);
            # extractor output has no blank lines, so this says nothing there
            and (extracted or feats[i].sentence_end or feats[i].words >= 30 or not self._tight(lines, i))
        ]
        anchors = title_anchors(lines, rows, title) if not extracted and self.options.title_boost != 1 else []
        page = Page(lines, rows, feats, hits, good, frozenset(anchors))
        if extracted:
            article = extracted_span(page, self.options.extracted_end_share)
        else:
            article = find_article(page, self.options)
        self._decide(lines, page, article, out, extracted)
        for i in rows:
            if out[i] and any(k.search(lines[i]) for k in self.keep):
                out[i] = None
        return out

    def _features(self, line: str, language: str | None, stops: frozenset[str]) -> LineFeatures:
        """``line_features``, remembered: furniture lines recur on every page of a site."""
        return _remembered(self._feature_cache, (line, language), lambda: line_features(line, stops))

    def _match(self, line: str, words: int) -> Rule | None:
        """The rule-pack rule of a line, remembered like ``_features``."""
        return _remembered(self._rule_cache, (line, words), lambda: self.matcher.match(line, words))

    def _share_row(self, line: str) -> bool:
        """Whether the line is a row of share buttons (``share_row_names``), remembered likewise."""
        return _remembered(self._share_cache, line, lambda: share_row_names(line) >= 3)

    def _captions(
        self,
        lines: Sequence[str],
        rows: list[int],
        feats: dict[int, LineFeatures],
        hits: dict[int, Rule],
        extracted: bool,
    ) -> None:
        """The caption of a photo credit goes with it: a short line that the credit line repeats
        ("Crowds in Lyon." / "Crowds in Lyon. (Image: AFP)"), or, in text laid out with blank lines
        between paragraphs, a short line printed against the credit with no blank line between;
        and so does every other copy of that caption on the page."""
        credits = [i for i in rows if i in hits and hits[i].category == "credit"]
        if not credits:
            return
        blank_layout = not extracted and sum(
            1 for i in rows if i + 1 < len(lines) and not lines[i + 1].strip()
        ) * 3 >= len(rows)
        inside = [f" {_fold(lines[c])} " for c in credits]  # a caption is inside its credit line
        captions = set()
        if blank_layout:  # a short line printed against the credit, no blank line between
            for j in {j for c in credits for j in (c - 1, c + 1)}:
                if j in feats and j not in hits and 3 <= feats[j].words <= self.options.caption_max_words:
                    hits[j] = self._caption_rule
                    captions.add(_fold(lines[j]))
        # the credit's caption, and every copy of a caption, wherever the page prints it
        for j in rows:
            if j not in hits and 3 <= feats[j].words <= self.options.caption_max_words:
                key = _fold(lines[j])
                if key in captions or any(f" {key} " in credit for credit in inside):
                    hits[j] = self._caption_rule

    def _is_body(self, f: LineFeatures, stops: frozenset[str]) -> bool:
        """Long enough and made of running prose (stopwords), or long and sentence-shaped."""
        o = self.options
        if f.cjk:
            return f.words >= o.good_min_words and f.sentence_end
        if not stops:  # no stopword list for this language: length and punctuation only
            return f.words >= o.good_min_words * 2 or (f.words >= o.good_min_words and f.sentence_end)
        if f.words >= o.long_line_words:
            return f.stopword_density >= o.long_min_stopwords
        return f.words >= o.good_min_words and f.stopword_density >= o.good_min_stopwords

    def _section_branding(self, lines: Sequence[str], rows: list[int], out: list[str | None]) -> None:
        """A short name, then a blurb starting with that name, then the page's own headline.

        "The Cable" / "The Cable goes inside the foreign policy machine ..." / "Japan and U.S. ...":
        the third line must be a short heading, so a headline followed by a first paragraph that
        repeats its word ("Ferry" / "Ferry operators expect ...") is not taken for branding.
        """
        top = rows[: self.options.branding_lines + 1]
        for a, b, c in zip(top, top[1:], top[2:], strict=False):
            name = lines[a].strip()
            blurb = lines[b].strip()
            heading = lines[c].strip()
            if (
                1 <= len(name.split()) <= 4
                and len(blurb) > len(name) + 20
                and blurb.startswith(name + " ")
                and len(heading.split()) <= 15
                and not heading.startswith(name)
            ):
                out[a] = out[b] = SECTION_BRANDING

    def _decide(
        self,
        lines: Sequence[str],
        page: Page,
        article: Article,
        out: list[str | None],
        extracted: bool = False,
    ) -> None:
        o = self.options
        start, end = article.start, article.end
        rows, feats, hits, good = page.rows, page.feats, page.hits, set(page.good) | article.listing
        on = self.structural
        # before the article: the headline window goes as the headline (kept when that rule is
        # off: the text then starts with it), the rest as before_article
        before = [i for i in rows if i < start]
        window: set[int] = set()
        for i in reversed(before):
            if len(window) >= o.headline_window:
                break
            if i in hits or out[i]:
                continue
            if self._headline_like(feats[i]):
                window.add(i)
            else:
                break
        # a site name in capitals above the headline is not part of it; an all-caps line right
        # above a body that opens with a sentence may be the headline itself, so it is kept
        nearest = max(window, default=None) if start in feats and feats[start].sentence_end else None
        # from the first window line too long for a headline (the lede) down, the window is body
        lede = min((i for i in window if feats[i].words > o.headline_max_words), default=start)
        for i in before:
            if out[i]:
                continue
            if on[MASTHEAD] and i != nearest and masthead_like(lines[i]):
                out[i] = MASTHEAD
            elif i in hits:
                out[i] = hits[i].name
            elif i in window:
                out[i] = HEADLINE if on[HEADLINE] and i < lede else None
            elif on[BEFORE_ARTICLE]:
                out[i] = BEFORE_ARTICLE
        # the article's first lines above its byline or dateline are the headline and dek (a
        # headline long and wordy enough to count as body starts the article; the byline says not)
        if on[HEADLINE]:
            first = page.position[start]
            top = [i for i in rows[first : first + o.headline_window + 4] if i <= end]
            meta = next((k for k, i in enumerate(top) if i in hits and hits[i].category == "metadata"), 0)
            above = [i for i in top[:meta] if i not in hits and not out[i] and not nav_like(feats[i], False)]
            if len(above) <= o.headline_window:
                for i in above:
                    out[i] = HEADLINE
        # inside the article: inline modules go from their heading to where the body resumes;
        # then rules, then runs of non-body lines decided together
        for i, rule in article.modules.items():
            out[i] = out[i] or rule.name
        inside = [i for i in rows if start <= i <= end]
        run: list[int] = []
        for i in inside + [None]:  # type: ignore[list-item]
            if i is not None and i not in good:
                run.append(i)
                continue
            if run:
                self._decide_run(run, page, out, layout=not extracted)
                run = []
        # after the article: lines up to the first marker or furniture run are decided as a run;
        # from there on everything goes as one block under the rule of its first line
        after = [i for i in rows if i > end]
        listed = _listed(lines, end)
        block = len(after)
        run = 0
        for k, i in enumerate(after):
            if on[MASTHEAD] and i not in hits and masthead_like(lines[i]):
                out[i] = MASTHEAD
                continue
            if i in hits and not (i in listed and hits[i].action == "drop"):
                block = k
                break
            if i in listed:  # an item of a list that a sentence introduced ("Tour dates:"); a
                # link or credit among the items goes by its rule without ending the list
                run = 0
                continue
            teaser = not feats[i].sentence_end and feats[i].words <= 20 and self._tight(lines, i)
            run = run + 1 if teaser or nav_like(feats[i], i in hits) else 0
            if run >= o.nav_run:
                block = k - run + 1
                break
        if block:
            self._decide_run([i for i in after[:block] if i not in good], page, out, layout=not extracted)
        if block < len(after):
            first = after[block]
            block_rule = out[first] or (hits[first].name if first in hits else TRAILING_BLOCK)
            for i in after[block:]:  # a line with a rule of its own is recorded under it
                if i in hits:
                    out[i] = out[i] or hits[i].name
                elif on[TRAILING_BLOCK]:
                    out[i] = out[i] or block_rule

    def _decide_run(self, run: list[int], page: Page, out: list[str | None], layout: bool = True) -> None:
        """Non-body lines inside the article, decided with their neighbours.

        Rule hits go. A navigation-like line (short label, no sentence) goes when it sits next to
        another furniture line; alone between paragraphs it is a subheading and stays. Other lines
        (list items, table rows, short sentences) stay.
        """
        feats, hits = page.feats, page.hits
        for i in run:
            if i in hits:
                out[i] = out[i] or hits[i].name
        if not layout:  # extractor output: tables and short list items are article content
            return
        nav = [nav_like(feats[i], i in hits) for i in run]
        for k, i in enumerate(run):
            if out[i]:
                continue
            f = feats[i]
            if f.words == 0 or f.symbol_ratio > 0.3:
                if self.structural[LOW_CONTENT]:
                    out[i] = LOW_CONTENT
            elif nav[k] and ((k > 0 and nav[k - 1]) or (k + 1 < len(run) and nav[k + 1])):
                if self.structural[FURNITURE_RUN]:
                    out[i] = FURNITURE_RUN

    @staticmethod
    def _tight(lines: Sequence[str], i: int) -> bool:
        """No blank line on either side: list items and link lists, not paragraphs. A neighbour that
        is a copy of the line itself (a paragraph printed twice) does not count: the repetition
        stage removes the copy, and the line must be judged the same with the copy or without it,
        or cleaning the cleaned text would change it again (copies shorter than the repetition
        stage's default ``min_chars`` stay, so they count)."""
        neighbours = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines) and lines[j].strip()]
        if not neighbours:
            return False
        own = line_key(lines[i])
        return len(own) < RepetitionOptions.min_chars or any(line_key(n) != own for n in neighbours)

    @staticmethod
    def _headline_like(f: LineFeatures) -> bool:
        return f.words >= 3 and f.separators == 0 and f.digit_ratio < 0.2


_MISSING = object()


def _remembered(cache: dict[K, V], key: K, compute: Callable[[], V]) -> V:
    """``compute()``, kept in ``cache`` under ``key``; the cache is emptied when it holds
    ``_CACHE_SIZE`` entries, so memory stays bounded however many lines go by."""
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        found = cache[key] = compute()
    return found  # type: ignore[return-value]


def _fold(text: str) -> str:
    return " ".join(_TOKEN.findall(text.casefold()))


_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[-•*–·▪►]|https?://|www\.)\s*\S")


def _listed(lines: Sequence[str], start: int) -> set[int]:
    """Lines from ``start`` on that follow a line ending in a colon: up to a blank line, or across
    blank lines while the next line is a numbered or bulleted item or a link."""
    listed: set[int] = set()
    intro = after_blank = False
    for i in range(start, len(lines)):
        text = lines[i].rstrip()
        if not text:
            after_blank = True
            continue
        if intro and (not after_blank or _LIST_ITEM.match(text)):
            listed.add(i)
        else:
            intro = False
        after_blank = False
        intro = intro or text.endswith(":")
    return listed


HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")


def is_extracted(doc: Document) -> bool:
    """Whether the text came out of an HTML extractor (set by the reader, else told by the file name)."""
    if "extractor" in doc.metadata:
        return bool(doc.metadata["extractor"])
    return doc.source.lower().endswith(HTML_SUFFIXES)


def classify_lines(
    lines: Sequence[str], language: str | None = None, options: BoilerplateOptions = BoilerplateOptions()
) -> list[str | None]:
    """For each line, the rule that marks it furniture, or None to keep it.

    Convenience for one-off calls: it compiles the rule packs each time. For many documents build
    one ``Classifier`` (or use the ``Boilerplate`` stage, which holds one).
    """
    return Classifier(options).classify(lines, language)


class Boilerplate(DocumentStage):
    name = "boilerplate"

    def __init__(self, options: BoilerplateOptions = BoilerplateOptions()) -> None:
        super().__init__()
        self.options = options
        self._classifier: Classifier | None = None

    @property
    def classifier(self) -> Classifier:
        """Compiled on first use, once per stage (and so once per options object)."""
        if self._classifier is None:
            self._classifier = Classifier(self.options)
        return self._classifier

    def __getstate__(self) -> dict:
        """Workers build their own classifier (and its line caches) rather than receive one."""
        return {**self.__dict__, "_classifier": None}

    def process(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        lines = doc.kept_lines()
        rules = self.classifier.classify(
            [line.text for line in lines],
            doc.metadata.get("language"),
            extracted=is_extracted(doc),
            title=doc.metadata.get("title"),
        )
        drops = {i: rule for i, rule in enumerate(rules) if rule}
        if drops:
            doc.remove_lines(self.name, drops, lines)
