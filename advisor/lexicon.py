"""Word-level text analysis shared by keyword retrieval, the scope gate and the verifier."""

import re

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_NUMBER = re.compile(r"[$€£¥]\s?\d[\d,.]*\s?[kKmM]?|\d[\d,.]*\s?%|\b\d[\d,.]*\b")

# Function words plus the question scaffolding users wrap around any topic. They say nothing
# about what is asked, so they neither retrieve passages nor count as an unknown topic.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "us",
        "let",
        "lets",
        "let's",
        "i'm",
        "im",
        "i've",
        "ive",
        "you're",
        "you'll",
        "youre",
        "it's",
        "its",
        "what's",
        "whats",
        "that's",
        "thats",
        "don't",
        "dont",
        "doesn't",
        "doesnt",
        "isn't",
        "isnt",
        "can't",
        "cant",
        "tell",
        "explain",
        "describe",
        "know",
        "want",
        "like",
        "please",
        "thanks",
        "thank",
        "hi",
        "hello",
        "hey",
        "ok",
        "okay",
        "yes",
        "get",
        "getting",
        "got",
        "go",
        "going",
        "goes",
        "went",
        "gone",
        "make",
        "makes",
        "making",
        "made",
        "need",
        "needs",
        "needed",
        "really",
        "actually",
        "typically",
        "usually",
        "often",
        "generally",
        "kind",
        "sort",
        "much",
        "many",
        "lot",
        "lots",
        "thing",
        "things",
        "way",
        "ways",
        "something",
        "anything",
        "someone",
        "anyone",
        "one",
        "ones",
        "new",
        "next",
        "look",
        "looking",
    ]
)


def tokens(text: str) -> list[str]:
    """Lowercase word tokens, apostrophes normalised."""
    return [t.replace("’", "'") for t in _TOKEN.findall(text.lower())]


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'prioritize'/'prioritization', 'leads'/'leading'."""
    word = word.replace("'s", "").rstrip("'")
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("izations", "ization", "ational", "ations", "ation", "ities", "ity", "ively",
                   "ments", "ment", "ings", "ing", "ness", "ers", "ies", "ied", "ize", "ise",
                   "ive", "ed", "er", "es", "ly", "s"):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """Stemmed tokens that carry meaning (stopwords and one-letter tokens removed)."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and len(t) > 1]


def numbers(text: str) -> set[str]:
    """Numbers, money and percentages, normalised ('$100,000' -> '$100000')."""
    return {re.sub(r"[\s,]", "", m).rstrip(".") for m in _NUMBER.findall(text)}


def proper_names(text: str) -> set[str]:
    """Capitalised words not at a sentence start: likely named entities (companies, people)."""
    names = set()
    for sentence in re.split(r"(?<=[.!?:])\s+|\n+", text):
        words = sentence.split()
        for w in words[1:]:
            core = w.strip("()[],.;:!?\"'“”‘’*")
            if core[:1].isupper() and not core.isupper() and core.lower() not in STOPWORDS:
                names.add(core.lower())
    return names
