#!/usr/bin/env bash
# bf16 where oneDNN emulates it (issue 18): DNNL_MAX_CPU_ISA=AVX512_CORE caps oneDNN below
# avx512_core_bf16, as on a CPU without AVX512_BF16. The bf16 record says "emulated": true, the
# table says "bf16 (emulated)", the probes are not taken from a native run's cache, and
# scripts/bf16-floor refuses to call the floor passed ("not verified", exit 3). Skipped (77) on
# a CPU without avx512_core, where oneDNN 2.6 has no bf16 kernels at all.
set -u
bin=$(realpath "$1")
root=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
t() { timeout $((300 * ${ATTNBENCH_TIME_SCALE:-1})) "$@"; }
for flag in avx512f avx512bw avx512vl avx512dq; do
  grep -qw "$flag" /proc/cpuinfo || { echo "SKIP: no $flag, so no bf16 kernels"; exit 77; }
done
export XDG_CACHE_HOME="$work/cache"
cd "$work" || exit 1
cat > bf16.yaml <<'YAML'
name: bf16-emulated
shape: {batch: 1, heads: 2, head_dim: 32}
seq_len: 256
threads: 2
repetitions: 5
min_time_ms: 0
warmup: 0
baseline: none
patterns:
  - {name: dense, executor: sparse, dtype: [f32, bf16]}
YAML
field() { python3 -c "
import json, sys
lines = [json.loads(l) for l in open('$1') if l.strip()]
context = next(l for l in lines if l.get('type') == 'context')
cases = {l.get('dtype', 'f32'): l for l in lines if l.get('type') == 'case'}
print($2)"; }

# Native first, where the CPU has AVX512_BF16: that run fills the probe cache.
if grep -qw avx512_bf16 /proc/cpuinfo; then
  t "$bin" run bf16.yaml --out native >/dev/null 2>&1 || fail "the native run failed"
  [ "$(field native/results.jsonl "cases['bf16'].get('emulated', False)")" = False ] ||
    fail "a native bf16 run is marked emulated"
fi

DNNL_MAX_CPU_ISA=AVX512_CORE t "$bin" run bf16.yaml --out emu >/dev/null 2>&1 ||
  fail "the emulated run failed"
r=emu/results.jsonl
[ "$(field $r "context['onednn_isa']")" = avx512_core ] || fail "onednn_isa is not avx512_core"
[ "$(field $r "cases['bf16']['emulated']")" = True ] || fail "the bf16 record is not emulated"
[ "$(field $r "cases['f32'].get('emulated', False)")" = False ] || fail "f32 marked emulated"
[ "$(field $r "cases['bf16']['status']")" = passed ] || fail "the emulated case did not pass"
[ "$(field $r "context['probes']['gemm_gflops']['bf16']['2']['source']")" = measured ] ||
  fail "the emulated run took its bf16 GEMM probe from the native run's cache"
grep -q "bf16 (emulated)" emu/table.md || fail "table.md does not say bf16 (emulated)"
out=$("$root/scripts/bf16-floor" emu 2>&1)
rc=$?
[ $rc -eq 3 ] || fail "bf16-floor exited $rc on an emulated run, not 3: $out"
echo "$out" | grep -q "not verified on this machine" || fail "bf16-floor did not say not verified"
echo "$out" | grep -q "floor: passed" && fail "bf16-floor called an emulated run passed"
echo "ok"
