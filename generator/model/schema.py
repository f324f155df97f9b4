"""JSON Schemas of the data files, exported from the models so editors can complete and flag fields.

Each data file starts with ``# yaml-language-server: $schema=<relative path>`` pointing here.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..files import write_if_changed
from ..project import Project
from .records import RECORD_MODELS


def schema_text(kind: str) -> str:
    """The JSON Schema of one kind of data file, as stable, sorted JSON."""
    schema = RECORD_MODELS[kind].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"{kind}.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(project: Project | Path, check_only: bool = False) -> list[str]:
    """Write every schema into the project's ``data/schema``; return the paths that were (or would be) changed."""
    project = Project.at(project)
    stale = []
    folder = project.schema_dir
    for kind in sorted(RECORD_MODELS):
        file = folder / f"{kind}.schema.json"
        text = schema_text(kind)
        if check_only:
            if not file.exists() or file.read_text(encoding="utf-8") != text:
                stale.append(project.display(file))
        elif write_if_changed(file, text):
            stale.append(project.display(file))
    return stale
