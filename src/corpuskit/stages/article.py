"""Where the article is in full-page text: clusters of body lines, weighed, anchored, joined.

Body lines (long, stopword-dense) form clusters; the heaviest cluster is the core of the article and
absorbs its neighbours while they look like parts of the same text. Weight is words times density
(body lines per line spanned), so paragraphs in a row outweigh a teaser list of headlines, bylines,
dates and blurbs; a cluster just below a repeat of the page title (the headline) weighs more; one
after a "final" marker (comments, legal footer), or a teaser list under a "More from" heading,
weighs less. The body resumes after inline modules (a "Related" box, a paywall nag, "Read next:"
links); a page with no prose under its headline has a listing (a calendar, a table) for article.
See ``docs/cleaning.md``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corpuskit.stages.linefeatures import LineFeatures
from corpuskit.stages.rulepacks import Rule

if TYPE_CHECKING:
    from corpuskit.stages.boilerplate import BoilerplateOptions

_TITLE_PARTS = re.compile(r"\s(?:[|·»–—-]|::|--)\s")
_TOKEN = re.compile(r"\w+")


def low_content(f: LineFeatures) -> bool:
    """No words, or mostly digits or symbols."""
    return f.words == 0 or f.digit_ratio > 0.5 or f.symbol_ratio > 0.3


def nav_like(f: LineFeatures, ruled: bool) -> bool:
    """A rule hit, a line of digits/symbols, or a short label without a sentence in it."""
    if ruled or low_content(f):
        return True
    if f.sentence_end:
        return False
    return f.words <= 5 and f.title_share >= 0.6


def title_anchors(lines: Sequence[str], rows: list[int], title: str | None = None) -> list[int]:
    """Rows after the first that repeat the page title: where an article's headline sits.

    Full-page text starts with the page's ``<title>`` (or the record has a ``title``); the headline
    above the article repeats it, often without the site name after a separator. A row matches the
    title (or its longest separator-delimited part, 3+ words) when the shorter of the two token
    lists is a prefix of the longer and covers at least 60% of it.
    """
    if not rows:
        return []
    candidates = [t for t in (title, lines[rows[0]]) if t and len(t) <= 300]
    variants = []
    for t in candidates:  # the whole title and its longest part (the headline, not the site name)
        parts = [_TOKEN.findall(part.casefold()) for part in _TITLE_PARTS.split(t)]
        for tokens in (_TOKEN.findall(t.casefold()), max(parts, key=len)):
            if len(tokens) >= 3 and tokens not in variants:
                variants.append(tokens)
    anchors = []
    firsts = {v[0] for v in variants}  # a repeat starts with the first word of a variant
    for i in rows[1:] if variants else ():
        if len(lines[i]) > 400:
            continue
        folded = lines[i].casefold()
        first = _TOKEN.search(folded)
        if first is None or first.group() not in firsts:
            continue
        tokens = _TOKEN.findall(folded)
        for v in variants:
            short, long_ = (tokens, v) if len(tokens) <= len(v) else (v, tokens)
            if len(short) >= 3 and long_[: len(short)] == short and len(short) >= 0.6 * len(long_):
                anchors.append(i)
                break
    return anchors


@dataclass
class Page:
    """One document's non-blank rows with what the classifier found on each."""

    lines: Sequence[str]
    rows: list[int]
    feats: dict[int, LineFeatures]
    hits: dict[int, Rule]
    good: list[int]  # body lines
    anchors: frozenset[int] = frozenset()  # title repeats
    position: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.position = {line: k for k, line in enumerate(self.rows)}

    def between(self, a: int, b: int) -> list[int]:
        """Non-blank rows strictly between lines ``a`` and ``b``."""
        return self.rows[self.position[a] + 1 : self.position[b]]

    def actions(self, lines: list[int]) -> set[str]:
        return {self.hits[i].action for i in lines if i in self.hits}

    def words(self, lines: list[int]) -> int:
        return sum(self.feats[i].words for i in lines)

    def density(self, cluster: list[int]) -> float:
        """Body lines per non-blank line spanned."""
        return len(cluster) / (self.position[cluster[-1]] - self.position[cluster[0]] + 1)

    def nav_run(self, lines: list[int], skip_drops: bool = False) -> int:
        """Length of the longest run of navigation-like lines among ``lines``.

        ``skip_drops``: lines that a "drop" rule removes anyway (credits, share buttons inside the
        article) neither extend nor break a run.
        """
        best = run = 0
        for i in lines:
            if skip_drops and i in self.hits and self.hits[i].action == "drop":
                continue
            run = run + 1 if nav_like(self.feats[i], i in self.hits) else 0
            best = max(best, run)
        return best


@dataclass
class Article:
    start: int  # first body line
    end: int  # last body line
    modules: dict[int, Rule] = field(default_factory=dict)  # rows of inline modules -> their heading's rule
    listing: frozenset[int] = frozenset()  # rows of a list or table that is the article (no prose)


def find_article(page: Page, o: BoilerplateOptions) -> Article:
    """First and last body line of the article (the first and last row if there is no body), and
    the rows of the inline modules ("Related" boxes) inside it, from their heading to where the
    body resumes."""
    if not page.good:
        return Article(page.rows[0], page.rows[-1])
    clusters = _clusters(page, o)
    titled = _below_title(page, clusters, o.title_window)
    listing = _listing_below_title(page, o) if page.anchors and not titled else None
    if listing:
        clusters = sorted(clusters + [listing])
        titled = {clusters.index(listing)}
    weight = _weights(page, clusters, titled, o)
    # the core: the heaviest cluster, more likely below the headline, less likely a teaser list
    score = [
        w * (o.title_boost if k in titled else 1) * (o.after_end_penalty if _teasers(page, c, o) else 1)
        for k, (c, w) in enumerate(zip(clusters, weight, strict=True))
    ]
    best = max(range(len(clusters)), key=score.__getitem__)
    first, last, merged = best, best, weight[best]
    modules: dict[int, Rule] = {}
    for step in (-1, 1):
        edge = best
        while True:
            # a neighbour, or, past a small cluster inside a module, the one beyond it
            tries = [edge + step, edge + 2 * step]
            joined = None
            for k in tries:
                if not 0 <= k < len(clusters):
                    break
                left, right = (clusters[k], clusters[edge]) if step < 0 else (clusters[edge], clusters[k])
                if _joins(page, left, right, weight[k] / merged, o, backward=step < 0):
                    joined = k
                    break
                if weight[k] >= o.min_article_words:
                    break
            if joined is None:
                break
            lo, hi = sorted((edge, joined))
            merged += sum(weight[lo : hi + 1]) - weight[edge]
            _module_rows(page, clusters[lo][-1], clusters[hi][0], modules)
            edge = joined
        first, last = (edge, last) if step < 0 else (first, edge)
    taken = listing is not None and listing in clusters[first : last + 1]
    return Article(
        clusters[first][0], clusters[last][-1], modules, frozenset(listing) if taken else frozenset()
    )


def _module_rows(page: Page, after: int, before: int, modules: dict[int, Rule]) -> None:
    """Rows from an "end" heading between two joined clusters up to where the body resumes."""
    heading = None
    for i in page.between(after, before):
        if heading is None and i in page.hits and page.hits[i].action == "end":
            heading = page.hits[i]
        if heading is not None:
            modules[i] = page.hits.get(i, heading)


def _clusters(page: Page, o: BoilerplateOptions) -> list[list[int]]:
    """Body lines grouped; cut by gaps over ``max_gap``, non-drop rule lines and title repeats."""
    clusters: list[list[int]] = [[page.good[0]]]
    for prev, cur in zip(page.good, page.good[1:], strict=False):
        between = page.between(prev, cur)
        cut = len(between) > o.max_gap or any(
            (i in page.hits and page.hits[i].action != "drop") or i in page.anchors for i in between
        )
        if cut:
            clusters.append([cur])
        else:
            clusters[-1].append(cur)
    return clusters


def _below_title(page: Page, clusters: list[list[int]], window: int) -> set[int]:
    """Clusters starting within ``window`` lines below a title repeat.

    Not past a "final" marker, and not a cluster that an "end" marker introduces ("Most popular"
    right above a list); "Previous post / Next post" links between headline and byline are fine.
    """
    titled = set()
    for a in page.anchors:
        for k, c in enumerate(clusters):
            if c[0] < a:
                continue
            between = page.between(a, c[0])
            if len(between) >= window or "final" in page.actions(between):
                break
            if not between or "end" not in page.actions(between[-1:]):
                titled.add(k)
    return titled


def _listing_below_title(page: Page, o: BoilerplateOptions) -> list[int] | None:
    """The lines under the headline when the article has no prose: a calendar, a list, a table.

    Used only when no body cluster sits below a title repeat. Below an anchor, past the byline and
    share buttons, the lines up to the next rule hit form the article when there are at least
    ``listing_min_lines`` of them and none is a body line (body text far below the headline is the
    clusters' business).
    """
    good = set(page.good)
    for a in sorted(page.anchors):
        lines = []
        for i in page.rows[page.position[a] + 1 :]:
            if i in page.anchors:
                break
            if i in page.hits:
                if lines or page.hits[i].action in ("end", "final"):
                    break
                continue
            lines.append(i)
        if len(lines) >= o.listing_min_lines and not good.intersection(lines):
            return lines
    return None


def _weights(page: Page, clusters: list[list[int]], titled: set[int], o: BoilerplateOptions) -> list[float]:
    """Words x density; clusters after a "final" marker that follows real body text weigh less."""
    weight = []
    body = 0
    penalised = False
    for k, c in enumerate(clusters):
        words = page.words(c)
        density = page.density(c)
        if k in titled:  # a headline starts the article: what came before does not end it
            body, penalised = 0, False
        elif k and not penalised and body >= o.min_article_words:
            penalised = "final" in page.actions(page.between(clusters[k - 1][-1], c[0]))
        weight.append(words * density**o.density_power * (o.after_end_penalty if penalised else 1))
        body += words
    return weight


def _teasers(page: Page, cluster: list[int], o: BoilerplateOptions) -> bool:
    """A cluster just under a "More from ..." heading that alternates headlines (lines that do not
    end like sentences) with short blurbs is that heading's teaser list. Headlines only before its
    first sentence are the module itself, with the body resuming after them; blurbs as long as
    body paragraphs make a list article (products, places), not teasers."""
    k = page.position[cluster[0]]
    above = [page.hits.get(i) for i in page.rows[max(0, k - 2) : k]]
    if not any(h is not None and h.action == "end" and h.category == "related" for h in above):
        return False
    span = [i for i in page.rows[k : page.position[cluster[-1]] + 1] if i not in page.hits]
    ended = [page.feats[i].sentence_end for i in span]
    interleaved = ended[ended.index(True) :].count(False) if True in ended else 0
    if interleaved < 2 or interleaved * 3 < len(span):
        return False
    blurbs = [page.feats[i].words for i, e in zip(span, ended, strict=True) if e]
    return sum(blurbs) < o.long_line_words * len(blurbs)


def _module_over(page: Page, module: list[int]) -> bool:
    """Whether the body resumes after this module however short the rest is.

    Every line must be furniture the rules know, and either none is a list heading (paywall and
    newsletter nags; one-line links that name their story after a colon, "Read next: Storm
    closes the bridge") or the last heading has claimed items under it ("Don't miss" over three
    "... [VIDEO]" links). A heading over unclaimed lines ("More from ..." and its teasers) is not.
    """
    if not all(i in page.hits for i in module):
        return False
    if not any(_list_heading(page, i) for i in module):
        return True
    headings = [k for k, i in enumerate(module) if page.hits[i].action == "end"]
    return bool(headings) and any(page.hits[i].action != "end" for i in module[headings[-1] + 1 :])


def _list_heading(page: Page, i: int) -> bool:
    """A "related" rule line that is not a one-line link ("Read next: <a story of 3+ words>")."""
    if page.hits[i].category != "related":
        return False
    label, colon, story = page.lines[i].partition(":")
    return not (colon and len(label.split()) <= 4 and len(story.split()) >= 3)


def _joins(
    page: Page, left: list[int], right: list[int], ratio: float, o: BoilerplateOptions, backward: bool
) -> bool:
    """Whether two body clusters are parts of one article.

    Never across a "final" marker or a title repeat. Across an "end" marker (an inline "Related"
    module) only if the module is short and the body resumes strongly. Otherwise only a cluster
    carrying ``join_ratio`` of the article's weight, with no furniture run between.
    """
    between = page.between(left[-1], right[0])
    actions = page.actions(between)
    if "final" in actions or any(i in page.anchors for i in between):
        return False
    if "end" in actions:
        if len(between) > o.max_module:
            return False
        if backward:  # the article's opening paragraphs, before a module in its middle
            return page.words(left) >= o.min_article_words
        # the body resumes in sentences (a teaser list after "More from ..." has none), and
        # strongly or right after a module that is over
        ended = sum(1 for i in right if page.feats[i].sentence_end)
        resumes = ratio >= o.module_resume_ratio or _module_over(page, between)
        return resumes and ended * 2 >= len(right) and not _teasers(page, right, o)
    if ratio < o.join_ratio:  # a small cluster far away: a teaser, a footer blurb
        return False
    return page.nav_run(between, skip_drops=True) < o.nav_run


def extracted_span(page: Page, share: float) -> Article:
    """All of an extractor's output is the article, up to a "final" marker (comments, legal
    footer) once ``share`` of the body is seen; 1.0 or more: never cut there."""
    rows = page.rows
    if share >= 1.0:
        return Article(rows[0], rows[-1])
    total = page.words(page.good)
    good = set(page.good)
    seen = 0
    for i in rows:
        if i in page.hits and page.hits[i].action == "final" and seen >= share * total:
            return Article(rows[0], max((g for g in page.good if g < i), default=rows[0]))
        if i in good:
            seen += page.feats[i].words
    return Article(rows[0], rows[-1])
