#include "config/decode_cases.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace attnbench {

namespace {

const char* const kTopLeft =
    "pass decode puts its queries at the bottom right (the newest tokens): align top_left cannot "
    "decode; leave align out";

bool top_left(const ParamValues& params) {
  return params.has("align") && params.at("align") == ParamValue(std::string("top_left"));
}

void set_bottom_right(PatternSpec& spec) {
  if (spec.params.has("align")) spec.params.set("align", std::string("bottom_right"));
  for (PatternSpec& part : spec.parts) set_bottom_right(part);
}

// The parts of a composition at `of` (key `of_key`), nested compositions included.
void refuse_top_left_parts(const YamlSource& src, const YAML::Node& of, const std::string& of_key,
                           const PatternSpec& spec) {
  for (std::size_t i = 0; of && i < of.size() && i < spec.parts.size(); ++i) {
    const std::string part_key = join_key(of_key, std::to_string(i));
    // Only an align the file writes (a default-constructed YAML::Node would test true).
    const bool written = of[i]["params"] && of[i]["params"]["align"];
    if (written && top_left(spec.parts[i].params))
      src.fail(of[i]["params"]["align"], join_key(part_key, "params.align"), kTopLeft);
    if (!spec.parts[i].parts.empty())
      refuse_top_left_parts(src, of[i]["of"], join_key(part_key, "of"), spec.parts[i]);
  }
}

void refuse_top_left(const YamlSource& src, const PatternEntry& entry, const Case& c) {
  if (entry.composite) {
    refuse_top_left_parts(src, entry.node["of"], join_key(entry.key, "of"), c.pattern);
    return;
  }
  const auto origin = entry.origin.find("align");
  if (origin != entry.origin.end() && top_left(c.pattern.params)) {
    src.fail(origin->second.first, origin->second.second, kTopLeft);
  }
}

}  // namespace

void prepare_decode_case(const YamlSource& src, const PatternEntry& entry, Case& c) {
  const Axes& axes = entry.axes;
  if (std::find(axes.kv_len.begin(), axes.kv_len.end(), 0) != axes.kv_len.end()) {
    src.fail(entry.node, join_key(entry.key, "kv_len"),
             "missing: pass decode needs kv_len, the tokens cached before the first step (at the "
             "top level or in this pattern entry)");
  }
  if (c.key.dtype != DataType::kF32) {
    const YAML::Node own = entry.node["dtype"];
    src.fail(own ? own : entry.node, join_key(entry.key, "dtype"),
             "pass decode runs in f32 only in this version");
  }
  refuse_top_left(src, entry, c);
  set_bottom_right(c.pattern);
  c.key.spec = c.pattern.text();
  c.q_len = c.key.seq_len;
  c.kv_len = c.key.seq_kv_len;
}

void check_decode_policy(const YamlSource& src, const PatternEntry& entry, const Case& c) {
  if (c.key.decode_policy == DecodePolicy::kCache || c.key.pass == Pass::kDecode) return;
  const YAML::Node own = entry.node["decode_policy"];
  src.fail(own ? own : entry.node, join_key(entry.key, "decode_policy"),
           fmt::format("decode_policy {} applies to pass decode, not {}",
                       to_string(c.key.decode_policy), to_string(c.key.pass)));
}

}  // namespace attnbench
