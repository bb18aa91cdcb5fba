"""Installed size of the serving requirements, no TensorFlow.

Serving installs requirements.txt alone (the drawing pad's component is
vendored in dash_canvas/); --nodeps-requirements names a file to install after
it with `pip install --no-deps`, if one is wanted for a comparison. By default
this walks that dependency closure through the installed distributions'
metadata in this environment and adds up the files each one installed (its
RECORD), so nothing is downloaded. With --fresh it instead creates a throwaway
virtualenv, installs the file(s) into it with pip (from the package index or
pip's cache) and measures the environment on disk; the temporary directory is
removed afterwards.

    .venv/bin/python -m bench.install_size [--fresh]
"""

import argparse
import importlib.metadata as metadata
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 300


def read_requirements(path: Path) -> list[Requirement]:
    requirements = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith(("-r", "--requirement")):
            requirements += read_requirements(path.parent / line.split(maxsplit=1)[1])
        elif not line.startswith("-"):
            requirements.append(Requirement(line))
    return requirements


def closure(
    requirements: list[Requirement], no_deps: frozenset[str] = frozenset()
) -> dict[str, metadata.Distribution]:
    """Every installed distribution the requirements pull in, by canonical name
    (the dependencies of those named in `no_deps` left out, as pip --no-deps would)."""
    found: dict[str, metadata.Distribution] = {}
    pending = [(requirement, frozenset(requirement.extras)) for requirement in requirements]
    while pending:
        requirement, extras = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        distribution = metadata.distribution(requirement.name)
        found[name] = distribution
        if name in no_deps:
            continue
        for text in distribution.requires or []:
            child = Requirement(text)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if child.marker is None or any(child.marker.evaluate(e) for e in environments):
                pending.append((child, frozenset(child.extras)))
    return found


def installed_bytes(distribution: metadata.Distribution) -> int:
    total = 0
    for file in distribution.files or []:
        path = Path(distribution.locate_file(file))
        if path.is_file():
            total += path.stat().st_size
    return total


def tree_bytes(root: Path) -> int:
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def from_metadata(requirements_path: Path, nodeps_path: Path, no_deps: frozenset[str]) -> float:
    requirements = read_requirements(requirements_path)
    if nodeps_path.exists():
        extra = read_requirements(nodeps_path)
        requirements += extra
        no_deps |= {canonicalize_name(requirement.name) for requirement in extra}
    found = closure(requirements, no_deps)
    sizes = {name: installed_bytes(distribution) for name, distribution in found.items()}
    for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"{size / 2**20:8.1f} MB  {name}")
    if "tensorflow" in sizes or "tensorflow-cpu" in sizes:
        print("WARNING: TensorFlow is in the serving closure")
    return sum(sizes.values()) / 2**20


def fresh(requirements_path: Path, nodeps_path: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="install-size-") as folder:
        env_dir = Path(folder) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
        pip = env_dir / "bin" / "pip"
        subprocess.run([str(pip), "install", "--quiet", "-r", str(requirements_path)], check=True)
        if nodeps_path.exists():
            subprocess.run(
                [str(pip), "install", "--quiet", "--no-deps", "-r", str(nodeps_path)], check=True
            )
        site = next((env_dir / "lib").glob("python*/site-packages"))
        subprocess.run([str(pip), "uninstall", "--quiet", "-y", "pip"], check=True)
        return tree_bytes(site) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument(
        "--nodeps-requirements",
        type=Path,
        default=ROOT / "requirements-nodeps.txt",
        help="installed with pip --no-deps after --requirements",
    )
    parser.add_argument("--fresh", action="store_true", help="install into a throwaway venv")
    parser.add_argument(
        "--no-deps",
        action="append",
        default=[],
        metavar="NAME",
        help="count NAME but not its dependencies (what if it were installed with --no-deps)",
    )
    options = parser.parse_args()
    if options.fresh:
        size = fresh(options.requirements, options.nodeps_requirements)
    else:
        no_deps = frozenset(canonicalize_name(name) for name in options.no_deps)
        size = from_metadata(options.requirements, options.nodeps_requirements, no_deps)
    verdict = "within" if size <= LIMIT_MB else "OVER"
    print(f"total {size:.1f} MB ({verdict} the {LIMIT_MB} MB target)")


if __name__ == "__main__":
    main()
