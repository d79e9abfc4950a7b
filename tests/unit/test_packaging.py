"""Every package directory must be listed in pyproject.toml (the list is explicit because
gen/ and src/ are joined into one `switchboard` package)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_directory_is_listed() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    src = ROOT / "src"
    found = {
        ".".join(init.parent.relative_to(src).parts)
        for init in src.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    found.add("switchboard.v1")
    assert found <= listed, f"add to pyproject.toml packages: {sorted(found - listed)}"
