// The raw results: one context record per run and one record per case. Plain structs; the
// JSON Lines file is their one canonical form, and every table is a view of it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/case_key.hpp"
#include "core/file_digest.hpp"

namespace attnbench {

using Json = nlohmann::ordered_json;

// The results format. 1: records identified by their id alone; 2: the case key's axes written by
// name beside it (`spec`, `seq_len`, `seq_kv_len` ...), `format_version` in the context, the
// status `executed`. Readers take every version up to this one.
inline constexpr int kResultsFormatVersion = 2;

// passed: checked against the reference and within tolerance (and timed unless --mode check);
// executed: timed without a check (--mode perf). Both, and skipped, count as success.
enum class CaseStatus { kPassed, kExecuted, kFailed, kSkipped, kError };
inline constexpr CaseStatus kAllStatuses[] = {CaseStatus::kPassed, CaseStatus::kExecuted,
                                              CaseStatus::kFailed, CaseStatus::kSkipped,
                                              CaseStatus::kError};
std::string_view to_string(CaseStatus status);
std::optional<CaseStatus> parse_status(std::string_view text);
inline bool is_success(CaseStatus s) { return s != CaseStatus::kFailed && s != CaseStatus::kError; }

// What a run does with its cases: list the ids, check against the reference, time, or both; or
// measure each cell's quality against full attention (one `reference` record per cell).
enum class RunMode { kList, kCheck, kPerf, kAll, kQuality };
std::string_view to_string(RunMode mode);
std::optional<RunMode> parse_mode(std::string_view text);

struct LatencyMs {
  double median = 0, min = 0, max = 0, mean = 0, stddev = 0;
  int repetitions = 0;
  std::vector<double> samples;  // every timed repetition, in the order they ran (format 2)
  double cv = 0;                // stddev / mean
};

// How much to trust a latency: its spread, and the CPU other processes took while it ran.
// Where a case's wall time went, in milliseconds. The executors of a cell share its setup and
// its timed window (they run interleaved), so those are the cell's; the check is the executor's
// own untimed pass (building it, one run for peak memory, the comparison with the reference).
struct WallMs {
  double setup = 0;  // inputs, mask and layout, executors built for the rounds, everything else
  double check = 0;
  double timed = 0;  // warm-ups, timed rounds and canaries
};

struct NoiseFigures {
  double cv = 0;
  double foreign_cpu = 0;  // CPU time of other processes in the timed window, share of the cores
  // The canaries timed between the case's rounds, their median over the process's fastest
  // canary: above 1 + `noisy_canary` the machine ran slower than it can (runner/timing.hpp).
  std::optional<double> canary;
  bool noisy = false;  // cv above `noisy_cv`, foreign_cpu above `noisy_foreign`, or the canary
};

// The full-attention baseline a case is measured against (see baseline.hpp in the runner).
struct BaselineRef {
  std::string id;
  double median_ms = 0;
};

struct FlopCounts {
  std::int64_t useful = 0;    // 4 * head_dim per allowed (query, key) pair
  std::int64_t executed = 0;  // 4 * head_dim per pair the executor computed
  std::int64_t dense = 0;     // 4 * head_dim * q_len * kv_len per head
};

struct DensityFigures {
  double element = 0;  // allowed pairs / (q_len * kv_len)
  double tile = 0;     // visited tiles / all tiles
  double waste = 0;    // 1 - useful / executed
};

struct MemoryFigures {
  std::int64_t analytic_bytes = 0;  // inputs, output, workspace, layout
  std::int64_t peak_rss_bytes = 0;  // measured peak resident size while the case ran
  // Gradient passes: what the forward keeps for the backward (log-sum-exp or probabilities).
  std::optional<std::int64_t> saved_bytes;
};

// One gradient against the reference: max |g - g_ref|, and that over max |g_ref|.
struct GradientError {
  double max_abs_err = 0;
  double max_rel_err = 0;
};

// Gradient passes: dQ on the checked rows, dK and dV on the checked keys (per batch item and key
// head), each passing when its max_rel_err is within `tolerance`.
struct GradientAccuracy {
  GradientError dq, dk, dv;
  std::int64_t keys_checked = 0;
  std::int64_t non_finite = 0;
  double tolerance = 1e-4;
};

struct AccuracyFigures {
  double max_abs_err = 0;
  double max_rel_err = 0;  // max abs error / max |reference value|
  std::int64_t rows_checked = 0;
  std::int64_t non_finite = 0;  // NaN or infinite values in the reference or the output
  double tolerance = 0;         // the threshold applied: the config's, or the dtype's default
  std::optional<GradientAccuracy> gradients;  // backward and train passes
};

// Keys per query of one head, for patterns whose heads see different masks.
struct HeadKeys {
  std::int64_t allowed_pairs = 0, min_keys = 0, max_keys = 0;
  double mean_keys = 0;
};

struct MaskFigures {
  std::int64_t allowed_pairs = 0;  // summed over heads (one batch item)
  std::optional<std::int64_t> closed_form_pairs;
  std::int64_t min_keys = 0, max_keys = 0;  // keys per query row
  double mean_keys = 0;
  std::int64_t empty_rows = 0;    // query rows with no allowed key (output zero), over heads
  std::int64_t tile_pairs = 0;    // pairs of the visited tiles (what the sparse executor computes)
  std::int64_t causal_pairs = 0;  // pairs with key <= query position, when the mask stays in them
  std::int64_t visited_tiles = 0, partial_tiles = 0, total_tiles = 0;
  std::int64_t layout_bytes = 0;
  std::vector<HeadKeys> per_head;  // only when heads differ
};

// A decode case (`pass: decode`): its steps and what they cost. Cache bytes count keys and
// values of every key-value head and batch item, in the case's dtype.
struct DecodeFigures {
  std::int64_t steps = 0, tokens_per_step = 0;
  double tokens_per_s = 0;  // steps x tokens x batch over the median latency of all steps
  std::int64_t kv_cache_initial = 0, kv_cache_max = 0, kv_cache_final = 0;
  // The least traffic of a step (mean over steps): each distinct key and value its queries may
  // attend, once per key-value head, plus its Q and O.
  std::int64_t bytes_read_per_step = 0;
  std::optional<double> bandwidth_fraction;  // that per step's median time, over dram_read_gbs
  bool cache_resident = false;               // the fraction exceeds 1: served from the caches
};

// How much of full attention a mask keeps, on the case's inputs, in double precision over the
// check's sampled rows (src/quality/quality.hpp).
struct QualityFigures {
  std::string inputs;     // the input set's name
  std::int64_t rows = 0;  // query rows measured, over batch items and heads
  // Share of full attention's softmax mass inside the mask, per query row (0 with no key).
  double recall_mean = 0, recall_min = 0, recall_p10 = 0;
  std::vector<double> recall_per_head;  // the mean per head
  // ||O - O_full|| / ||O_full|| over the measured rows: all heads, the worst head, each head.
  double output_rel_l2 = 0, output_rel_l2_max_head = 0;
  std::vector<double> output_rel_l2_per_head;
};

Json quality_json(const QualityFigures& q);
QualityFigures quality_from(const Json& j);

struct CaseRecord {
  CaseKey key;          // the identity: written by name, one field per axis
  std::string label;    // what a person reads (the entry's `label:` or generated); may be empty
  std::string pattern;  // the pattern's name, and its parameters as JSON types
  Json params = Json::object();
  std::int64_t q_len = 0, kv_len = 0;  // as executed
  std::string impl;
  // The mode the case ran in; records before it existed take their context's.
  std::optional<RunMode> mode;
  CaseStatus status = CaseStatus::kError;
  std::string message;
  bool is_baseline = false;  // "role": "baseline": run only as other cases' full attention
  std::optional<BaselineRef> baseline;
  std::string baseline_reason;            // why there is no baseline, when there is none
  std::optional<double> speedup_vs_full;  // baseline median / this median
  std::optional<NoiseFigures> noise;
  std::optional<LatencyMs> latency_ms;
  double layout_ms = 0;
  std::optional<WallMs> wall_ms;
  double prepare_ms = 0;                           // content-dependent patterns' decisions
  std::map<std::string, double> balance;           // their bucket / block balance statistics
  std::map<std::string, std::int64_t> side_flops;  // work besides attention pairs (estimates)
  FlopCounts flops;
  std::optional<double> gflops_useful;
  std::optional<double> gemm_fraction;  // gflops_useful / the GEMM probe of its dtype and threads
  std::optional<double> peak_fraction;  // gflops_useful / the FMA peak probe of its dtype, threads
  bool emulated = false;  // bf16 where oneDNN emulates it (its ISA is below avx512_core_bf16)
  DensityFigures density;
  MemoryFigures memory;
  std::optional<AccuracyFigures> accuracy;
  MaskFigures mask;
  // Gradient passes: "executed" (of the Q, K, V the executor ran, appended tokens included).
  std::string grad_of;
  std::optional<DecodeFigures> decode;  // pass decode only
  // Asked for (`--mode quality`, or `quality: true`): the figures, or none and why not.
  std::optional<QualityFigures> quality;
  std::string quality_reason;
  // A content-dependent pattern's decisions in its replay format, relative to the run folder.
  std::string decisions;

  std::string id() const { return key.id(); }
  // "sliding_window radius=64 n=4096 sparse": the label and the axes a sweep usually varies
  // (the id when there is no label).
  std::string short_name() const;
  ExecutorKind executor() const { return key.executor; }
};

// A machine probe: repeated measurements of one figure.
struct ProbeFigure {
  double median = 0, min = 0, max = 0;
  int samples = 0;
  std::string source;  // measured | cache
  std::string measured_utc;
  bool disturbed() const { return min > 0 && max / min > 1.25; }
};

// Per dtype, then per thread count ("2").
using ProbeTable = std::map<std::string, std::map<std::string, ProbeFigure>>;

struct Probes {
  ProbeTable gemm_gflops;                    // oneDNN matmul, 2048^3
  ProbeTable fma_peak_gflops;                // independent FMA chains in registers
  std::optional<ProbeFigure> dram_read_gbs;  // 2 threads, a read-only reduction over >= 1 GiB
};

struct RunContext {
  int format_version = kResultsFormatVersion;  // as read; always the current one when written
  std::string attnbench_version, experiment, started_utc;
  std::string cpu_model;
  std::vector<std::string> cpu_flags;
  int cores = 0;
  std::vector<int> threads;
  std::string onednn_version, compiler, git_commit, hostname;
  std::string build_id;    // the executable's linker build ID: equal IDs ran the same code
  std::string onednn_isa;  // exec's onednn_isa(): bf16 is native from avx512_core_bf16
  std::string config_path, config_hash, command_line;
  RunMode mode = RunMode::kAll;
  std::uint64_t seed = 0;
  std::map<std::string, double> gemm_gflops;  // by thread count (f32 GEMM probe medians)
  Probes probes;
  bool disturbed = false;  // a probe's spread exceeds 1.25, or a gemm_fraction exceeds 1
  std::vector<double> load_average_start, load_average_end;  // 1, 5 and 15 minutes
  std::string build_type;
  std::string shard;                  // "K/N" for a sharded run, "" otherwise
  std::int64_t shard_cases = 0;       // the cases this run was given
  std::int64_t experiment_cases = 0;  // the cases of the whole experiment
  std::vector<std::string> plugins;   // pattern plugin files loaded (absolute paths)
  std::vector<InputFile> files;       // what the config reads (inputs, replays, plugins), digested
};

Json to_json(const CaseRecord& record);
Json to_json(const RunContext& context);
CaseRecord case_from_json(const Json& json);
RunContext context_from_json(const Json& json);

// A run's records: the context line, then the cases in the order they finished.
struct RunResults {
  RunContext context;
  std::vector<CaseRecord> cases;
  int torn_lines = 0;  // a last line cut short by a killed process, ignored
};

// Reads results.jsonl. Throws std::runtime_error naming the line when a complete line is bad,
// and when the file is of a newer format than this attnbench reads (naming both versions).
RunResults read_results(const std::string& path);

}  // namespace attnbench
