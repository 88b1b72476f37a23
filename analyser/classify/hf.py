"""The transformers backend of the learned layer: fine-tune or load any local Hugging Face
checkpoint (a legal BERT an institution keeps, say) as a multi-label classifier over the
codebook's labels. Never downloads: every load is `local_files_only` with the hub switched off.

Install with `pip install -e '.[transformers]'` (CPU torch). Train with
`analyser train --backend transformers --base DIR`; the result is a folder with the model, its
tokenizer and meta.json (backend, labels, thresholds), loaded like the default model.
"""
from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from analyser.classify.learned import LearnedLayer
from analyser.errors import AnalyserError
from analyser.model import LABELS

MAX_LENGTH = 256
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}  # a missing local file must fail, never fetch


def _imports():
    """torch and transformers, switched offline before transformers is first imported (here, when
    the backend is used, not when this module is imported)."""
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)
    try:
        import torch
        import transformers
    except ImportError:
        raise AnalyserError("transformers", "the transformers backend needs its extra: "
                                            "pip install -e '.[transformers]'") from None
    return torch, transformers


def train_transformers(base: Path, out: Path, examples: list[tuple[str, dict[str, float]]], epochs: int = 3,
                       seed: int = 0, batch_size: int = 8, lr: float = 5e-5, max_steps: int | None = None) -> dict[str, Any]:
    """Fine-tune the local checkpoint `base` on (text, cats) examples; save to `out`."""
    torch, transformers = _imports()
    if not (base / "config.json").exists():
        raise AnalyserError(str(base), "not a local Hugging Face checkpoint (no config.json)")
    torch.manual_seed(seed)
    random.seed(seed)
    tokenizer = transformers.AutoTokenizer.from_pretrained(base, local_files_only=True)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(
        base, local_files_only=True, num_labels=len(LABELS), problem_type="multi_label_classification",
        id2label=dict(enumerate(LABELS)), label2id={lab: i for i, lab in enumerate(LABELS)},
        ignore_mismatched_sizes=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    order = list(range(len(examples)))

    def batches():
        for _ in range(epochs):
            random.shuffle(order)
            for start in range(0, len(order), batch_size):
                yield [examples[i] for i in order[start:start + batch_size]]

    steps = 0
    for batch in itertools.islice(batches(), max_steps or None):
        enc = tokenizer([t for t, _ in batch], truncation=True, max_length=MAX_LENGTH, padding=True, return_tensors="pt")
        labels = torch.tensor([[c[lab] for lab in LABELS] for _, c in batch], dtype=torch.float)
        loss = model(**enc, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        steps += 1
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    meta = {"backend": "transformers", "base": str(base), "labels": list(LABELS), "thresholds": {lab: 0.5 for lab in LABELS},
            "examples": len(examples), "steps": steps, "epochs": epochs, "seed": seed}
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


class TransformersClassifier(LearnedLayer):
    def __init__(self, model_dir: Path) -> None:
        torch, transformers = _imports()
        super().__init__(model_dir, "run `analyser train --backend transformers`")
        self.torch = torch
        self.tokenizer = transformers.AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        self.model = transformers.AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True)
        self.model.eval()
        self.layer = f"model:transformers@{model_dir.name}"

    def scores_many(self, texts: list[str]) -> list[dict[str, float]]:
        with self.torch.no_grad():
            enc = self.tokenizer(texts, truncation=True, max_length=MAX_LENGTH, padding=True, return_tensors="pt")
            probs = self.torch.sigmoid(self.model(**enc).logits).tolist()
        return [dict(zip(LABELS, row)) for row in probs]
