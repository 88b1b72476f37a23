"""Corpus analytics over a batch store: the share of agreements meeting each check by year
signed, by region and by party, and the most frequent clause wordings per label with the
agreements that use them. Printed, and drawn as PNG plus one self-contained HTML page.

Plots need matplotlib (`pip install .[stats]`); the tables and the text summary do not.
"""
from __future__ import annotations

import base64
import csv
import io
import re
from collections import Counter, defaultdict
from html import escape
from pathlib import Path

from analyser import store
from analyser.i18n import Texts
from analyser.model import CHECK_IDS
from analyser.report import write_atomic

PLOTTED = ("G1", "G3", "G4", "G6")
MET = {"met"}


def load(out: Path) -> tuple[list[dict], list[tuple]]:
    docs = []
    for row in store.documents(out, done_only=True, by_path=False):
        meta, path = row["metadata"], row["path"]
        date = meta.get("date_signed") or ""
        docs.append({"sha256": row["sha256"], "path": path, "title": row["title"] or Path(path).name,
                     "year": int(date[:4]) if re.match(r"\d{4}", date) else None,
                     "region": meta.get("region") or "unknown", "parties": meta.get("parties") or [],
                     "checks": row["checks"]})
    return docs, store.finding_labels(out)


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


Table = tuple[str, list[str], list[list]]  # (title, column headers, rows)


def _pct(share: float) -> str:
    return f"{share:.0%}"


def tables(docs: list[dict], wordings: dict, groups: dict[str, dict], tr: Texts = Texts("en"),
           ids: bool = False) -> dict[str, Table]:
    """The summary as named tables, each with its own headers, in the language of `tr`: printed,
    shown in the UI, written as HTML (and as CSV: English headers, label ids with `ids`). Shares are
    whole percentages; a "most" list holds only parties that score."""
    overall = share_by(docs, lambda d: ["all"]).get("all", {})
    h = lambda key: tr(f"stats.h_{key}")  # noqa: E731  (a column header)
    out: dict[str, Table] = {
        "overall": (tr("stats.t_overall"), [h("check"), h("share_met")],
                    [[c, _pct(overall.get(c, 0))] for c in CHECK_IDS]),
        "by_period": (tr("stats.t_by_period"), [h("period"), *PLOTTED, h("agreements")],
                      [[f"{p}-{p + 4}", *(_pct(r[c]) for c in PLOTTED), r["n"]]
                       for p, r in sorted(groups["periods"].items())]),
        "by_region": (tr("stats.t_by_region"), [h("region"), *PLOTTED, h("agreements")],
                      [[g, *(_pct(r[c]) for c in PLOTTED), r["n"]]
                       for g, r in sorted(groups["regions"].items(), key=lambda kv: -kv[1]["n"])[:12]]),
    }
    best = sorted(((p, r) for p, r in groups["parties"].items() if r["n"] >= 3 and r["G3"] > 0),
                  key=lambda kv: (-kv[1]["G3"], -kv[1]["n"], kv[0]))[:10]
    out["parties_g3"] = (tr("stats.t_parties_g3"),
                         [h("party"), h("share_g3"), h("meeting_g3"), h("agreements")],
                         [[p, _pct(r["G3"]), round(r["G3"] * r["n"]), r["n"]] for p, r in best])
    out["wordings"] = (tr("stats.t_wordings"), [h("label"), h("wording"), h("times"), h("example")],
                       [[label if ids else tr.label(label), wording, n, ", ".join(users[:3])]
                        for label, rows in sorted(wordings.items()) for wording, n, users in rows[:3]])
    return out


def table_text(table: Table, tr: Texts = Texts("en")) -> str:
    """A table as aligned plain text: each header above its own column."""
    title, columns, rows = table
    cells = [[str(c) for c in columns]] + [[" ".join(str(v).split())[:90] for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    numeric = [all(re.fullmatch(r"[\d.]+%?", r[i]) for r in cells[1:]) and len(cells) > 1 for i in range(len(columns))]

    def line(r: list[str]) -> str:
        return "  " + "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(r, widths, numeric)).rstrip()

    body = [line(r) for r in cells[1:]] or ["  " + tr("ui.stats_empty")]
    return "\n".join([title + tr("report.colon").rstrip(), line(cells[0]), *body])


def table_csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(table[1])
    writer.writerows(table[2])
    return buf.getvalue()


def table_html(table: Table) -> str:
    title, columns, rows = table
    head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<h2>{escape(title)}</h2><table><tr>{head}</tr>{body}</table>"


def summary_text(n_docs: int, named: dict[str, dict], tr: Texts = Texts("en")) -> str:
    return "\n\n".join([tr("stats.analysed", n=n_docs), *(table_text(t, tr) for t in named.values())])


def plot(groups: dict[str, dict], out: Path, tr: Texts = Texts("en")) -> list[Path]:
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
        ax.set_ylabel(tr("stats.share_axis"))
        ax.set_xlabel(tr("stats.period_axis", counts=", ".join(str(r["n"]) for _, r in rows)))
        ax.set_ylim(0, max(0.05, max(r[c] for _, r in rows for c in PLOTTED) * 1.15))
        ax.legend()
        ax.set_title(tr("stats.period_title"))
        fig.autofmt_xdate()
        fig.tight_layout()
        path = out / "checks_by_year.png"
        _save(fig, path)
        plt.close(fig)
        written.append(path)
    regions = sorted(groups["regions"].items(), key=lambda kv: -kv[1]["n"])[:10]
    parties = sorted(groups["parties"].items(), key=lambda kv: -kv[1]["n"])[:15]
    for bars, name, title in ((regions, "checks_by_region.png", tr("stats.region_title")),
                              (parties, "checks_by_party.png", tr("stats.party_title"))):
        if bars:
            written.append(_bars(plt, bars, out / name, title, tr))
    return written


def _save(fig, path: Path) -> None:
    """A plot written atomically like every other output (rendered in memory first)."""
    buf = io.BytesIO()
    fig.savefig(buf, dpi=110, format="png")
    write_atomic(buf.getvalue(), path)


def _bars(plt, groups: list, path: Path, title: str, tr: Texts) -> Path:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.2
    for i, cid in enumerate(PLOTTED):
        ax.bar([j + i * width for j in range(len(groups))], [r[cid] for _, r in groups], width, label=cid)
    ax.set_xticks([j + 1.5 * width for j in range(len(groups))], [f"{g[:18]} ({r['n']})" for g, r in groups],
                  rotation=40, ha="right")
    ax.set_ylabel(tr("stats.share_axis"))
    ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    _save(fig, path)
    plt.close(fig)
    return path


def analytics(out: Path, lang: str = "en") -> str:
    """Write the summary (text), one CSV per table (English headers, identifiers), the plots and an
    HTML page under OUT/stats, worded in `lang`."""
    return write(out, *build(out, lang), lang)


def build(out: Path, lang: str = "en") -> tuple[int, dict[str, dict], dict[str, dict], dict[str, dict]]:
    """The store read once: (agreements, groupings, tables worded in `lang`, tables with English
    headers and label ids for CSV)."""
    docs, findings = load(out)
    groups, wordings = groupings(docs), top_wordings(docs, findings)
    return len(docs), groups, tables(docs, wordings, groups, Texts(lang)), tables(docs, wordings, groups, ids=True)


def write(out: Path, n_docs: int, groups: dict[str, dict], named: dict[str, dict], ids: dict[str, dict],
          lang: str = "en") -> str:
    """The files of `analytics` from tables already built; returns the summary text."""
    tr = Texts(lang)
    text = summary_text(n_docs, named, tr)
    folder = out / "stats"
    folder.mkdir(exist_ok=True)
    for name, table in ids.items():  # CSV for pandas/R: English, label ids
        write_atomic(table_csv(table), folder / f"{name}.csv")
    try:
        images = plot(groups, folder, tr)
    except ImportError:
        images = []
        text += "\n" + tr("stats.no_plots")
    figures = "".join(f"<img alt='{escape(p.stem)}' src='data:image/png;base64,{base64.b64encode(p.read_bytes()).decode()}'>"
                      for p in images)
    style = "<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style>"
    write_atomic(f"<!doctype html><html lang='{tr.lang}'><head><meta charset='utf-8'><title>{escape(tr('stats.title'))}</title>"
                 f"{style}</head><body><h1>{escape(tr('stats.title'))}</h1><p>{escape(tr('stats.analysed', n=n_docs))}</p>"
                 f"{figures}{''.join(table_html(t) for t in named.values())}</body></html>\n", folder / "index.html")
    write_atomic(text + "\n", folder / "summary.txt")
    return text
