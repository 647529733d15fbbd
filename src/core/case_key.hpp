// The identity of a case, declared once. Every axis that tells two cases apart is a member of
// CaseKey and one line of case_axes(); the canonical id, `--case` parsing, the record's identity
// fields, the views' cell keys and the shard cost model are derived from that declaration, so a
// new axis touches the declaration, the config reader and whatever uses its value.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/params.hpp"

namespace attnbench {

// The closed sets among the axes. Each enum's names live in one EnumText specialisation; the
// id, the config reader, the records and the error messages read them from there.
template <typename Enum>
struct EnumText;

// The executors attnbench measures. What each one is (its workspace, its label, whether it is the
// reference baseline) is said in src/exec, not here.
// kReference is the double-precision reference: never timed, it is the executor of the records
// `--mode quality` writes (one per cell), and no config may ask for it.
enum class ExecutorKind { kDense, kSparse, kReference };
template <>
struct EnumText<ExecutorKind> {
  static constexpr std::array<std::string_view, 3> names = {"dense", "sparse", "reference"};
  static constexpr std::string_view noun = "an executor";
};
// The timed executors (the reference is not one).
inline constexpr ExecutorKind kAllExecutors[] = {ExecutorKind::kDense, ExecutorKind::kSparse};

// The type Q, K, V and O are stored and multiplied in. Scores and softmax are f32 in both
// (src/exec/dtype.hpp). oneDNN 2.6 has no f16 matmul on CPUs, so there is no f16.
enum class DataType { kF32, kBf16 };
template <>
struct EnumText<DataType> {
  static constexpr std::array<std::string_view, 2> names = {"f32", "bf16"};
  static constexpr std::string_view noun = "a dtype";
};
inline constexpr DataType kAllDataTypes[] = {DataType::kF32, DataType::kBf16};

// What a case times: the forward pass, the gradients given a forward's saved state, both in
// each repetition, or autoregressive steps against a key-value cache.
enum class Pass { kForward, kBackward, kTrain, kDecode };
template <>
struct EnumText<Pass> {
  static constexpr std::array<std::string_view, 4> names = {"forward", "backward", "train",
                                                            "decode"};
  static constexpr std::string_view noun = "a pass";
};

// How a decode case treats its key-value cache: the policy derived from (or declared by) the
// pattern, or StreamingLLM's baseline that re-encodes the last W tokens at every step.
enum class DecodePolicy { kCache, kRecompute };
template <>
struct EnumText<DecodePolicy> {
  static constexpr std::array<std::string_view, 2> names = {"cache", "recompute"};
  static constexpr std::string_view noun = "a decode policy";
};

template <typename Enum>
concept NamedEnum = requires {
  EnumText<Enum>::names;
};

template <NamedEnum Enum>
std::string_view to_string(Enum value) {
  return EnumText<Enum>::names[static_cast<std::size_t>(value)];
}

template <NamedEnum Enum>
std::optional<Enum> parse_enum(std::string_view text) {
  const auto& names = EnumText<Enum>::names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

template <NamedEnum Enum>
std::vector<std::string> enum_names() {
  return {EnumText<Enum>::names.begin(), EnumText<Enum>::names.end()};
}

struct CaseKey {
  std::string spec;  // the pattern and its parameters, canonical (PatternSpec::text())
  Index batch = 1;
  Index heads = 8;
  Index kv_heads = 8;
  Index head_dim = 64;
  Index seq_len = 0;     // as configured; the executed lengths may differ (funnel, landmark ...)
  Index seq_kv_len = 0;  // as configured (kv_len, defaulting to seq_len)
  Index block_q = 64;
  Index block_kv = 64;
  ExecutorKind executor = ExecutorKind::kSparse;
  Index threads = 1;
  DataType dtype = DataType::kF32;
  Pass pass = Pass::kForward;
  DecodePolicy decode_policy = DecodePolicy::kCache;  // pass decode only
  std::string inputs = "uniform";                     // the input set's name (config `inputs:`)

  bool operator==(const CaseKey&) const = default;
  // "spec/b1.h8.kvh8.d64/q1024.kv1024/bq64.bkv64/sparse/t2", then "/name=value" for each
  // optional axis away from its default.
  std::string id() const;
};

using AxisMember = std::variant<std::string CaseKey::*, Index CaseKey::*, ExecutorKind CaseKey::*,
                                DataType CaseKey::*, Pass CaseKey::*, DecodePolicy CaseKey::*>;

struct AxisDecl {
  std::string_view name;       // the record's field name
  std::string_view id_prefix;  // "kvh" in "kvh8"
  int id_segment;              // '/'-separated segment of the id; kOptionalSegment: see below
  bool changes_mask;           // the mask and its layout depend on it (the density view's key)
  AxisMember member;
  // An optional axis is absent from the id at this value and otherwise appears as its own
  // segment "name=value" after the fixed ones, so ids written before it existed stay valid.
  std::string_view default_text = {};
};
inline constexpr int kOptionalSegment = -1;

// Every axis, in id order.
std::span<const AxisDecl> case_axes();

std::string axis_text(const CaseKey& key, const AxisDecl& axis);
// Sets an axis from its text; throws std::invalid_argument saying what was expected.
void set_axis_text(CaseKey& key, const AxisDecl& axis, std::string_view text);

// The inverse of CaseKey::id(); throws std::invalid_argument naming the part that is wrong.
CaseKey parse_case_id(std::string_view id);

// The views' cell: every axis but the executor, so that the executors of a cell meet.
std::string cell_key(const CaseKey& key);
// Only the axes that change the mask (pattern, heads, lengths, tiles).
std::string mask_key(const CaseKey& key);
// The id with the named axes left out (`compare --ignore threads`); names must be declared.
std::string id_without(const CaseKey& key, const std::vector<std::string>& axes);
bool is_executor(const AxisDecl& axis);

}  // namespace attnbench
