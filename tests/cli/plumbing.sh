#!/usr/bin/env bash
# Issue 21's plumbing through the binary: every command that takes a run folder also takes its
# results.jsonl; results/<name>/latest follows the newest run; --case is repeatable and --filter
# selects by id or label in run, report and compare; --version; threads defaults to the cores
# this process may use.
set -u
bin=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
t() { timeout $((120 * ${ATTNBENCH_TIME_SCALE:-1})) "$@"; }  # a hang is a failure, not a stuck test
cases_in() { grep '"type":"case"' "$1" | grep -vc '"role":"baseline"'; }  # baselines excluded
cd "$work" || exit 1

cat > plumb.yaml <<'YAML'
name: plumb
seq_len: 64
shape: {batch: 1, heads: 2, head_dim: 16}
repetitions: 3
min_time_ms: 0
warmup: 0
patterns:
  - {name: dense, label: full}
  - name: sliding_window
    label: my window
    params: {causal: true}
    sweep: {radius: [8, 16]}
YAML

# --version: attnbench's version, the commit and oneDNN's version, exit 0.
out=$(t "$bin" --version 2>&1) || fail "--version exited $?: $out"
echo "$out" | head -1 | grep -Eq '^attnbench [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version line 1: $out"
echo "$out" | grep -q '^commit ' || fail "--version names no commit: $out"
echo "$out" | grep -Eq '^oneDNN [0-9]+\.[0-9]+' || fail "--version names no oneDNN version: $out"

# threads defaults to the CPUs of the affinity mask (nproc counts the same); taskset narrows it.
cores=$(nproc)
ids=$(t "$bin" run plumb.yaml --mode list --ids) || fail "--mode list failed"
[ "$(echo "$ids" | grep -vc "/t$cores\$")" = 0 ] || fail "ids without /t$cores on $cores cores: $ids"
if [ "$cores" -gt 1 ]; then
  ids=$(t taskset -c 0 "$bin" run plumb.yaml --mode list --ids) || fail "--mode list under taskset failed"
  [ "$(echo "$ids" | grep -vc '/t1$')" = 0 ] || fail "ids under taskset -c 0 are not /t1: $ids"
fi

# latest: two runs without --out; latest is a relative symlink to the second, and every command
# that takes a run folder takes latest, and the results.jsonl path `run` prints.
t "$bin" run plumb.yaml --mode perf >first.out 2>&1 || fail "first run: $(tail -3 first.out)"
first=$(sed -n 's/^results: \(.*\)\/results.jsonl$/\1/p' first.out)
[ -d "$first" ] || fail "the first run printed no results path: $(tail -3 first.out)"
[ "$(readlink results/plumb/latest)" = "$(basename "$first")" ] || fail "latest does not point at the first run"
sleep 1  # another second: another folder name (the same second would give <stamp>-2)
t "$bin" run plumb.yaml --mode perf >second.out 2>&1 || fail "second run: $(tail -3 second.out)"
second=$(sed -n 's/^results: \(.*\)\/results.jsonl$/\1/p' second.out)
[ -d "$second" ] && [ "$second" != "$first" ] || fail "the second run printed no new results path"
[ -L results/plumb/latest ] || fail "results/plumb/latest is not a symlink"
[ "$(readlink results/plumb/latest)" = "$(basename "$second")" ] ||
  fail "latest -> $(readlink results/plumb/latest), expected $(basename "$second")"
ls -A results/plumb | grep -q '^\.latest' && fail "a temporary link was left: $(ls -A results/plumb)"
cp "$second/table.md" table.md
rm "$second/table.md"
t "$bin" report results/plumb/latest >/dev/null 2>&1 || fail "report results/plumb/latest failed"
cmp -s table.md "$second/table.md" || fail "report of latest did not rebuild the second run's table"
rm "$second/table.md"
t "$bin" report "$second/results.jsonl" >/dev/null 2>&1 || fail "report RUN/results.jsonl failed"
cmp -s table.md "$second/table.md" || fail "report of results.jsonl did not rebuild the table in its folder"
t "$bin" report results/plumb/latest/results.jsonl >/dev/null 2>&1 || fail "report latest/results.jsonl failed"
(cd "$second" && t "$bin" report results.jsonl >/dev/null 2>&1) || fail "report results.jsonl (no folder part) failed"
out=$(t "$bin" compare "$first/results.jsonl" results/plumb/latest/results.jsonl 2>&1); code=$?
[ "$code" -le 1 ] && echo "$out" | grep -q "3 shared cases" || fail "compare of two results.jsonl exited $code: $out"
for bad in plumb.yaml "$second/table.md" "$work/nowhere/results.jsonl"; do
  out=$(t "$bin" report "$bad" 2>&1); code=$?
  [ "$code" = 2 ] && echo "$out" | grep -q "run folder or" || fail "report $bad exited $code: $out"
done

# --resume takes a results.jsonl: a finished run has nothing left; a folder that holds no record
# yet is run in place.
t "$bin" run plumb.yaml --mode perf --resume "$second/results.jsonl" >resume.out 2>&1 ||
  fail "--resume RUN/results.jsonl exited $?: $(tail -3 resume.out)"
[ "$(cases_in "$second/results.jsonl")" = 3 ] || fail "resuming a finished run added cases"
mkdir fresh && touch fresh/results.jsonl
t "$bin" run plumb.yaml --mode check --resume fresh/results.jsonl >/dev/null 2>&1 || fail "--resume fresh/results.jsonl failed"
[ "$(cases_in fresh/results.jsonl)" = 3 ] || fail "--resume fresh/results.jsonl did not run the cases"
# A run resumed where threads would default otherwise names other cases: refused.
if [ "$cores" -gt 1 ]; then
  t taskset -c 0 "$bin" run plumb.yaml --mode check --out one_core >/dev/null 2>&1 || fail "a run under taskset failed"
  head -2 one_core/results.jsonl >cut && mv cut one_core/results.jsonl
  out=$(t "$bin" run plumb.yaml --mode check --resume one_core 2>&1); code=$?
  [ "$code" = 2 ] && echo "$out" | grep -q "threads" || fail "resume on other threads exited $code: $out"
  t taskset -c 0 "$bin" run plumb.yaml --mode check --resume one_core >/dev/null 2>&1 || fail "resume on the same threads failed"
  [ "$(cases_in one_core/results.jsonl)" = 3 ] || fail "resume on the same threads did not finish the run"
fi

# merge takes the shards' results.jsonl.
t "$bin" run plumb.yaml --mode check --shard 1/2 --out s1 >/dev/null 2>&1 || fail "shard 1/2"
t "$bin" run plumb.yaml --mode check --shard 2/2 --out s2 >/dev/null 2>&1 || fail "shard 2/2"
t "$bin" merge s1/results.jsonl s2/results.jsonl --out merged >/dev/null 2>&1 || fail "merge of results.jsonl paths failed"
[ "$(cases_in merged/results.jsonl)" = 3 ] || fail "the merged run does not hold the 3 cases"

# --case is repeatable; --filter searches ids and labels; both: both must hold.
all=$(t "$bin" run plumb.yaml --mode list --ids)
a=$(echo "$all" | sed -n 1p) b=$(echo "$all" | sed -n 3p)
out=$(t "$bin" run plumb.yaml --mode list --ids --case "$a" --case "$b") || fail "two --case exited $?"
[ "$out" = "$(printf '%s\n%s' "$a" "$b")" ] || fail "--case A --case B listed: $out"
t "$bin" run plumb.yaml --mode check --case "$a" --case "$b" --out two_cases >/dev/null 2>&1 || fail "run with two --case failed"
[ "$(cases_in two_cases/results.jsonl)" = 2 ] || fail "run with two --case did not run exactly 2 cases"
out=$(t "$bin" run plumb.yaml --mode list --ids --filter 'my win') || fail "--filter on a label exited $?"
[ "$(echo "$out" | wc -l)" = 2 ] && ! echo "$out" | grep -q '^dense' || fail "--filter 'my win' (a label) listed: $out"
out=$(t "$bin" run plumb.yaml --mode list --ids --filter 'radius=1[0-9]') || fail "--filter on an id exited $?"
[ "$out" = "$b" ] || fail "--filter 'radius=1[0-9]' listed: $out"
out=$(t "$bin" run plumb.yaml --mode list --ids --filter 'window' --case "$a" 2>&1); code=$?
[ "$code" = 2 ] || fail "--case and a --filter it fails exited $code: $out"
out=$(t "$bin" run plumb.yaml --mode list --ids --filter '^full' --case "$a") && [ "$out" = "$a" ] || fail "--case with a --filter it passes: $out"
out=$(t "$bin" run plumb.yaml --mode list --ids --filter 'radius=(8' 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q -- "--filter: 'radius=(8' is not a regular expression (ECMAScript): ." ||
  fail "a bad regex exited $code: $out"
out=$(t "$bin" run plumb.yaml --mode list --ids --filter 'nothing like it' 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "no case" || fail "a --filter that selects nothing exited $code: $out"

# report --filter: the rows of the selected cases only, into --out; never over the run's views.
grep -q 'radius=16' "$second/table.md" || fail "the whole table holds no radius=16 row"
t "$bin" report "$second" --filter 'radius=8' --out sub >/dev/null 2>&1 || fail "report --filter failed"
grep -q 'radius=8' sub/table.md && ! grep -q 'radius=16' sub/table.md || fail "report --filter 'radius=8' wrote: $(cat sub/table.md)"
out=$(t "$bin" report "$second" --filter 'radius=8' 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q -- "--out" || fail "report --filter without --out exited $code: $out"
cmp -s table.md "$second/table.md" || fail "report --filter without --out changed the run's table"
out=$(t "$bin" report "$second" --filter '[' --out sub2 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "regular expression" || fail "report with a bad regex exited $code: $out"

# compare --filter and --case: only the selected cases are compared.
out=$(t "$bin" compare "$first" "$second" --filter 'my window' 2>&1); code=$?
[ "$code" -le 1 ] && echo "$out" | grep -q "2 shared cases" || fail "compare --filter exited $code: $out"
out=$(t "$bin" compare "$first" "$second" --case "$b" 2>&1); code=$?
[ "$code" -le 1 ] && echo "$out" | grep -q "1 shared cases" || fail "compare --case exited $code: $out"
out=$(t "$bin" compare "$first" "$second" --filter 'no such' 2>&1); code=$?
[ "$code" = 2 ] || fail "compare --filter selecting nothing exited $code: $out"
echo "plumbing: latest, results.jsonl paths, --case, --filter, --version and the threads default checked"
