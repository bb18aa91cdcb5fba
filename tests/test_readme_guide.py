"""The README is a guide: at most 2,000 words of prose outside code blocks, and
every repository path it names (in backticks or as a link) exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MAX_PROSE_WORDS = 2000
# Backticked media types (`text/html`) look like paths but are not.
MEDIA_TYPES = ("text/", "application/", "image/", "multipart/")
_FENCE = re.compile(r"^```.*?^```[^\n]*$", re.MULTILINE | re.DOTALL)
_BACKTICKED = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_PATH = re.compile(
    r"[\w.-]+(/[\w.-]*)+|[\w-]+\.(py|md|txt|json|toml|js|css|png|h5|tflite)"
    r"|Procfile|Makefile|\.python-version"
)


def prose(text: str) -> str:
    return _FENCE.sub("", text)


def named_paths(text: str) -> set[str]:
    """Backticked repository paths and relative link targets, outside code blocks."""
    outside = prose(text)
    names = {name for name in _BACKTICKED.findall(outside) if _PATH.fullmatch(name)}
    names |= {target.split("#")[0] for target in _LINK.findall(outside)}
    elsewhere = ("http:", "https:", "../", "mailto:")
    return {n for n in names if n and not n.startswith(elsewhere + MEDIA_TYPES)}


def test_prose_and_code_blocks_are_told_apart():
    text = "one two\n```sh\nmake run and more words\n```\nthree `web/api.py`\n"
    assert prose(text).split() == ["one", "two", "three", "`web/api.py`"]
    assert named_paths(text) == {"web/api.py"}
    assert named_paths("`HOST`, `text/html`, `../shared/data/`, [x](docs/a.md#b)") == {"docs/a.md"}


def test_the_readme_has_at_most_2000_words_of_prose():
    words = len(prose(README.read_text()).split())
    assert words <= MAX_PROSE_WORDS, f"{words} words of prose"


def test_every_path_the_readme_names_exists():
    names = named_paths(README.read_text())
    assert {"dashboard.py", "web/api.py", "docs/model.md", "Procfile"} <= names
    missing = sorted(name for name in names if not (ROOT / name).exists())
    assert missing == []


def test_the_first_screen_says_what_it_is_and_gives_the_two_commands():
    first_screen = "\n".join(README.read_text().splitlines()[:30])
    assert "handwritten-digit" in first_screen
    assert "```sh\nmake run\n```" in first_screen
    assert "```sh\nmake test\n```" in first_screen
