#include "results/record.hpp"

#include <fmt/format.h>

#include "results/json_numbers.hpp"

#include <array>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

namespace attnbench {

std::string CaseRecord::short_name() const {
  if (label.empty()) return id();
  const std::string lengths =
      q_len == kv_len ? fmt::format("{}", q_len) : fmt::format("{}x{}", q_len, kv_len);
  std::string name = fmt::format("{} n={} {}", label, lengths, to_string(executor()));
  if (key.dtype != DataType::kF32) name += fmt::format(" {}", to_string(key.dtype));
  if (key.pass != Pass::kForward) name += fmt::format(" {}", to_string(key.pass));
  return name;
}

namespace {

constexpr std::array<std::string_view, 5> kStatusNames = {"passed", "executed", "failed", "skipped",
                                                          "error"};
constexpr std::array<std::string_view, 5> kModeNames = {"list", "check", "perf", "all", "quality"};

template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

template <typename T>
std::optional<T> optional_from(const Json& json, const char* key) {
  if (!json.contains(key) || json.at(key).is_null()) return std::nullopt;
  return json.at(key).get<T>();
}

// Reads json[key] into `value` by name; the field must exist. An integer field refuses a float
// (1e23) and a value out of its range.
template <typename T>
void read(const Json& json, const char* key, T& value) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    std::int64_t number = 0;
    try {
      number = checked_integer(json.at(key));
    } catch (const std::logic_error& e) {
      throw std::runtime_error(fmt::format("{}: {}", key, e.what()));
    }
    if (!std::in_range<T>(number)) {
      throw std::runtime_error(fmt::format("{}: {} is out of range", key, number));
    }
    value = static_cast<T>(number);
  } else {
    value = json.at(key).get<T>();
  }
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse_enum(std::string_view text,
                               const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

template <typename Enum, std::size_t N>
Enum enum_field(const Json& json, const char* key, const std::array<std::string_view, N>& names) {
  const std::string text = json.at(key).get<std::string>();
  const std::optional<Enum> value = parse_enum<Enum>(text, names);
  if (!value) {
    throw std::runtime_error(
        fmt::format("{}: unknown value '{}' (known: {})", key, text, fmt::join(names, ", ")));
  }
  return *value;
}

// The case key's axes, each under its declared name.
void write_key(Json& j, const CaseKey& key) {
  for (const AxisDecl& axis : case_axes()) {
    const std::string name(axis.name);
    std::visit(
        [&](auto member) {
          const auto& value = key.*member;
          if constexpr (std::is_same_v<std::decay_t<decltype(value)>, Index>) {
            j[name] = value;
          } else {
            j[name] = axis_text(key, axis);
          }
        },
        axis.member);
  }
}

// Format 2 writes every axis by name; format 1 only the id, which is canonical and parses back
// into the same key. An optional axis newer than the record is at its default.
CaseKey read_key(const Json& j) {
  const std::string id = j.at("id").get<std::string>();
  if (!j.contains("spec")) {
    try {
      return parse_case_id(id);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(fmt::format("id: {}", e.what()));
    }
  }
  CaseKey key;
  for (const AxisDecl& axis : case_axes()) {
    const std::string name(axis.name);
    if (!j.contains(name) && axis.id_segment == kOptionalSegment) {
      set_axis_text(key, axis, axis.default_text);
      continue;
    }
    const Json& value = j.at(name);
    try {
      set_axis_text(key, axis, value.is_string() ? value.get<std::string>() : value.dump());
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(fmt::format("{}: {}", name, e.what()));
    }
  }
  if (key.id() != id) {
    throw std::runtime_error(
        fmt::format("the id '{}' does not match the record's fields ('{}')", id, key.id()));
  }
  return key;
}

Json latency_json(const LatencyMs& l) {
  return Json{{"median", l.median}, {"min", l.min},        {"max", l.max},
              {"mean", l.mean},     {"stddev", l.stddev},  {"repetitions", l.repetitions},
              {"cv", l.cv},         {"samples", l.samples}};
}

LatencyMs latency_from(const Json& j) {
  LatencyMs l;
  read(j, "median", l.median), read(j, "min", l.min), read(j, "max", l.max);
  read(j, "mean", l.mean), read(j, "stddev", l.stddev), read(j, "repetitions", l.repetitions);
  l.cv = j.value("cv", l.mean > 0 ? l.stddev / l.mean : 0.0);  // samples: format 2 only
  l.samples = j.value("samples", std::vector<double>{});
  return l;
}

Json probe_json(const ProbeFigure& p) {
  return Json{{"median", p.median},   {"min", p.min},       {"max", p.max},
              {"samples", p.samples}, {"source", p.source}, {"measured_utc", p.measured_utc}};
}

ProbeFigure probe_from(const Json& j) {
  ProbeFigure p;
  read(j, "median", p.median), read(j, "min", p.min), read(j, "max", p.max);
  read(j, "samples", p.samples), read(j, "source", p.source);
  read(j, "measured_utc", p.measured_utc);
  return p;
}

Json probe_table_json(const ProbeTable& table) {
  Json out = Json::object();
  for (const auto& [dtype, by_threads] : table) {
    for (const auto& [threads, figure] : by_threads) out[dtype][threads] = probe_json(figure);
  }
  return out;
}

ProbeTable probe_table_from(const Json& j) {
  ProbeTable table;
  for (const auto& [dtype, by_threads] : j.items()) {
    for (const auto& [threads, figure] : by_threads.items()) {
      table[dtype][threads] = probe_from(figure);
    }
  }
  return table;
}

Json probes_json(const Probes& p) {
  return Json{{"gemm_gflops", probe_table_json(p.gemm_gflops)},
              {"fma_peak_gflops", probe_table_json(p.fma_peak_gflops)},
              {"dram_read_gbs", p.dram_read_gbs ? probe_json(*p.dram_read_gbs) : Json(nullptr)}};
}

Probes probes_from(const Json& j) {
  Probes p;
  p.gemm_gflops = probe_table_from(j.value("gemm_gflops", Json::object()));
  p.fma_peak_gflops = probe_table_from(j.value("fma_peak_gflops", Json::object()));
  if (j.contains("dram_read_gbs") && !j.at("dram_read_gbs").is_null())
    p.dram_read_gbs = probe_from(j.at("dram_read_gbs"));
  return p;
}

Json noise_json(const NoiseFigures& n) {
  return Json{{"cv", n.cv},
              {"foreign_cpu", n.foreign_cpu},
              {"canary", n.canary ? Json(*n.canary) : Json(nullptr)},
              {"noisy", n.noisy}};
}

NoiseFigures noise_from(const Json& j) {
  NoiseFigures n;
  read(j, "cv", n.cv), read(j, "foreign_cpu", n.foreign_cpu), read(j, "noisy", n.noisy);
  if (j.contains("canary") && j.at("canary").is_number()) n.canary = j.at("canary").get<double>();
  return n;
}

Json gradient_error_json(const GradientError& e) {
  return Json{{"max_abs_err", e.max_abs_err}, {"max_rel_err", e.max_rel_err}};
}

GradientError gradient_error_from(const Json& j) {
  GradientError e;
  read(j, "max_abs_err", e.max_abs_err), read(j, "max_rel_err", e.max_rel_err);
  return e;
}

Json accuracy_json(const AccuracyFigures& a) {
  Json j{{"max_abs_err", a.max_abs_err},
         {"max_rel_err", a.max_rel_err},
         {"rows_checked", a.rows_checked},
         {"non_finite", a.non_finite},
         {"tolerance", a.tolerance}};
  if (const auto& g = a.gradients) {
    j.update(Json{{"dq", gradient_error_json(g->dq)},
                  {"dk", gradient_error_json(g->dk)},
                  {"dv", gradient_error_json(g->dv)},
                  {"keys_checked", g->keys_checked},
                  {"gradient_non_finite", g->non_finite},
                  {"gradient_tolerance", g->tolerance}});
  }
  return j;
}

AccuracyFigures accuracy_from(const Json& j) {
  AccuracyFigures a;
  read(j, "max_abs_err", a.max_abs_err), read(j, "max_rel_err", a.max_rel_err);
  read(j, "rows_checked", a.rows_checked);
  if (j.contains("non_finite")) read(j, "non_finite", a.non_finite);  // absent before it existed
  a.tolerance = j.value("tolerance", 0.0);
  if (j.contains("dq")) {
    GradientAccuracy g;
    g.dq = gradient_error_from(j.at("dq"));
    g.dk = gradient_error_from(j.at("dk"));
    g.dv = gradient_error_from(j.at("dv"));
    read(j, "keys_checked", g.keys_checked);
    read(j, "gradient_non_finite", g.non_finite);
    read(j, "gradient_tolerance", g.tolerance);
    a.gradients = g;
  }
  return a;
}

Json decode_json(const DecodeFigures& d) {
  Json j{{"steps", d.steps},
         {"tokens_per_step", d.tokens_per_step},
         {"tokens_per_s", d.tokens_per_s},
         {"kv_cache_bytes",
          {{"initial", d.kv_cache_initial}, {"max", d.kv_cache_max}, {"final", d.kv_cache_final}}},
         {"bytes_read_per_step", d.bytes_read_per_step},
         {"bandwidth_fraction", optional_json(d.bandwidth_fraction)}};
  if (d.cache_resident) j["cache_resident"] = true;
  return j;
}

DecodeFigures decode_from(const Json& j) {
  DecodeFigures d;
  read(j, "steps", d.steps), read(j, "tokens_per_step", d.tokens_per_step);
  read(j, "tokens_per_s", d.tokens_per_s);
  const Json& cache = j.at("kv_cache_bytes");
  read(cache, "initial", d.kv_cache_initial), read(cache, "max", d.kv_cache_max);
  read(cache, "final", d.kv_cache_final);
  read(j, "bytes_read_per_step", d.bytes_read_per_step);
  d.bandwidth_fraction = optional_from<double>(j, "bandwidth_fraction");
  d.cache_resident = j.value("cache_resident", false);
  return d;
}

Json per_head_json(const std::vector<HeadKeys>& heads) {
  Json list = Json::array();
  for (const HeadKeys& h : heads) {
    list.push_back({{"allowed_pairs", h.allowed_pairs},
                    {"min_keys", h.min_keys},
                    {"max_keys", h.max_keys},
                    {"mean_keys", h.mean_keys}});
  }
  return list;
}

Json mask_json(const MaskFigures& m) {
  return Json{{"allowed_pairs", m.allowed_pairs},
              {"closed_form_pairs", optional_json(m.closed_form_pairs)},
              {"min_keys", m.min_keys},
              {"max_keys", m.max_keys},
              {"mean_keys", m.mean_keys},
              {"empty_rows", m.empty_rows},
              {"tile_pairs", m.tile_pairs},
              {"causal_pairs", m.causal_pairs},
              {"visited_tiles", m.visited_tiles},
              {"partial_tiles", m.partial_tiles},
              {"total_tiles", m.total_tiles},
              {"layout_bytes", m.layout_bytes},
              {"per_head", per_head_json(m.per_head)}};
}

MaskFigures mask_from(const Json& j) {
  MaskFigures m;
  read(j, "allowed_pairs", m.allowed_pairs);
  m.closed_form_pairs = optional_from<std::int64_t>(j, "closed_form_pairs");
  read(j, "min_keys", m.min_keys), read(j, "max_keys", m.max_keys);
  read(j, "mean_keys", m.mean_keys), read(j, "empty_rows", m.empty_rows);
  read(j, "tile_pairs", m.tile_pairs), read(j, "causal_pairs", m.causal_pairs);
  read(j, "visited_tiles", m.visited_tiles), read(j, "partial_tiles", m.partial_tiles);
  read(j, "total_tiles", m.total_tiles), read(j, "layout_bytes", m.layout_bytes);
  for (const Json& h : j.value("per_head", Json::array())) {  // absent before it existed
    HeadKeys keys;
    read(h, "allowed_pairs", keys.allowed_pairs), read(h, "min_keys", keys.min_keys);
    read(h, "max_keys", keys.max_keys), read(h, "mean_keys", keys.mean_keys);
    m.per_head.push_back(keys);
  }
  return m;
}

Json files_json(const std::vector<InputFile>& files) {
  Json list = Json::array();
  for (const InputFile& f : files) {
    list.push_back({{"role", f.role}, {"path", f.path}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  }
  return list;
}

}  // namespace

std::string_view to_string(CaseStatus status) {
  return kStatusNames[static_cast<std::size_t>(status)];
}
std::optional<CaseStatus> parse_status(std::string_view text) {
  return parse_enum<CaseStatus>(text, kStatusNames);
}
std::string_view to_string(RunMode mode) { return kModeNames[static_cast<std::size_t>(mode)]; }
std::optional<RunMode> parse_mode(std::string_view text) {
  return parse_enum<RunMode>(text, kModeNames);
}

Json to_json(const CaseRecord& r) {
  Json j{{"type", "case"},
         {"id", r.id()},
         {"label", r.label},
         {"pattern", r.pattern},
         {"params", r.params}};
  if (r.is_baseline) j["role"] = "baseline";
  write_key(j, r.key);
  j.update(Json{
      {"q_len", r.q_len},
      {"kv_len", r.kv_len},
      {"impl", r.impl},
      {"mode", r.mode ? Json(to_string(*r.mode)) : Json(nullptr)},
      {"status", to_string(r.status)},
      {"message", r.message},
      {"latency_ms", r.latency_ms ? latency_json(*r.latency_ms) : Json(nullptr)},
      {"noise", r.noise ? noise_json(*r.noise) : Json(nullptr)},
      {"baseline", r.baseline ? Json{{"id", r.baseline->id}, {"median_ms", r.baseline->median_ms}}
                              : Json(nullptr)},
      {"baseline_reason", r.baseline_reason},
      {"speedup_vs_full", optional_json(r.speedup_vs_full)},
      {"layout_ms", r.layout_ms},
      {"wall_ms", r.wall_ms ? Json{{"setup", r.wall_ms->setup},
                                   {"check", r.wall_ms->check},
                                   {"timed", r.wall_ms->timed}}
                            : Json(nullptr)},
      {"prepare_ms", r.prepare_ms},
      {"balance", r.balance},
      {"side_flops", r.side_flops},
      {"flops",
       {{"useful", r.flops.useful}, {"executed", r.flops.executed}, {"dense", r.flops.dense}}},
      {"gflops_useful", optional_json(r.gflops_useful)},
      {"gemm_fraction", optional_json(r.gemm_fraction)},
      {"peak_fraction", optional_json(r.peak_fraction)},
      {"emulated", r.emulated},
      {"density",
       {{"element", r.density.element}, {"tile", r.density.tile}, {"waste", r.density.waste}}},
      {"memory",
       {{"analytic_bytes", r.memory.analytic_bytes}, {"peak_rss_bytes", r.memory.peak_rss_bytes}}},
      {"accuracy", r.accuracy ? accuracy_json(*r.accuracy) : Json(nullptr)},
      {"mask", mask_json(r.mask)}});
  if (r.memory.saved_bytes) j["memory"]["saved_bytes"] = *r.memory.saved_bytes;
  if (!r.grad_of.empty()) j["grad_of"] = r.grad_of;
  if (r.decode) j["decode"] = decode_json(*r.decode);
  if (r.quality || !r.quality_reason.empty()) {  // only where asked for
    j["quality"] = r.quality ? quality_json(*r.quality) : Json(nullptr);
    j["quality_reason"] = r.quality_reason;
  }
  if (!r.decisions.empty()) j["decisions"] = r.decisions;
  encode_non_finite(j);
  return j;
}

CaseRecord case_from_json(const Json& raw) {
  Json j = raw;
  decode_non_finite(j);
  CaseRecord r;
  r.key = read_key(j);
  read(j, "pattern", r.pattern), read(j, "params", r.params);
  r.label = j.value("label", "");  // absent before labels were recorded
  read(j, "q_len", r.q_len), read(j, "kv_len", r.kv_len), read(j, "impl", r.impl);
  if (j.contains("mode") && !j.at("mode").is_null()) {
    r.mode = enum_field<RunMode>(j, "mode", kModeNames);
  }
  r.status = enum_field<CaseStatus>(j, "status", kStatusNames);
  read(j, "message", r.message);
  if (!j.at("latency_ms").is_null()) r.latency_ms = latency_from(j.at("latency_ms"));
  // Format 1 records have no role, noise or baseline: no baseline was recorded.
  r.is_baseline = j.value("role", "") == "baseline";
  if (j.contains("noise") && !j.at("noise").is_null()) r.noise = noise_from(j.at("noise"));
  if (j.contains("baseline") && !j.at("baseline").is_null()) {
    const Json& b = j.at("baseline");
    r.baseline = BaselineRef{b.at("id").get<std::string>(), b.at("median_ms").get<double>()};
  }
  r.baseline_reason = j.value("baseline_reason", "");
  r.speedup_vs_full = optional_from<double>(j, "speedup_vs_full");
  read(j, "layout_ms", r.layout_ms), read(j, "prepare_ms", r.prepare_ms);
  if (j.contains("wall_ms") && j.at("wall_ms").is_object()) {
    const Json& w = j.at("wall_ms");
    r.wall_ms = WallMs{w.value("setup", 0.0), w.value("check", 0.0), w.value("timed", 0.0)};
  }
  read(j, "balance", r.balance), read(j, "side_flops", r.side_flops);
  const Json& f = j.at("flops");
  read(f, "useful", r.flops.useful), read(f, "executed", r.flops.executed);
  read(f, "dense", r.flops.dense);
  r.gflops_useful = optional_from<double>(j, "gflops_useful");
  r.gemm_fraction = optional_from<double>(j, "gemm_fraction");
  r.peak_fraction = optional_from<double>(j, "peak_fraction");
  r.emulated = j.value("emulated", false);
  const Json& d = j.at("density");
  read(d, "element", r.density.element), read(d, "tile", r.density.tile);
  read(d, "waste", r.density.waste);
  const Json& mem = j.at("memory");
  read(mem, "analytic_bytes", r.memory.analytic_bytes);
  read(mem, "peak_rss_bytes", r.memory.peak_rss_bytes);
  r.memory.saved_bytes = optional_from<std::int64_t>(mem, "saved_bytes");
  r.grad_of = j.value("grad_of", "");
  if (!j.at("accuracy").is_null()) r.accuracy = accuracy_from(j.at("accuracy"));
  r.mask = mask_from(j.at("mask"));
  if (j.contains("decode")) r.decode = decode_from(j.at("decode"));
  if (j.contains("quality") && !j.at("quality").is_null()) r.quality = quality_from(j["quality"]);
  r.quality_reason = j.value("quality_reason", "");
  r.decisions = j.value("decisions", "");
  return r;
}

Json to_json(const RunContext& c) {
  Json j{{"type", "context"},
         {"format_version", kResultsFormatVersion},
         {"attnbench_version", c.attnbench_version},
         {"experiment", c.experiment},
         {"started_utc", c.started_utc},
         {"cpu_model", c.cpu_model},
         {"cpu_flags", c.cpu_flags},
         {"cores", c.cores},
         {"threads", c.threads},
         {"onednn_version", c.onednn_version},
         {"onednn_isa", c.onednn_isa},
         {"compiler", c.compiler},
         {"git_commit", c.git_commit},
         {"hostname", c.hostname},
         {"build_id", c.build_id},
         {"config_path", c.config_path},
         {"config_hash", c.config_hash},
         {"command_line", c.command_line},
         {"mode", to_string(c.mode)},
         {"seed", c.seed},
         {"gemm_gflops", c.gemm_gflops},
         {"probes", probes_json(c.probes)},
         {"disturbed", c.disturbed},
         {"load_average_start", c.load_average_start},
         {"load_average_end", c.load_average_end},
         {"build_type", c.build_type},
         {"shard", c.shard},
         {"shard_cases", c.shard_cases},
         {"experiment_cases", c.experiment_cases},
         {"plugins", c.plugins},
         {"files", files_json(c.files)}};
  encode_non_finite(j);
  return j;
}

RunContext context_from_json(const Json& raw) {
  Json j = raw;
  decode_non_finite(j);
  RunContext c;
  c.format_version = j.value("format_version", 1);
  read(j, "attnbench_version", c.attnbench_version), read(j, "experiment", c.experiment);
  read(j, "started_utc", c.started_utc), read(j, "cpu_model", c.cpu_model);
  read(j, "cpu_flags", c.cpu_flags), read(j, "cores", c.cores), read(j, "threads", c.threads);
  read(j, "onednn_version", c.onednn_version), read(j, "compiler", c.compiler);
  c.onednn_isa = j.value("onednn_isa", "");
  read(j, "git_commit", c.git_commit), read(j, "hostname", c.hostname);
  c.build_id = j.value("build_id", "");
  read(j, "config_path", c.config_path), read(j, "config_hash", c.config_hash);
  read(j, "command_line", c.command_line), read(j, "seed", c.seed);
  c.mode = enum_field<RunMode>(j, "mode", kModeNames);
  read(j, "gemm_gflops", c.gemm_gflops);
  c.probes = probes_from(j.value("probes", Json::object()));
  c.disturbed = j.value("disturbed", false);
  c.load_average_start = j.value("load_average_start", std::vector<double>{});
  c.load_average_end = j.value("load_average_end", std::vector<double>{});
  c.build_type = j.value("build_type", "");
  c.shard = j.value("shard", "");
  c.shard_cases = j.value("shard_cases", std::int64_t{0});
  c.experiment_cases = j.value("experiment_cases", std::int64_t{0});
  c.plugins = j.value("plugins", std::vector<std::string>{});
  for (const Json& f : j.value("files", Json::array())) {  // absent before it existed
    InputFile file;
    read(f, "role", file.role), read(f, "path", file.path), read(f, "bytes", file.bytes);
    read(f, "sha256", file.sha256);
    c.files.push_back(file);
  }
  return c;
}

namespace {

void refuse_newer(const std::string& path, const RunContext& context) {
  if (context.format_version <= kResultsFormatVersion) return;
  throw std::runtime_error(fmt::format(
      "{}: results format version {}, newer than the version {} this attnbench reads; use a newer "
      "attnbench",
      path, context.format_version, kResultsFormatVersion));
}

}  // namespace

RunResults read_results(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(fmt::format("{}: cannot open", path));
  RunResults results;
  std::string line;
  int number = 0;
  bool has_context = false;
  std::set<std::string> ids;
  while (std::getline(file, line)) {
    ++number;
    const auto fail = [&](const std::string& why) {
      throw std::runtime_error(fmt::format("{}:{}: not a valid record: {}", path, number, why));
    };
    // No final newline: the writer was killed mid-line, or the line is complete and only its
    // newline is missing. A line that parses is kept; only an unparseable tail is discarded.
    if (file.eof() && !Json::accept(line)) {
      ++results.torn_lines;
      break;
    }
    try {
      const Json json = Json::parse(line);
      const std::string type = json.at("type").get<std::string>();
      if (type == "context") {
        if (has_context) fail("a second context record (two runs in one file?)");
        results.context = context_from_json(json);
        refuse_newer(path, results.context);
        has_context = true;
      } else if (type == "end") {  // the last finish of the run, resumes included
        results.context.load_average_end = json.value("load_average", std::vector<double>{});
      } else if (type == "case") {
        results.cases.push_back(case_from_json(json));
        if (!ids.insert(results.cases.back().id()).second) {
          fail(fmt::format("case {} is recorded twice", results.cases.back().id()));
        }
      } else {
        fail(fmt::format("unknown record type '{}' (known: context, case, end)", type));
      }
    } catch (const std::runtime_error& e) {
      if (std::string_view(e.what()).rfind(path + ":", 0) == 0) throw;  // located already
      fail(e.what());
    } catch (const std::exception& e) {  // nlohmann's errors, and wrong values
      fail(e.what());
    }
  }
  if (!has_context) throw std::runtime_error(fmt::format("{}: no context record", path));
  for (CaseRecord& r : results.cases) {
    if (!r.mode) r.mode = results.context.mode;
  }
  return results;
}

}  // namespace attnbench
