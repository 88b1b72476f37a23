"""Language per document and per provision, behind one small interface.

Default engine: py3langid (deterministic, fast, no exceptions on number-only strings). The
product card's langdetect stays selectable (`engine="langdetect"`, seeded for repeatable runs).
benchmarks/language_accuracy.py measures both on treaty text; the numbers are in the README.

Only the languages with a folder under analyser/lang/ are analysed (English, French, Spanish). A document whose main language is another one
is refused with a clear reason; single provisions in another language (a bilingual treaty's
Dutch half, say) are marked with their language and skipped by the classifiers.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Protocol

from analyser.errors import AnalyserError
from analyser.lang import SUPPORTED
from analyser.model import AnalysisWarning, Document, Provision

# Provisions shorter than this inherit the document language: short strings are where
# detectors are unreliable, and headings like "2." carry no language at all.
MIN_CHARS = 120
# An unsupported language must be this sure before a provision is set aside.
UNSUPPORTED_MIN_PROB = 0.95
# The document language is read from this many characters spread over the text.
DOC_SAMPLE_CHARS = 20_000
# A provision is detected on a sample of this many characters when longer (a pasted agreement of
# millions of characters as one provision took py3langid a minute); the corpus' are all shorter.
PROVISION_SAMPLE_CHARS = 200_000


class Engine(Protocol):
    name: str

    def detect(self, text: str) -> tuple[str, float]:
        """Most likely ISO 639-1 code and its probability, over all languages the engine knows."""

    def detect_supported(self, text: str, default: str = "und") -> str:
        """Most likely of SUPPORTED; `default` when the engine cannot tell."""

    def prepare(self, texts: list[str]) -> None:
        """Texts about to be detected, worked on together where the engine can (else nothing)."""

    def forget(self) -> None:
        """Drop what `prepare` kept."""


class Py3LangidEngine:
    name = "py3langid"

    def __init__(self) -> None:
        self._all = _py3langid_model()

    def detect(self, text: str) -> tuple[str, float]:
        lang, prob = self._all.classify(text)
        return lang, float(prob)

    def detect_supported(self, text: str, default: str = "und") -> str:
        # the best-ranked of SUPPORTED: what a model restricted to them answers, without loading a second one
        return next(lang for lang, _ in self._all.rank(text) if lang in SUPPORTED)

    def prepare(self, texts: list[str]) -> None:
        """Texts about to be detected, counted together (same answers, a fraction of the time)."""
        if hasattr(self._all, "prepare"):
            self._all.prepare(texts)

    def forget(self) -> None:
        if hasattr(self._all, "forget"):
            self._all.forget()


def _py3langid_model():
    """py3langid's model. Its file is LZMA-compressed: decompressing it took 1-4 s of every run
    (more than detecting the language of a 500-page agreement), so the arrays are kept
    uncompressed in the user's cache folder, keyed by the model file's hash, and mapped from
    there (batch workers share the pages). The same arrays either way, so the same answers.
    With the cache, the model also counts many texts' features at once (langid_batch.py)."""
    from array import array

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from analyser import cache
    from analyser.langid_batch import BatchIdentifier, trie_depth

    model_path = MODEL_DIR / MODEL_FILE

    def build(folder) -> None:
        from py3langid.modelio import load_model

        ptc, pc, classes, nextmove, row, output = load_model(model_path)
        np.save(folder / "ptc.npy", np.asarray(ptc))
        np.save(folder / "pc.npy", np.asarray(pc))
        np.save(folder / "classes.npy", np.array(classes))
        np.save(folder / "nextmove.npy", np.frombuffer(nextmove, dtype=nextmove.typecode))  # mapped, never read whole
        with open(folder / f"row.{row.typecode}", "wb") as fh:  # a stdlib array, read back with one copy
            row.tofile(fh)
        np.save(folder / "output.npy", np.asarray(output, dtype=np.int64))
        (folder / "depth.txt").write_text(str(trie_depth(np.asarray(nextmove), np.asarray(row))))

    try:
        folder = cache.entry(f"py3langid-v3-{cache.file_key(model_path)}", build)
    except OSError:
        folder = None
    if folder is None:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def stdlib_array(name: str) -> array:
        path = next(folder.glob(f"{name}.*"))
        out = array(path.suffix[1:])
        with open(path, "rb") as fh:
            out.fromfile(fh, path.stat().st_size // out.itemsize)
        return out

    try:
        return BatchIdentifier(np.load(folder / "ptc.npy", mmap_mode="r"), np.load(folder / "pc.npy"),
                               np.load(folder / "classes.npy").tolist(), np.load(folder / "nextmove.npy", mmap_mode="r"),
                               np.load(folder / "output.npy").tolist(), norm_probs=True,
                               tk_row=stdlib_array("row"), depth=int((folder / "depth.txt").read_text()))
    except ValueError:  # a model the batch walk cannot pad for (langid_batch.py): py3langid's own walk
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


class LangdetectEngine:
    name = "langdetect"

    def __init__(self) -> None:
        from langdetect import DetectorFactory

        DetectorFactory.seed = 0  # langdetect is random unless seeded

    def _langs(self, text: str) -> list:
        from langdetect import detect_langs
        from langdetect.lang_detect_exception import LangDetectException

        try:
            return detect_langs(text)
        except LangDetectException:  # raised on number-only or empty strings
            return []

    def detect(self, text: str) -> tuple[str, float]:
        langs = self._langs(text)
        return (langs[0].lang, float(langs[0].prob)) if langs else ("und", 0.0)

    def detect_supported(self, text: str, default: str = "und") -> str:
        for cand in self._langs(text):
            if cand.lang in SUPPORTED:
                return cand.lang
        return default

    def prepare(self, texts: list[str]) -> None:  # langdetect detects one text at a time
        pass

    def forget(self) -> None:
        pass


ENGINES = {"py3langid": Py3LangidEngine, "langdetect": LangdetectEngine}


@lru_cache(maxsize=None)
def engine(name: str = "py3langid") -> Engine:
    try:
        return ENGINES[name]()
    except KeyError:
        raise ValueError(f"unknown language engine {name!r}; choose one of {sorted(ENGINES)}") from None


def _sample(text: str, size: int = DOC_SAMPLE_CHARS) -> str:
    """Four evenly spaced parts of the text, `size` characters in all (the text when shorter)."""
    if len(text) <= size:
        return text
    step = len(text) // 4
    part = size // 4
    return " ".join(text[i * step : i * step + part] for i in range(4))


def assign(doc: Document, override: str | None = None, engine_name: str = "py3langid") -> Document:
    """Set doc.language and every provision's language; refuse an unsupported document."""
    if override:
        if override not in SUPPORTED:
            raise AnalyserError(doc.source, f"language {override!r} is not supported (supported: {', '.join(SUPPORTED)})")
        doc.language = override
        for p in doc.provisions:
            p.language = override
        return doc
    eng = engine(engine_name)
    doc_sample = _sample(doc.text)
    # the long provisions, each with the sample its language is read from (cut once, here)
    long_ones = [(p, _sample(p.text, PROVISION_SAMPLE_CHARS)) for p in doc.provisions if len(p.text) >= MIN_CHARS]
    eng.prepare([doc_sample, *(sample for _, sample in long_ones)])
    try:
        return _assign(doc, eng, doc_sample, long_ones)
    finally:
        eng.forget()


def _assign(doc: Document, eng: Engine, doc_sample: str, long_ones: list[tuple[Provision, str]]) -> Document:
    lang, prob = eng.detect(doc_sample)
    if lang not in SUPPORTED:
        # A bilingual file may have a supported main half: vote over the long provisions.
        votes = Counter(eng.detect(sample)[0] for _, sample in long_ones)
        supported_votes = {k: v for k, v in votes.items() if k in SUPPORTED}
        if supported_votes and sum(supported_votes.values()) >= 0.3 * sum(votes.values()):
            lang = max(supported_votes, key=supported_votes.get)
        else:
            raise AnalyserError(doc.source, f"unsupported language {lang!r} (supported: {', '.join(SUPPORTED)}; use --language to override)")
    doc.language = lang
    for p in doc.provisions:  # short ones inherit the document's language
        p.language = lang
    others: Counter[str] = Counter()
    for p, sample in long_ones:
        plang, pprob = eng.detect(sample)
        if plang in SUPPORTED:
            p.language = plang
        elif pprob >= UNSUPPORTED_MIN_PROB:
            p.language = plang
            others[plang] += 1
        else:
            p.language = eng.detect_supported(sample, default=lang)
    if others:
        listed = ", ".join(f"{n} in {k!r}" for k, n in others.most_common())
        doc.warnings.append(AnalysisWarning("language", f"provisions in unsupported languages were not analysed: {listed}"))
    return doc
