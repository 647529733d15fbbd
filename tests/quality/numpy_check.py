"""Recomputes a --mode quality run with numpy from exported masks; see numpy_check.sh."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

BIN, WORK = sys.argv[1], Path(sys.argv[2])
N, FILE_N, HEADS, D = 80, 96, 2, 16  # the files are longer: the case reads a prefix
PATTERNS = [
    "{name: sliding_window, params: {causal: true, radius: 12}}",
    "{name: streaming_llm, params: {sinks: 2, window: 10}}",
    "{name: block_local, params: {block: 16}}",
    "{name: strided, params: {stride: 8}}",
]

rng = np.random.default_rng(1)
q = (rng.normal(size=(1, HEADS, FILE_N, D)) * 1.5).astype(np.float32)
k = (rng.normal(size=(1, 1, FILE_N, D)) * 1.5).astype(np.float32)
v = rng.normal(size=(1, 1, FILE_N, D)).astype(np.float32)
for name, array in (("q", q), ("k", k), ("v", v)):
    np.save(WORK / f"{name}.npy", array)
(WORK / "quality.yaml").write_text(
    f"name: numpy-check\nseq_len: {N}\nshape: {{heads: {HEADS}, kv_heads: 1, head_dim: {D}}}\n"
    "check_rows: 1000\ninputs: {name: acts, q: q.npy, k: k.npy, v: v.npy}\n"
    "patterns:\n" + "".join(f"  - {p}\n" for p in PATTERNS))
subprocess.run([BIN, "run", str(WORK / "quality.yaml"), "--mode", "quality", "--out", str(WORK / "run")],
               check=True, stdout=subprocess.DEVNULL)
records = [json.loads(line) for line in (WORK / "run" / "results.jsonl").read_text().splitlines()[1:]]
records = [r for r in records if r["type"] == "case"]
assert len(records) == len(PATTERNS), records


def exported_mask(name, params):
    sets = []
    for key, value in params.items():
        if value == "":
            continue
        sets += ["--set", f"{key}={json.dumps(value) if isinstance(value, bool) else value}"]
    out = WORK / f"{name}.npy"
    subprocess.run([BIN, "mask", name, "--seq-len", str(N), "--heads", str(HEADS), "--all-heads",
                    "--npy", str(out)] + sets, check=True, stdout=subprocess.DEVNULL)
    return np.load(out).astype(bool)


def expected(mask):
    causal = not np.triu(mask, 1).any()  # the baseline's rule: causal when the mask stays causal
    full = np.tril(np.ones((N, N), bool)) if causal else np.ones((N, N), bool)
    scores = np.einsum("hid,jd->hij", q[0, :, :N].astype(np.float64), k[0, 0, :N].astype(np.float64)) / np.sqrt(D)
    values = v[0, 0, :N].astype(np.float64)

    def softmax(allowed):
        s = np.where(allowed, scores, -np.inf)
        peak = s.max(axis=-1, keepdims=True)
        w = np.where(allowed, np.exp(s - np.where(np.isfinite(peak), peak, 0)), 0.0)
        total = w.sum(axis=-1, keepdims=True)
        return np.divide(w, total, out=np.zeros_like(w), where=total > 0)

    p_full = softmax(np.broadcast_to(full, mask.shape))
    recall = (p_full * mask).sum(axis=-1)  # [heads, rows]
    o_full, o = p_full @ values, softmax(mask) @ values
    err2, ref2 = ((o - o_full) ** 2).sum(axis=(1, 2)), (o_full ** 2).sum(axis=(1, 2))
    ranked = np.sort(recall.ravel())
    return {
        "rows": HEADS * N,
        "recall": {"mean": recall.mean(), "min": recall.min(), "p10": ranked[(ranked.size + 9) // 10 - 1]},
        "recall_per_head": list(recall.mean(axis=1)),
        "output_rel_l2": {"overall": np.sqrt(err2.sum() / ref2.sum()), "max_head": np.sqrt(err2 / ref2).max()},
        "output_rel_l2_per_head": list(np.sqrt(err2 / ref2)),
    }


def compare(path, got, want):
    if isinstance(want, dict):
        for key in want:
            compare(f"{path}.{key}", got[key], want[key])
    elif isinstance(want, list):
        assert len(got) == len(want), (path, got, want)
        for i, (g, w) in enumerate(zip(got, want)):
            compare(f"{path}[{i}]", g, w)
    elif abs(got - want) > 1e-6:
        raise AssertionError(f"{path}: attnbench {got!r}, numpy {want!r}")


for record in records:
    assert record["executor"] == "reference" and record["status"] == "passed", record
    want = expected(exported_mask(record["pattern"], record["params"]))
    compare(f'{record["pattern"]} quality', record["quality"], want)
    print(f'{record["pattern"]}: recall mean {want["recall"]["mean"]:.6f}, output rel L2 '
          f'{want["output_rel_l2"]["overall"]:.6f}: attnbench agrees within 1e-6')
assert (WORK / "run" / "quality.md").exists()
