#!/usr/bin/env bash
# scripts/plot on a recorded run (format 2: latency samples, machine probes) and on the reference
# run (format 1: neither): every plot is written as PNG (decoded: its size, not blank) and PDF, and
# the scaling exponent's fit is exact on a power law. Reports skipped (exit 77), never passed,
# when Debian's matplotlib is missing (scripts/setup --with-plots installs it).
set -euo pipefail
src=$1
python=/usr/bin/python3
if ! [ -x "$python" ] || ! "$python" -c "import matplotlib" 2>/dev/null; then
  echo "skipped: python3-matplotlib is not installed (scripts/setup --with-plots)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for run in tests/plot/run results/reference/seed-patterns; do
  out="$work/$(basename "$run")"
  "$python" "$src/scripts/plot.py" "$src/$run" --out "$out" >/dev/null || fail "plot.py $run"
  for plot in latency memory speedup_vs_density roofline; do
    [ "$(head -c 4 "$out/$plot.pdf")" = "%PDF" ] || fail "$run: $plot.pdf is not a PDF"
    "$python" - "$out/$plot.png" <<'PY' || fail "$run: $plot.png"
import sys
import matplotlib.image
pixels = matplotlib.image.imread(sys.argv[1])[:, :, :3]
height, width = pixels.shape[:2]
assert width >= 1200 and height >= 600, f"{width}x{height} px"
ink = (pixels.sum(axis=2) < 2.4).mean()  # darker than light grey
assert 0.01 < ink < 0.6, f"{ink:.3f} of the pixels inked"
PY
  done
done

# The run's results.jsonl (the path `attnbench run` prints) in place of its folder: the plots land
# beside it.
cp -r "$src/tests/plot/run" "$work/by_file"
rm -f "$work/by_file"/*.png "$work/by_file"/*.pdf
"$python" "$src/scripts/plot.py" "$work/by_file/results.jsonl" --format png >/dev/null || fail "plot.py RUN/results.jsonl"
for plot in latency memory speedup_vs_density roofline; do
  [ -s "$work/by_file/$plot.png" ] || fail "plot.py RUN/results.jsonl wrote no $plot.png beside it"
done

# The exponent: exact on t = n^2 (R^2 = 1), None with fewer than three lengths.
PYTHONPATH="$src/scripts" "$python" - <<'PY' || fail "scaling_fit"
from plot import scaling_fit
slope, r2 = scaling_fit([(256, 1.0), (512, 4.0), (1024, 16.0)])
assert abs(slope - 2) < 1e-12 and abs(r2 - 1) < 1e-12, (slope, r2)
assert scaling_fit([(256, 1.0), (512, 4.0)]) is None
slope, r2 = scaling_fit([(1, 1.0), (2, 2.5), (4, 3.0), (8, 9.0)])
assert 0.9 < slope < 1.1 and 0.8 < r2 < 1, (slope, r2)
PY
echo "plots: 8 plots of 2 runs drawn and checked"
