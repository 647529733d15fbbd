#!/usr/bin/env bash
# A plugin author's path: install attnbench (cmake --install), build examples/plugin as its own
# CMake project against the installed package, load its plugin into the installed binary, pass
# conformance, and see the deliberately broken variant fail it with a clear message.
#   example_plugin.sh ATTNBENCH_BUILD_DIR EXAMPLE_SOURCE_DIR
set -u
build=$1 example=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  fail "cmake --install: $(tail -5 "$work/install.log")"
bin=$work/prefix/bin/attnbench
[ -x "$bin" ] || fail "no installed binary"
cmake -S "$example" -B "$work/plugin" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" 2>&1 ||
  fail "configuring the example against the installed attnbench: $(tail -15 "$work/configure.log")"
cmake --build "$work/plugin" >"$work/build.log" 2>&1 || fail "building the example: $(tail -15 "$work/build.log")"

"$bin" --plugin "$work/plugin/log_sparse.so" patterns >"$work/patterns.txt" 2>&1 ||
  fail "the installed attnbench cannot load the plugin: $(tail -5 "$work/patterns.txt")"
grep -q "^log_sparse  (plugin " "$work/patterns.txt" || fail "patterns does not list log_sparse"

# The project's own CTest: log_sparse_conformance passes, log_sparse_broken_conformance fails
# (it is marked WILL_FAIL, so the run as a whole passes).
ctest --test-dir "$work/plugin" --output-on-failure >"$work/ctest.log" 2>&1 ||
  fail "the example's ctest: $(tail -20 "$work/ctest.log")"
grep -q "100% tests passed, 0 tests failed out of 2" "$work/ctest.log" || fail "$(cat "$work/ctest.log")"

# The installed binary runs the plugin's pattern from a config and checks it against the
# reference: every case passed, the allowed pairs of local=8 at n=64 as counted by hand.
cat > "$work/run.yaml" <<YAML
name: example-plugin
plugins: [$work/plugin/log_sparse.so]
shape: {heads: 2, head_dim: 16}
seq_len: 64
block_q: 16
block_kv: 16
executor: [dense, sparse]
threads: 1
repetitions: 1
patterns:
  - {name: log_sparse, params: {local: 8}}
YAML
"$bin" run "$work/run.yaml" --mode check --out "$work/run" >"$work/run.log" 2>&1 ||
  fail "run with the installed plugin: $(tail -15 "$work/run.log")"
passed=$(grep -c '"pattern":"log_sparse".*"status":"passed"' "$work/run/results.jsonl")
[ "$passed" -eq 2 ] || fail "expected 2 passed log_sparse cases (dense, sparse), got $passed"
# Query i sees itself, the 8 keys before it (fewer near the start) and keys i - 2^j beyond them.
pairs=$(python3 - <<'PY'
n, local = 64, 8
total = 0
for i in range(n):
    keys = {j for j in range(max(0, i - local), i + 1)}
    p = 1
    while i - p >= 0:
        keys.add(i - p)
        p *= 2
    total += len(keys)
print(total)
PY
)
grep -q "\"allowed_pairs\":$((pairs * 2))," "$work/run/results.jsonl" ||
  fail "the run's allowed pairs are not 2 heads x $pairs: $(grep -o '"allowed_pairs":[0-9]*' "$work/run/results.jsonl" | head -2)"

"$bin" conformance --plugin "$work/plugin/log_sparse_broken.so" >"$work/broken.txt" 2>&1
[ $? -eq 1 ] || fail "conformance passed the broken variant: $(cat "$work/broken.txt")"
grep -q "FAIL classifier .*classify says full, but allows permits" "$work/broken.txt" ||
  fail "the broken variant's failure does not say what is wrong: $(cat "$work/broken.txt")"
echo "PASS: installed, built out of tree, loaded, run and checked ($passed cases, $((pairs * 2)) pairs), conformance passed; the broken variant failed:"
grep FAIL "$work/broken.txt"
