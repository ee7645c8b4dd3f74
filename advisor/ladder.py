"""The career ladder, parsed from the corpus: ordered roles, their items, and their names.

Nothing here knows any one guide: a level is any section whose heading is numbered
("3. Senior Lighthouse Keeper"), its names come from the heading and from short
parentheticals in its text ("(SPM)"), and extra aliases may be listed in corpus/aliases.toml.
"""

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from advisor.errors import ConfigError, UnknownRoleError
from advisor.level_shape import in_capitals, title_names, without_number
from advisor.models import Passage, PassageKind
from advisor.parsing import opens_on_skills
from advisor.understand.normalise import english_count

ALIASES_FILE = "aliases.toml"
_PAREN = re.compile(r"\(([^()]{1,40})\)")
# Uses per the English frequency dictionary above which a word is too common to name a level
# by itself ("manager" 87M, "supervisor" 12M; "dispatcher" 0.9M, "conservator" 0.4M).
COMMON_TITLE_WORD = 5_000_000
MIN_TITLE_WORD = 4  # letters: a clipped word ("Sup" of "Comms Sup") is chat ("sup?"), not a title
_LINK_WORDS = {"of", "and", "the", "for", "&"}
# Words for a field or its career after the job family's name ("the pm ladder").
_FIELD_AFTER = {
    "ladder", "career", "careers", "track", "field", "industry", "world", "path",
    "community", "org", "organisation", "organization", "function", "discipline",
}  # fmt: skip
# Words that, right after a bare qualifier, show it is a verb or adjective in the sentence
# ("lead a team", "senior leadership") rather than a role name ("I'm a senior").
_NOT_A_ROLE_AFTER = {"a", "an", "the", "my", "your", "our", "their", "team", "teams", "people"}


def with_article(name: str) -> str:
    """The role name with its indefinite article ("an Apprentice Keeper", "a Keeper")."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def normalize(text: str) -> str:
    """Lowercase, unify hyphens/quotes, collapse spaces: the form names are matched in."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[-‐‑–—_/]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Role:
    """One level of the ladder with what the corpus says about it."""

    level: int
    section: str
    name: str
    aliases: list[str] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    # Names people give the level that neither the ladder nor its aliases file write ("rookie
    # pm"): they find the role in a question, but are not the ladder's words (the speller does
    # not correct towards them, and they don't tell ladders apart).
    everyday_names: list[str] = field(default_factory=list)
    overview: list[Passage] = field(default_factory=list)
    responsibilities: list[Passage] = field(default_factory=list)
    skills: list[Passage] = field(default_factory=list)

    @property
    def passages(self) -> list[Passage]:
        """Everything the guide says of this level: its overview, then its items."""
        return [*self.overview, *self.responsibilities, *self.skills]

    def items(self, kind: PassageKind) -> list[Passage]:
        if kind is PassageKind.RESPONSIBILITY:
            return self.responsibilities
        if kind is PassageKind.SKILL:
            return self.skills
        return self.overview


@dataclass(frozen=True)
class RoleMention:
    role: Role
    start: int
    alias: str


class CareerLadder:
    """Roles in ladder order (entry first), with name lookup. A ladder is one document: a role
    is identified by (ladder source, level), never by the level alone."""

    def __init__(self, roles: list[Role], name: str = "", source: str = "") -> None:
        self.name = name
        self.source = source
        self.roles = sorted(roles, key=lambda r: r.level)
        # (alias, role, weak), longest alias first, so "senior lighthouse keeper" wins over
        # "lighthouse keeper". Patterns are compiled on first use (see `mentions`): compiling
        # every ladder's at load was most of a large corpus's start-up.
        self._names: list[tuple[str, Role, bool]] = [
            (alias, role, weak)
            for role in self.roles
            for aliases, weak in (
                (role.aliases, False),
                (role.everyday_names, False),
                (role.weak_aliases, True),
            )
            for alias in aliases
        ]
        self._names.sort(key=lambda t: -len(t[0]))
        # The job family's own name ("product manager", "pm"): before a word for the field
        # ("the pm ladder", "product manager career") it names the field, not a level.
        self.family_names: set[str] = set()

    @classmethod
    def from_passages(
        cls, passages: list[Passage], extra_aliases: dict[int, list[str]] | None = None
    ) -> "CareerLadder":
        by_level: dict[int, list[Passage]] = {}
        for p in passages:
            if p.level is not None:
                by_level.setdefault(p.level, []).append(p)
        headings = {lvl: ps[0].section for lvl, ps in by_level.items()}
        common = _common_words(list(headings.values()))
        roles = []
        for level, ps in sorted(by_level.items()):
            role = Role(level=level, section=headings[level], name=_display_name(headings[level]))
            for p in sorted(ps, key=lambda p: p.order):
                role.items(p.kind).append(p)
            if not role.responsibilities and not role.skills and len(role.overview) > 1:
                # A level written only as prose: its paragraphs after the first describe the
                # work, so they serve as its responsibilities (plans, "what does X do"); one
                # that opens on the skills it asks for ("The skills we look for are ...") is
                # a skill.
                rest = role.overview[1:]
                role.skills = [p for p in rest if opens_on_skills(p.text)]
                role.responsibilities = [p for p in rest if p not in role.skills]
                role.overview = role.overview[:1]
            strong, weak = _aliases(role, common)
            strong |= {normalize(a) for a in (extra_aliases or {}).get(level, [])}
            role.aliases = sorted(strong)
            role.weak_aliases = sorted(weak - strong)
            roles.append(role)
        _drop_shared_initials(roles)
        _add_short_titles(roles)
        family = _family_names(common)
        _add_seniority_names(roles, common, family, normalize(" ".join(p.text for p in passages)))
        ladder = cls(roles)
        ladder.family_names = family
        return ladder

    def __len__(self) -> int:
        return len(self.roles)

    def by_level(self, level: int) -> Role | None:
        return next((r for r in self.roles if r.level == level), None)

    def next_role(self, role: Role) -> Role | None:
        higher = [r for r in self.roles if r.level > role.level]
        return higher[0] if higher else None

    def previous_role(self, role: Role) -> Role | None:
        lower = [r for r in self.roles if r.level < role.level]
        return lower[-1] if lower else None

    def mentions(self, text: str) -> list[RoleMention]:
        """Roles named in free text, in order of appearance (each span matched once)."""
        norm = normalize(text)
        taken: list[tuple[int, int]] = []
        found: list[RoleMention] = []
        for alias, role, weak in self._names:
            if alias not in norm:
                continue  # no match possible: skips the regex (every ladder is asked)
            for m in _alias_pattern(alias).finditer(norm):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue
                after = _next_word(norm, m.end())
                if weak and after in _NOT_A_ROLE_AFTER:
                    continue
                if alias in self.family_names and after in _FIELD_AFTER:
                    continue
                taken.append((m.start(), m.end()))
                found.append(RoleMention(role, m.start(), alias))
        return sorted(found, key=lambda m: m.start)

    def subject_of(self, text: str) -> Role | None:
        """The level a sentence of the general text is about: the one it names first, when it
        names at most one other ("Designer (LD): reports to a Senior Designer"); a sentence
        listing the ladder's levels speaks of none of them."""
        named = {m.role.level: m.role for m in self.mentions(text)}
        if not named or len(named) > 2:
            return None
        return next(iter(named.values()))

    def resolve(self, name: str) -> Role:
        """The role a user-typed name denotes; UnknownRoleError lists the known roles."""
        norm = normalize(name)
        for role in self.roles:
            if norm in (*role.aliases, *role.weak_aliases, *role.everyday_names) or norm == str(
                role.level
            ):
                return role
        mentioned = {m.role.level: m.role for m in self.mentions(name)}
        if len(mentioned) == 1:
            return next(iter(mentioned.values()))
        raise UnknownRoleError(f"'{name}' is not a role in the career guide.", self.known_roles())

    def known_roles(self) -> str:
        names = "; ".join(f"{r.name} ({', '.join(_short(r))})" for r in self.roles)
        return f"Known roles, entry level first: {names}."


ExtraAliases = dict[str, dict[int, list[str]]]
ANY_DOCUMENT = "*"


def load_extra_aliases(corpus_dir: Path) -> ExtraAliases:
    """Aliases from corpus/aliases.toml, per document: `[aliases."guide.md"]` with level numbers
    as keys. A flat `[aliases]` table of level numbers applies to every document."""
    path = corpus_dir / ALIASES_FILE
    if not path.is_file():
        return {}
    hint = (
        f'Fix {path} (a table per document: [aliases."guide.md"] then lines like '
        '2 = ["mid-level", "pm"]), or move it out of the corpus folder.'
    )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        # TOMLDecodeError says where: "Invalid value (at line 5, column 5)".
        raise ConfigError(f"Cannot read the role aliases in {path}: {exc}.", hint) from exc
    out: ExtraAliases = {}
    try:
        for key, value in _table(data.get("aliases", {})).items():
            if isinstance(value, dict):
                out[key] = {_level(k): _alias_list(v) for k, v in value.items()}
            else:
                out.setdefault(ANY_DOCUMENT, {})[_level(key)] = _alias_list(value)
    except ValueError as exc:
        raise ConfigError(f"The role aliases in {path} are not usable: {exc}.", hint) from exc
    return out


def _table(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("[aliases] must be a table")
    return value


def _level(key: str) -> int:
    if not key.strip().isdigit():
        raise ValueError(f"'{key}' is not a level number")
    return int(key)


def _alias_list(value: object) -> list[str]:
    """A list of names; a single name is accepted as a list of one."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return list(value)
    raise ValueError(f"{value!r} is not a list of names")


def ladders_from_passages(passages: list[Passage], extra: ExtraAliases) -> list[CareerLadder]:
    """One ladder per document that declares at least two levels, in corpus order; documents
    without levels are reference text, answerable but no ladder."""
    by_source: dict[str, list[Passage]] = {}
    for p in passages:
        by_source.setdefault(p.source, []).append(p)
    ladders = []
    for source, own in sorted(by_source.items()):
        if len({p.level for p in own if p.level is not None}) < 2:
            continue
        aliases = extra.get(source) or extra.get(ANY_DOCUMENT)
        ladder = CareerLadder.from_passages(own, aliases)
        ladder.source = source
        ladder.name = _ladder_name(own, source)
        ladders.append(ladder)
    return ladders


def _ladder_name(passages: list[Passage], source: str) -> str:
    """The document's title heading, else its job family ("Lighthouse Keeper"), else its file."""
    first = min(passages, key=lambda p: p.order)
    title = _PAREN.sub("", first.section).strip(" #:")
    if first.level is None and title and title.lower() != "introduction" and len(title) <= 60:
        return _readable(title)
    headings = sorted({p.section for p in passages if p.level is not None})
    family = _common_words(headings)
    if family:
        return " ".join(w.capitalize() if w not in _LINK_WORDS else w for w in family)
    return Path(source).stem.replace("-", " ").replace("_", " ").capitalize()


@cache
def _alias_pattern(alias: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(alias) + r"(?:s|'s|s')?(?![a-z0-9])")


def _next_word(text: str, end: int) -> str:
    rest = text[end:].split()
    return rest[0] if rest else ""


def _display_name(heading: str) -> str:
    name = without_number(heading)
    paren = _PAREN.search(name)
    outer = _PAREN.sub("", name).strip()
    # "Entry-Level Product Manager (Associate Product Manager)": the parenthesis is the title;
    # "Communications Supervisor (Comms Sup)" abbreviates the title before it.
    if paren and len(paren.group(1).split()) >= 2 and not _abbreviates(paren.group(1), outer):
        return _readable(paren.group(1).strip())
    return _readable(outer)


def _readable(name: str) -> str:
    """A title written in capitals ("STORE MANAGER") as a title is read ("Store Manager")."""
    if not in_capitals(name):
        return name
    return " ".join(w.capitalize() if w.isalpha() else w for w in name.split())


def _abbreviates(short: str, full: str) -> bool:
    """Whether `short` shortens the words of `full`, in order ("Comms Sup" for "Communications
    Supervisor"); a phrase of whole words ("Product Manager") names a title of its own."""
    words = full.lower().split()
    at, shortened = 0, False
    for part in short.lower().split():
        part = part.rstrip(".")
        while at < len(words) and not words[at].startswith(part[:-1] or part):
            at += 1
        if at == len(words):
            return False
        shortened = shortened or len(part) < len(words[at]) - 1
        at += 1
    return shortened


def _names(role: Role) -> list[str]:
    """The names a heading gives its role, split on '/' and parentheses."""
    names = title_names(role.section)
    # Short parentheticals in the role's own text are names too: "(ALK)", "(Head of Lights)".
    # Not under a label: "Reports to: a Test Manager (L3M)" names someone else.
    for p in [p for p in role.overview[:1] if not p.title]:
        # A name, not an aside: capitalised and without a list in it ("(APM)", not
        # "(paper, objects or paintings)"), and not the initials of the words before it
        # ("computer-aided dispatch (CAD)" names the system, not the role).
        names += [
            m.group(1).strip()
            for m in _PAREN.finditer(p.text)
            if len(m.group(1).split()) <= 4
            and "," not in m.group(1)
            and m.group(1).strip()[:1].isupper()
            and not _initials_of_before(m.group(1), p.text[: m.start()], names)
        ]
    return names


def _initials_of_before(short: str, before: str, names: list[str]) -> bool:
    """Whether a parenthesised acronym spells the words just before it, other than a name
    the role already has ("computer-aided dispatch (CAD)", not "Call Taker (ECT)")."""
    letters = short.replace(".", "").replace(" ", "")
    if not letters.isalpha() or not letters.isupper():
        return False
    words = re.findall(r"[A-Za-z]+", before)[-len(letters) :]
    spelled = len(words) == len(letters) and all(
        w[0].lower() == c.lower() for w, c in zip(words, letters, strict=True)
    )
    phrase = " ".join(words).lower()
    return spelled and not any(normalize(n).endswith(phrase) for n in names)


def _common_words(headings: list[str]) -> list[str]:
    """Words that most level headings share ("lighthouse keeper"): the ladder's job family, in
    the order the headings write them, so its acronym reads as people say it."""
    counts = Counter(w for h in headings for w in set(normalize(h).split()))
    common = {w for w, c in counts.items() if c > len(headings) / 2 and w.isalpha()}
    order: dict[str, int] = {}
    for heading in headings:
        for i, w in enumerate(normalize(heading).split()):
            if w in common:
                order.setdefault(w, i)
    return sorted(common, key=lambda w: order.get(w, 0))


def _aliases(role: Role, common: list[str]) -> tuple[set[str], set[str]]:
    strong: set[str] = set()
    weak: set[str] = set()
    family = [w for w in common if w not in _LINK_WORDS]
    family_acronym = "".join(w[0] for w in family)
    for name in _names(role):
        norm = normalize(name)
        strong.add(norm)
        words = [w for w in norm.split() if w not in _LINK_WORDS]
        if len(words) >= 2:
            strong.add("".join(w[0] for w in words))  # Assistant Lighthouse Keeper -> alk
        if not all(w in norm.split() for w in family):
            continue  # a name without the job family ("Head of Lights"): nothing to derive
        qualifier = [w for w in norm.split() if w not in common and w not in _LINK_WORDS]
        if qualifier and len(family) >= 2:
            strong.add(" ".join([*qualifier, family_acronym]))  # "senior lk" for Senior L. K.
        if qualifier and len(" ".join(qualifier)) > 1:
            # senior, lead, principal, entry level; never "i" of "Nurse I", which is a word
            weak.add(" ".join(qualifier))
    return strong, weak


def _drop_shared_initials(roles: list[Role]) -> None:
    """Initials two levels share ("dei" of "Data Engineer I" and "Data Engineer II") name
    neither: they are kept only where they point at one level. Nor is a name another level's
    heading gives ("Reports to: a Test Manager (L3M)" names the manager, not the analyst)."""
    counts = Counter(a for r in roles for a in set(r.aliases))
    headed = {r.level: {normalize(n) for n in title_names(r.section)} for r in roles}
    for role in roles:
        names = {normalize(n) for n in _names(role)}
        others = set().union(*(h for level, h in headed.items() if level != role.level))
        role.aliases = [
            a
            for a in role.aliases
            if (counts[a] == 1 or a in names) and (a in headed[role.level] or a not in others)
        ]


def _add_short_titles(roles: list[Role]) -> None:
    """A title without its first words is a name of its role when no other level's name
    contains it: people say "call taker" for "Emergency Call Taker", "training officer" for
    "Communications Training Officer", "dispatcher" for "Public Safety Dispatcher". Its last
    word alone names it only when that word is rare in English: "officer" or "manager" in a
    question is more often someone else ("my manager")."""
    full = {r.level: [normalize(n) for n in _names(r)] for r in roles}
    for role in roles:
        others = [n for r in roles if r is not role for n in full[r.level]]
        for name in full[role.level]:
            words = name.split()
            for start in range(1, len(words)):
                tail = " ".join(words[start:])
                if words[start] in _LINK_WORDS or any(_has_words(n, tail) for n in others):
                    continue
                # Weighed last: the frequency dictionary is read only for a unique last word.
                if start == len(words) - 1 and (
                    len(tail) < MIN_TITLE_WORD or english_count(tail) >= COMMON_TITLE_WORD
                ):
                    continue
                if tail not in role.aliases:
                    role.aliases.append(tail)


def _has_words(text: str, phrase: str) -> bool:
    """`phrase` occurs in `text` not inside a longer word (both normalised). A regex per phrase
    said the same, but each document's titles are new patterns: compiling them was half of
    building a ladder."""
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not ("a" <= before <= "z") and not ("a" <= after <= "z"):
            return True
        start = text.find(phrase, start + 1)
    return False


@cache
def _seniority() -> dict[str, dict[str, list[str]]]:
    data = resources.files("advisor.data").joinpath("seniority.toml").read_text("utf-8")
    return tomllib.loads(data)


def _family_names(common: list[str]) -> set[str]:
    """The job family's own names: its words ("product manager") and, of two or more words,
    their acronym ("pm")."""
    family = [w for w in common if w not in _LINK_WORDS]
    if not family:
        return set()
    acronym = "".join(w[0] for w in family)
    return {" ".join(family), *([acronym] if len(family) >= 2 else [])}


def _add_seniority_names(
    roles: list[Role], common: list[str], family_names: set[str], text: str
) -> None:
    """Names people give the first, senior and top levels with a seniority word before the job
    family ("rookie keeper", "seasoned product manager", "head of product"), where the ladder's
    own names and text don't use that phrase (advisor/data/seniority.toml)."""
    family = [w for w in common if w not in _LINK_WORDS]
    if len(roles) < 2 or not family:
        return
    forms = {*family_names, family[-1]}
    senior = [r for r in roles if "senior" in normalize(r.name).split()]
    places = {
        "first": roles[0],
        "top": roles[-1],
        "senior": senior[0] if len(senior) == 1 else None,
    }
    taken = {a for r in roles for a in (*r.aliases, *r.weak_aliases)}
    for place, words in _seniority().items():
        role = places.get(place)
        if role is None:
            continue
        names = {f"{w} {f}" for w in words.get("words", []) for f in forms}
        names |= {f"{h} of {family[0]}" for h in words.get("heads", [])}
        for name in sorted(names - taken):
            # The ladder's own text using the phrase ("mentoring junior PMs") means a group.
            # The substring test first: most phrases are absent, and a regex search of the whole
            # text for each was most of building a ladder (and of indexing many documents).
            if name not in text or not _alias_pattern(name).search(text):
                role.everyday_names.append(name)


def _short(role: Role) -> list[str]:
    """Names worth listing in a hint: abbreviations the text uses, then bare qualifiers."""
    abbreviations = [n for n in _names(role) if n.isupper() and " " not in n]
    return list(dict.fromkeys([*abbreviations, *role.weak_aliases])) or [normalize(role.name)]
