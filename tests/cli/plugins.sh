#!/usr/bin/env bash
# Pattern plugins loaded into the attnbench binary: listed, run from a config's `plugins:` and
# reported like built-in patterns, checked by `conformance`; a broken plugin fails conformance
# with a message naming the wrong shortcut; an incompatible or clashing plugin is refused with
# exit code 2 and a clear message, never a crash.
#   plugins.sh ATTNBENCH LOG_SPARSE.so LOG_SPARSE_BROKEN.so ABI_MISMATCH.so LAYOUT_MISMATCH.so
#              DUPLICATE_NAME.so
set -u
bin=$1 good=$2 broken=$3 abi=$4 layout=$5 duplicate=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
expect_exit() {  # CODE DESCRIPTION COMMAND...: runs it, output in $work/out
  local code=$1 what=$2
  shift 2
  "$@" >"$work/out" 2>&1
  local got=$?
  [ "$got" -eq "$code" ] || fail "$what: exit $got, expected $code: $(tail -5 "$work/out")"
}
says() { grep -qF -- "$1" "$work/out" || fail "expected '$1' in: $(tail -8 "$work/out")"; }

expect_exit 0 "patterns with --plugin" "$bin" --plugin "$good" patterns
says "log_sparse  (plugin $(realpath "$good"))"
expect_exit 0 "--plugin after the command" "$bin" patterns --json --plugin "$good"
says '"plugin": "'"$(realpath "$good")"'"'

expect_exit 0 "conformance of the plugin" "$bin" conformance --plugin "$good"
says "conformance: 1 of 1 patterns passed every check"
expect_exit 1 "conformance of the broken plugin" "$bin" conformance --plugin "$broken"
says "FAIL classifier"
says "classify says full, but allows permits"

expect_exit 2 "a plugin of another ABI" "$bin" --plugin "$abi" patterns
says "built against plugin ABI 999, this attnbench"
says "rebuild it against this attnbench"
expect_exit 2 "a plugin whose shared types changed size" "$bin" --plugin "$layout" patterns
says "whose plugin types have another layout"
expect_exit 2 "a plugin reusing a built-in name" "$bin" --plugin "$duplicate" patterns
says "pattern 'sliding_window' is already registered (built in)"
expect_exit 2 "a shared library that is no plugin" "$bin" --plugin "$(ldd "$bin" | awk '/libfmt/ {print $3}')" patterns
says "it is not an attnbench plugin"
expect_exit 2 "a missing plugin file" "$bin" --plugin "$work/nothing.so" patterns
says "no plugin file $work/nothing.so"

# A config names the plugin relative to itself; its pattern runs on both executors, is checked
# against the reference and lands in the tables like a built-in one.
mkdir "$work/exp" && cp "$good" "$work/exp/"
cat > "$work/exp/sweep.yaml" <<'YAML'
name: plugin-sweep
plugins: [log_sparse.so]
shape: {heads: 2, head_dim: 32}
seq_len: [256, 600]
executor: [dense, sparse]
threads: 1
repetitions: 2
patterns:
  - {name: log_sparse, sweep: {local: [0, 32]}}
  - {name: sliding_window, params: {radius: 16, causal: true}}
YAML
expect_exit 0 "a sweep with a plugin pattern" "$bin" run "$work/exp/sweep.yaml" --mode all --out "$work/run"
[ "$(grep -c '"pattern":"log_sparse".*"status":"passed"' "$work/run/results.jsonl")" -eq 8 ] ||
  fail "expected 8 passed log_sparse cases: $(grep -o '"status":"[a-z]*"' "$work/run/results.jsonl" | sort | uniq -c)"
grep -q '"plugins":\["'"$(realpath "$work/exp/log_sparse.so")"'"\]' "$work/run/results.jsonl" ||
  fail "the run's context does not record the plugin"
grep -q "log_sparse" "$work/run/comparison.md" || fail "the plugin pattern is missing from the tables"
expect_exit 0 "report of a run with a plugin pattern" "$bin" report "$work/run" --out "$work/report"

sed -i 's|plugins: \[log_sparse.so\]|plugins: [missing.so]|' "$work/exp/sweep.yaml"
expect_exit 2 "a config naming a missing plugin" "$bin" run "$work/exp/sweep.yaml" --mode list
says "sweep.yaml:2:11: key 'plugins.0': no plugin file"
echo "PASS"
