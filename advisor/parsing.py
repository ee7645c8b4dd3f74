"""Turning a document into passages that respect its structure.

A section is the text under a heading; within it each bullet is one passage and each paragraph is
one passage (long paragraphs are split between sentences, never inside one). Bullets take their
kind (responsibility, skill) from the lead-in line that introduces them, so any ladder written as
"heading, lead-in ending with ':', bullets" parses the same way.

Two kinds of text never become passages. HTML markup is removed (a `<script>` in a document
would otherwise travel in answers to API consumers), keeping the text between tags. Text that
addresses the assistant (advisor/injection.py) is held back with its line number for the index
report: the block it is in, the items under a lead-in that does it, and the whole section
under a heading that does it.
"""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import pairwise

from advisor.corpus import SourceDocument
from advisor.injection import addresses_assistant
from advisor.level_shape import (
    Block,
    designated_level,
    in_capitals,
    item_kinds,
    levels_by_label,
    levels_by_title,
    marker_kinds,
    paragraph_label,
    prose_ends,
    without_number,
)
from advisor.models import Passage, PassageKind
from advisor.textclean import clean_text

PARSER_VERSION = "10"
INTRODUCTION = "Introduction"
MAX_PARAGRAPH_WORDS = 90
MAX_CAPS_TITLE_WORDS = 10  # a capitalised line longer than this is shouting, not a title

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?P<marker>[•·▪◦‣*+\-–]|\d{1,2}[.)])\s+(?P<text>.+)$")
_MARKED_LEVEL = re.compile(
    r"^\s{0,3}#{1,6}\s+(?P<title>.+?)\s*<!--\s*level\s+(?P<n>\d{1,2})\s*-->\s*$", re.MULTILINE
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
# Lead-ins of growth items as companies word them: "Skills to develop:", "To grow, focus on:",
# "What we look for:", "Growth areas:".
_SKILL_LEAD = re.compile(
    r"\bskill|competenc|abilit|\bgrow|\blearn|\bimprove|look for|\bstrength|\bdevelop\b|"
    r"\btechnical\b|\bcraft\b|expertise|knowledge|proficien|\bgood at\b|"
    # What it takes to move up: "Moving up:", "Before you step up", "What does it take to
    # become X?".
    r"\b(?:mov|step)\w* up\b|\bbecom(?:e|es|ing)\b|\bready for\b|\bpromot",
    re.IGNORECASE,
)
_RESPONSIBILITY_LEAD = re.compile(
    r"responsib|dut(?:y|ies)|involve|include|expected to|\brole\b|you will|you'll|\bwork\b|"
    r"look like|day[- ]to[- ]day|\btasks?\b|accountab|outcomes?\b|"
    # "What you do:", "What does a Grade 2 do?"
    r"\bwhat you do\b|\bdo(?:es)?\b.*\bdo\W*$",
    re.IGNORECASE,
)
# Elements whose content is code or markup, not prose: dropped whole.
_HTML_CODE = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript|svg)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>", re.DOTALL)


_Block = Block


@dataclass(frozen=True)
class HeldBack:
    """A passage kept out of the index because it addresses the assistant."""

    source: str
    line: int
    sentence: str


@dataclass(frozen=True)
class ParsedDocument:
    passages: list[Passage]
    held_back: list[HeldBack]


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences on terminal punctuation followed by a capitalised word."""
    parts = _SENTENCE_END.split(text.strip())
    return [p.strip() for p in parts if p.strip()]


def item_parts(passage: Passage) -> tuple[str, str]:
    """(title, description) of an item as a plan or a check-in shows it: "Title: text" split
    at its colon; an untitled item is named by its first sentence and described whole."""
    title, _, rest = passage.text.partition(":")
    if not passage.title:
        return split_sentences(passage.text)[0].strip(), passage.text.strip()
    return title.strip(), (rest or passage.text).strip()


def heading_level(heading: str) -> int | None:
    """The ladder position a heading declares ("3. Senior PM", "Level 3: ...", "[T2] ..."),
    if any."""
    return designated_level(heading)


def parse_document(doc: SourceDocument) -> list[Passage]:
    """All passages of one document, in reading order."""
    return read_document(doc).passages


def read_document(doc: SourceDocument) -> ParsedDocument:
    """The document's passages, and what was held back from them because it addresses the
    assistant instead of describing a job."""
    passages: list[Passage] = []
    held: list[HeldBack] = []
    hold = _Hold()
    section = INTRODUCTION
    lead_kind = PassageKind.OVERVIEW
    seen: dict[str, int] = {}
    blocks = list(_blocks(doc.text))
    # Levels marked by a table's rewrite (advisor/tables.py) are levels whatever the headings.
    marked = {m["title"].strip(): int(m["n"]) for m in _MARKED_LEVEL.finditer(doc.text)}
    levels = _levels_by_position(blocks) | marked
    level_depth = _level_depth(blocks)
    labelled: dict[str, int] = {}
    if not level_depth:
        # A document written competency first labels each level's paragraph under every
        # area; otherwise, level headings may be the titles alone ("## Sous Chef").
        labelled = {} if levels or marked else levels_by_label(blocks, _lead_kind)
        if not marked and not labelled:
            levels = levels_by_title(blocks) or levels
        level_depth = next((b.depth for b in blocks if b.text in levels), level_depth)
    levels = _retitled(blocks, levels)
    is_level = [
        b.kind == "heading" and levels.get(b.text, heading_level(b.text)) is not None
        for b in blocks
    ]
    worded = [_lead_kind(b.text) if b.kind == "heading" else PassageKind.OVERVIEW for b in blocks]
    sub_kinds = item_kinds(blocks, is_level, worded)
    by_marker = marker_kinds(blocks, is_level, _lead_kind)
    prose_kind = PassageKind.OVERVIEW  # what paragraphs are, under a sub-heading like "Duties"
    asked: _Block | None = None  # an FAQ's question, over the paragraph that answers it
    for index, block in enumerate(blocks):
        flagged = _instruction_in(block)
        if flagged is not None:
            held.append(HeldBack(doc.name, block.line, flagged))
        if hold.skips(block, flagged is not None):
            continue
        if block.kind == "question":
            asked = block
            continue
        question, asked = asked, None
        label = paragraph_label(block.text) if block.kind == "paragraph" else None
        if block.kind == "heading":
            level = levels.get(section, heading_level(section))
            own = levels.get(block.text, heading_level(block.text))
            depth = block.depth or (7 if level_depth else 0)
            if level is not None and own is None and depth > level_depth:
                # A sub-heading inside a level ("Duties", "What the work looks like",
                # "Growth"): it introduces that level's items, like a lead-in line.
                lead_kind = prose_kind = sub_kinds.get(index, worded[index])
                continue
            section, lead_kind, prose_kind = block.text, PassageKind.OVERVIEW, PassageKind.OVERVIEW
            continue
        if block.kind == "lead":
            lead_kind = _lead_kind(block.text)
            if len(block.text.split()) <= 4:
                continue  # a bare label such as "Skills to develop:" carries no content
            pieces, kind = _paragraph_pieces(block.text), PassageKind.OVERVIEW
        elif block.kind == "bullet":
            listed = lead_kind if lead_kind is not PassageKind.OVERVIEW else None
            pieces, kind = [block.text], listed or by_marker.get(block.marker, lead_kind)
        else:
            pieces, kind = _paragraph_pieces(block.text), prose_kind
            named_by = question.text if question else label
            said = _lead_kind(named_by) if named_by else PassageKind.OVERVIEW
            if said is not PassageKind.OVERVIEW:
                # "Skills: ...", "What you do: ...", or the answer to "What skills does a
                # Grade 2 need?": the label or the question says what the paragraph lists.
                kind = said
            elif question is not None:
                # "Who does a Grade 2 report to?": the answer alone does not say what it
                # answers, so the question stays with it.
                pieces = [f"{question.text} {pieces[0]}", *pieces[1:]]
        at, level = section, levels.get(section, heading_level(section))
        if label in labelled:
            # "Design Lead (DL): Runs the weekly design review" under "Technical craft": the
            # level's item, titled by its area, quoted under the level's label.
            at, level = label, labelled[label]
            area_kind = _lead_kind(section)
            kind = PassageKind.RESPONSIBILITY if area_kind is PassageKind.OVERVIEW else area_kind
            pieces = [f"{section}: {block.text[len(label) + 1 :].strip()}"]
        for text in pieces:
            key = f"{doc.name}\x1f{at}\x1f{text}"
            seen[key] = seen.get(key, 0) + 1
            passages.append(
                Passage(
                    id=hashlib.sha1(f"{key}\x1f{seen[key]}".encode()).hexdigest()[:20],
                    source=doc.name,
                    section=at,
                    text=text,
                    kind=kind,
                    level=level,
                    title=_bullet_title(text)
                    if block.kind == "bullet"
                    else paragraph_label(text)
                    if block.kind == "paragraph"
                    else None,
                    order=len(passages),
                )
            )
    return ParsedDocument(_without_prose_ends(passages), held)


def _without_prose_ends(passages: list[Passage]) -> list[Passage]:
    """Numbered sections around the levels that are not levels ("1. Purpose of This
    Ladder") become general text, and the levels are counted from 1 again."""
    titles: dict[int, str] = {}
    bodies: dict[int, list[str]] = {}
    listed: set[int] = set()  # levels with items: a level, whatever its title says
    for p in passages:
        if p.level is not None:
            titles.setdefault(p.level, p.section)
            bodies.setdefault(p.level, []).append(p.text)
            if p.kind is not PassageKind.OVERVIEW:
                listed.add(p.level)
    order = sorted(titles)
    dropped = prose_ends(
        [titles[n] for n in order],
        [" ".join(bodies[n]) for n in order],
        [n in listed for n in order],
    )
    if not dropped and order == list(range(1, len(order) + 1)):
        return passages
    # Levels are places counted from 1 at the entry level, whatever the document numbers them
    # ("E3" to "E7", "Grade 0"): its own codes stay names of the levels.
    kept = [n for n in order if titles[n] not in dropped]
    renumber = {n: i for i, n in enumerate(kept, 1)}
    return [
        p.model_copy(
            update={
                "level": renumber.get(p.level) if p.level is not None else None,
                "kind": PassageKind.OVERVIEW if p.level not in renumber else p.kind,
            }
        )
        for p in passages
    ]


class _Hold:
    """What a block that addresses the assistant holds back after itself: a heading its
    section (down to the next heading as high as it), a lead-in the list it introduces."""

    def __init__(self) -> None:
        self.section_depth: int | None = None
        self.list = False

    def skips(self, block: _Block, flagged: bool) -> bool:
        if block.kind == "heading":
            self.list = False
            depth = self.section_depth
            if depth is not None and (not depth or not block.depth or block.depth <= depth):
                self.section_depth = None
            if flagged:
                self.section_depth = block.depth
            return self.section_depth is not None
        if flagged:
            self.list = block.kind == "lead"
            return True
        if self.section_depth is not None or (self.list and block.kind == "bullet"):
            return True
        self.list = False
        return False


def _instruction_in(block: _Block) -> str | None:
    """The block's first sentence that addresses the assistant; a heading is one sentence."""
    heading = block.kind == "heading"
    sentences = [block.text] if heading else split_sentences(block.text)
    return next((s for s in sentences if addresses_assistant(s, heading=heading)), None)


_CODE = re.compile(r"\((?:[A-Za-z]{1,5}\s?)?(?P<n>\d{1,2})\)\s*$")


def _level_depth(blocks: list[_Block]) -> int:
    """The Markdown depth of the numbered level headings (0: plain lines)."""
    depths = [b.depth for b in blocks if b.kind == "heading" and heading_level(b.text)]
    return max(set(depths), key=depths.count) if depths else 0


def _levels_by_position(blocks: list[_Block]) -> dict[str, int]:
    """Levels of headings that carry no leading number, read from the document's shape.

    A company may number some level headings and not others ("### L2 - Associate X",
    "### Senior X (C3)", "### Principal X", "### L5 - Head of X"). Among headings of the depth the
    numbered levels use, a trailing code ("(C3)", "(IC4)") gives the level; an unnumbered
    heading between two numbered ones takes the next number in order when the count fits.
    """
    headings = [b for b in blocks if b.kind == "heading"]
    numbered = [b for b in headings if heading_level(b.text) is not None]
    if len(numbered) < 2:
        return {}
    depths = [b.depth for b in numbered]
    depth = max(set(depths), key=depths.count)
    same = [b for b in headings if b.depth == depth]
    found: dict[str, int] = {}
    for b in same:
        n = heading_level(b.text)
        code = _CODE.search(b.text)
        if n is None and code:
            found[b.text] = int(code.group("n"))
    known = [(i, heading_level(b.text) or found.get(b.text)) for i, b in enumerate(same)]
    anchors = [(i, n) for i, n in known if n is not None]
    for (i, low), (j, high) in pairwise(anchors):
        gap = [k for k in range(i + 1, j) if known[k][1] is None]
        if gap and high - low - 1 == len(gap):
            for offset, k in enumerate(gap, 1):
                found[same[k].text] = low + offset
    return found


def _retitled(blocks: list[_Block], levels: dict[str, int]) -> dict[str, int]:
    """Levels with the headings that repeat a level's title without its number: a ladder
    summarised in a table ("| 4 | Senior Clinical Nurse (SCN) | ...") and then described
    under "## Senior Clinical Nurse (SCN)" is one level written twice."""
    titled: dict[str, int] = {}
    for b in blocks:
        n = levels.get(b.text, heading_level(b.text)) if b.kind == "heading" else None
        if n is not None:
            titled.setdefault(_title_key(b.text), n)
    found = dict(levels)
    for b in blocks:
        if b.kind == "heading" and levels.get(b.text, heading_level(b.text)) is None:
            n = titled.get(_title_key(b.text))
            if n is not None:
                found[b.text] = n
    return found


def _title_key(heading: str) -> str:
    return " ".join(re.findall(r"\w+", without_number(heading).lower()))


def embedding_text(passage: Passage) -> str:
    """What is embedded: the passage in the context of its section heading."""
    return f"{passage.section}. {passage.text}"


def without_html(text: str) -> str:
    """The text with HTML elements and comments removed, line breaks kept (so line numbers
    still point into the file)."""

    def blank(match: re.Match[str]) -> str:
        return "\n" * match.group(0).count("\n") or " "

    bare = _HTML_TAG.sub(blank, _HTML_CODE.sub(blank, text))
    if bare == text:
        return text
    # Tidy the spaces left where tags were ("in <b>May</b>."), not the lines' indentation.
    bare = re.sub(r"(?<=\S)[ \t]+(?=[.,;:!?])", "", bare)
    return re.sub(r"(?<=\S)[ \t]{2,}", " ", bare)


def _blocks(text: str) -> Iterator[_Block]:
    lines = without_html(clean_text(text)).split("\n")
    paragraph: list[str] = []
    start = 0  # line index where the paragraph began
    item: list[_Block] = []  # the list item being read: sub-items and wrapped lines join it

    def flush() -> Iterator[_Block]:
        yield from item
        item.clear()
        if paragraph:
            joined = " ".join(s.strip() for s in paragraph)
            paragraph.clear()
            yield _Block("lead" if joined.endswith(":") else "paragraph", joined, line=start + 1)

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            if paragraph:
                yield from flush()
            continue
        md = _MD_HEADING.match(raw)
        bullet = _BULLET.match(raw)
        if bullet and _is_numbered_title(line, lines, i):
            # "1) Trainee Paralegal (TP)" standing alone over prose: a level's title line.
            bullet = None
        asked = _QUESTION.match(line)
        if asked and not md and not bullet:
            # "Q: What does a Grade 2 do?" then "A: ...": the question says what its answer is.
            yield from flush()
            yield _Block("question", asked.group("text"), line=i + 1)
            continue
        if md:
            yield from flush()
            depth = len(raw.strip()) - len(raw.strip().lstrip("#"))
            yield _Block("heading", plain_words(md.group("text")), depth, i + 1)
        elif bullet:
            text = plain_words(bullet.group("text"))
            indent = len(bullet.group("indent").expandtabs(4))
            if item and indent > item[-1].indent and not item[-1].text.endswith(":"):
                # A sub-item ("  - for example ...") details the item above it: one passage.
                item[-1] = _with_detail(item[-1], text)
                continue
            if item and indent > item[-1].indent:
                # Sub-items under an item that introduces them ("- Skills:"): that item is
                # their lead-in.
                lead = item.pop()
                yield from flush()
                yield _Block("lead", lead.text, line=lead.line)
            yield from flush()
            # Every number of a numbered list is one kind of bullet ("1.", "2." are "#").
            marker = "#" if bullet["marker"][0].isdigit() else bullet["marker"]
            item.append(_Block("bullet", text, line=i + 1, indent=indent, marker=marker))
        elif item and not paragraph and raw[:1].isspace() and lines[i - 1].strip():
            # An indented line straight under an item is the item's text wrapped.
            last = item[-1]
            item[-1] = replace(last, text=f"{last.text} {plain_words(line)}")
        elif not paragraph and _is_title(line, lines, i):
            yield from flush()
            title = _DECORATION.sub("", line)
            if title:  # a rule ("-----", "=== ===") is no title
                yield _Block("heading", title, line=i + 1)
        else:
            if item:
                yield from flush()
            if not paragraph:
                start = i
                line = _ANSWER.sub("", line)
            paragraph.append(plain_words(line))
    yield from flush()


def plain_words(text: str) -> str:
    """The text without Markdown emphasis ("**Responsibilities:**", "__Scope__"): the marks
    say how it looks, and a lead-in in bold is still a lead-in."""
    return _EMPHASIS.sub(r"\g<text>", text).strip()


_EMPHASIS = re.compile(r"(?P<mark>\*\*|__)(?P<text>\S(?:.*?\S)?)(?P=mark)")


def _with_detail(item: _Block, detail: str) -> _Block:
    """The item with a sub-item's text added: after a full stop as a sentence of its own,
    else in parentheses (two sub-items: "(a; b)")."""
    text = item.text
    if item.detailed and text.endswith(")"):
        text = f"{text[:-1]}; {detail})"
    elif text.endswith((".", "!", "?")):
        text = f"{text} {detail[:1].upper()}{detail[1:]}"
    else:
        text = f"{text} ({detail})"
    return replace(item, text=text, detailed=not text.endswith((".", "!", "?")))


# Runs of rule characters around a plain-text title: "=== GRADE 2: SURVEYOR (S2) ===".
_DECORATION = re.compile(r"^[=~*#_\-]{2,}\s*|\s*[=~*#_\-]{2,}$|^[=~*#_\-]+$")
# A question and its answer as an FAQ writes them: "Q: ...?" over "A: ...".
_QUESTION = re.compile(r"^(?:Q|Question)\s*[:.)]\s*(?P<text>.+\?)$")
_ANSWER = re.compile(r"^(?:A|Answer)\s*[:.)]\s+")
_NUMBERED_TITLE = re.compile(r"^\d{1,2}[.)]\s")


def _is_numbered_title(line: str, lines: list[str], i: int) -> bool:
    """A numbered line standing alone as a title ("1) Trainee Paralegal (TP)", "2. Senior X"),
    not an item of a list: its words are capitalised like a title's and text, not another
    item, follows it."""
    if not _NUMBERED_TITLE.match(line) or not _is_plain_heading(line, lines, i):
        return False
    words = [w for w in re.findall(r"[A-Za-z]+", line) if len(w) > 3]
    following = next((x for x in lines[i + 1 :] if x.strip()), "")
    return (
        bool(words)
        and sum(w[0].isupper() for w in words) * 2 >= len(words) + 1
        and not _BULLET.match(following)
    )


def _is_title(line: str, lines: list[str], i: int) -> bool:
    return _is_plain_heading(line, lines, i) or _is_caps_title(line, lines, i)


def _is_caps_title(line: str, lines: list[str], i: int) -> bool:
    """A line in capitals after a blank line, e.g. 'STORE MANAGER (SM)': a title even with its
    text right under it, as plain-text documents set them."""
    return (
        (i == 0 or not lines[i - 1].strip())
        and in_capitals(line)
        and len(line.split()) <= MAX_CAPS_TITLE_WORDS
        and not line.endswith((".", "!", "?", ":", ",", ";"))
    )


def _is_plain_heading(line: str, lines: list[str], i: int) -> bool:
    """A short standalone line without closing punctuation, e.g. '2. Mid-Level PM'."""
    before_blank = i == 0 or not lines[i - 1].strip()
    after_blank = i + 1 >= len(lines) or not lines[i + 1].strip()
    return (
        before_blank
        and after_blank
        and len(line.split()) <= 14
        and not line.endswith((".", "!", "?", ":", ",", ";"))
    )


# In a paragraph's first sentence only the naming of skills counts: "grows" or "learn" there
# tell of the work ("when an incident grows beyond one agency"), not of a list of skills.
_SKILL_NAMED = re.compile(
    r"\bskill|competenc|\babilities\b|\bcapabilit"
    # ... or of what it takes to move up: "To move up, a journeyman needs to ..."
    r"|\bto (?:move|step|go) up\b|\bto be promoted\b|\bbefore (?:moving|stepping) up\b",
    re.IGNORECASE,
)


def opens_on_skills(text: str) -> bool:
    """Whether a paragraph's first sentence is about the skills a level asks for, or what it
    takes to move up from it."""
    return bool(_SKILL_NAMED.search(split_sentences(text)[0]))


def _lead_kind(text: str) -> PassageKind:
    # Only the sentence that introduces the list decides: "After refining your skills, you'll
    # move into a PM role. Your role will involve:" introduces responsibilities, not skills.
    text = split_sentences(text)[-1]
    if _SKILL_LEAD.search(text):
        return PassageKind.SKILL
    if _RESPONSIBILITY_LEAD.search(text):
        return PassageKind.RESPONSIBILITY
    return PassageKind.OVERVIEW


def _bullet_title(text: str) -> str | None:
    head, sep, _ = text.partition(":")
    return head.strip() if sep and 0 < len(head.split()) <= 6 else None


def _paragraph_pieces(text: str) -> list[str]:
    if len(text.split()) <= MAX_PARAGRAPH_WORDS:
        return [text]
    pieces: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(text):
        if current and len(" ".join([*current, sentence]).split()) > MAX_PARAGRAPH_WORDS:
            pieces.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        pieces.append(" ".join(current))
    return pieces
