#!/usr/bin/env bash
# scripts/perf-floors (issue 19) judges the floors on records: one synthetic run that meets all
# five, one whose window is too slow, one without the 1M cell and without an end record, and no
# run at all. The ratios it prints must be the records' own.
set -u
root=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# write_run DIR WINDOW_MS WITH_BIG ENDS [WINDOW_STATUS]: perf.yaml's floor cells, each after
# decoys of the same pattern and length (bf16, backward, the dense executor, other threads or
# tiles, grouped-query heads) whose figures would change every verdict if picked.
write_run() {
  mkdir -p "$1"
  /usr/bin/python3 - "$1/results.jsonl" "$2" "$3" "$4" "${5:-passed}" <<'PY'
import json, sys
path, window_ms, with_big, ends, window_status = sys.argv[1:6]
window_ms, with_big, ends = float(window_ms), with_big == "1", int(ends)
probe = {"median": 200.0, "min": 195.0, "max": 205.0, "source": "measured", "measured_utc": "t"}
records = [{"type": "context", "cpu_model": "test CPU", "onednn_version": "2.6.3",
            "onednn_isa": "avx512_core", "git_commit": "abc", "load_average_start": [0.1, 0.1, 0.1],
            "probes": {"gemm_gflops": {"f32": {"2": probe}}}}]
def case(pattern, n, causal, heads=8, **fields):
    c = {"type": "case", "id": f"{pattern}/{n}/{causal}", "pattern": pattern, "seq_len": n,
         "executor": "sparse", "dtype": "f32", "pass": "forward", "params": {"causal": causal},
         "heads": heads, "kv_heads": heads, "batch": 1, "head_dim": 64, "threads": 2,
         "block_q": 64, "block_kv": 64, "status": "passed", "noise": {"noisy": False}}
    c.update(fields)
    return c
def decoys(pattern, n, causal, heads=8):
    wrong = {"gemm_fraction": 0.01, "gflops_useful": 2.0, "layout_ms": 999.0,
             "latency_ms": {"median": 1e6, "cv": 0.5}, "density": {"tile": 1.0}}
    for changed in ({"dtype": "bf16"}, {"pass": "backward"}, {"executor": "dense"},
                    {"threads": 1}, {"block_q": 128}, {"heads": 2 * heads, "kv_heads": heads},
                    {"head_dim": 128}) + (({"kv_heads": heads // 2},) if heads > 1 else ()):
        records.append({**case(pattern, n, causal, heads, **wrong), **changed})
decoys("dense", 4096, False)
records.append(case("dense", 4096, False, gemm_fraction=0.85, gflops_useful=170.0,
                    latency_ms={"median": 200.0, "cv": 0.01}))
decoys("dense", 4096, True)
records.append(case("dense", 4096, True, gemm_fraction=0.80, gflops_useful=160.0,
                    latency_ms={"median": 107.0, "cv": 0.12},
                    noise={"noisy": True, "cv": 0.12, "foreign_cpu": 0.02}))
decoys("dense", 16384, False)
records.append(case("dense", 16384, False, latency_ms={"median": 4000.0, "cv": 0.01}))
decoys("sliding_window", 16384, True)
records.append(case("sliding_window", 16384, True, status=window_status,
                    message="" if window_status == "passed" else "max abs error 3e-1",
                    latency_ms={"median": window_ms, "cv": 0.01}, density={"tile": 0.02}))
if with_big:
    decoys("sliding_window", 1048576, True, heads=1)
    records.append(case("sliding_window", 1048576, True, heads=1, layout_ms=12.5,
                        latency_ms={"median": 300.0, "cv": 0.01}))
for part in range(ends):  # a resumed run holds one end record a part
    records.append({"type": "end", "load_average": [0.2, 0.2, 0.2],
                    "time_s": {"wall": 60.0, "timed": 50.0, "layout": 0.25}})
with open(path, "w") as f:
    for r in records:
        f.write(json.dumps(r) + "\n")
PY
}

write_run "$work/good" 80 1 2        # 80 / (0.02 x 4000) = 1.0; 120 / 100.5 = 1.194
out=$("$root/scripts/perf-floors" "$work/good") || fail "a run meeting every floor exited $?: $out"
for line in "1. full attention n=4096 / GEMM probe: 0.850 >= 0.8 met" "stretch 0.9 not reached" \
    "2. causal n=4096 / GEMM probe: 0.800 >= 0.78 met" \
    "3. window r=256 n=16384 latency / (tile density x full): 1.000 <= 1.1 met" \
    "4. layout of the window at 1M tokens, ms: 12.500 <= 20 met" \
    "5. wall / (timed + layout): 1.194 <= 1.5 met (120.0 s wall, 100.0 s timed, 0.50 s layouts over 2 parts)" \
    "NOISY: cv 0.120, foreign cpu 0.020" "perf floors: met" "1 of the floors' cases were noisy"; do
  grep -qF "$line" <<<"$out" || fail "missing '$line' in: $out"
done

write_run "$work/slow" 100 1 1       # 100 / 80 = 1.25
out=$("$root/scripts/perf-floors" "$work/slow")
[ $? -eq 1 ] || fail "a window over its floor must exit 1: $out"
grep -qF "1.250 <= 1.1 NOT met" <<<"$out" || fail "floor 3 not reported as missed: $out"
grep -qF "perf floors: NOT met" <<<"$out" || fail "no overall verdict: $out"

write_run "$work/failed" 80 1 1 failed
out=$("$root/scripts/perf-floors" "$work/failed")
[ $? -eq 1 ] || fail "a floor's case that failed its check must fail the floors: $out"
grep -qF "3. window r=256 n=16384 latency / (tile density x full): NOT met (the window failed: max abs error 3e-1)" <<<"$out" ||
  fail "the failed case is not named: $out"

write_run "$work/partial" 80 0 0
out=$("$root/scripts/perf-floors" "$work/partial") || fail "missing cells are not a failure: $out"
grep -qF "4. layout of the window at 1M tokens, ms: not in this run" <<<"$out" ||
  fail "a missing cell must be named: $out"
grep -qF "5. wall / (timed + layout): not in this run" <<<"$out" || fail "no end record: $out"

"$root/scripts/perf-floors" "$work/none" >/dev/null 2>&1
[ $? -eq 2 ] || fail "a folder without results.jsonl must exit 2"
echo "perf-floors: all verdicts as expected"
