#!/usr/bin/env bash
# The attnbench binary end to end: a bad config exits 2 and leaves no results folder; the quick
# config runs, and `report` rebuilds its tables byte for byte.
set -u
bin=$1
configs=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

printf 'seq_len: 64\nthreds: 2\npatterns: [{name: dense}]\n' > "$work/bad.yaml"
out=$("$bin" run "$work/bad.yaml" --out "$work/r" 2>&1); code=$?
[ "$code" = 2 ] || fail "bad config exited $code, expected 2: $out"
echo "$out" | grep -q "bad.yaml:2:1: key 'threds'" || fail "message does not name file:line:col and key: $out"
[ ! -e "$work/r" ] || fail "a results folder was left behind"

"$bin" run "$configs/quick.yaml" --out "$work/nope" --set shape.heads=x >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || fail "bad --set exited $code, expected 2"
"$bin" run "$configs/quick.yaml" --mode lists >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || fail "bad --mode exited $code, expected 2"

"$bin" run "$configs/quick.yaml" --out "$work/q" --set repetitions=1 >"$work/stdout" 2>"$work/stderr" || fail "quick run failed: $(tail -5 "$work/stderr")"
grep -q "passed, 0 failed" "$work/stdout" || fail "no summary line"
[ "$(head -c 17 "$work/q/results.jsonl")" = '{"type":"context"' ] || fail "no context line first"
cp "$work/q/table.md" "$work/md"; cp "$work/q/table.csv" "$work/csv"
rm "$work/q/table.md" "$work/q/table.csv"
"$bin" report "$work/q" >/dev/null || fail "report failed"
cmp -s "$work/md" "$work/q/table.md" || fail "table.md differs after report"
cmp -s "$work/csv" "$work/q/table.csv" || fail "table.csv differs after report"

"$bin" compare "$work/q" "$work/q" >/dev/null 2>&1 || fail "compare of a run with itself failed"
"$bin" mask longformer --seq-len 300 --set radius=16 --png "$work/m.png" >/dev/null 2>&1 || fail "mask --png failed"
[ "$(head -c 4 "$work/m.png" | tail -c 3)" = "PNG" ] || fail "mask --png wrote no PNG"
"$bin" gallery "$configs/quick.yaml" --out "$work/g.png" >/dev/null 2>&1 || fail "gallery failed"
"$bin" gallery "$configs/quick.yaml" --out "$work/g.svg" >/dev/null 2>&1 || fail "gallery --out .svg failed"
grep -q "</svg>" "$work/g.svg" || fail "gallery wrote no SVG"
# Picture options: a wrong extension, both --size and --scale, 1-px lines in a large picture.
for options in "--png $work/m.jpg" "--png $work/m.png --size 512 --scale 4" "--svg $work/m.svg --scale 1"; do
  out=$("$bin" mask longformer --seq-len 300 $options 2>&1); code=$?
  [ "$code" = 2 ] || fail "mask $options: exit $code, expected 2"
  echo "$out" | grep -q -- "--s\|--png\|excludes" || fail "mask $options: no option named in: $out"
done
# A parameter left at its default is the pattern's, not --set's.
out=$("$bin" mask sliding_window --seq-len 64 --ascii 2>&1); code=$?
[ "$code" = 2 ] || fail "mask with a default radius too long: exit $code, expected 2"
echo "$out" | grep -q "its default radius" || fail "mask names no default: $out"
echo "$out" | grep -q -- "--set" && fail "mask blames --set that was not given: $out"
"$bin" density "$configs/quick.yaml" | grep -q "| yes " || fail "density shows no agreeing closed form"

id=$("$bin" run "$configs/quick.yaml" --mode list --ids | sed -n 3p)
"$bin" run "$configs/quick.yaml" --case "$id" --mode check --out "$work/one" >"$work/one.out" 2>&1 || fail "--case rerun failed"
[ "$(grep -c '"type":"case"' "$work/one/results.jsonl")" = 1 ] || fail "--case ran more than one case"
"$bin" run "$configs/quick.yaml" --case "no-such-id" --out "$work/none" >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || fail "unknown --case exited $code"
"$bin" run "$configs/quick.yaml" --memory-limit 1M --out "$work/guard" >"$work/guard.out" 2>&1 || fail "a run whose cases the memory guard skips must exit 0: $(tail -3 "$work/guard.out")"
[ "$(grep -c '"status":"skipped","message":"memory guard: analytic memory' "$work/guard/results.jsonl")" = 20 ] || fail "the memory guard did not skip every case with its reason"

# Results written before format 2 (the reference run) still load: views, and compare with itself.
reference="$configs/../results/reference/seed-patterns"
"$bin" report "$reference" --out "$work/old" >/dev/null || fail "report refused a format-1 run"
grep -q "no baseline recorded" "$work/old/comparison.md" || fail "format-1 views do not say that no baseline was recorded"
"$bin" compare "$reference" "$reference" >/dev/null 2>&1 || fail "compare of a format-1 run with itself failed"
"$bin" compare "$reference" "$work/q" >"$work/cmp.out" 2>&1; code=$?
[ "$code" = 2 ] || fail "compare of runs that share no case exited $code, expected 2"
grep -q "allow-partial" "$work/cmp.out" || fail "compare did not say why: $(tail -2 "$work/cmp.out")"
"$bin" compare "$reference" "$work/q" --allow-partial >/dev/null 2>&1 || fail "--allow-partial did not accept runs that share no case"
"$bin" compare "$work/q" "$work/q" --ignore thread >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || fail "compare --ignore with an unknown axis exited $code, expected 2"

for f in "$configs"/../tests/bad_configs/*.yaml; do
  read -r _ _ line column key _ < "$f"
  out=$("$bin" run "$f" --out "$work/bad" 2>&1); code=$?
  [ "$code" = 2 ] || fail "$f exited $code, expected 2: $out"
  [ "$line" = 0 ] || echo "$out" | grep -qF "$f:$line:$column: " || fail "$f: no $line:$column in: $out"
  [ "$key" = "-" ] || echo "$out" | grep -qF "key '$key'" || fail "$f: key $key not named in: $out"
  [ ! -e "$work/bad" ] || fail "$f left a results folder"
done

echo "cli exit codes: all checks passed"
