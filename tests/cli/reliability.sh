#!/usr/bin/env bash
# Issue 14's classes end to end through the binary: no crash, no hang, no unreadable run, whatever
# the input. Each block reproduces one class that once crashed, hung or lost data.
set -u
bin=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
scale=${ATTNBENCH_TIME_SCALE:-1}  # 10 in sanitized builds (tests/CMakeLists.txt)
t() { timeout $((60 * scale)) "$@"; }  # a hang is a failure, not a stuck test
cases_in() { grep '"type":"case"' "$1" | grep -vc '"role":"baseline"'; }  # baselines excluded

cat > "$work/two.yaml" <<'YAML'
name: two
shape: {heads: 1, head_dim: 16}
seq_len: 64
executor: dense
repetitions: 1
warmup: 0
patterns:
  - {name: dense, sweep: {causal: [false, true]}}
YAML

# An empty shard is a valid, complete, empty run that merge accepts.
for k in 1 2 3; do
  t "$bin" run "$work/two.yaml" --shard "$k/3" --out "$work/s$k" >"$work/s$k.out" 2>&1 ||
    fail "shard $k/3 of a two-case sweep exited $?: $(tail -3 "$work/s$k.out")"
done
t "$bin" report "$work/s3" >/dev/null 2>&1 || fail "report refuses the empty shard"
t "$bin" merge "$work/s1" "$work/s2" "$work/s3" --out "$work/merged" >"$work/merge.out" 2>&1 ||
  fail "merge refuses an empty shard: $(cat "$work/merge.out")"
[ "$(cases_in "$work/merged/results.jsonl")" = 2 ] || fail "the merge lost a case"
id=$(t "$bin" run "$work/two.yaml" --mode list --ids | head -1)
t "$bin" run "$work/two.yaml" --case "$id" --shard 2/2 --out "$work/one_empty" >/dev/null 2>&1 ||
  fail "--case ID --shard 2/2 exited $?"

# YAML aliases: a self-reference and an alias bomb are refused at once, located (exit 2).
printf 'seq_len: 64\npatterns: &p [{name: dense}, *p]\n' > "$work/self.yaml"
for command in run density "gallery --out $work/g.png"; do
  out=$(t "$bin" $command "$work/self.yaml" 2>&1); code=$?
  [ "$code" = 2 ] || fail "$command on a self-referencing alias exited $code: $out"
  echo "$out" | grep -q "self.yaml:2:.*alias refers to a node that contains it" || fail "not located: $out"
done
{ printf 'seq_len: 64\npatterns: [{name: dense}]\nx0: &a [1,1,1,1,1,1,1,1,1,1]\n'; prev=a
  for n in b c d e f g h i; do printf "x$n: &$n [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]\n"; prev=$n; done; } > "$work/bomb.yaml"
start=$(date +%s)
out=$(t "$bin" density "$work/bomb.yaml" 2>&1); code=$?
[ "$code" = 2 ] || fail "an alias bomb exited $code: $out"
[ $(($(date +%s) - start)) -le 10 ] || fail "an alias bomb took more than 10 s"
out=$(t "$bin" run "$work/two.yaml" --mode list --set 'patterns=&q [*q]' 2>&1); code=$?
[ "$code" = 2 ] || fail "a self-referencing --set exited $code: $out"


# Size guards: mask, density and gallery estimate their memory first and refuse what cannot fit.
start=$(date +%s)
out=$(t "$bin" mask dense --seq-len 1000000000 --ascii 2>&1); code=$?
[ "$code" = 2 ] || fail "a billion-token dense mask exited $code: $out"
echo "$out" | grep -q "needs at least .* more than" || fail "the refusal does not say how much: $out"
out=$(t "$bin" mask sliding_window --seq-len 1000000 --set radius=64 --ascii 2>&1) ||
  fail "a 1M-token window mask (--ascii) failed: $out"
for command in density "gallery --out $work/g.png"; do
  out=$(t "$bin" $command "$work/two.yaml" --set seq_len=100000000 2>&1); code=$?
  [ "$code" = 2 ] || fail "$command of a billion-token dense mask exited $code: $out"
  echo "$out" | grep -q "needs at least" || fail "$command does not say how much: $out"
done
[ $(($(date +%s) - start)) -le 30 ] || fail "the size guards took more than 30 s"
out=$(t "$bin" mask dense --seq-len 64 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "nothing to write" || fail "mask with no output exited $code: $out"

# run refuses more than 10^6 cases unless --max-cases; 600,000 cases list in seconds.
cat > "$work/many.yaml" <<'YAML'
name: many
shape: {heads: 1, head_dim: 16}
seq_len: 64
threads: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
block_q: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
block_kv: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
executor: [dense, sparse]
patterns:
  - {name: sliding_window, sweep: {radius: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}}
  - {name: dense, sweep: {causal: [false, true]}}
YAML
{ printf 'name: huge\nseq_len: [%s]\n' "$(seq -s, 1 1000)"; printf 'patterns:\n  - {name: sliding_window, sweep: {radius: [%s]}}\n' "$(seq -s, 0 1000)"; } > "$work/huge.yaml"
out=$(t "$bin" run "$work/huge.yaml" --mode list 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "1001000 cases, more than the 1000000 allowed" ||
  fail "a sweep of 1001000 cases exited $code: $(echo "$out" | tail -2)"
start=$(date +%s)
n=$(t "$bin" run "$work/many.yaml" --mode list --ids --set 'patterns.0.sweep.radius=[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28]' \
  --set 'seq_len=[64,65,66,67,68,69,70,71,72,73]' --max-cases 2000000 | wc -l)
[ "$n" = 600000 ] || fail "listed $n cases, expected 600000"
[ $(($(date +%s) - start)) -le $((60 * scale)) ] || fail "listing 600,000 cases took more than $((60 * scale)) s"

# The memory guard bounds the layout before building it; the case is skipped, exit 0.
out=$(t "$bin" run "$work/two.yaml" --set seq_len=262144 --set executor=sparse --set patterns.0.sweep.causal=[false] \
  --memory-limit 200M --out "$work/guard" 2>&1) || fail "a guarded run exited $?: $out"
grep -q '"status":"skipped","message":"memory guard: analytic memory at least' "$work/guard/results.jsonl" ||
  fail "the layout was not bounded before it was built: $(tail -c 400 "$work/guard/results.jsonl")"

# Non-finite numbers: a NaN input fails the check, saying so, and the folder stays readable.
python3 - "$work" <<'PY'
import struct, sys
def npy(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % "".join(f"{s}, " for s in shape)
    header += " " * (63 - (len(header) + 10) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack(f"<{len(values)}f", *values))
n = 1 * 1 * 64 * 16
vals = [0.01 * (i % 7) for i in range(n)]
vals[5] = float("nan")
for name in "qkv": npy(f"{sys.argv[1]}/{name}.npy", (1, 1, 64, 16), vals)
PY
printf 'name: nan\nshape: {heads: 1, head_dim: 16}\nseq_len: 64\nexecutor: dense\nrepetitions: 1\nwarmup: 0\ninputs: {q: q.npy, k: k.npy, v: v.npy}\npatterns: [{name: dense}]\n' > "$work/nan.yaml"
(cd "$work" && t "$bin" run nan.yaml --out nanrun >nan.out 2>&1); code=$?
[ "$code" = 1 ] || fail "a NaN input exited $code: $(tail -3 "$work/nan.out")"
grep -q '"status":"failed".*"message":"[0-9]* non-finite values' "$work/nanrun/results.jsonl" || fail "NaN not named"
grep -q '"max_abs_err":"Infinity"' "$work/nanrun/results.jsonl" || fail "infinity not written as a string"
t "$bin" report "$work/nanrun" >/dev/null 2>&1 || fail "report refuses a folder with a non-finite number"

# Input files: relative to the config's folder, read once, recorded with their digest; a resumed
# run refuses files that changed. /dev/zero is not an input file.
(cd / && t "$bin" run "$work/nan.yaml" --mode check --out "$work/rel" >/dev/null 2>&1); code=$?
[ "$code" = 1 ] || fail "inputs relative to the config's folder: exit $code"
grep -q '"files":\[{"role":"inputs.q","path":"[^"]*q.npy","bytes":[0-9]*,"sha256":"[0-9a-f]\{64\}"' "$work/rel/results.jsonl" ||
  fail "context.files missing: $(head -c 600 "$work/rel/results.jsonl")"
printf 'X' | dd of="$work/k.npy" bs=1 seek=200 conv=notrunc 2>/dev/null
out=$(t "$bin" run "$work/nan.yaml" --mode check --resume "$work/rel" 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "inputs.k changed" || fail "a changed input file was not noticed: $code $out"
out=$(t "$bin" run "$work/nan.yaml" --set inputs.q=/dev/zero 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "not a regular file" || fail "inputs: /dev/zero exited $code: $out"

# A complete last record without its newline is kept, by report and by --resume.
t "$bin" run "$work/two.yaml" --out "$work/nl" >/dev/null 2>&1 || fail "run failed"
records=$(grep -c '"type":"case"' "$work/nl/results.jsonl")
grep -v '"type":"end"' "$work/nl/results.jsonl" | head -c -1 > "$work/nl/x" && mv "$work/nl/x" "$work/nl/results.jsonl"
out=$(t "$bin" report "$work/nl" 2>&1) || fail "report failed: $out"
echo "$out" | grep -q "from $records records" || fail "report dropped the last record: $out"
t "$bin" run "$work/two.yaml" --resume "$work/nl" >/dev/null 2>&1 || fail "resume failed"
[ "$(cases_in "$work/nl/results.jsonl")" = 2 ] || fail "--resume dropped or repeated the last record"

# report refuses two contexts, duplicate ids, unknown record types and overflowing integers.
bad() {  # bad NAME EDIT-COMMAND WORDS
  mkdir -p "$work/$1"; sh -c "$2" sh "$work/nl/results.jsonl" > "$work/$1/results.jsonl"
  out=$(t "$bin" report "$work/$1" 2>&1); code=$?
  [ "$code" = 2 ] && echo "$out" | grep -q "$3" || fail "report of $1 exited $code: $out"
}
bad two_contexts 'cat "$1"; head -1 "$1"' "results.jsonl:[0-9]*: .*second context"
bad duplicate_id 'cat "$1"; grep case "$1" | tail -1' "results.jsonl:[0-9]*: .*recorded twice"
bad unknown_type 'cat "$1"; echo "{\"type\":\"note\"}"' "results.jsonl:[0-9]*: .*unknown record type"
bad overflow 'sed "1s/\"cores\":[0-9]*/\"cores\":1e23/" "$1"' "results.jsonl:1: .*cores"
bad overflow_axis 'sed "2s/\"heads\":[0-9]*/\"heads\":1e23/" "$1"' "results.jsonl:2: .*heads"

# run writes only into a folder it created.
mkdir "$work/taken"
out=$(t "$bin" run "$work/two.yaml" --out "$work/taken" 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "already exists" || fail "--out an existing folder exited $code: $out"
[ -z "$(ls "$work/taken")" ] || fail "run wrote into a folder it did not create"
out=$(t "$bin" run "$work/two.yaml" --out '' 2>&1); code=$?
[ "$code" = 2 ] || fail "--out '' exited $code: $out"
out=$(t "$bin" run "$work/two.yaml" --resume "$work/nl" --out "$work/other" 2>&1); code=$?
[ "$code" = 2 ] || fail "--out with --resume exited $code: $out"
(cd "$work" && { t "$bin" run two.yaml --mode check >/dev/null 2>&1 & t "$bin" run two.yaml --mode check >/dev/null 2>&1; wait; })
[ "$(ls "$work/results/two" | grep -vc '^latest$')" = 2 ] || fail "two runs started together share a folder: $(ls "$work/results/two")"
[ -d "$work/results/two/$(readlink "$work/results/two/latest")" ] || fail "latest does not point at either of two runs started together"
mkdir "$work/fresh"
t "$bin" run "$work/two.yaml" --resume "$work/fresh" >/dev/null 2>&1 || fail "--resume of a folder holding no record failed"
[ "$(cases_in "$work/fresh/results.jsonl")" = 2 ] || fail "--resume of an empty folder did not run the cases"
printf 'name: ../../x\nseq_len: 64\npatterns: [{name: dense}]\n' > "$work/escape.yaml"
out=$(t "$bin" run "$work/escape.yaml" 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "escape.yaml:1:7: key 'name'" || fail "name: ../../x exited $code: $out"

# Every record carries its mode; resuming or merging across modes is refused.
grep -q '"type":"case".*"mode":"all"' "$work/nl/results.jsonl" || fail "case records carry no mode"
out=$(t "$bin" run "$work/two.yaml" --mode check --resume "$work/nl" 2>&1); code=$?
[ "$code" = 2 ] || fail "resume in another mode exited $code: $out"
t "$bin" run "$work/two.yaml" --mode check --shard 1/2 --out "$work/m1" >/dev/null 2>&1
t "$bin" run "$work/two.yaml" --mode perf --shard 2/2 --out "$work/m2" >/dev/null 2>&1
out=$(t "$bin" merge "$work/m1" "$work/m2" --out "$work/m12" 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "mode" || fail "merge across modes exited $code: $out"

# A closed stdout does not kill the sweep.
t "$bin" run "$work/two.yaml" --out "$work/pipe" 2>/dev/null | true
code=${PIPESTATUS[0]}
[ "$code" = 0 ] || fail "run | head exited $code"
[ "$(cases_in "$work/pipe/results.jsonl")" = 2 ] || fail "run | head lost cases"

# A results folder deleted mid-run stops the sweep at the next case, clearly.
"$bin" run "$work/two.yaml" --set repetitions=200 --set seq_len=[512,1024,2048] --out "$work/gone" >/dev/null 2>"$work/gone.err" &
pid=$!
for _ in $(seq 100); do [ -s "$work/gone/results.jsonl" ] && break; sleep 0.1; done
rm -rf "$work/gone"
wait "$pid"; code=$?
[ "$code" = 1 ] && grep -q "deleted or moved" "$work/gone.err" || fail "a deleted folder: exit $code, $(tail -2 "$work/gone.err")"

# Ctrl-C during the machine probe (--reprobe: seconds of work) leaves a folder that --resume
# finishes once the interrupted run has exited; a resume started while it still runs is refused.
"$bin" run "$work/two.yaml" --mode perf --reprobe --out "$work/probe" >/dev/null 2>"$work/probe.err" &
pid=$!
for _ in $(seq 200); do [ -e "$work/probe/results.jsonl" ] && break; sleep 0.05; done
sleep 0.2
kill -INT "$pid"
out=$(t "$bin" run "$work/two.yaml" --mode perf --resume "$work/probe" 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "another attnbench process" || fail "a resume beside the running run: exit $code, $out"
wait "$pid"; code=$?
[ "$code" = 130 ] || fail "SIGINT during the probe exited $code: $(tail -2 "$work/probe.err")"
t "$bin" run "$work/two.yaml" --mode perf --resume "$work/probe" >/dev/null 2>"$work/probe2.err" ||
  fail "resume after Ctrl-C during the probe: $(tail -2 "$work/probe2.err")"
[ "$(cases_in "$work/probe/results.jsonl")" = 2 ] || fail "the resumed run holds $(cases_in "$work/probe/results.jsonl") cases, not 2"
t "$bin" report "$work/probe" >/dev/null 2>&1 || fail "report refuses the resumed run"

# Messages: an unknown command, a folder as the config, --set into a plain value: exit 2, named.
out=$(t "$bin" frobnicate 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "unknown command 'frobnicate'" || fail "frobnicate: $code $out"
out=$(t "$bin" run "$work" 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "a folder, not a config file" || fail "a folder as config: $code $out"
out=$(t "$bin" run "$work/two.yaml" --set seq_len.x=1 2>&1); code=$?
[ "$code" = 2 ] && echo "$out" | grep -q "plain value" || fail "--set seq_len.x=1: $code $out"
out=$(t "$bin" mask dense --seq-len 64 --head-dim 0 --ascii 2>&1); code=$?
[ "$code" = 2 ] || fail "--head-dim 0 exited $code: $out"
printf 'seq_len: 64\npatterns: [{name: dense}]\n\x01\x02\xff\xfe garbage\n' > "$work/garbage.yaml"
out=$(t "$bin" run "$work/garbage.yaml" 2>&1); code=$?
[ "$code" = 2 ] || fail "binary garbage exited $code"
! printf '%s' "$out" | LC_ALL=C grep -q "$(printf '[\001\002\377]')" || fail "binary garbage echoed raw: $out"

echo "reliability: all checks passed"
