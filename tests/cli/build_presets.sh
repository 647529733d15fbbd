#!/usr/bin/env bash
# The build scripts/run makes (CMake preset `run`): the binary alone, without the tests and the
# benchmarks, and with warnings that are not errors, so that an unused variable in a pattern
# added to patterns/ does not stop the main job; the `release` preset (scripts/test, .ci/run)
# keeps tests and -Werror. Both presets are configured into temporary folders (seconds, nothing
# is built), and a plugin-like file with an unused variable is compiled (-fsyntax-only) with each
# preset's own flags for a pattern file.
#   build_presets.sh SOURCE_DIR
set -u
src=$(realpath "$1")
python=/usr/bin/python3
[ -x "$python" ] || { echo "skipped: no python3 to read compile_commands.json"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
unset CMAKE_CXX_COMPILER_LAUNCHER

cat > "$work/unused.cpp" <<'CPP'
#include "core/registry.hpp"
int plugin_helper() {
  int unused = 42;
  return 0;
}
CPP

# compiles PRESET: the compile command of patterns/dense.cpp in that preset's configuration,
# on unused.cpp, syntax only. Prints the compiler's output; exits with its status.
compiles() {
  "$python" - "$work/$1/compile_commands.json" "$src/patterns/dense.cpp" "$work/unused.cpp" <<'PY'
import json, shlex, subprocess, sys
commands, pattern, snippet = sys.argv[1:]
entry = next(e for e in json.load(open(commands)) if e["file"] == pattern)
words = [w for w in shlex.split(entry["command"]) if w != pattern] + ["-fsyntax-only", snippet]
sys.exit(subprocess.run(words, cwd=entry["directory"]).returncode)
PY
}

for preset in run release; do
  (cd "$src" && cmake --preset "$preset" -B "$work/$preset" >"$work/$preset.log" 2>&1) ||
    fail "cmake --preset $preset: $(tail -5 "$work/$preset.log")"
done
files() { "$python" -c 'import json,sys; print("\n".join(e["file"] for e in json.load(open(sys.argv[1]))))' "$1"; }

# run: main.cpp is built, nothing of tests/ or bench/; no target of the test suite.
files "$work/run/compile_commands.json" >"$work/run.files"
grep -q "src/cli/main.cpp$" "$work/run.files" || fail "the run preset does not build the binary"
grep -q "^$src/\(tests\|bench\)/" "$work/run.files" && fail "the run preset compiles tests or benchmarks: $(grep "^$src/\(tests\|bench\)/" "$work/run.files" | head -3)"
grep -q "attnbench_tests" "$work/run/build.ninja" && fail "the run preset has the test target"
grep -q -- "-Werror" "$work/run/compile_commands.json" && fail "the run preset compiles with -Werror"
out=$(compiles run 2>&1) || fail "an unused variable stops the run preset's build: $out"
echo "$out" | grep -q "unused variable" || fail "the run preset's flags do not warn of an unused variable: $out"

# release: the tests are built, every file with -Werror, and the unused variable is an error.
files "$work/release/compile_commands.json" | grep -q "^$src/tests/" || fail "the release preset builds no test"
total=$(grep -c '"command"' "$work/release/compile_commands.json")
strict=$(grep '"command"' "$work/release/compile_commands.json" | grep -c -- "-Werror")
[ "$total" = "$strict" ] || fail "$strict of $total compile commands of the release preset have -Werror"
out=$(compiles release 2>&1) && fail "the release preset accepts an unused variable"
echo "$out" | grep -q "unused variable" || fail "the release preset failed for another reason: $out"
echo "build presets: run (no tests, warnings allowed) and release (tests, -Werror) checked"
