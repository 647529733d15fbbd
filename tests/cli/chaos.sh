#!/usr/bin/env bash
# Chaos: short sweeps stopped by SIGINT, SIGTERM, SIGHUP or SIGKILL at random points (the probe
# included); every folder left behind resumes to exactly-once records that `report` reads. SIGTERM
# and SIGHUP stop within 5 s with 128 + the signal and print the resume hint with the real config
# path; SIGINT finishes the running case and exits 130. About 70 s.
set -u
bin=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL (round $round, $signal after ${delay}s): $*"; exit 1; }
cat > "$work/chaos.yaml" <<'YAML'
name: chaos
shape: {heads: 2, head_dim: 32}
seq_len: [256, 512, 1024]
executor: [dense, sparse]
threads: 1
repetitions: 20
warmup: 1
patterns:
  - {name: dense, sweep: {causal: [false, true]}}
  - {name: sliding_window, sweep: {radius: [16, 64]}}
YAML
expected=$("$bin" run "$work/chaos.yaml" --mode list --ids | sort)
recorded() {  # the case ids, baselines excluded
  grep -v '"role":"baseline"' "$1/results.jsonl" 2>/dev/null |
    sed -n 's/^{"type":"case","id":"\([^"]*\)".*/\1/p' | sort
}
deadline=$(($(date +%s) + 60))  # rounds start for 60 s; the last one may take a while under ASan
round=0
signals=(INT TERM HUP KILL)
while [ "$(date +%s)" -lt "$deadline" ]; do
  round=$((round + 1))
  signal=${signals[$((RANDOM % 4))]}
  delay="$((RANDOM % 3)).$((RANDOM % 10))"
  dir="$work/r$round"
  "$bin" run "$work/chaos.yaml" --out "$dir" >"$work/out" 2>"$work/err" &
  pid=$!
  sleep "$delay"
  sent=$(date +%s%N)
  kill -"$signal" "$pid" 2>/dev/null
  wait "$pid"; code=$?
  took=$((($(date +%s%N) - sent) / 1000000))
  case "$signal:$code" in
    INT:130 | TERM:143 | HUP:129 | KILL:137 | *:0) ;;  # 0: finished before the signal
    *) fail "exit code $code: $(tail -3 "$work/err")" ;;
  esac
  if [ "$signal" = TERM ] || [ "$signal" = HUP ]; then
    # 5 s in a release build; sanitized builds run each repetition ~10x slower.
    [ "$took" -le $((5000 * ${ATTNBENCH_TIME_SCALE:-1})) ] || fail "took ${took} ms to stop"
    # A signal before the handlers exist (they come just before the folder) ends the process
    # with nothing to resume: no hint then.
    if [ "$code" != 0 ] && [ -d "$dir" ]; then
      grep -q "attnbench run '$work/chaos.yaml' --resume '$dir'" "$work/err" || fail "no resume hint: $(tail -2 "$work/err")"
    fi
  fi
  [ -d "$dir" ] || continue  # stopped before the folder existed: nothing to resume
  if [ -s "$dir/results.jsonl" ] && [ "$code" != 137 ]; then
    [ -z "$(tail -c 1 "$dir/results.jsonl")" ] || fail "a torn last line after a handled signal"
  fi
  "$bin" run "$work/chaos.yaml" --resume "$dir" >/dev/null 2>"$work/resume.err" ||
    fail "resume failed: $(tail -3 "$work/resume.err")"
  [ "$(recorded "$dir")" = "$expected" ] ||
    fail "the resumed records are not every case exactly once: $(diff <(recorded "$dir") <(echo "$expected") | head -5)"
  "$bin" report "$dir" >/dev/null 2>"$work/report.err" || fail "report failed: $(cat "$work/report.err")"
  rm -rf "$dir"
done
echo "chaos: $round rounds, every folder resumed to exactly-once records"
