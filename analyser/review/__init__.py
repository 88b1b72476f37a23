"""Review and teach: a reviewer's decisions on a report, stored locally (decisions.py), applied to
the report (apply.py: the report "as reviewed"), worded in the human-readable reports
(render.py), exported as labelled data (export.py) that `analyser evaluate` and `analyser train`
read beside the bundled corpus (teach.py), and driven from the command line (cli.py).

Nothing is imported here: the report writers import render.py alone, and the command line's
--help must not load the analysis stack."""
