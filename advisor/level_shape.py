"""Which headings of a document are its ladder's levels, read from the document's shape.

Companies number their levels ("3. Senior PM", "Level 3: ...") or they do not. A document
whose level headings are the titles alone ("## Commis Chef", "## Sous Chef", "## Head Chef")
is a ladder when a run of at least three headings of one depth each holds a list, and the
titles share the job family's word or each has the same sub-headings. A numbered document may
also number sections that are not levels ("1. Purpose of This Ladder", "7. Progression and
Review"): a numbered section at either end whose title its text never uses as a name, in a
document whose other level titles its text does use, is prose around the ladder.

Inside a level, a sub-heading over a list says what the list is ("Key duties", "Skills we
expect"); one whose words say neither ("Remit", "Craft to build") takes the kind its sibling
does not, and with two such lists the first is the work and the second the growth, the order
ladders write them in.
"""

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from advisor.models import PassageKind

MIN_TITLE_LEVELS = 3  # fewer headings with lists are sections of a note, not a ladder
MAX_TITLE_WORDS = 6  # a level title is a job title, not a sentence
_WORD = re.compile(r"[a-z][a-z'-]+")
# What a level heading opens with when it says its place. A number ("3. X", "1) X"), a word for
# a level and its number ("Level 3: X", "Grade 2: X", "Band IV - X"), a level code ("L3 · X",
# "E4 — X", "[T1] X"), or a Roman numeral in capitals ("II. X"), each then a separator.
_SEPARATOR = r"\s*[.):\-–—·|:]\s+(?=\S)"  # "2.1 Duties" is a sub-section, not level 2
_LEVEL_WORDS = r"level|grade|band|tier|step|rung|stage|rank"
_NUMBER = re.compile(
    rf"^(?:(?:(?:{_LEVEL_WORDS})\s*|l\s*)?(?P<n>\d{{1,2}}){_SEPARATOR}"
    rf"|(?:{_LEVEL_WORDS})\s+(?P<word_roman>[ivx]{{1,5}}){_SEPARATOR})",
    re.IGNORECASE,
)
_ROMAN_FIRST = re.compile(rf"^(?P<roman>[IVX]{{1,5}}){_SEPARATOR}")
# A level code before the title: "E4 — Data Engineer II", "IC3: Engineer", "P2 | Analyst",
# "L3 · Analyst", "[T1] Field Operative".
_CODE_FIRST = re.compile(
    r"^(?:\[(?P<bracketed>[A-Za-z]{0,3}\s?(?P<bn>\d{1,2}))\]\s*:?\s*"
    r"|(?P<code>[A-Za-z]{1,3}(?P<cn>\d{1,2}))\s*[:\-–—|·]\s+)(?=\S)"
)
_ROMAN = {"i": 1, "v": 5, "x": 10}


def roman_value(numeral: str) -> int:
    """The value of a Roman numeral ("iv" is 4)."""
    values = [_ROMAN[c] for c in numeral.lower()]
    return sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True))


def designated_level(heading: str) -> int | None:
    """The place a heading gives its level, if it opens with one ("3. X", "Grade 2: X",
    "L3 · X", "[T1] X", "II. X", "E4 — X")."""
    number = _NUMBER.match(heading)
    if number:
        n = number.group("n")
        return int(n) if n else roman_value(number.group("word_roman"))
    code = _CODE_FIRST.match(heading)
    if code:
        return int(code.group("bn") or code.group("cn"))
    roman = _ROMAN_FIRST.match(heading)
    return roman_value(roman.group("roman")) if roman else None


# Words too common in headings to mark a job family ("of", "the", "and").
_LINK_WORDS = {"of", "the", "and", "a", "an", "to", "for", "in", "on", "at", "with", "&"}


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" | "bullet" | "lead" | "paragraph"
    text: str
    depth: int = 0  # Markdown heading depth (1-6); 0 for a plain heading line
    line: int = 0  # 1-based line of the document where the block starts
    indent: int = 0  # a list item's indentation, in spaces
    marker: str = ""  # a list item's bullet ("-", "*", "1)")
    detailed: bool = False  # a list item whose sub-items were added in parentheses


def levels_by_title(blocks: Sequence[Block]) -> dict[str, int]:
    """Levels of a document whose level headings carry no number: the longest ladder-shaped
    run of same-depth headings that each hold a list, numbered in reading order."""
    if not any(b.depth for b in blocks):
        # A plain-text document: its title lines ("STORE MANAGER (SM)") are one depth.
        blocks = [replace(b, depth=1) if b.kind == "heading" else b for b in blocks]
    headings = [i for i, b in enumerate(blocks) if b.kind == "heading" and b.depth]
    best: list[str] = []
    for depth in sorted({blocks[i].depth for i in headings}):
        for run in _runs(blocks, headings, depth):
            if len(run) > len(best) and _ladder_shaped(blocks, headings, run):
                best = [blocks[i].text for i in run]
    return {title: n for n, title in enumerate(best, 1)}


# A paragraph that opens with its label: "What you do: ...", "Design Lead (DL): ...".
_LABEL = re.compile(r"^(?P<label>[A-Z][\w'’ /&()-]{1,40}?):\s+\S")
MAX_LABEL_WORDS = 5


def paragraph_label(text: str) -> str | None:
    """The short label a paragraph opens with ("Reports to: ..."), if any."""
    found = _LABEL.match(text)
    if found is None or len(found.group("label").split()) > MAX_LABEL_WORDS:
        return None
    return found.group("label")


def levels_by_label(
    blocks: Sequence[Block], kind_of: Callable[[str], PassageKind]
) -> dict[str, int]:
    """Levels of a document written competency first: under each area's heading ("Client
    work", "Leadership"), one paragraph per level labelled with its title ("Design Lead (DL):
    ..."), the same titles in the same order under at least two headings, numbered in that
    order. Labels that name what a paragraph is ("Skills:", "What you do:", "Reports to:") are
    a level's fields, not levels: a level's label is a title, in title case, naming no kind."""
    groups: list[list[str]] = []
    for b in blocks:
        if b.kind == "heading":
            groups.append([])
        elif b.kind == "paragraph" and groups and (label := paragraph_label(b.text)):
            groups[-1].append(label)
    runs = Counter(tuple(g) for g in groups if len(g) >= MIN_TITLE_LEVELS and len(set(g)) == len(g))
    if not runs:
        return {}
    labels, count = runs.most_common(1)[0]
    titled = all(_title_case(label) and kind_of(label) is PassageKind.OVERVIEW for label in labels)
    if count < 2 or not titled:
        return {}
    return {label: n for n, label in enumerate(labels, 1)}


def _title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in _LINK_WORDS]
    return bool(words) and all(w[0].isupper() for w in words)


def _runs(blocks: Sequence[Block], headings: list[int], depth: int) -> list[list[int]]:
    """Consecutive headings of this depth whose sections hold a list; a heading without one,
    or a higher heading, ends a run."""
    runs: list[list[int]] = [[]]
    for i in headings:
        b = blocks[i]
        if b.depth > depth:
            continue
        if b.depth == depth and _lists(_section(blocks, i)):
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if len(r) >= MIN_TITLE_LEVELS]


def _section(blocks: Sequence[Block], i: int) -> Sequence[Block]:
    depth = blocks[i].depth
    end = next(
        (j for j in range(i + 1, len(blocks)) if _ends_section(blocks[j], depth)), len(blocks)
    )
    return blocks[i + 1 : end]


def _ends_section(block: Block, depth: int) -> bool:
    return block.kind == "heading" and bool(block.depth) and block.depth <= depth


def _ladder_shaped(blocks: Sequence[Block], headings: list[int], run: list[int]) -> bool:
    titles = [blocks[i].text for i in run]
    if any(
        len(t.split()) > MAX_TITLE_WORDS or t.rstrip().endswith((".", "?", "!")) for t in titles
    ):
        return False
    words = [set(_WORD.findall(t.lower())) - _LINK_WORDS for t in titles]
    # The job family's word in most titles ("Chef" in "Commis Chef", "Sous Chef", ...).
    shared = max((sum(w in ws for ws in words) for ws in words for w in ws), default=0)
    if shared * 2 >= len(titles):
        return True
    # Or the same sub-headed shape under every title ("Duties", "Growth" under each), or the
    # same labelled paragraphs ("What you do:", "Skills:").
    subs = [sum(b.kind == "heading" for b in _section(blocks, i)) for i in run]
    labels = {tuple(_labels(_section(blocks, i))) for i in run}
    same_labels = len(labels) == 1 and len(next(iter(labels))) >= 2
    return (min(subs) >= 2 and len(set(subs)) == 1) or same_labels


def _labels(section: Sequence[Block]) -> list[str]:
    return [x for b in section if b.kind == "paragraph" and (x := paragraph_label(b.text))]


def _lists(section: Sequence[Block]) -> bool:
    """Whether a section holds a list: bullets, or paragraphs each under its own label."""
    return any(b.kind == "bullet" for b in section) or len(_labels(section)) >= 2


def item_kinds(
    blocks: Sequence[Block], is_level: Sequence[bool], worded: Sequence[PassageKind]
) -> dict[int, PassageKind]:
    """The kind of each sub-heading inside a level (by block index), where its own words
    (`worded`, OVERVIEW when they say neither) leave it open: the kind its list sibling does
    not have, else work first and growth second."""
    out: dict[int, PassageKind] = {}
    group: list[int] = []

    def settle() -> None:
        listed = [i for i in group if _holds_list(blocks, i)]
        if len(listed) < 2:
            return
        items = (PassageKind.RESPONSIBILITY, PassageKind.SKILL)
        named = {worded[i] for i in listed} - {PassageKind.OVERVIEW}
        open_ = [i for i in listed if worded[i] is PassageKind.OVERVIEW]
        if len(named) == 1 and open_:
            # "Technical" names growth; its siblings "Impact" and "Collaboration" the work.
            other = items[1 - items.index(named.pop())]
            out.update(dict.fromkeys(open_, other))
        elif len(listed) == 2 and len(open_) == 2:
            out[listed[0]], out[listed[1]] = items

    for i, b in enumerate(blocks):
        if b.kind != "heading":
            continue
        if is_level[i]:
            settle()
            group = []
        else:
            group.append(i)
    settle()
    return out


def marker_kinds(
    blocks: Sequence[Block], is_level: Sequence[bool], kind_of: Callable[[str], PassageKind]
) -> dict[str, PassageKind]:
    """What each bullet character means in a document that lists a level's duties and its
    skills with different bullets: what its key says ('Lines that begin with "* " are
    skills'), else, when every level lists with the same two bullets in the same order, the
    first is the work and the second the growth."""
    key: dict[str, PassageKind] = {}
    for b in blocks:
        if b.kind not in ("paragraph", "lead"):
            continue
        for found in _KEYED_MARKER.finditer(b.text):
            kind = kind_of(re.split(r"[.;!?]", found.group("meaning"))[0])
            if kind is not PassageKind.OVERVIEW:
                key.setdefault(found.group("marker"), kind)
    if key:
        return key
    # The bullets of each level section in order of first use; a lead-in in a section says
    # what its list is, so such a section tells nothing of what the bullets mean.
    orders: set[tuple[str, ...] | None] = set()
    markers: list[str] | None = []  # None: inside a section that is not a level
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            if markers:
                orders.add(tuple(markers))
            markers = [] if is_level[i] else None
        elif markers is None:
            continue
        elif b.kind == "lead":
            orders.add(None)
        elif b.kind == "bullet" and b.marker not in markers:
            markers.append(b.marker)
    if markers:
        orders.add(tuple(markers))
    if len(orders) == 1 and (order := next(iter(orders))) is not None and len(order) == 2:
        return {order[0]: PassageKind.RESPONSIBILITY, order[1]: PassageKind.SKILL}
    return {}


# 'Lines that begin with "- " are duties, what you do': a quoted bullet and what follows it.
_KEYED_MARKER = re.compile(r"[\"“'‘]\s?(?P<marker>[-*•+–·])\s?[\"”'’](?P<meaning>[^\"“”]{3,80})")


def _holds_list(blocks: Sequence[Block], i: int) -> bool:
    for b in blocks[i + 1 :]:
        if b.kind == "heading":
            return False
        if b.kind == "bullet":
            return True
    return False


def in_capitals(text: str) -> bool:
    """Whether the text is written in capitals ("STORE MANAGER (SM)"), with 4+ letters."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def without_number(heading: str) -> str:
    """The heading without the level number it starts with ("3. ", "Level 3: ", "L3 - ",
    "[T1] ", "II. ")."""
    return _ROMAN_FIRST.sub("", _CODE_FIRST.sub("", _NUMBER.sub("", heading)))


def title_names(heading: str) -> list[str]:
    """The names a level heading gives: its text without the number, split on '/' and
    parentheses ("Communications Supervisor (Comms Sup)" gives both), and a level code
    before it ("E4", "T1")."""
    code = _CODE_FIRST.match(_NUMBER.sub("", heading))
    names = [p.strip() for p in re.split(r"[/()]", without_number(heading)) if p.strip()]
    number = _NUMBER.match(heading)
    if number and not number.group(0)[:1].isdigit():
        # "L3 · X", "Grade 2: X": people call the level by its designation ("an L3", "a
        # grade 2"); a bare number ("3. X") names nothing.
        names.append(re.sub(r"[^\w]+$", "", number.group(0).strip()).strip())
    if not code:
        return names
    return [*names, (code.group("code") or code.group("bracketed")).replace(" ", "")]


def prose_ends(titles: Sequence[str], text_of: Sequence[str], listed: Sequence[bool]) -> set[str]:
    """Numbered sections at either end of the ladder that are not levels: titles (in level
    order) the document's text (`text_of[i]`: the body of section i) never uses as a name,
    when every title between them is used. A section with a list of items (`listed`) is a
    level. Needs three levels left."""
    if len(titles) < MIN_TITLE_LEVELS + 1:
        return set()
    body = " ".join(text_of).lower()
    named = [_named(t, body) for t in titles]
    ends = [i for i in (0, len(titles) - 1) if not named[i] and not listed[i]]
    inner = [i for i in range(len(titles)) if i not in ends]
    if not ends or not all(named[i] for i in inner) or len(inner) < MIN_TITLE_LEVELS:
        return set()
    # A level at the end shares the family's words with its siblings ("Trainee Technician");
    # "Purpose of This Ladder" shares none.
    family = {w for i in inner for w in _title_words(titles[i])}
    return {titles[i] for i in ends if not _title_words(titles[i]) & family}


def _title_words(title: str) -> set[str]:
    return set(_WORD.findall(without_number(title).lower())) - _LINK_WORDS


def _named(title: str, body: str) -> bool:
    for name in title_names(title):
        if len(name) > 1 and re.search(
            r"(?<![a-z])" + re.escape(name.lower()) + r"(?:s|es|'s)?(?![a-z])", body
        ):
            return True
    return False
