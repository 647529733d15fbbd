#include "runner/probes.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>

#include <unistd.h>

#include "core/version.hpp"
#include "exec/gemm_rate.hpp"
#include "measure/machine_probes.hpp"

namespace attnbench {

namespace {

constexpr double kCacheSeconds = 24 * 3600;
constexpr std::size_t kDramBytes = std::size_t{1} << 30;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What makes a cached figure valid for this run, besides its kind, dtype and thread count.
std::string machine_fingerprint(const Environment& env, const ProbeOptions& options) {
  return fmt::format("{}|{}|{}|{}|{}|{}", env.cpu_model, fmt::join(env.cpu_flags, ","),
                     env.hostname, ATTNBENCH_VERSION_STRING, options.onednn_version,
                     options.onednn_isa);
}

class ProbeCache {
 public:
  explicit ProbeCache(std::string path) : path_(std::move(path)) {
    std::ifstream file(path_);
    if (!file) return;
    try {
      entries_ = Json::parse(file);
    } catch (const Json::exception&) {
      entries_ = Json::object();  // a damaged cache is measured anew
    }
    if (!entries_.is_object()) entries_ = Json::object();
  }

  std::optional<ProbeFigure> find(const std::string& key) const {
    if (!entries_.contains(key)) return std::nullopt;
    const Json& e = entries_.at(key);
    if (now_seconds() - e.value("epoch_s", 0.0) > kCacheSeconds) return std::nullopt;
    ProbeFigure f{e.value("median", 0.0),
                  e.value("min", 0.0),
                  e.value("max", 0.0),
                  e.value("samples", 0),
                  "cache",
                  e.value("measured_utc", "")};
    return f.median > 0 ? std::optional(f) : std::nullopt;
  }

  void store(const std::string& key, const ProbeFigure& f) {
    entries_[key] = Json{{"median", f.median},
                         {"min", f.min},
                         {"max", f.max},
                         {"samples", f.samples},
                         {"epoch_s", now_seconds()},
                         {"measured_utc", f.measured_utc}};
  }

  void save() const {
    if (path_.empty()) return;
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), error);
    const std::string temp = path_ + fmt::format(".{}", ::getpid());
    std::ofstream(temp) << entries_.dump(1) << "\n";
    std::filesystem::rename(temp, path_, error);
    if (error) spdlog::warn("cannot write the probe cache {}: {}", path_, error.message());
  }

 private:
  std::string path_;
  Json entries_ = Json::object();
};

ProbeFigure probe(ProbeCache& cache, const std::string& key, bool reprobe,
                  const std::function<std::vector<double>()>& measure) {
  if (!reprobe) {
    if (std::optional<ProbeFigure> cached = cache.find(key)) return *cached;
  }
  ProbeFigure f = figure_of(measure());
  cache.store(key, f);
  return f;
}

}  // namespace

ProbeFigure figure_of(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  ProbeFigure f;
  if (samples.empty()) return f;
  const std::size_t n = samples.size();
  f.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
  f.min = samples.front(), f.max = samples.back();
  f.samples = static_cast<int>(n);
  f.source = "measured";
  f.measured_utc = utc_timestamp();
  return f;
}

std::string probe_cache_path() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/attnbench/probes.json";
  if (home != nullptr && *home != '\0') return std::string(home) + "/.cache/attnbench/probes.json";
  return "";
}

std::vector<DataType> probe_dtypes(const std::vector<const Case*>& cases) {
  std::vector<DataType> dtypes = {DataType::kF32};
  for (const Case* c : cases) {
    if (std::find(dtypes.begin(), dtypes.end(), c->key.dtype) == dtypes.end()) {
      dtypes.push_back(c->key.dtype);
    }
  }
  return dtypes;
}

Probes run_probes(const ProbeOptions& options, const Environment& env) {
  ProbeCache cache(probe_cache_path());
  const std::string machine = machine_fingerprint(env, options);
  Probes probes;
  for (DataType dtype : options.dtypes) {
    const std::string type(to_string(dtype));
    for (int t : options.threads) {
      const std::string threads = std::to_string(t);
      spdlog::info("probing the machine on {} thread(s): {} GEMM rate and FMA peak", t, type);
      probes.gemm_gflops[type][threads] =
          probe(cache, fmt::format("gemm|{}|{}|{}", type, t, machine), options.reprobe,
                [&] { return gemm_gflops_samples(t, 7, dtype); });
      // bf16's peak: dot products (vdpbf16ps) where the CPU has them; none where it has not.
      if (dtype == DataType::kBf16 && !cpu_has_bf16_dot()) continue;
      probes.fma_peak_gflops[type][threads] =
          probe(cache, fmt::format("fma|{}|{}|{}", type, t, machine), options.reprobe, [&] {
            return dtype == DataType::kBf16 ? bf16_dot_peak_gflops_samples(t, 7)
                                            : fma_peak_gflops_samples(t, 7);
          });
    }
  }
  spdlog::info("probing the DRAM read bandwidth (2 threads, 1 GiB)");
  probes.dram_read_gbs = probe(cache, fmt::format("dram|2|{}", machine), options.reprobe,
                               [&] { return dram_read_gbs_samples(2, 5, kDramBytes); });
  cache.save();
  return probes;
}

}  // namespace attnbench
