"""Draws the plots of one attnbench run folder; see scripts/plot."""
import json
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def label(record):
    params = record["params"]
    if "of" in params:
        return record["pattern"]
    shown = [f"{k}={v}" for k, v in params.items() if not (k == "align" and v == "top_left")]
    return " ".join([record["pattern"]] + shown[:3])


def load(run_dir):
    lines = (Path(run_dir) / "results.jsonl").read_text().splitlines()
    records = []
    for line in lines[1:]:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a torn last line from an interrupted run
    cases = [r for r in records if r.get("type") == "case" and r.get("role") != "baseline"]
    return json.loads(lines[0]), [r for r in cases if r["status"] in ("passed", "executed") and r["latency_ms"]]


def series(records, value):
    lines = defaultdict(list)
    for r in records:
        lines[(label(r), r["executor"])].append((r["q_len"], value(r)))
    return {key: sorted(points) for key, points in lines.items()}


def line_plot(records, value, ylabel, title, path):
    fig, ax = plt.subplots(figsize=(9, 6))
    for (name, executor), points in sorted(series(records, value).items()):
        xs, ys = zip(*points)
        ax.plot(xs, ys, marker="o", linestyle="-" if executor == "sparse" else "--", label=f"{name} ({executor})")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("query length")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def speedup_plot(records, path, title):
    dense = {}
    for r in records:
        if r["executor"] == "dense":
            dense[(r["pattern"], json.dumps(r["params"]), r["heads"], r["q_len"], r["kv_len"])] = r["latency_ms"]["median"]
    fig, ax = plt.subplots(figsize=(8, 6))
    for r in records:
        key = (r["pattern"], json.dumps(r["params"]), r["heads"], r["q_len"], r["kv_len"])
        if r["executor"] == "sparse" and key in dense:
            ax.scatter(r["density"]["element"], dense[key] / r["latency_ms"]["median"], s=14)
            ax.annotate(f'{r["pattern"]} {r["q_len"]}', (r["density"]["element"], dense[key] / r["latency_ms"]["median"]), fontsize=5)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_xlabel("element density (allowed / all pairs)")
    ax.set_ylabel("speedup of the sparse executor over the dense one")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


CONTENT_DEPENDENT = {"reformer", "sinkhorn", "landmark", "vertical_slash"}


def quality_records(run_dir):
    """One record per cell with quality figures (any executor's: they carry the same object)."""
    cells = {}
    for line in (Path(run_dir) / "results.jsonl").read_text().splitlines()[1:]:
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        if r.get("type") != "case" or r.get("role") == "baseline" or not r.get("quality"):
            continue
        key = (r["inputs"] if "inputs" in r else "uniform", r["pattern"], json.dumps(r["params"]), r["heads"], r["q_len"], r["kv_len"], r.get("dtype", "f32"))
        cells.setdefault(key, r)
    by_set = defaultdict(list)
    for key, r in cells.items():
        by_set[key[0]].append(r)
    return by_set


def pareto_front(points):
    """The points no other point beats on both axes (lower density, higher recall), by density."""
    front, best = [], -1.0
    for density, recall in sorted(points, key=lambda p: (p[0], -p[1])):
        if recall > best:
            front.append((density, recall))
            best = recall
    return front


def quality_plot(records, path, title):
    fig, ax = plt.subplots(figsize=(8, 6))
    points = []
    for r in records:
        density, recall = r["density"]["element"], r["quality"]["recall"]["mean"]
        points.append((density, recall))
        content = r["pattern"] in CONTENT_DEPENDENT
        ax.scatter(density, recall, s=22, marker="^" if content else "o", color="tab:red" if content else "tab:blue")
        ax.annotate(f"{label(r)} {r['q_len']}", (density, recall), fontsize=5)
    front = pareto_front(points)
    ax.step(*zip(*front), where="post", color="gray", linewidth=1, label="Pareto front")
    ax.scatter([], [], marker="o", color="tab:blue", label="static mask")
    ax.scatter([], [], marker="^", color="tab:red", label="content-dependent mask")
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("element density (allowed / all pairs)")
    ax.set_ylabel("recall: share of full attention's softmax mass kept (mean over rows)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(run_dir):
    context, records = load(run_dir)
    where = f'{context["experiment"]} on {context["cpu_model"]}, {",".join(map(str, context["threads"]))} thread(s)'
    out = Path(run_dir)
    written = []
    if records:
        line_plot(records, lambda r: r["latency_ms"]["median"], "median latency (ms)", f"Latency vs length: {where}", out / "latency.png")
        line_plot(records, lambda r: r["memory"]["peak_rss_bytes"] / 2**20, "peak RSS (MiB)", f"Peak memory vs length: {where}", out / "memory.png")
        speedup_plot(records, out / "speedup_vs_density.png", f"Speedup vs density: {where}")
        written += ["latency.png", "memory.png", "speedup_vs_density.png"]
    for inputs, cells in sorted(quality_records(run_dir).items()):
        name = f"recall_vs_density-{inputs}.png"
        quality_plot(cells, out / name, f'Recall vs density, inputs {inputs}: {context["experiment"]}')
        written.append(name)
    print(f"wrote {', '.join(written) or 'nothing'} in {out} ({len(records)} timed records)")


if __name__ == "__main__":
    main(sys.argv[1])
