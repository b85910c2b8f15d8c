"""Read the JSON samples and GraphQL documents out of Tray's docs pages in ../shared/seeds/.

The seeds are web pages copied as text: JSON samples are bullet lists (`• "key": value`), GraphQL
documents sit in prose or inside curl commands. Tray's own samples also mask ids (`123exxxx-…`),
elide lists (`{...}`, `{"...": "..."}`) and cut one document off; `normalise_json` and
`complete_document` undo exactly those, and nothing else, so the tests stay honest about the rest.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


SHARED_SEEDS = REPO.parent / "shared" / "seeds"
COPIED_SEEDS = Path(__file__).resolve().parent / "seeds"


def seeds_dir() -> Path:
    """Tray's docs pages: ../shared/seeds when the checkout sits beside it (the source), else the
    copy committed under tests/spec/seeds (a team's clone has no ../shared);
    test_the_copied_seeds_match_the_shared_ones keeps the two equal."""
    if "TRAY_EXT_SEEDS" in os.environ:
        return Path(os.environ["TRAY_EXT_SEEDS"])
    return SHARED_SEEDS if SHARED_SEEDS.is_dir() else COPIED_SEEDS


@dataclass(frozen=True)
class Sample:
    seed: str
    line: int
    text: str

    @property
    def where(self) -> str:
        return f"{self.seed}:{self.line}"


def _balanced_block(lines: list[str], start: int) -> tuple[str, int]:
    depth, end = 0, start
    for end in range(start, len(lines)):
        depth += sum(lines[end].count(c) for c in "{[") - sum(lines[end].count(c) for c in "}]")
        if depth <= 0:
            break
    return "\n".join(lines[start : end + 1]), end


def json_samples() -> list[Sample]:
    """Every JSON block of the seeds (a line that is just `{` opens one)."""
    samples = []
    for path in sorted(seeds_dir().glob("*.txt")):
        lines = path.read_text().split("\n")
        i = 0
        while i < len(lines):
            if lines[i].strip() in ("{", "{}"):
                text, end = _balanced_block(lines, i)
                samples.append(Sample(path.name, i + 1, re.sub(r"•\s*", "", text)))
                i = end + 1
            else:
                i += 1
    return samples


MASKED_UUID = re.compile(r"\b[0-9a-fx]{8}-[0-9a-fx]{4}-[0-9a-fx]{4}-[0-9a-fx]{4}-[0-9a-fx]{12}\b")


def normalise_json(text: str) -> Any:
    """Tray's masking and elisions -> valid JSON: `x` in a uuid-shaped id becomes `0`, `{...}`
    becomes `{}`, and an elided list entry `{"...": "..."}` is dropped."""
    text = re.sub(r"\{\s*\.\.\.\s*\}", "{}", text)
    text = re.sub(r',\s*\{\s*("\.\.\.":\s*"\.\.\.",?\s*)+\}', "", text)
    text = MASKED_UUID.sub(lambda m: m.group(0).replace("x", "0"), text)
    return json.loads(text)


def _strip_comments(document: str) -> str:
    out, in_string = [], False
    for line in document.split("\n"):
        kept = []
        i = 0
        while i < len(line):
            c = line[i]
            if c == "\\" and in_string:
                kept.append(line[i : i + 2])
                i += 2
                continue
            if c == '"':
                in_string = not in_string
            if c == "#" and not in_string:
                break
            kept.append(c)
            i += 1
        out.append("".join(kept))
    return "\n".join(out)


def _depth(text: str) -> int:
    depth, in_string, i = 0, False, 0
    while i < len(text):
        c = text[i]
        if in_string and c == "\\":
            i += 2
            continue
        if c == '"':
            in_string = not in_string
        elif not in_string and c in "{(":
            depth += 1
        elif not in_string and c in "})":
            depth -= 1
        i += 1
    return depth


@dataclass(frozen=True)
class Document:
    seed: str
    line: int
    text: str
    truncated: bool

    @property
    def where(self) -> str:
        return f"{self.seed}:{self.line}"


DOCUMENT_START = re.compile(r"^\s*(query|mutation)\b\s*(\(|\{|[A-Za-z_]\w*\s*[({])")


def _prose_documents(path: Path) -> Iterator[Document]:
    lines = path.read_text().split("\n")
    i = 0
    while i < len(lines):
        if not DOCUMENT_START.match(lines[i]):
            i += 1
            continue
        start, buf = i, []
        while i < len(lines):
            if not lines[i].strip() and buf:  # a blank line inside a document: the seed cut it off
                break
            buf.append(lines[i])
            i += 1
            text = _strip_comments("\n".join(buf))
            if _depth(text) == 0 and "{" in text:
                break
        text = _strip_comments("\n".join(buf))
        yield Document(path.name, start + 1, text, truncated=_depth(text) > 0)


def _curl_documents(path: Path) -> Iterator[Document]:
    content = path.read_text()
    for match in re.finditer(r'"query":\s*"((?:[^"\\]|\\.)*)"', content):
        line = content.count("\n", 0, match.start()) + 1
        yield Document(path.name, line, json.loads(f'"{match.group(1)}"'), truncated=False)


def graphql_documents() -> list[Document]:
    documents = []
    for path in sorted(seeds_dir().glob("*.txt")):
        documents += [*_prose_documents(path), *_curl_documents(path)]
    return documents


def complete_document(document: Document) -> str:
    """Close a document the seed cut off, selecting `id` where the selection was left open."""
    if not document.truncated:
        return document.text
    return document.text + " id " + "}" * _depth(document.text)
