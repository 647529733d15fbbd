#!/usr/bin/env bash
# Through the binary: `config --explain` (text and JSON) lists what the loader accepts; a sweep
# bends around a point its pattern cannot take while a single point stays exit 2; --set names
# entries by label; `--mode list` forecasts and `--ids` keeps the plain id list.
set -u
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

text=$("$bin" config --explain) || fail "config --explain exited $?"
for key in shape.heads 'patterns\[\].params' executor threads 'inputs\[\].logit' 'inputs\[\].min_distance'; do
  echo "$text" | grep -q "^$key " || fail "config --explain lacks $key"
done
echo "$text" | grep "^executor " | grep -q "{dense|sparse}" || fail "executor's values not listed"
echo "$text" | grep "^inputs\[\].sinks " | grep -q "(with generator: sinks)" ||
  fail "a generator's parameter does not say which generator"
"$bin" config --explain --json > "$work/schema.json" || fail "config --explain --json exited $?"
if command -v python3 >/dev/null; then
  python3 - "$work/schema.json" <<'PY' || fail "config --explain --json is not the documented array"
import json, sys
rows = json.load(open(sys.argv[1]))
assert isinstance(rows, list) and len(rows) > 40
for r in rows:
    assert {"key", "type", "default", "meaning"} <= set(r), r
executor = next(r for r in rows if r["key"] == "executor")
assert executor["values"] == ["dense", "sparse"] and executor["default"] == "sparse", executor
assert next(r for r in rows if r["key"] == "seq_len")["default"] is None
PY
fi
"$bin" config >/dev/null 2>&1 && fail "config without --explain exited 0"

cat > "$work/bend.yaml" <<'YAML'
name: bend
shape: {heads: 1, head_dim: 16}
seq_len: [64, 128]
repetitions: 1
min_time_ms: 0
patterns:
  - name: sliding_window
    label: win
    sweep: {radius: [16, 96]}
YAML
out=$("$bin" run "$work/bend.yaml" --mode check --out "$work/r" 2>&1) || fail "the sweep exited $?: $out"
grep '"status":"skipped"' "$work/r/results.jsonl" | grep -q 'radius=96.*q64.kv64.*longer than the sequence (64)' ||
  fail "the point radius 96 at n=64 is not a skipped case with its reason"
[ "$(grep -c '"status":"passed"' "$work/r/results.jsonl")" = 3 ] || fail "the other points did not pass"
out=$("$bin" run "$work/bend.yaml" --mode list --set seq_len=64 --set patterns.win.params.radius=96 2>&1); code=$?
[ "$code" = 2 ] || fail "a single point the pattern cannot take exited $code: $out"
echo "$out" | grep -q "key 'patterns.0.params.radius'.*longer than the sequence" || fail "not located: $out"
echo "$out" | grep -q -- "--set patterns.win.params.radius=96" || fail "the override is not named as typed: $out"
out=$("$bin" run "$work/bend.yaml" --mode list --set patterns.wni.params.radius=8 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "labels: 'win'" || fail "an unknown label: exit $code: $out"

list=$("$bin" run "$work/bend.yaml" --mode list --memory-limit 150K) || fail "--mode list exited $?"
echo "$list" | head -1 | grep -q "^case  *memory  *cost  *guard  *id" || fail "no header: $list"
echo "$list" | grep "^win radius=96 n=64 " | grep -q " point " || fail "the refused point: $list"
echo "$list" | grep "^win radius=16 n=128 " | grep -q " skip " || fail "no guard verdict: $list"
ids=$("$bin" run "$work/bend.yaml" --mode list --ids) || fail "--mode list --ids exited $?"
[ "$(echo "$ids" | wc -l)" = 4 ] && ! echo "$ids" | grep -q " " || fail "--ids is not the plain id list: $ids"
echo "schema: all checks passed"
