#!/usr/bin/env bash
# scripts/plot.py on a --mode quality run: one recall-vs-density picture per input set, and the
# Pareto front it draws. Skipped (77) without matplotlib (scripts/setup --with-plots).
#   plot_test.sh ATTNBENCH SOURCE_DIR
set -euo pipefail
/usr/bin/python3 -c "import matplotlib" 2>/dev/null || { echo "matplotlib is not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/c.yaml" <<'YAML'
seq_len: 256
shape: {heads: 2, head_dim: 16}
inputs: [{name: uniform}, {generator: sinks}]
patterns:
  - {name: sliding_window, params: {causal: true}, sweep: {radius: [15, 63]}}
  - {name: streaming_llm, params: {sinks: 4, window: 12}}
  - {name: vertical_slash, params: {vertical: 8, slash: 8, last_q: 16}}
YAML
"$1" run "$work/c.yaml" --mode quality --out "$work/run" >/dev/null 2>&1
/usr/bin/python3 "$2/scripts/plot.py" "$work/run"
for set in uniform sinks; do
  [ -s "$work/run/recall_vs_density-$set.png" ] || { echo "FAIL: no picture for $set"; exit 1; }
done
/usr/bin/python3 - "$2/scripts" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from plot import pareto_front
front = pareto_front([(0.1, 0.5), (0.2, 0.4), (0.3, 0.9), (0.1, 0.3)])
assert front == [(0.1, 0.5), (0.3, 0.9)], front
print("pareto front ok")
PY
