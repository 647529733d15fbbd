#include "results/record.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace attnbench {

namespace {

template <typename T>
Json optional_json(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

template <typename T>
std::optional<T> optional_from(const Json& json, const char* key) {
  if (!json.contains(key) || json.at(key).is_null()) return std::nullopt;
  return json.at(key).get<T>();
}

}  // namespace

void to_json(Json& j, const LatencyMs& l) {
  j = Json{{"median", l.median}, {"min", l.min},       {"max", l.max},
           {"mean", l.mean},     {"stddev", l.stddev}, {"repetitions", l.repetitions}};
}
void from_json(const Json& j, LatencyMs& l) {
  l = LatencyMs{j.at("median"), j.at("min"),    j.at("max"),
                j.at("mean"),   j.at("stddev"), j.at("repetitions")};
}
void to_json(Json& j, const AccuracyFigures& a) {
  j = Json{{"max_abs_err", a.max_abs_err},
           {"max_rel_err", a.max_rel_err},
           {"rows_checked", a.rows_checked}};
}
void from_json(const Json& j, AccuracyFigures& a) {
  a = AccuracyFigures{j.at("max_abs_err"), j.at("max_rel_err"), j.at("rows_checked")};
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

Json to_json(const CaseRecord& r) {
  const MaskFigures& m = r.mask;
  return Json{
      {"type", "case"},
      {"id", r.id},
      {"pattern", r.pattern},
      {"params", r.params},
      {"batch", r.batch},
      {"heads", r.heads},
      {"kv_heads", r.kv_heads},
      {"q_len", r.q_len},
      {"kv_len", r.kv_len},
      {"head_dim", r.head_dim},
      {"block_q", r.block_q},
      {"block_kv", r.block_kv},
      {"executor", r.executor},
      {"impl", r.impl},
      {"threads", r.threads},
      {"status", r.status},
      {"message", r.message},
      {"latency_ms", optional_json(r.latency_ms)},
      {"layout_ms", r.layout_ms},
      {"prepare_ms", r.prepare_ms},
      {"balance", r.balance},
      {"side_flops", r.side_flops},
      {"flops",
       {{"useful", r.flops.useful}, {"executed", r.flops.executed}, {"dense", r.flops.dense}}},
      {"gflops_useful", optional_json(r.gflops_useful)},
      {"gemm_fraction", optional_json(r.gemm_fraction)},
      {"density",
       {{"element", r.density.element}, {"tile", r.density.tile}, {"waste", r.density.waste}}},
      {"memory",
       {{"analytic_bytes", r.memory.analytic_bytes}, {"peak_rss_bytes", r.memory.peak_rss_bytes}}},
      {"accuracy", optional_json(r.accuracy)},
      {"mask",
       {{"allowed_pairs", m.allowed_pairs},
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
        {"per_head", per_head_json(m.per_head)}}}};
}

CaseRecord case_from_json(const Json& j) {
  CaseRecord r;
  r.id = j.at("id"), r.pattern = j.at("pattern"), r.params = j.at("params");
  r.batch = j.at("batch"), r.heads = j.at("heads"), r.kv_heads = j.at("kv_heads");
  r.q_len = j.at("q_len"), r.kv_len = j.at("kv_len"), r.head_dim = j.at("head_dim");
  r.block_q = j.at("block_q"), r.block_kv = j.at("block_kv");
  r.executor = j.at("executor"), r.impl = j.at("impl"), r.threads = j.at("threads");
  r.status = j.at("status"), r.message = j.at("message");
  r.latency_ms = optional_from<LatencyMs>(j, "latency_ms");
  r.layout_ms = j.at("layout_ms");
  r.prepare_ms = j.at("prepare_ms");
  r.balance = j.at("balance").get<std::map<std::string, double>>();
  r.side_flops = j.at("side_flops").get<std::map<std::string, std::int64_t>>();
  const Json& f = j.at("flops");
  r.flops = FlopCounts{f.at("useful"), f.at("executed"), f.at("dense")};
  r.gflops_useful = optional_from<double>(j, "gflops_useful");
  r.gemm_fraction = optional_from<double>(j, "gemm_fraction");
  const Json& d = j.at("density");
  r.density = DensityFigures{d.at("element"), d.at("tile"), d.at("waste")};
  const Json& mem = j.at("memory");
  r.memory = MemoryFigures{mem.at("analytic_bytes"), mem.at("peak_rss_bytes")};
  r.accuracy = optional_from<AccuracyFigures>(j, "accuracy");
  const Json& m = j.at("mask");
  r.mask = MaskFigures{m.at("allowed_pairs"), optional_from<std::int64_t>(m, "closed_form_pairs"),
                       m.at("min_keys"),      m.at("max_keys"),
                       m.at("mean_keys"),     m.at("empty_rows"),
                       m.at("tile_pairs"),    m.at("causal_pairs"),
                       m.at("visited_tiles"), m.at("partial_tiles"),
                       m.at("total_tiles"),   m.at("layout_bytes")};
  if (m.contains("per_head")) {  // absent in records written before it existed
    for (const Json& h : m.at("per_head")) {
      r.mask.per_head.push_back(
          HeadKeys{h.at("allowed_pairs"), h.at("min_keys"), h.at("max_keys"), h.at("mean_keys")});
    }
  }
  return r;
}

Json to_json(const RunContext& c) {
  return Json{{"type", "context"},
              {"attnbench_version", c.attnbench_version},
              {"experiment", c.experiment},
              {"started_utc", c.started_utc},
              {"cpu_model", c.cpu_model},
              {"cpu_flags", c.cpu_flags},
              {"cores", c.cores},
              {"threads", c.threads},
              {"onednn_version", c.onednn_version},
              {"compiler", c.compiler},
              {"git_commit", c.git_commit},
              {"hostname", c.hostname},
              {"config_path", c.config_path},
              {"config_hash", c.config_hash},
              {"command_line", c.command_line},
              {"mode", c.mode},
              {"seed", c.seed},
              {"gemm_gflops", c.gemm_gflops},
              {"shard", c.shard},
              {"shard_cases", c.shard_cases},
              {"experiment_cases", c.experiment_cases},
              {"plugins", c.plugins}};
}

RunContext context_from_json(const Json& j) {
  RunContext c;
  c.attnbench_version = j.at("attnbench_version"), c.experiment = j.at("experiment");
  c.started_utc = j.at("started_utc"), c.cpu_model = j.at("cpu_model");
  c.cpu_flags = j.at("cpu_flags").get<std::vector<std::string>>();
  c.cores = j.at("cores"), c.threads = j.at("threads").get<std::vector<int>>();
  c.onednn_version = j.at("onednn_version"), c.compiler = j.at("compiler");
  c.git_commit = j.at("git_commit"), c.hostname = j.at("hostname");
  c.config_path = j.at("config_path"), c.config_hash = j.at("config_hash");
  c.command_line = j.at("command_line"), c.mode = j.at("mode"), c.seed = j.at("seed");
  c.gemm_gflops = j.at("gemm_gflops").get<std::map<std::string, double>>();
  c.shard = j.value("shard", "");
  c.shard_cases = j.value("shard_cases", std::int64_t{0});
  c.experiment_cases = j.value("experiment_cases", std::int64_t{0});
  c.plugins = j.value("plugins", std::vector<std::string>{});
  return c;
}

RunResults read_results(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(fmt::format("{}: cannot open", path));
  RunResults results;
  std::string line;
  int number = 0;
  bool has_context = false;
  while (std::getline(file, line)) {
    ++number;
    if (file.eof()) {  // no final newline: the writer was killed mid-line
      ++results.torn_lines;
      break;
    }
    try {
      const Json json = Json::parse(line);
      if (json.at("type") == "context") {
        results.context = context_from_json(json);
        has_context = true;
      } else {
        results.cases.push_back(case_from_json(json));
      }
    } catch (const Json::exception& e) {
      throw std::runtime_error(
          fmt::format("{}:{}: not a valid record: {}", path, number, e.what()));
    }
  }
  if (!has_context) throw std::runtime_error(fmt::format("{}: no context record", path));
  return results;
}

}  // namespace attnbench
