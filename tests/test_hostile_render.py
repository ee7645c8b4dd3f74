"""Nothing from passages, model text or questions becomes a link, an image or HTML in the chat.

The chat renders Markdown with GFM, which also turns bare URLs, "www." names and e-mail
addresses into links. The rendered HTML is checked with a CommonMark renderer (links, images,
autolinks in angle brackets, raw HTML), and the GFM extras by looking for URLs outside code
spans.
"""

import re
from html import unescape

import pytest
from markdown_it import MarkdownIt

from advisor.models import Answer, Citation
from ui import render

HOSTILE = [
    "Read more at https://evil.example/path?a=1&b=2.",
    "Visit www.evil.example for details",
    "Mail hr.team+apm@evil.example.co.uk today",
    "ftp://files.evil.example/ladder.pdf",
    "![tracker](https://evil.example/pixel.png)",
    "![tracker][pixel]\n\n[pixel]: https://evil.example/pixel.png",
    "[click me](https://evil.example) and [1](javascript:alert(1))",
    "[ref link][r]\n\n[r]: http://evil.example",
    "<https://evil.example/autolink>",
    '<img src="https://evil.example/x.png" onerror="alert(1)">',
    "<script>alert(1)</script>",
    "<a href='https://evil.example'>a link</a>",
    "`code with https://evil.example inside`",
    "``double `tick` https://evil.example``",
    "&lt;img src=https://evil.example/x.png&gt;",
    "[![nested](https://evil.example/i.png)](https://evil.example)",
]

_URLISH = re.compile(r"https?://|ftp://|www\.|@evil", re.IGNORECASE)


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)


def _outside_code(html: str) -> str:
    return re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)


def _assert_inert(markdown: str) -> None:
    html = _html(markdown)
    assert "<a " not in html and "<img" not in html and "<script" not in html, html
    # GFM's own autolinks: no URL, "www." or address is left outside a code span.
    assert not _URLISH.search(_outside_code(html)), html


@pytest.mark.parametrize("text", HOSTILE)
def test_passage_text_never_renders_a_link_image_or_tag(text: str) -> None:
    _assert_inert(render.safe(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_a_question_never_renders_a_link_image_or_tag(text: str) -> None:
    _assert_inert(render.question_markdown(text))


@pytest.mark.parametrize("text", HOSTILE)
def test_the_hidden_text_is_still_shown_whole(text: str) -> None:
    """Disarming hides nothing: every URL is shown in full, in a code span."""
    shown = unescape(re.sub(r"<[^>]+>", "", _html(render.safe(text))))
    for url in re.findall(r"https?://[^\s<>`'\")\]]+", text):
        assert url.rstrip(".,") in shown


@pytest.mark.parametrize("text", HOSTILE)
def test_a_question_round_trips_through_the_chat_history(text: str) -> None:
    shown = render.question_markdown(text)
    [message] = render.history_messages([{"role": "user", "content": shown}])
    assert message.content == text


def test_citation_markers_and_emphasis_survive() -> None:
    html = _html(render.safe("**Own** the roadmap [1][2] and see https://x.example/a. [3]"))
    assert "<strong>Own</strong>" in html and "[1][2]" in html and "[3]" in html
    assert "<code>https://x.example/a</code>." in html


def _answer(text: str, passage: str) -> Answer:
    return Answer(
        question="q",
        answer=text,
        refused=False,
        backend="openai-compatible",
        latency_s=0.1,
        citations=[Citation(id=1, section="2. Keeper <b>", text=passage, score=1.0)],
        grounding="generated",
        notice="See www.evil.example for the real answer",
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_whole_answer_messages_are_inert(text: str) -> None:
    for message in render.answer_messages(_answer(f"Model said {text} [1]", text)):
        _assert_inert(message["content"])
    _assert_inert(render.streaming_message(text)["content"])
    for message in render.error_messages(text, text):
        _assert_inert(message["content"])
