"""The queries live in the top-level cypher/ folder and install as ``graph_service.cypher``
(pyproject's ``package-dir``): they load by name from the editable install and from a
built wheel alike, and every package under graph_service/ is in pyproject's list."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from graph_service.store.cypher import names, query

ROOT = Path(__file__).resolve().parents[3]
REPO_QUERIES = sorted(
    str(p.relative_to(ROOT / "cypher").with_suffix("")) for p in (ROOT / "cypher").rglob("*.cypher")
)

_LOAD = (
    "import json, graph_service.store.cypher as c; "
    "print(json.dumps({'file': c.__file__, 'names': c.names(), "
    "'filter': c.query('ties/tie_filter')}))"
)


def _load_elsewhere(cwd: Path, pythonpath: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _LOAD],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": pythonpath},
        timeout=120,
    )
    loaded: dict[str, object] = json.loads(out.stdout)
    return loaded


def test_queries_load_by_name_from_the_editable_install(tmp_path: Path) -> None:
    assert names() == REPO_QUERIES
    loaded = _load_elsewhere(tmp_path, "")
    assert loaded["names"] == REPO_QUERIES
    assert loaded["filter"] == (ROOT / "cypher" / "ties" / "tie_filter.cypher").read_text()
    assert query("ties/tie_filter") == loaded["filter"]


def test_queries_load_by_name_from_a_built_wheel(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("graph_service", "cypher"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
        timeout=540,
    )
    (wheel,) = wheels.glob("graph_service-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        shipped = sorted(
            n.removeprefix("graph_service/cypher/").removesuffix(".cypher")
            for n in zf.namelist()
            if n.startswith("graph_service/cypher/") and n.endswith(".cypher")
        )
    assert shipped == REPO_QUERIES
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target"]
    subprocess.run(
        [*install, str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    loaded = _load_elsewhere(elsewhere, str(target))
    assert str(loaded["file"]).startswith(str(target))
    assert loaded["names"] == REPO_QUERIES
    assert loaded["filter"] == query("ties/tie_filter")


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "graph_service").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert folders - listed == set(), "add these to [tool.setuptools] packages"
    assert config["package-dir"]["graph_service.cypher"] == "cypher"
    # the rest are folders of data files (the query areas, templates, assets), listed so
    # that setuptools installs them without a warning: each must exist
    for package in listed - folders:
        parts = package.split(".")
        if parts[:2] == ["graph_service", "cypher"]:
            folder = ROOT.joinpath("cypher", *parts[2:])
        else:
            folder = ROOT.joinpath(*parts)
        assert folder.is_dir(), package
