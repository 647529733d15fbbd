#!/usr/bin/env bash
# A sweep killed with SIGKILL at a random point and resumed records every case exactly once and
# its results parse; Ctrl-C (SIGINT) finishes the running case, leaves nothing torn, exits 130.
set -u
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cat > "$work/sweep.yaml" <<'YAML'
name: killme
shape: {heads: 2, head_dim: 32}
seq_len: [256, 512, 768, 1024]
executor: [dense, sparse]
threads: 1
repetitions: 5
patterns:
  - {name: dense, sweep: {causal: [false, true]}}
  - {name: sliding_window, sweep: {radius: [16, 64]}}
YAML
expected=$("$bin" run "$work/sweep.yaml" --mode list --ids | sort)
# The config's cases; records run only as other cases' full-attention baselines are left out.
# (A record's own id comes first; its baseline's id is further on the line.)
ids() { sed -n 's/^{"type":"case","id":"\([^"]*\)".*/\1/p' "$1/results.jsonl" 2>/dev/null; }
recorded() { grep -v '"role":"baseline"' "$1/results.jsonl" 2>/dev/null | sed -n 's/^{"type":"case","id":"\([^"]*\)".*/\1/p' | sort; }
wait_for_records() {  # until the file holds at least $2 case records (at most 60 s)
  for _ in $(seq 600); do
    [ "$(grep -c '"type":"case"' "$1/results.jsonl" 2>/dev/null)" -ge "$2" ] 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

"$bin" run "$work/sweep.yaml" --out "$work/k" >/dev/null 2>&1 &
pid=$!
wait_for_records "$work/k" $((1 + RANDOM % 8)) || fail "no records appeared"
sleep "0.$((RANDOM % 10))"
kill -9 "$pid"; wait "$pid" 2>/dev/null
before=$(grep -c '"type":"case"' "$work/k/results.jsonl")
"$bin" run "$work/sweep.yaml" --resume "$work/k" >/dev/null 2>"$work/resume.err" || fail "resume failed: $(tail -3 "$work/resume.err")"
[ "$(recorded "$work/k")" = "$expected" ] || fail "after SIGKILL ($before cases recorded) and --resume, the cases differ from the config's"
twice=$(ids "$work/k" | sort | uniq -d)
[ -z "$twice" ] || fail "recorded twice after --resume (baselines included): $twice"
"$bin" report "$work/k" >/dev/null || fail "the resumed results do not parse"

"$bin" run "$work/sweep.yaml" --out "$work/i" >/dev/null 2>&1 &
pid=$!
wait_for_records "$work/i" 2 || fail "no records appeared"
kill -INT "$pid"; wait "$pid"; code=$?
[ "$code" = 130 ] || fail "Ctrl-C exited $code, expected 130"
[ -z "$(tail -c 1 "$work/i/results.jsonl")" ] || fail "Ctrl-C left a torn last line"
"$bin" run "$work/sweep.yaml" --resume "$work/i" >/dev/null 2>&1 || fail "resume after Ctrl-C failed"
[ "$(recorded "$work/i")" = "$expected" ] || fail "after Ctrl-C and --resume, the cases differ"
"$bin" run "$work/sweep.yaml" --set repetitions=2 --resume "$work/i" >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || fail "resuming with a changed config exited $code, expected 2"
echo "resume: killed after $before cases, resumed, every case once; Ctrl-C exits 130"
