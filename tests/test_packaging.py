"""The house's packaging: one `kubeatlas` namespace over the repository's top-level folders."""

import tomllib
from pathlib import Path

from kubeatlas.resources import data_file

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
FOLDERS = {"analyzer", "graph", "app", "minik8s", "data"}


def _packages_on_disk() -> set[str]:
    found = {"kubeatlas"}
    for folder in FOLDERS:
        for init in (ROOT / folder).rglob("__init__.py"):
            found.add(".".join(("kubeatlas", *init.parent.relative_to(ROOT).parts)))
    return found


def test_every_package_on_disk_is_in_the_wheel_and_nothing_else():
    assert set(SETUPTOOLS["packages"]) == _packages_on_disk()


def test_each_folder_is_mapped_to_its_kubeatlas_subpackage():
    mapping = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert mapping == {"kubeatlas": "kubeatlas", **{f"kubeatlas.{f}": f for f in FOLDERS}}


def test_the_checkout_sees_the_same_modules_through_kubeatlas():
    """kubeatlas/<folder> is a symlink to the folder, so pytest, mypy, ruff and Streamlit agree."""
    for folder in FOLDERS:
        link = ROOT / "kubeatlas" / folder
        assert link.is_symlink() and link.resolve() == (ROOT / folder).resolve()


def test_data_files_are_found_through_importlib_resources():
    assert data_file("roles.yaml").is_file()
    assert data_file("minik8s_links.yaml").is_file()
    assert "roles:" in data_file("roles.yaml").read_text(encoding="utf-8")


def test_the_console_script_names_the_namespaced_cli():
    assert PYPROJECT["project"]["scripts"] == {"kubeatlas": "kubeatlas.app.cli:main"}
