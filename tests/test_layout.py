"""The repository's layout and its single sources of truth."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_no_code_package_shadows_the_standard_library() -> None:
    assert not (ROOT / "code" / "__init__.py").exists(), "code/__init__.py would shadow the stdlib module 'code'"
    # In a fresh interpreter started at the repository root, where a package
    # code/ would be found first, `import code` must give the standard library.
    out = subprocess.run(
        [sys.executable, "-c", "import code, sys; print(code.__file__); print(hasattr(code, 'InteractiveConsole'))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert Path(out[0]).parent == Path(sysconfig.get_paths()["stdlib"])
    assert out[1] == "True"


def test_mvcalc_is_the_one_in_this_repository() -> None:
    import mvcalc

    assert Path(mvcalc.__file__).resolve().parent == ROOT / "code" / "mvcalc"


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def test_citation_cff_agrees_with_config_and_package() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    config = _config()
    assert cff["title"] == config["title"]
    assert cff["repository-code"] == config["repository"]["url"]
    assert cff["url"] == config["html"]["baseurl"]
    assert [a["name"] for a in cff["authors"]] == [config["author"]]
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert cff["version"] == version
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(cff["date-released"]))


def test_addresses_are_not_repeated_outside_config_and_cff() -> None:
    config = _config()
    addresses = [config["repository"]["url"], config["html"]["baseurl"].rstrip("/")]
    # CITATION.cff and .zenodo.json repeat them for citation tools; tests/test_citation.py
    # checks that they agree with _config.yml.
    allowed = {"_config.yml", "CITATION.cff", ".zenodo.json", "README.md"}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for name in tracked:
        path = ROOT / name
        if name in allowed or not path.is_file() or path.suffix in {".png", ".svg", ".ico"}:
            continue
        text = path.read_text(errors="ignore")
        for address in addresses:
            assert address not in text, f"{name} repeats {address}: take it from _config.yml"


def test_readme_links_to_the_configured_site() -> None:
    readme = (ROOT / "README.md").read_text()
    assert _config()["html"]["baseurl"] in readme
    for command in ("make book", "make test"):
        assert command in readme


def test_every_chapter_in_the_toc_is_a_jupytext_notebook() -> None:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    numbered = [c for c in chapters if re.match(r"book/\d\d-", c)]
    assert numbered, "the table of contents lists no chapter"
    on_disk = sorted(p.relative_to(ROOT).with_suffix("").as_posix() for p in (ROOT / "book").glob("[0-9][0-9]-*.md"))
    assert sorted(numbered) == on_disk, "every chapter file is in _toc.yml and vice versa"
    for chapter in numbered:
        text = (ROOT / f"{chapter}.md").read_text()
        assert text.startswith("---\njupytext:"), f"{chapter}.md lacks the jupytext header"
        assert ":::{cite-this-chapter}" in text, f"{chapter}.md lacks the cite block"
        assert "```{code-cell}" in text


def test_pins_are_exact_and_direct_dependencies_are_locked() -> None:
    lock = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, ver = line.partition("==")
            assert ver, f"requirements.txt: {line!r} is not an exact pin"
            lock[name.lower().replace("_", "-")] = ver
    for line in (ROOT / "requirements.in").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, ver = line.partition("==")
            assert lock.get(name.lower().replace("_", "-")) == ver, f"{line} differs in requirements.txt"
    assert lock["jupyter-book"].startswith("1.")
