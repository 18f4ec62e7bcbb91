"""Check that the README's and docs/' relative links lead somewhere.

    python docs/check_links.py          # markdown links: files exist, #anchors name a heading
    python docs/check_links.py --paths  # also repository paths written as `code`

A link to a file must name a file or folder of the repository; a link with an anchor must
name a heading of the page it points to (GitHub's anchors: lower case, punctuation dropped,
spaces as hyphens). With --paths, every `path/like/this.py` or `folder/` in backticks is
checked too, so that a file moved by a restructuring shows up here. Every docs/ page must be
linked from the README. Exits 1 on any miss.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
# a repository path in backticks: starts with a top-level folder or file of the repository
TOP_LEVEL = {p.name for p in ROOT.iterdir() if not p.name.startswith(".")} | {".ci"}


def anchor(heading: str) -> str:
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.DOTALL)
    return {anchor(h) for h in HEADING.findall(text)}


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def link_problems(page: Path) -> list[str]:
    problems = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # http:, mailto:
        path, _, fragment = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            problems.append(f"{target}: no such file")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            problems.append(f"{target}: no heading #{fragment} in {destination.name}")
    return problems


def path_problems(page: Path) -> list[str]:
    problems = []
    for text in CODE.findall(page.read_text()):
        first = text.split("/")[0]
        if "/" not in text or first not in TOP_LEVEL or "<" in text or "*" in text:
            continue
        if not (ROOT / text.rstrip("/")).exists():
            problems.append(f"`{text}`: no such path")
    return problems


def unlinked_pages() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    linked = {target.partition("#")[0] for target in LINK.findall(readme)}
    return [
        f"README.md: docs/{page.name} is not linked"
        for page in sorted((ROOT / "docs").glob("*.md"))
        if f"docs/{page.name}" not in linked
    ]


def main(argv: list[str]) -> int:
    problems = unlinked_pages()
    for page in pages():
        found = link_problems(page) + (path_problems(page) if "--paths" in argv else [])
        problems += [f"{page.relative_to(ROOT)}: {problem}" for problem in found]
    print("\n".join(problems) or f"{len(pages())} pages, every link resolves")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
