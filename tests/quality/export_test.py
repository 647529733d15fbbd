"""A tiny random decoder through scripts/export_activations.py; see export_test.sh."""
import importlib.util
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

BIN, SOURCE, WORK = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
spec = importlib.util.spec_from_file_location("export_activations", SOURCE / "scripts" / "export_activations.py")
exporter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(exporter)

DIM, HEADS, KV_HEADS, D, T = 32, 4, 2, 8, 40


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(DIM, HEADS * D, bias=False)
        self.k_proj = nn.Linear(DIM, KV_HEADS * D, bias=False)
        self.v_proj = nn.Linear(DIM, KV_HEADS * D, bias=False)
        self.o_proj = nn.Linear(HEADS * D, DIM, bias=False)
        self.num_heads, self.num_key_value_heads, self.head_dim = HEADS, KV_HEADS, D

    def forward(self, x):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, HEADS, D).transpose(1, 2)
        k = self.k_proj(x).view(b, t, KV_HEADS, D).transpose(1, 2).repeat_interleave(HEADS // KV_HEADS, 1)
        v = self.v_proj(x).view(b, t, KV_HEADS, D).transpose(1, 2).repeat_interleave(HEADS // KV_HEADS, 1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
        return self.o_proj((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, HEADS * D))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn, self.mlp = Attention(), nn.Linear(DIM, DIM)

    def forward(self, x):
        x = x + self.self_attn(x)
        return x + torch.tanh(self.mlp(x))


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed, self.layers = nn.Embedding(50, DIM), nn.ModuleList([Block(), Block()])

    def forward(self, ids):
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x)
        return x


torch.manual_seed(0)
model = Tiny()
tokens = torch.randint(0, 50, (1, T))
(folder,) = exporter.export(model, tokens, [1], WORK / "export", rope_theta=10000.0)
q, k, v = (np.load(folder / f"{name}.npy") for name in "qkv")
assert q.shape == (1, HEADS, T, D) and k.shape == v.shape == (1, KV_HEADS, T, D), (q.shape, k.shape)
assert q.dtype == k.dtype == v.dtype == np.float32

# Independently: layer 1's input, its projections, and the rotary embedding pair by pair.
with torch.no_grad():
    hidden = model.layers[0](model.embed(tokens))
    raw_q = model.layers[1].self_attn.q_proj(hidden)[0].view(T, HEADS, D).numpy().astype(np.float64)
    raw_v = model.layers[1].self_attn.v_proj(hidden)[0].view(T, KV_HEADS, D).numpy()
for h in range(HEADS):
    for t in range(T):
        for p in range(D // 2):
            angle = t * 10000.0 ** (-2 * p / D)
            x, y = raw_q[t, h, p], raw_q[t, h, p + D // 2]
            assert abs(q[0, h, t, p] - (x * math.cos(angle) - y * math.sin(angle))) < 1e-5
            assert abs(q[0, h, t, p + D // 2] - (x * math.sin(angle) + y * math.cos(angle))) < 1e-5
assert np.allclose(v[0].transpose(1, 0, 2), raw_v, atol=1e-6)

# The command line: a torch.save(model) file and a file of token ids give the same arrays.
torch.save(model, WORK / "tiny.pt")
(WORK / "tokens.txt").write_text(" ".join(str(int(t)) for t in tokens[0]))
exporter.main(["--model", str(WORK / "tiny.pt"), "--tokens", str(WORK / "tokens.txt"), "--layers", "0,1",
               "--out", str(WORK / "cli")])
for name, array in (("q", q), ("k", k), ("v", v)):
    assert np.array_equal(np.load(WORK / "cli" / "layer1" / f"{name}.npy"), array), name
assert (WORK / "cli" / "layer0" / "inputs.yaml").exists()

# attnbench reads the export (a prefix of 32 positions) and measures quality on it.
(WORK / "c.yaml").write_text(
    f"seq_len: 32\nshape: {{heads: {HEADS}, kv_heads: {KV_HEADS}, head_dim: {D}}}\n"
    f"inputs: {{name: tiny, q: {folder / 'q.npy'}, k: {folder / 'k.npy'}, v: {folder / 'v.npy'}}}\n"
    "patterns: [{name: sliding_window, params: {causal: true, radius: 8}}]\n")
subprocess.run([BIN, "run", str(WORK / "c.yaml"), "--mode", "quality", "--out", str(WORK / "run")],
               check=True, stdout=subprocess.DEVNULL)
record = [json.loads(line) for line in (WORK / "run" / "results.jsonl").read_text().splitlines()][1]
assert record["status"] == "passed" and record["inputs"] == "tiny", record
assert 0 < record["quality"]["recall"]["mean"] < 1, record["quality"]
print(f"export checked; attnbench on it: recall {record['quality']['recall']['mean']:.4f}")
