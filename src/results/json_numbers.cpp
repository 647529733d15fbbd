#include "results/json_numbers.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace attnbench {

namespace {

using Json = nlohmann::ordered_json;

// The numeric fields that may hold a non-finite value; "*" is every member of an object or array.
const std::vector<std::vector<std::string>>& numeric_paths() {
  static const std::vector<std::vector<std::string>> paths = {
      {"latency_ms", "*"},
      {"layout_ms"},
      {"prepare_ms"},
      {"balance", "*"},
      {"gflops_useful"},
      {"gemm_fraction"},
      {"density", "*"},
      {"accuracy", "*"},
      {"mask", "mean_keys"},
      {"mask", "per_head", "*", "mean_keys"},
      {"gemm_gflops", "*"},
      {"probes", "*"},
      {"probes", "*", "*"},
      {"probes", "*", "*", "*"},
      {"noise", "*"},
      {"speedup_vs_full"},
      {"load_average_start", "*"},
      {"load_average_end", "*"},
      {"baseline", "*"}};
  return paths;
}

void decode_at(Json& json, const std::vector<std::string>& path, std::size_t depth) {
  if (depth == path.size()) {
    if (!json.is_string()) return;
    // A copy: assigning a number to `json` frees the string a reference would point into.
    const std::string text = json.get<std::string>();
    if (text == "NaN") json = std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity") json = std::numeric_limits<double>::infinity();
    if (text == "-Infinity") json = -std::numeric_limits<double>::infinity();
    return;
  }
  if (path[depth] == "*") {
    if (json.is_object() || json.is_array()) {
      for (Json& member : json) decode_at(member, path, depth + 1);
    }
    return;
  }
  if (json.is_object() && json.contains(path[depth])) decode_at(json[path[depth]], path, depth + 1);
}

}  // namespace

void encode_non_finite(Json& json) {
  if (json.is_number_float()) {
    const double value = json.get<double>();
    if (std::isnan(value)) json = "NaN";
    if (std::isinf(value)) json = value > 0 ? "Infinity" : "-Infinity";
    return;
  }
  if (json.is_object() || json.is_array()) {
    for (Json& member : json) encode_non_finite(member);
  }
}

void decode_non_finite(Json& json) {
  for (const std::vector<std::string>& path : numeric_paths()) decode_at(json, path, 0);
}

std::int64_t checked_integer(const Json& json) {
  if (json.is_number_integer() && !json.is_number_unsigned()) return json.get<std::int64_t>();
  if (json.is_number_unsigned()) {
    const auto value = json.get<std::uint64_t>();
    if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return static_cast<std::int64_t>(value);
    }
    throw std::out_of_range(json.dump() + " is out of the 64-bit integer range");
  }
  throw std::invalid_argument("expected an integer, got " + json.dump());
}

}  // namespace attnbench
