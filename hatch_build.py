"""Hatchling build hook: compile sqlfirst's optional C accelerator, ``src/sqlfirst/_speedups*.c``.

sqlfirst works without it (``sqlfirst.binding`` then builds models from rows with generated Python,
about twice the per-row cost), so a machine without a C compiler or the Python headers still
installs, with a warning. ``SQLFIRST_NO_EXTENSIONS=1`` skips the compile.

setuptools' ``build_ext`` does the compiling: it knows every platform's compiler, flags and
extension suffix, which is not something to rewrite here. It works in ``build/speedups`` (ignored by
git, rebuilt each time). An editable install (``pip install -e``) puts the module next to the
sources, where the editable import finds it, and removes an older one first, so a reinstall without
a compiler never leaves a stale module behind; a wheel carries it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_TRUE = {"1", "true", "yes", "on"}


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        package = Path(self.root) / "src" / "sqlfirst"
        if version == "editable":
            for old in [*package.glob("_speedups*.so"), *package.glob("_speedups*.pyd")]:
                old.unlink()
        if os.environ.get("SQLFIRST_NO_EXTENSIONS", "").strip().lower() in _TRUE:
            return
        try:
            built = _compile(
                [package / "_speedups.c", package / "_speedups_calls.c"],
                Path(self.root) / "build" / "speedups",
            )
        except Exception as exc:  # no compiler, no headers: the pure-Python path serves
            self.app.display_warning(
                f"sqlfirst: the C row builder was not compiled ({type(exc).__name__}: {exc}); "
                "models are built by the pure-Python path instead"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version == "editable":
            staged = package / f".{built.name}.tmp"
            shutil.copyfile(built, staged)
            os.replace(staged, package / built.name)  # never rewrite a module a process has loaded
        else:
            build_data["force_include"][str(built)] = f"sqlfirst/{built.name}"


def _compile(sources: list[Path], work: Path) -> Path:
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    shutil.rmtree(work, ignore_errors=True)
    extension = Extension(
        "sqlfirst._speedups", [str(source) for source in sources], include_dirs=[str(sources[0].parent)]
    )
    command = build_ext(Distribution({"name": "sqlfirst", "ext_modules": [extension]}))
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.ensure_finalized()
    command.run()
    (output,) = command.get_outputs()
    return Path(output)
