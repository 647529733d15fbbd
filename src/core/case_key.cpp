#include "core/case_key.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

namespace attnbench {

namespace {

// The declaration. Segment 0 is the pattern; segments 1-5 hold the fixed axes; optional axes
// come last, each in a segment of its own.
const std::array<AxisDecl, 15> kAxes = {{
    {"spec", "", 0, true, &CaseKey::spec},
    {"batch", "b", 1, false, &CaseKey::batch},
    {"heads", "h", 1, true, &CaseKey::heads},
    {"kv_heads", "kvh", 1, false, &CaseKey::kv_heads},
    {"head_dim", "d", 1, false, &CaseKey::head_dim},
    {"seq_len", "q", 2, true, &CaseKey::seq_len},
    {"seq_kv_len", "kv", 2, true, &CaseKey::seq_kv_len},
    {"block_q", "bq", 3, true, &CaseKey::block_q},
    {"block_kv", "bkv", 3, true, &CaseKey::block_kv},
    {"executor", "", 4, false, &CaseKey::executor},
    {"threads", "t", 5, false, &CaseKey::threads},
    {"dtype", "", kOptionalSegment, false, &CaseKey::dtype, "f32"},
    {"pass", "", kOptionalSegment, false, &CaseKey::pass, "forward"},
    {"decode_policy", "", kOptionalSegment, false, &CaseKey::decode_policy, "cache"},
    // A content-dependent mask decides from the inputs, so the set changes the mask.
    {"inputs", "", kOptionalSegment, true, &CaseKey::inputs, "uniform"},
}};
constexpr int kFixedSegments = 6;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

const AxisDecl* optional_axis(std::string_view name) {
  for (const AxisDecl& axis : kAxes) {
    if (axis.id_segment == kOptionalSegment && axis.name == name) return &axis;
  }
  return nullptr;
}

bool is_default(const CaseKey& key, const AxisDecl& axis) {
  return axis_text(key, axis) == axis.default_text;
}

// One fixed segment, e.g. "b1.h8.kvh8.d64", into its axes.
void parse_segment(CaseKey& key, int segment, std::string_view text) {
  std::vector<const AxisDecl*> axes;
  for (const AxisDecl& axis : kAxes) {
    if (axis.id_segment == segment) axes.push_back(&axis);
  }
  const std::vector<std::string_view> parts =
      axes.size() == 1 ? std::vector<std::string_view>{text} : split(text, '.');
  if (parts.size() != axes.size()) {
    throw std::invalid_argument(
        fmt::format("'{}' should have {} parts separated by '.'", text, axes.size()));
  }
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (!parts[i].starts_with(axes[i]->id_prefix)) {
      throw std::invalid_argument(fmt::format("'{}' should start with '{}' ({})", parts[i],
                                              axes[i]->id_prefix, axes[i]->name));
    }
    set_axis_text(key, *axes[i], parts[i].substr(axes[i]->id_prefix.size()));
  }
}

template <typename Keep>
std::string join_segments(const CaseKey& key, Keep keep) {
  std::array<std::string, kFixedSegments> segments;
  std::string optional;
  for (const AxisDecl& axis : kAxes) {
    if (!keep(axis)) continue;
    if (axis.id_segment == kOptionalSegment) {
      if (!is_default(key, axis))
        optional += fmt::format("/{}={}", axis.name, axis_text(key, axis));
      continue;
    }
    std::string& segment = segments[static_cast<std::size_t>(axis.id_segment)];
    if (!segment.empty()) segment += '.';
    segment += fmt::format("{}{}", axis.id_prefix, axis_text(key, axis));
  }
  std::string id = segments[0];
  for (std::size_t i = 1; i < segments.size(); ++i) {
    if (!segments[i].empty()) id += '/' + segments[i];
  }
  return id + optional;
}

}  // namespace

std::span<const AxisDecl> case_axes() { return kAxes; }

std::string axis_text(const CaseKey& key, const AxisDecl& axis) {
  return std::visit(
      [&](auto member) -> std::string {
        const auto& value = key.*member;
        using Value = std::decay_t<decltype(value)>;
        if constexpr (NamedEnum<Value>) {
          return std::string(to_string(value));
        } else {
          return fmt::format("{}", value);
        }
      },
      axis.member);
}

void set_axis_text(CaseKey& key, const AxisDecl& axis, std::string_view text) {
  std::visit(
      [&](auto member) {
        auto& value = key.*member;
        using Value = std::decay_t<decltype(value)>;
        if constexpr (NamedEnum<Value>) {
          const std::optional<Value> parsed = parse_enum<Value>(text);
          if (!parsed) {
            throw std::invalid_argument(fmt::format("'{}' is not {} (known: {})", text,
                                                    EnumText<Value>::noun,
                                                    fmt::join(EnumText<Value>::names, ", ")));
          }
          value = *parsed;
        } else if constexpr (std::is_same_v<Value, Index>) {
          const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
          if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
            throw std::invalid_argument(
                fmt::format("{}: expected an integer, got '{}'", axis.name, text));
          }
        } else {
          value = std::string(text);
        }
      },
      axis.member);
}

bool is_executor(const AxisDecl& axis) {
  return std::holds_alternative<ExecutorKind CaseKey::*>(axis.member);
}

std::string CaseKey::id() const {
  return join_segments(*this, [](const AxisDecl&) { return true; });
}

CaseKey parse_case_id(std::string_view id) {
  std::vector<std::string_view> segments = split(id, '/');
  CaseKey key;
  for (const AxisDecl& axis : kAxes) {
    if (axis.id_segment == kOptionalSegment) set_axis_text(key, axis, axis.default_text);
  }
  // Optional axes from the right ("name=value"), then the fixed segments, then the pattern,
  // which may itself hold '/' (a replay file's path).
  while (!segments.empty()) {
    const std::string_view last = segments.back();
    const std::size_t equals = last.find('=');
    const AxisDecl* axis =
        equals == std::string_view::npos ? nullptr : optional_axis(last.substr(0, equals));
    if (axis == nullptr) break;
    set_axis_text(key, *axis, last.substr(equals + 1));
    segments.pop_back();
  }
  if (segments.size() < kFixedSegments) {
    throw std::invalid_argument(fmt::format(
        "'{}' is not a case id: expected PATTERN/b.h.kvh.d/q.kv/bq.bkv/EXECUTOR/tN", id));
  }
  for (int segment = kFixedSegments - 1; segment >= 1; --segment) {
    parse_segment(key, segment, segments.back());
    segments.pop_back();
  }
  std::string spec;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    spec += (i > 0 ? "/" : "") + std::string(segments[i]);
  }
  key.spec = spec;
  return key;
}

std::string cell_key(const CaseKey& key) {
  return join_segments(key, [](const AxisDecl& axis) { return !is_executor(axis); });
}

std::string mask_key(const CaseKey& key) {
  return join_segments(key, [](const AxisDecl& axis) { return axis.changes_mask; });
}

std::string id_without(const CaseKey& key, const std::vector<std::string>& axes) {
  return join_segments(key, [&](const AxisDecl& axis) {
    return std::find(axes.begin(), axes.end(), axis.name) == axes.end();
  });
}

}  // namespace attnbench
