"""The labelled corpora: where they are, which files are held out, how a gold annotation reads.

Gold labels are per article: for ToTA the `article_identifier`, which the pipeline's provisions
keep as `source_id`; for other documents (PDF, text; the annotation names its `source`) the
heading path down to the article (`text.article_key`). Splits are by agreement
(corpora/annotations/splits.json).
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from analyser.errors import AnalyserError
from analyser.model import Provision
from analyser.text import article_key

SOURCE_TREE = Path(__file__).resolve().parents[2]  # a checkout; an installed package has no corpora beside it
# The labelled corpus (corpora/ of the checkout) and the shared one (../shared/corpora), each
# movable by an environment variable; the commands also take --annotations and --tota.
CORPORA = Path(os.environ.get("ANALYSER_CORPORA") or SOURCE_TREE / "corpora")
SHARED_CORPORA = Path(os.environ.get("ANALYSER_SHARED_CORPORA") or SOURCE_TREE.parent / "shared" / "corpora")
ANNOTATIONS = CORPORA / "annotations"
HELD_BACK = ("test",)  # never tuned on, trained on or used for thresholds (test2 and texts were, once scored)
TOTA_DIRS = (CORPORA / "tota", SHARED_CORPORA / "tota")
HOLDOUT = SHARED_CORPORA / "HOLDOUT.txt"
PARALLEL = CORPORA / "parallel" / "clauses.jsonl"


def existing(path: Path, what: str, option: str) -> Path:
    """`path`, or a one-line error that says what is missing and how to point at it: the labelled
    corpora come with the source tree, not with an installed package."""
    if not path.exists():
        raise AnalyserError(str(path), f"no {what} here (the labelled corpora come with the source tree): "
                                       f"give {option} or set ANALYSER_CORPORA to a corpora folder")
    return path


def held_out_files(required: bool = False) -> set[str]:
    """Paths under the shared corpus ("tota/pta_N.xml", "pdf/....pdf") reserved for external
    evaluation; empty when the shared corpus is absent, unless `required` (then a missing list is
    an error, never a silent empty set)."""
    if not HOLDOUT.exists():
        if not required:
            return set()
        raise AnalyserError(str(HOLDOUT), "the held-out list is missing: set ANALYSER_SHARED_CORPORA to the shared corpora folder")
    lines = HOLDOUT.read_text(encoding="utf-8").splitlines()
    return {line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")}


def held_out_treaties(required: bool = False) -> set[str]:
    """ToTA stems ("pta_N") among the held-out files."""
    return {Path(f).stem for f in held_out_files(required) if f.startswith("tota/")}


def tota_path(treaty: str, tota: Path | None = None) -> Path:
    """The agreement's XML: in `tota` if given, else the vendored copy, else the shared corpus."""
    folders = (tota,) if tota else TOTA_DIRS
    for folder in folders:
        if (folder / f"{treaty}.xml").exists():
            return folder / f"{treaty}.xml"
    return folders[-1] / f"{treaty}.xml"


def load_gold(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    labelled = [p for p in data["provisions"] if p["labels"]]
    return {"treaty": data["treaty"], "source": data.get("source"), "language": data.get("language", "en"),
            "labels": {p["article_identifier"]: set(p["labels"]) for p in labelled},
            "evidence": {p["article_identifier"]: p.get("evidence", []) for p in labelled},
            "checks": {k: v["status"] for k, v in data["checks"].items()},
            # review exports (analyser/review/export.py) say how they are keyed and where they lie
            "keyed_by": data.get("keyed_by"), "sha256": data.get("sha256"), "folder": path.parent}


def document_path(gold: dict, tota: Path | None = None) -> Path:
    """The labelled document: a ToTA agreement, or the `source` file (vendored under corpora/,
    else in the shared corpus)."""
    if not gold["source"]:
        return tota_path(gold["treaty"], tota)
    if gold.get("keyed_by"):  # a review export: the document where it was exported from, else beside the export
        from analyser.review.teach import export_document

        return export_document(gold)
    vendored = CORPORA / gold["source"]
    return vendored if vendored.exists() else SHARED_CORPORA / gold["source"]


def article_of(gold: dict) -> Callable[[Provision], str]:
    """How a provision maps to the article ids the gold labels use."""
    by_source_id = gold.get("keyed_by") == "article_identifier" or (not gold["source"] and not gold.get("keyed_by"))
    return (lambda p: p.source_id) if by_source_id else (lambda p: article_key(p.heading))


def _splits(annotations: Path) -> dict[str, list[str]]:
    """splits.json: each split's agreement names."""
    listing = existing(annotations / "splits.json", "annotation splits", "--annotations DIR")
    return json.loads(listing.read_text(encoding="utf-8"))["splits"]


def split_names(split: str | tuple[str, ...], annotations: Path,
                splits: dict[str, list[str]] | None = None) -> list[str]:
    """The splits that one name or several stand for: a split of splits.json, or a group: `all`
    every split, `tuning` every split except the held-back ones (HELD_BACK), `held-back` those."""
    splits = splits or _splits(annotations)
    groups = {"all": list(splits), "tuning": [p for p in splits if p not in HELD_BACK],
              "held-back": [p for p in splits if p in HELD_BACK]}
    parts: list[str] = []
    for name in (split,) if isinstance(split, str) else split:
        if name not in (*splits, *groups):
            raise AnalyserError(str(annotations / "splits.json"),
                                f"no split {name!r}; choose from {', '.join([*splits, *groups])}")
        parts += groups.get(name, [name])
    return parts


def annotation_files(split: str | tuple[str, ...], annotations: Path) -> list[Path]:
    """The annotation files of one split or group or several, in order (see split_names); a file
    lies in the annotations folder or in one of its sub-folders."""
    members = _splits(annotations)
    found: dict[str, Path] = {}
    for path in sorted(annotations.glob("*/*.json")) + sorted(annotations.glob("*.json")):  # top level wins
        found[path.stem] = path
    return [found[name] for part in split_names(split, annotations, members) for name in members[part] if name in found]
