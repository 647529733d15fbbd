#!/usr/bin/env bash
# The views a program reads (issue 21), end to end on two small runs: `report --format` writes
# only what it is asked, `--view` only those views, `--out -` to stdout (no folder named "-");
# `density` takes --format and --out; a NaN in results.jsonl becomes null; then every JSON and
# CSV view is checked by check_views.py (Python's json and csv modules), or with `pandas` as the
# third argument, loaded by pandas: skipped (exit 77), never passed, without python3-pandas.
#   views.sh ATTNBENCH SOURCE_DIR [pandas]
set -u
bin=$1
src=$2
mode=${3:-stdlib}
python=/usr/bin/python3
if [ "$mode" = pandas ] && ! "$python" -c "import pandas" 2>/dev/null; then
  echo "skipped: python3-pandas is not installed (scripts/setup --with-pandas)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$work" || exit 1

"$bin" run "$src/tests/views/rich.yaml" --out rich >run.out 2>&1 || fail "rich run: $(tail -3 run.out)"
"$bin" run "$src/tests/views/dense_only.yaml" --out dense >run.out 2>&1 || fail "dense-only run: $(tail -3 run.out)"
if [ "$mode" = pandas ]; then
  "$python" "$src/tests/views/check_views.py" --pandas rich dense || fail "pandas"
  exit 0
fi

views="table comparison flops break_even density quality decode"
for view in $views; do
  for ext in md csv json tex; do [ -s "rich/$view.$ext" ] || fail "run wrote no $view.$ext"; done
done
"$bin" report rich --format json --out json >/dev/null || fail "report --format json"
[ "$(ls json | wc -l)" = 7 ] && [ "$(ls json/*.json | wc -l)" = 7 ] || fail "--format json wrote: $(ls json)"
"$bin" report rich --format tex --view comparison,break_even --out tex >/dev/null || fail "report --format tex"
[ "$(ls tex)" = "$(printf 'break_even.tex\ncomparison.tex')" ] || fail "--format tex --view wrote: $(ls tex)"
"$bin" report rich --view comparison --format csv --out - >stdout.csv 2>report.err || fail "report --out -"
cmp -s stdout.csv rich/comparison.csv || fail "--out - differs from comparison.csv"
[ ! -e ./- ] || fail "--out - made a folder named -"
grep -q "wrote 1 files to stdout" report.err || fail "report's message is not on stderr: $(cat report.err)"
[ "$("$bin" report rich --out - 2>/dev/null | grep -c '^==> ')" = 28 ] || fail "--out - with every view: not 28 files"
for bad in "--format xlsx" "--view nope" "--view decode"; do
  "$bin" report dense $bad --out bad >/dev/null 2>&1; code=$?
  [ "$code" = 2 ] || fail "report $bad exited $code, expected 2"
done

"$bin" density "$src/tests/views/rich.yaml" --format json,csv --out dens >/dev/null || fail "density --out"
[ -s dens/density.json ] && [ -s dens/density.csv ] && [ ! -e dens/density.md ] || fail "density --format json,csv wrote: $(ls dens)"
"$bin" density "$src/tests/views/rich.yaml" --format csv | head -1 | grep -q "^label,pattern," || fail "density --format csv on stdout"
"$bin" density "$src/tests/views/rich.yaml" | grep -q "| yes " || fail "density's Markdown on stdout"
[ ! -e ./- ] || fail "density made a folder named -"

grep -q "No rows: .*no case ran on the sparse executor" dense/break_even.md || fail "an empty break_even does not say why"
grep -q "^\`sparse ms\`.* empty: no case ran on the sparse executor" dense/comparison.md || fail "empty comparison columns do not say why"
[ "$(cat dense/break_even.json)" = "[]" ] || fail "an empty view's JSON is not []"
[ "$(wc -l < dense/break_even.csv)" = 1 ] || fail "an empty view's CSV is not its header"

# A NaN in the canonical file ("NaN", as it writes non-finite numbers) is null in the views.
mkdir nan
"$python" - rich/results.jsonl nan/results.jsonl <<'PY' || fail "could not write the NaN fixture"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i, line in enumerate(lines):
    record = json.loads(line)
    if record.get("type") == "case" and record.get("role") != "baseline" and record.get("latency_ms"):
        record["latency_ms"]["median"] = "NaN"
        lines[i] = json.dumps(record)
        break
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
"$bin" report nan >/dev/null || fail "report of a run with a NaN latency"
"$python" - nan <<'PY' || fail "NaN latency not null"
import json, sys
rows = json.load(open(sys.argv[1] + "/table.json"))
assert sum(r["median_ms"] is None and r["status"] == "passed" for r in rows) == 1, "one null median"
import csv
cells = [r["median_ms"] for r in csv.DictReader(open(sys.argv[1] + "/table.csv"))]
assert cells.count("nan") == 1, "the CSV writes the NaN median as nan"
PY
"$python" "$src/tests/views/check_views.py" rich dense nan || fail "check_views.py"
echo "views: report and density flags, empty views, NaN and typed JSON/CSV checked"
