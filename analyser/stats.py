"""Corpus analytics over a batch store: the share of agreements meeting each check by year
signed, by region and by party, and the most frequent clause wordings per label with the
agreements that use them. Printed, and drawn as PNG plus one self-contained HTML page.

Plots need matplotlib (`pip install .[stats]`); the tables and the text summary do not.
"""
from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from analyser.model import CHECK_IDS
from analyser.report import write_atomic

PLOTTED = ("G1", "G3", "G4", "G6")
MET = {"met"}


def load(out: Path) -> tuple[list[dict], list[tuple]]:
    db = sqlite3.connect(out / "store.sqlite")
    try:
        docs = []
        for sha, path, title, meta, checks in db.execute(
                "SELECT sha256, path, title, metadata, checks FROM documents WHERE status = 'done'"):
            meta, checks = json.loads(meta or "{}"), json.loads(checks or "{}")
            date = meta.get("date_signed") or ""
            docs.append({"sha256": sha, "path": path, "title": title or Path(path).name,
                         "year": int(date[:4]) if re.match(r"\d{4}", date) else None,
                         "region": meta.get("region") or "unknown", "parties": meta.get("parties") or [],
                         "checks": checks})
        findings = list(db.execute("SELECT f.sha256, f.label, f.evidence FROM findings f"))
    finally:
        db.close()
    return docs, findings


def share_by(docs: list[dict], key) -> dict:
    """{group: {check: share met, ..., 'n': agreements}} for the groups `key` gives each doc."""
    groups: dict = defaultdict(list)
    for d in docs:
        for g in key(d):
            groups[g].append(d)
    out = {}
    for g, members in groups.items():
        row = {cid: sum(m["checks"].get(cid) in MET for m in members) / len(members) for cid in CHECK_IDS}
        row["n"] = len(members)
        out[g] = row
    return out


def periods(docs: list[dict], width: int = 5) -> dict:
    return share_by([d for d in docs if d["year"]], lambda d: [d["year"] // width * width])


def groupings(docs: list[dict]) -> dict[str, dict]:
    """The views the summary and the plots share: by 5-year period, first-listed region, party."""
    return {"periods": periods(docs),
            "regions": share_by(docs, lambda d: [d["region"].split(";")[0].strip()]),
            "parties": share_by(docs, lambda d: d["parties"])}


def top_wordings(docs: list[dict], findings: list[tuple], per_label: int = 5) -> dict:
    titles = {d["sha256"]: d["title"] for d in docs}
    counts: dict = defaultdict(Counter)
    users: dict = defaultdict(lambda: defaultdict(set))
    for sha, label, evidence in findings:
        wording = " ".join(evidence.lower().split())[:160]
        counts[label][wording] += 1
        users[label][wording].add(titles.get(sha, sha[:8]))
    return {label: [(w, n, sorted(users[label][w])[:6]) for w, n in c.most_common(per_label)] for label, c in counts.items()}


def summary_text(docs: list[dict], findings: list[tuple], groups: dict[str, dict]) -> str:
    lines = [f"{len(docs)} agreements analysed"]
    overall = share_by(docs, lambda d: ["all"]).get("all", {})
    lines.append("share met: " + ", ".join(f"{c} {overall.get(c, 0):.1%}" for c in CHECK_IDS))
    lines.append("\nby period signed (5 years): " + " ".join(f"{c:>5}" for c in PLOTTED) + "      n")
    for period, row in sorted(groups["periods"].items()):
        lines.append(f"  {period}-{period + 4}:             " + " ".join(f"{row[c]:5.0%}" for c in PLOTTED) + f" {row['n']:6d}")
    lines.append("\nby region (first listed): " + " ".join(f"{c:>5}" for c in PLOTTED))
    for region, row in sorted(groups["regions"].items(), key=lambda kv: -kv[1]["n"])[:12]:
        lines.append(f"  {region[:28]:<28} " + " ".join(f"{row[c]:5.0%}" for c in PLOTTED) + f" {row['n']:6d}")
    lines.append("\nparties with most agreements meeting G3 (cultural clause):")
    best = sorted(((p, r) for p, r in groups["parties"].items() if r["n"] >= 3), key=lambda kv: (-kv[1]["G3"], -kv[1]["n"]))[:10]
    for party, row in best:
        lines.append(f"  {party}: G3 {row['G3']:.0%} of {row['n']}")
    lines.append("\nmost frequent clause wordings per label:")
    for label, rows in sorted(top_wordings(docs, findings).items()):
        lines.append(f"  {label}:")
        for wording, n, users in rows[:3]:
            lines.append(f"    {n:4d} x \"{wording[:90]}\" e.g. {', '.join(users[:3])}")
    return "\n".join(lines)


def plot(groups: dict[str, dict], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    written = []
    rows = sorted(groups["periods"].items())
    if rows:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        xs = [f"{p}-{p + 4}" for p, _ in rows]
        for cid in PLOTTED:
            ax.plot(xs, [r[cid] for _, r in rows], marker="o", label=cid)
        ax.set_ylabel("share of agreements meeting the check")
        ax.set_xlabel("period signed (n agreements: " + ", ".join(str(r["n"]) for _, r in rows) + ")")
        ax.set_ylim(0, max(0.05, max(r[c] for _, r in rows for c in PLOTTED) * 1.15))
        ax.legend()
        ax.set_title("Culture in trade agreements: checks met by period signed")
        fig.autofmt_xdate()
        fig.tight_layout()
        path = out / "checks_by_year.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    regions = sorted(groups["regions"].items(), key=lambda kv: -kv[1]["n"])[:10]
    parties = sorted(groups["parties"].items(), key=lambda kv: -kv[1]["n"])[:15]
    for bars, name, title in ((regions, "checks_by_region.png", "Checks met by region"),
                              (parties, "checks_by_party.png", "Checks met by party (parties with most agreements)")):
        if bars:
            written.append(_bars(plt, bars, out / name, title))
    return written


def _bars(plt, groups: list, path: Path, title: str) -> Path:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.2
    for i, cid in enumerate(PLOTTED):
        ax.bar([j + i * width for j in range(len(groups))], [r[cid] for _, r in groups], width, label=cid)
    ax.set_xticks([j + 1.5 * width for j in range(len(groups))], [f"{g[:18]} ({r['n']})" for g, r in groups],
                  rotation=40, ha="right")
    ax.set_ylabel("share meeting the check")
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def run(out: Path) -> str:
    docs, findings = load(out)
    groups = groupings(docs)
    text = summary_text(docs, findings, groups)
    folder = out / "stats"
    folder.mkdir(exist_ok=True)
    try:
        images = plot(groups, folder)
    except ImportError:
        images = []
        text += "\n(plots need matplotlib: pip install .[stats])"
    figures = "".join(f"<img alt='{escape(p.stem)}' src='data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}'>"
                      for p in images)
    write_atomic(f"<!doctype html><html><head><meta charset='utf-8'><title>Corpus analytics</title></head><body>"
                 f"<h1>Corpus analytics</h1>{figures}<pre>{escape(text)}</pre></body></html>\n", folder / "index.html")
    write_atomic(text + "\n", folder / "summary.txt")
    return text
