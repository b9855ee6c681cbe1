"""Hatchling build hook: compile sqlfirst's optional C accelerator, ``src/sqlfirst/_speedups.c``.

sqlfirst works without it (``sqlfirst.binding`` then builds models from rows with generated Python,
about twice the per-row cost), so a machine without a C compiler or the Python headers still
installs, with a warning. ``SQLFIRST_NO_EXTENSIONS=1`` skips the compile.

setuptools' ``build_ext`` does the compiling: it knows every platform's compiler, flags and
extension suffix, which is not something to rewrite here. An editable install (``pip install -e``)
puts the module next to the sources, where the editable import finds it; a wheel carries it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._temp: str | None = None
        if self.target_name != "wheel" or os.environ.get("SQLFIRST_NO_EXTENSIONS"):
            return
        source = Path(self.root) / "src" / "sqlfirst" / "_speedups.c"
        self._temp = tempfile.mkdtemp(prefix="sqlfirst-build-")
        try:
            built = _compile(source, Path(self._temp))
        except Exception as exc:  # no compiler, no headers: the pure-Python path serves
            self.app.display_warning(
                f"sqlfirst: the C row builder was not compiled ({type(exc).__name__}: {exc}); "
                "models are built by the pure-Python path instead"
            )
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version == "editable":
            shutil.copy2(built, source.parent / built.name)
        else:
            build_data["force_include"][str(built)] = f"sqlfirst/{built.name}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)


def _compile(source: Path, work: Path) -> Path:
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    extension = Extension("sqlfirst._speedups", [str(source)])
    command = build_ext(Distribution({"name": "sqlfirst", "ext_modules": [extension]}))
    command.build_lib = str(work / "lib")
    command.build_temp = str(work / "temp")
    command.ensure_finalized()
    command.run()
    (output,) = command.get_outputs()
    return Path(output)
