#include "runner/progress.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

#include "runner/shard.hpp"

namespace attnbench {

Progress::Progress(const std::vector<const Case*>& cases, bool show_ids)
    : total_(cases.size()), start_(Clock::now()), tty_(isatty(2)), show_ids_(show_ids) {
  double sum = 0;
  for (const Case* c : cases) {
    cost_before_.push_back(sum);
    sum += predicted_cost(*c);
  }
  cost_before_.push_back(sum);
}

double Progress::seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void Progress::starting(std::size_t index, const Case& c) {
  if (!started_) first_index_ = index, started_ = true, start_ = Clock::now();
  if (!tty_) return;
  const double done = cost_before_[index] - cost_before_[first_index_];
  const double left = cost_before_.back() - cost_before_[index];
  const std::string eta =
      done > 0 ? fmt::format("  ~{:.0f}s left", seconds() / done * left) : std::string();
  const std::string name = show_ids_ || c.label.empty() ? c.id() : c.label;
  fmt::print(stderr, "\r\033[K[{}/{}] {}  {:.0f}s{}", index + 1, total_, name, seconds(), eta);
  std::fflush(stderr);
}

void Progress::finished(std::size_t index, const CaseRecord& r) const {
  if (tty_) fmt::print(stderr, "\r\033[K");
  const std::string latency =
      r.latency_ms ? fmt::format(", median {:.3f} ms", r.latency_ms->median) : "";
  const std::string speedup =
      r.speedup_vs_full ? fmt::format(", {:.2f}x vs full", *r.speedup_vs_full) : "";
  const std::string why = r.message.empty() ? "" : ": " + r.message;
  const std::string place =
      r.is_baseline ? "[baseline]" : fmt::format("[{}/{}]", index + 1, total_);
  const std::string name = show_ids_ || r.label.empty() ? r.id() : r.short_name();
  if (is_success(r.status)) {
    spdlog::info("{} {} {}{}{}{}", place, to_string(r.status), name, latency, speedup, why);
  } else {
    spdlog::error("{} {} {}{}", place, to_string(r.status), name, why);
  }
}

}  // namespace attnbench
