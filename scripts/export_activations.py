#!/usr/bin/env python3
"""Exports Q, K and V of chosen attention layers of a PyTorch model as the .npy files attnbench
reads (README: "Input sets"), so that quality and content-dependent masks can be measured on
real activations.

    scripts/export_activations.py --model MODEL --tokens TOKENS --layers 0,11 --out DIR

writes DIR/layer<N>/{q,k,v}.npy, float32:
    q: [batch, heads, positions, head_dim]     after the rotary embedding
    k: [batch, kv_heads, positions, head_dim]  after the rotary embedding, one per key-value head
    v: [batch, kv_heads, positions, head_dim]
and DIR/layer<N>/inputs.yaml, an `inputs:` entry to paste into a config.

An attention layer is any module with q_proj, k_proj and v_proj linear children (LLaMA, Mistral,
Qwen and most decoder models), counted in module order. Forward hooks on the projections catch
their outputs during one forward pass over the tokens; the rotary embedding (which those models
apply inside the attention, after the projections) is applied here, in the same half-split layout
(rotate_half) with the model's theta (config.rope_theta, else --rope-theta). Positions start at 0.
--no-rope exports the projections as they are (models with learned or no position embeddings).

MODEL is a folder for transformers' AutoModelForCausalLM when that package is installed, else a
file saved with torch.save(model). TOKENS is a text file of token ids separated by white space
(one sequence; batch 1). Needs Debian's python3-torch (scripts/setup --with-torch); nothing is
downloaded.
"""
import argparse
import sys
from pathlib import Path

import numpy as np
import torch


def attention_layers(model):
    """The modules with q_proj, k_proj and v_proj children, in module order."""
    return [m for m in model.modules() if all(hasattr(m, name) for name in ("q_proj", "k_proj", "v_proj"))]


def head_counts(layer, config, head_dim):
    """(heads, kv_heads, head_dim) from the layer's attributes, the model config or head_dim."""
    def first(*names, source):
        for name in names:
            value = getattr(source, name, None)
            if isinstance(value, int) and value > 0:
                return value
        return None

    q_out, kv_out = layer.q_proj.out_features, layer.k_proj.out_features
    d = head_dim or first("head_dim", source=layer) or first("head_dim", source=config)
    heads = first("num_heads", "num_attention_heads", source=layer) or first("num_attention_heads", source=config)
    if d is None and heads:
        d = q_out // heads
    if d is None:
        raise SystemExit("export_activations: cannot tell the head size; give --head-dim")
    if q_out % d or kv_out % d:
        raise SystemExit(f"export_activations: projections of {q_out} and {kv_out} outputs are not multiples of head_dim {d}")
    return q_out // d, kv_out // d, d


def rotate(x, theta):
    """Rotary embedding of x [batch, heads, positions, d] at positions 0.., half-split layout."""
    d = x.shape[-1]
    half = d // 2
    inv_freq = theta ** (-torch.arange(0, half, dtype=torch.float64) * 2 / d)
    angles = torch.arange(x.shape[2], dtype=torch.float64)[:, None] * inv_freq[None, :]
    cos, sin = angles.cos(), angles.sin()
    x64 = x.to(torch.float64)
    a, b = x64[..., :half], x64[..., half:2 * half]
    rotated = torch.cat([a * cos - b * sin, a * sin + b * cos, x64[..., 2 * half:]], dim=-1)
    return rotated.to(x.dtype)


def split_heads(x, heads, d):
    """[batch, positions, heads * d] -> [batch, heads, positions, d]."""
    batch, positions, _ = x.shape
    return x.reshape(batch, positions, heads, d).transpose(1, 2).contiguous()


def export(model, tokens, layers, out, rope_theta=None, head_dim=None, rope=True):
    """Runs `model` on `tokens` ([batch, positions] int64) and writes the chosen layers' Q, K, V."""
    found = attention_layers(model)
    if not found:
        raise SystemExit("export_activations: no module with q_proj, k_proj and v_proj")
    config = getattr(model, "config", None)
    theta = rope_theta or getattr(config, "rope_theta", None) or 10000.0
    captured, hooks = {}, []
    for index in layers:
        if not 0 <= index < len(found):
            raise SystemExit(f"export_activations: layer {index} does not exist ({len(found)} attention layers)")
        for name in ("q_proj", "k_proj", "v_proj"):
            def keep(module, args, output, key=(index, name[0])):
                captured[key] = output.detach()
            hooks.append(getattr(found[index], name).register_forward_hook(keep))
    try:
        with torch.no_grad():
            model.eval()
            model(tokens)
    finally:
        for hook in hooks:
            hook.remove()
    written = []
    for index in layers:
        heads, kv_heads, d = head_counts(found[index], config, head_dim)
        q = split_heads(captured[(index, "q")], heads, d)
        k = split_heads(captured[(index, "k")], kv_heads, d)
        v = split_heads(captured[(index, "v")], kv_heads, d)
        if rope:
            q, k = rotate(q, theta), rotate(k, theta)
        folder = Path(out) / f"layer{index}"
        folder.mkdir(parents=True, exist_ok=True)
        for name, x in (("q", q), ("k", k), ("v", v)):
            np.save(folder / f"{name}.npy", x.to(torch.float32).cpu().numpy())
        (folder / "inputs.yaml").write_text(
            f"# shape: {{batch: {q.shape[0]}, heads: {heads}, kv_heads: {kv_heads}, head_dim: {d}}}; "
            f"seq_len up to {q.shape[2]}\n"
            f"inputs: {{name: layer{index}, q: {folder / 'q.npy'}, k: {folder / 'k.npy'}, v: {folder / 'v.npy'}}}\n")
        written.append(folder)
    return written


def load_model(path):
    try:
        import transformers  # noqa: F401  (optional)
        if Path(path).is_dir():
            return transformers.AutoModelForCausalLM.from_pretrained(path, torch_dtype=torch.float32)
    except ImportError:
        pass
    return torch.load(path, weights_only=False) if "weights_only" in torch.load.__code__.co_varnames else torch.load(path)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="a transformers folder, or a torch.save(model) file")
    parser.add_argument("--tokens", required=True, help="a text file of token ids")
    parser.add_argument("--layers", required=True, help="attention layers to export, e.g. 0,11")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--rope-theta", type=float, help="rotary base when the model config has none (10000)")
    parser.add_argument("--head-dim", type=int, help="head size when the model does not say")
    parser.add_argument("--no-rope", action="store_true", help="export the projections without rotary embedding")
    args = parser.parse_args(argv)
    tokens = torch.tensor([[int(t) for t in Path(args.tokens).read_text().split()]], dtype=torch.long)
    layers = [int(x) for x in args.layers.split(",")]
    for folder in export(load_model(args.model), tokens, layers, args.out, args.rope_theta, args.head_dim, not args.no_rope):
        print(f"wrote {folder}/q.npy, k.npy, v.npy, inputs.yaml")


if __name__ == "__main__":
    main(sys.argv[1:])
