"""Learning and scoring against the labelled corpora (`analyser train`, `analyser evaluate`).

- `corpus`: where the labelled and shared corpora are, the held-out list, gold annotations, splits;
- `metrics`: the one precision/recall/F1 scorer and its empty cases;
- `train`: the learned layer's training, thresholds and calibration by cross-validation;
- `evaluate`: the pipeline scored per label and per check, and cross-lingual consistency.

Nothing here runs during an analysis; the labelled corpora come with the source tree, so an
installed package is pointed at them (--annotations, --tota, ANALYSER_CORPORA).
"""
