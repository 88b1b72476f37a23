"""Review exports as labelled data beside the bundled corpus: which files a folder of exports
holds, where each export's document is, and what a model card says about the exports it learned
from. `analyser evaluate` and `analyser train` call these (`--annotations DIR` without a
splits.json is such a folder)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from analyser.errors import AnalyserError


def is_export_folder(folder: Path) -> bool:
    """A folder of review exports, not an annotated corpus (which has a splits.json)."""
    return folder.is_dir() and not (folder / "splits.json").exists()


def export_files(folders: tuple[Path, ...] | list[Path]) -> list[Path]:
    """Every review export (*.json with a `provisions` list) in these folders, sorted per folder."""
    files = []
    for folder in folders:
        if not Path(folder).is_dir():
            raise AnalyserError(str(folder), "not a folder of review exports")
        for path in sorted(Path(folder).glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise AnalyserError(str(path), f"not a review export ({exc})") from None
            if isinstance(data, dict) and isinstance(data.get("provisions"), list) and "checks" in data:
                files.append(path)
    return files


def export_document(gold: dict[str, Any]) -> Path:
    """The document an export was made from: its `source` (absolute, or relative to the export's
    folder as `analyser review export -o` writes it, or to the working folder), else the same
    name beside the export. Its bytes must be the ones reviewed (`sha256`), or the article keys
    could mean other articles."""
    source = Path(gold["source"])
    folder = Path(gold.get("folder") or ".")
    for candidate in (folder / source, source, folder / source.name):  # an absolute source stays itself
        if candidate.is_file():
            if gold.get("sha256") and hashlib.sha256(candidate.read_bytes()).hexdigest() != gold["sha256"]:
                raise AnalyserError(str(candidate), "this file is not the one that was reviewed (its content changed)")
            return candidate
    raise AnalyserError(str(source), f"the reviewed document is not there nor beside its export in {folder}")


def card(files: list[Path]) -> list[dict[str, Any]]:
    """What a model card records of the exports it was trained on: file, its hash, the document's
    hash and name, and how much of it a person reviewed."""
    out = []
    for path in files:
        raw = path.read_bytes()
        data = json.loads(raw)
        review = data.get("review") or {}
        out.append({"file": str(path), "sha256": hashlib.sha256(raw).hexdigest(), "document": data.get("name"),
                    "document_sha256": data.get("sha256"), "language": data.get("language"),
                    "labelled_articles": sum(1 for p in data["provisions"] if p.get("labels")),
                    "reviewed": review.get("reviewed"), "total": review.get("total")})
    return out
