"""Draws the plots of one attnbench run folder; see scripts/plot.

Each plot is one function `plot_NAME(run, out)` listed in PLOTS: it draws from `run` (a Run: the
context line and the timed case records) and saves through `save`. A new plot is one function
and one line in PLOTS.
"""
import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

EXECUTOR_STYLE = {"sparse": "-", "dense": "--"}
EXECUTOR_MARKER = {"sparse": "o", "dense": "x"}
EXECUTOR_NAME = {"sparse": "sparse executor", "dense": "dense executor (mask applied afterwards)"}
FORMATS = ("png", "pdf")


def length(record):
    """The configured length (seq_len): it doubles along a sweep even where the executed q_len
    (funnel's n/2, landmark's n + n/l) does not."""
    return record.get("seq_len", record["q_len"])


def length_label(run):
    if all("seq_len" in r for r in run.cases):
        return "sequence length n (tokens; the executed lengths are in the tables)"
    return "executed query length (tokens; this run's records hold no seq_len)"


def label(record):
    """The pattern and its parameters, as the views print them (align omitted at its default)."""
    params = record["params"]
    if "of" in params:
        parts = "|".join(p["name"] for p in params["of"])
        return f'{record["pattern"]}({parts})'
    shown = [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in params.items()
             if not (k == "align" and v == "top_left") and v not in ("", [])]
    dtype = record.get("dtype", "f32")
    return " ".join([record["pattern"]] + shown + ([dtype] if dtype != "f32" else []))


def run_folder(path):
    """A run folder given as itself or as its results.jsonl (the path `attnbench run` prints)."""
    path = Path(path)
    return path.parent if path.name == "results.jsonl" and path.is_file() else path


class Run:
    def __init__(self, run_dir):
        lines = (run_folder(run_dir) / "results.jsonl").read_text().splitlines()
        self.context = json.loads(lines[0])
        records = []
        for line in lines[1:]:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a torn last line from an interrupted run
        cases = [r for r in records if r.get("type") == "case" and r.get("role") != "baseline"]
        self.cases = [r for r in cases if r["status"] in ("passed", "executed") and r.get("latency_ms")]
        self.quality = [r for r in cases if r.get("quality")]  # --mode quality or quality: true
        labels = list(dict.fromkeys(label(r) for r in self.cases))
        # tab20's strong colours first, then their light partners: neighbours in the legend differ.
        tab20 = list(plt.get_cmap("tab20").colors)
        palette = tab20[0::2] + tab20[1::2] + list(plt.get_cmap("tab20b").colors)
        self.colour = {name: palette[i % len(palette)] for i, name in enumerate(labels)}
        threads = ",".join(map(str, self.context.get("threads", [])))
        self.probes_from = None  # another run's context, for the roofline's ceilings
        self.where = f'{self.context["experiment"]}, {self.context["cpu_model"]}, {threads} thread(s)'

    def series(self):
        """{(label, executor): records sorted by query length}."""
        lines = defaultdict(list)
        for r in self.cases:
            lines[(label(r), r["executor"])].append(r)
        return {key: sorted(rs, key=length) for key, rs in sorted(lines.items())}


def percentile(values, q):
    ordered = sorted(values)
    at = (len(ordered) - 1) * q
    low = math.floor(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def spread(record):
    """(low, high) of the latency in ms: p10 and p90 of the recorded samples, else min and max."""
    latency = record["latency_ms"]
    samples = latency.get("samples")
    if samples and len(samples) >= 3:
        return percentile(samples, 0.1), percentile(samples, 0.9)
    return latency["min"], latency["max"]


def spread_name(run):
    with_samples = any(len(r["latency_ms"].get("samples") or []) >= 3 for r in run.cases)
    return "bars: p10-p90 of the samples" if with_samples else "bars: min-max (no samples recorded)"


def scaling_fit(points):
    """Least-squares slope of log median latency against log length and its R^2, over at least
    three distinct lengths (one median per length); None otherwise."""
    by_length = {}
    for length, ms in points:
        by_length.setdefault(length, ms)
    if len(by_length) < 3:
        return None
    xs = [math.log(n) for n in by_length]
    ys = [math.log(ms) for ms in by_length.values()]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx
    residual = sum((y - my - slope * (x - mx)) ** 2 for x, y in zip(xs, ys))
    total = sum((y - my) ** 2 for y in ys)
    return slope, (1 - residual / total) if total > 0 else 1.0


def power_of_two(n):
    """The power of two nearest to n (older records hold executed lengths such as 1044 = 1024 + 1024/50)."""
    return 2 ** round(math.log2(n))


def length_axis(ax, lengths):
    """Base-2 log axis, ticks at the powers of two, where lengths double (within a few percent);
    base 10 otherwise."""
    lengths = sorted(set(lengths))
    doubling = len(lengths) > 1 and all(abs(n / power_of_two(n) - 1) < 0.1 for n in lengths)
    ax.set_xscale("log", base=2 if doubling else 10)
    if doubling:
        ticks = sorted({power_of_two(n) for n in lengths})
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{n // 1024}K" if n % 1024 == 0 else str(n) for n in ticks])
        ax.minorticks_off()


def outside_legend(ax, handles, title=None):
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, title=title,
              title_fontsize=8, frameon=False)


def executor_handles(run):
    present = sorted({r["executor"] for r in run.cases})
    return [Line2D([], [], color="black", linestyle=EXECUTOR_STYLE.get(e, ":"), marker=EXECUTOR_MARKER.get(e, "s"),
                   label=EXECUTOR_NAME.get(e, e)) for e in present]


def save(fig, out, name, written):
    fig.tight_layout()
    for fmt in FORMATS:  # set by --format
        path = Path(out) / f"{name}.{fmt}"
        fig.savefig(path, dpi=150, bbox_inches="tight")
        written.append(path)
    plt.close(fig)


def plot_latency(run, out, written):
    """Median latency against length, per pattern and executor, with the scaling exponent."""
    fig, ax = plt.subplots(figsize=(13, 6.5))
    fits = defaultdict(list)
    for (name, executor), records in run.series().items():
        xs = [length(r) for r in records]
        ys = [r["latency_ms"]["median"] for r in records]
        lows, highs = zip(*(spread(r) for r in records))
        ax.errorbar(xs, ys, yerr=[[y - lo for y, lo in zip(ys, lows)], [hi - y for y, hi in zip(ys, highs)]],
                    color=run.colour[name], linestyle=EXECUTOR_STYLE.get(executor, ":"),
                    marker=EXECUTOR_MARKER.get(executor, "s"), markersize=4, capsize=2, linewidth=1.2)
        fit = scaling_fit(zip(xs, ys))
        fits[name].append(f"{executor} n^{fit[0]:.2f} (R² {fit[1]:.2f})" if fit else f"{executor}: < 3 lengths")
    length_axis(ax, [length(r) for r in run.cases])
    ax.set_yscale("log")
    ax.set_xlabel(length_label(run))
    ax.set_ylabel("median latency (ms)")
    ax.set_title(f"Latency against length; {spread_name(run)}\n{run.where}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    handles = [Line2D([], [], color=run.colour[name], linewidth=3, label=f"{name}: {'; '.join(parts)}")
               for name, parts in fits.items()]
    outside_legend(ax, executor_handles(run) + handles, "pattern: scaling exponent (log-log least squares)")
    save(fig, out, "latency", written)


def plot_memory(run, out, written):
    """Peak resident memory (one measurement per case) against length."""
    fig, ax = plt.subplots(figsize=(13, 6.5))
    for (name, executor), records in run.series().items():
        points = [(length(r), r["memory"]["peak_rss_bytes"] / 2**20) for r in records if r["memory"].get("peak_rss_bytes")]
        if points:
            xs, ys = zip(*points)
            ax.plot(xs, ys, color=run.colour[name], linestyle=EXECUTOR_STYLE.get(executor, ":"),
                    marker=EXECUTOR_MARKER.get(executor, "s"), markersize=4, linewidth=1.2)
    length_axis(ax, [length(r) for r in run.cases])
    ax.set_yscale("log")
    ax.set_xlabel(length_label(run))
    ax.set_ylabel("peak RSS during the executor's own pass (MiB)")
    ax.set_title(f"Peak memory against length (one measurement per case)\n{run.where}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    handles = [Line2D([], [], color=c, linewidth=3, label=n) for n, c in run.colour.items()]
    outside_legend(ax, executor_handles(run) + handles)
    save(fig, out, "memory", written)


def speedups(run):
    """(record, speedup, low, high, what): against full attention measured in the same run, else
    (older runs) the dense executor on the same mask."""
    dense = {}
    for r in run.cases:
        if r["executor"] == "dense":
            dense[(label(r), r["q_len"], r["kv_len"], r["heads"])] = r["latency_ms"]["median"]
    points, what = [], "full attention (sparse executor on the full or causal mask, same run)"
    with_baseline = any(r.get("speedup_vs_full") for r in run.cases)
    if not with_baseline:
        what = "the dense executor on the same mask (this run recorded no full-attention baseline)"
    for r in run.cases:
        if r["executor"] != "sparse":
            continue
        reference = (r["baseline"]["median_ms"] if with_baseline and r.get("baseline")
                     else None if with_baseline else dense.get((label(r), r["q_len"], r["kv_len"], r["heads"])))
        if reference:
            low, high = spread(r)
            points.append((r, reference / r["latency_ms"]["median"], reference / high, reference / low))
    return points, what


def plot_speedup(run, out, written):
    """Speedup of each sparse case against its density; marker size grows with the length."""
    points, what = speedups(run)
    fig, ax = plt.subplots(figsize=(13, 6.5))
    lengths = sorted({power_of_two(length(r)) for r, *_ in points})
    size = {n: 12 + 60 * i / max(len(lengths) - 1, 1) for i, n in enumerate(lengths)}
    for r, s, low, high in points:
        ax.errorbar(r["density"]["element"], s, yerr=[[s - low], [high - s]], color=run.colour[label(r)],
                    marker="o", markersize=math.sqrt(size[power_of_two(length(r))]), capsize=2, linestyle="none")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_xlabel("element density (allowed pairs / all pairs)")
    ax.set_ylabel("speedup (reference median / case median)")
    ax.set_title(f"Speedup of the sparse executor against {what}\n{spread_name(run)}; {run.where}", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    handles = [Line2D([], [], color="gray", marker="o", linestyle="none", markersize=math.sqrt(size[n]),
                      label=f"length ~{n}") for n in lengths]
    handles += [Line2D([], [], color=run.colour[n], linewidth=3, label=n) for n in run.colour]
    outside_legend(ax, handles)
    save(fig, out, "speedup_vs_density", written)


def element_bytes(record):
    return 2 if record.get("dtype") == "bf16" else 4


def compulsory_bytes(r):
    """Q and O once per query, K and V once per key; the dense executor also writes its n^2
    scores and reads them back twice (softmax, then the second matmul), in f32."""
    d, batch = r["head_dim"], r["batch"]
    kv_heads = r.get("kv_heads", r["heads"])
    moved = element_bytes(r) * batch * d * (2 * r["heads"] * r["q_len"] + 2 * kv_heads * r["kv_len"])
    if r["executor"] == "dense":
        moved += 3 * 4 * batch * r["heads"] * r["q_len"] * r["kv_len"]
    return moved


def probe_median(table, dtype, threads):
    entry = (table or {}).get(dtype, {}).get(str(threads))
    return entry["median"] if entry else None


def plot_roofline(run, out, written):
    """Arithmetic intensity against achieved FLOP/s, under the machine's measured ceilings."""
    fig, ax = plt.subplots(figsize=(13, 6.5))
    intensities, rates = [], []
    for r in run.cases:
        executed = r["flops"]["executed"]
        intensities.append(executed / compulsory_bytes(r))
        rates.append(executed / (r["latency_ms"]["median"] * 1e-3) / 1e9)
        ax.scatter(intensities[-1], rates[-1], color=run.colour[label(r)],
                   marker=EXECUTOR_MARKER.get(r["executor"], "s"), s=22)
    probes, source = run.context.get("probes") or {}, ""
    if run.probes_from:
        probes = run.probes_from["probes"]
        source = f' (probes of {run.probes_from["experiment"]}, {run.probes_from["started_utc"]}, {run.probes_from["hostname"]})'
    threads = sorted(run.context.get("threads", [1]))[-1]
    dtypes = sorted({r.get("dtype", "f32") for r in run.cases})
    peak = probe_median(probes.get("fma_peak_gflops"), dtypes[0], threads)
    gemm = probe_median((run.context.get("probes") or {}).get("gemm_gflops"), dtypes[0], threads) or run.context.get("gemm_gflops", {}).get(str(threads))
    dram = (probes.get("dram_read_gbs") or {}).get("median")
    # From a quarter of the lowest intensity (or the ridge point) to four times the highest.
    low = min(min(intensities), peak / dram if peak and dram else math.inf) / 4
    xs = [low * (max(intensities) * 16 / low) ** (i / 200) for i in range(201)]
    ceilings = []
    if peak:
        ax.plot(xs, [min(peak, dram * x) if dram else peak for x in xs], color="black", linewidth=1.5)
        ceilings.append(f"FMA peak {peak:.0f} GFLOP/s" + (f", DRAM {dram:.1f} GB/s" if dram else "") + source)
    if gemm:
        ax.axhline(gemm, color="black", linestyle=":", linewidth=1)
        ceilings.append(f"dotted: this run's oneDNN GEMM probe {gemm:.0f} GFLOP/s")
    if not peak or not dram:
        ceilings.append("no FMA-peak or DRAM probe in this run's context (recorded before the probes existed; "
                        "--probes-from RUN takes them from a run on the same machine)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(min(rates) / 3, max([*rates, peak or 0, gemm or 0]) * 1.5)
    ax.set_xlabel("arithmetic intensity: executed FLOPs / compulsory bytes (Q, K, V, O once; dense: + n² f32 scores x3)")
    ax.set_ylabel("achieved GFLOP/s (executed FLOPs / median latency)")
    ax.set_title(f"Roofline ({dtypes[0]}, {threads} thread(s)): " + "; ".join(ceilings) + f"\n{run.where}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    handles = [Line2D([], [], color="black", marker=EXECUTOR_MARKER.get(e, "s"), linestyle="none", label=EXECUTOR_NAME.get(e, e))
               for e in sorted({r["executor"] for r in run.cases})]
    handles += [Line2D([], [], color=c, linewidth=3, label=n) for n, c in run.colour.items()]
    outside_legend(ax, handles)
    save(fig, out, "roofline", written)


CONTENT_DEPENDENT = {"reformer", "sinkhorn", "landmark", "vertical_slash"}


def pareto_front(points):
    """The points no other point beats on both axes (lower density, higher recall), by density."""
    front, best = [], -1.0
    for density, recall in sorted(points, key=lambda p: (p[0], -p[1])):
        if recall > best:
            front.append((density, recall))
            best = recall
    return front


def quality_cells(run):
    """{input set: one record per cell with quality figures} (every executor carries the same)."""
    cells = {}
    for r in run.quality:
        key = (r.get("inputs", "uniform"), r["pattern"], json.dumps(r["params"]), r["heads"], r["q_len"],
               r["kv_len"], r.get("dtype", "f32"))
        cells.setdefault(key, r)
    by_set = defaultdict(list)
    for key, r in cells.items():
        by_set[key[0]].append(r)
    return by_set


def plot_quality(run, out, written):
    """Recall against element density per input set, static and content-dependent masks, with the
    Pareto front."""
    for inputs, records in sorted(quality_cells(run).items()):
        fig, ax = plt.subplots(figsize=(8, 6))
        points = []
        for r in records:
            density, recall = r["density"]["element"], r["quality"]["recall"]["mean"]
            points.append((density, recall))
            content = r["pattern"] in CONTENT_DEPENDENT
            ax.scatter(density, recall, s=22, marker="^" if content else "o",
                       color="tab:red" if content else "tab:blue")
            ax.annotate(f"{label(r)} {r['q_len']}", (density, recall), fontsize=5)
        ax.step(*zip(*pareto_front(points)), where="post", color="gray", linewidth=1, label="Pareto front")
        ax.scatter([], [], marker="o", color="tab:blue", label="static mask")
        ax.scatter([], [], marker="^", color="tab:red", label="content-dependent mask")
        ax.set_xscale("log")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("element density (allowed / all pairs)")
        ax.set_ylabel("recall: share of full attention's softmax mass kept (mean over rows)")
        ax.set_title(f'Recall vs density, inputs {inputs}: {run.context["experiment"]}')
        ax.grid(True, which="both", alpha=0.3)
        outside_legend(ax, ax.get_legend_handles_labels()[0])
        save(fig, out, f"recall_vs_density-{inputs}", written)


TIMED_PLOTS = [plot_latency, plot_memory, plot_speedup, plot_roofline]
PLOTS = TIMED_PLOTS + [plot_quality]


def main(argv):
    parser = argparse.ArgumentParser(description="plots of an attnbench run folder")
    parser.add_argument("run_dir", help="the run's folder, or its results.jsonl")
    parser.add_argument("--out", help="folder for the plots (default: the run folder)")
    parser.add_argument("--probes-from", metavar="RUN_DIR",
                        help="the roofline's FMA peak and DRAM bandwidth from this run's context (a run that "
                             "predates the probes); refused unless its CPU, host and core count match")
    parser.add_argument("--format", default="png,pdf", help="comma-separated: png, pdf, svg (default png,pdf)")
    args = parser.parse_args(argv)
    global FORMATS
    FORMATS = tuple(f for f in args.format.split(",") if f)
    if not FORMATS or any(f not in ("png", "pdf", "svg") for f in FORMATS):
        print(f"scripts/plot: --format {args.format}: expected png, pdf or svg, comma-separated", file=sys.stderr)
        return 2
    run = Run(args.run_dir)
    if args.probes_from:
        other = Run(args.probes_from).context
        same = ("cpu_model", "hostname", "cores")
        if any(other.get(k) != run.context.get(k) for k in same) or not other.get("probes"):
            print(f"scripts/plot: --probes-from {args.probes_from}: another machine ({', '.join(same)}) "
                  "or no probes recorded", file=sys.stderr)
            return 2
        run.probes_from = other
    if not run.cases and not run.quality:
        print(f"scripts/plot: no timed case and no quality figures in {run_folder(args.run_dir) / 'results.jsonl'}",
              file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else run_folder(args.run_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for plot in PLOTS if run.cases else [plot_quality]:
        plot(run, out, written)
    print(f"wrote {', '.join(str(p) for p in written)} from {len(run.cases)} timed records")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
