"""py3langid's feature counts for many texts in one vectorised pass, with the same answers.

py3langid walks a byte automaton (Aho-Corasick over its byte n-gram features) in a Python loop,
one step per byte: about 0.3 s for an 800-provision agreement, the larger part of detecting its
provisions' languages. In an Aho-Corasick automaton the state after a byte is the longest suffix
of the text read so far that is a path of the trie, so it depends only on the last `depth` bytes
(the trie's depth, the longest shortest path from the start state). Each position's state is
therefore the state reached from the start by its last `depth` bytes: `depth` array steps over
every byte of every text at once, instead of one Python step per byte (each text after `depth - 1`
bytes that keep the start state, so that every byte has a full window). The counts come out in
the order py3langid's Counter has them (first occurrence), so the scores are the same floats.
"""
from __future__ import annotations

import numpy as np
from py3langid.langid import RAW_FLOOR, LanguageIdentifier

CHUNK_BYTES = 1 << 18  # bytes walked per pass: bounds the temporary arrays (a few MB)


def trie_depth(nextmove: np.ndarray, row: np.ndarray) -> int:
    """The largest number of bytes any state needs from the start state (breadth first)."""
    rowbase = row.astype(np.int64) << 8
    depth = np.full(len(row), -1, dtype=np.int64)
    depth[0] = 0
    frontier, level = np.array([0]), 0
    while len(frontier):
        reached = np.unique(nextmove[(rowbase[frontier][:, None] + np.arange(256)).ravel()])
        frontier = reached[depth[reached] < 0]
        level += 1
        depth[frontier] = level
    return int(depth.max())


class BatchIdentifier(LanguageIdentifier):
    """A LanguageIdentifier that counts features with array steps; `prepare` counts many texts
    in one pass ahead of their detection. `tk_nextmove` may be a memory-mapped array."""

    __slots__ = ["_depth", "_known", "_nm", "_out", "_pad", "_rowbase_np", "_span"]

    def __init__(self, *args, depth: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._depth = depth
        self._nm = np.asarray(self.tk_nextmove)
        self._rowbase_np = np.asarray(self.tk_row, dtype=np.int64) << 8
        self._out = np.asarray(self.tk_output, dtype=np.int64)
        self._span = int(self._out.max()) + 1
        self._known: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        # a byte that leaves the start state where it is: `depth - 1` of them before each text
        # give every byte a full window, so each step of the walk is one operation on all bytes
        still = np.flatnonzero(np.asarray(self._nm[self._rowbase_np[0]:self._rowbase_np[0] + 256]) == 0)
        if not len(still):
            raise ValueError("every byte leaves the automaton's start state: no byte to pad texts with")
        self._pad = bytes([int(still[0])]) * (depth - 1)

    def prepare(self, texts: list[str]) -> None:
        """Count the features of `texts` now, all at once; `forget` drops the counts."""
        batch: list[bytes] = []
        size = 0
        for text in dict.fromkeys(self._encode(x) for x in texts):
            batch.append(text)
            size += len(text)
            if size >= CHUNK_BYTES:
                self._known.update(zip(batch, self._count(batch)))
                batch, size = [], 0
        if batch:
            self._known.update(zip(batch, self._count(batch)))

    def forget(self) -> None:
        self._known.clear()

    def _count(self, texts: list[bytes]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per text: its feature ids in order of first occurrence, and their counts."""
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        state, own = self._walk(texts, lengths)
        which = np.repeat(np.arange(len(texts)), lengths)  # the text of each byte
        feature = self._out[state[own]]
        hit = feature >= 0
        unique, first, counts = np.unique(which[hit] * self._span + feature[hit], return_index=True, return_counts=True)
        owner = unique // self._span
        order = np.lexsort((first, owner))  # by text, then by first occurrence (Counter's order)
        unique, counts, owner = unique[order], counts[order], owner[order]
        features = unique - owner * self._span
        bounds = np.searchsorted(owner, np.arange(len(texts) + 1))
        return [(features[bounds[i]:bounds[i + 1]], counts[bounds[i]:bounds[i + 1]]) for i in range(len(texts))]

    def _walk(self, texts: list[bytes], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The automaton's state at every byte, each text after `self._pad`; and where the texts'
        own bytes are. Every byte has `depth - 1` bytes before it, the pad bytes keep the start
        state, so each step is one array operation over all bytes."""
        pad = len(self._pad)
        data = np.frombuffer(b"".join(self._pad + t for t in texts), dtype=np.uint8).astype(np.int64)
        state = np.zeros(len(data), dtype=np.int64)
        for back in range(self._depth - 1, -1, -1):  # read byte i-back, for every i
            state[back:] = self._nm[self._rowbase_np[state[back:]] + data[:len(data) - back]]
        own = np.ones(len(data), dtype=bool)
        starts = np.cumsum(lengths + pad) - lengths - pad  # where each text's pad begins
        own[(starts[:, None] + np.arange(pad)).ravel()] = False
        return state, own

    def _raw_score(self, text: bytes) -> np.ndarray:
        """py3langid's `_raw_score` (the same sums in the same order) on these counts."""
        found = self._known.get(text)
        features, counts = found if found is not None else self._count([text])[0]
        if len(features):
            return np.log1p(counts.astype(np.float32)) @ self.nb_ptc[features.astype(np.intp)] + self.nb_pc
        fill = 0.0 if self._norm_probs else RAW_FLOOR  # no features: py3langid's own fill
        return np.full(len(self.nb_classes), fill, dtype=np.float32)
