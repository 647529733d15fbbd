#include "config/axes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/schema.hpp"

namespace attnbench {

namespace {

constexpr Index kMaxLength = Index{1} << 30;

void read_axis(const YamlSource& src, const YAML::Node& map, const std::string& name,
               const std::string& key, Index min, Index max, IndexList& axis) {
  if (map[name]) axis = src.read_int_axis(map[name], key, min, max);
}

// A closed-set axis: one name or a non-empty list of distinct names.
template <NamedEnum Enum>
std::vector<Enum> read_choices(const YamlSource& src, const YAML::Node& node,
                               const std::string& key) {
  auto read_one = [&](const YAML::Node& item, const std::string& item_key) {
    return *parse_enum<Enum>(src.read_choice(item, item_key, enum_names<Enum>()));
  };
  if (!node.IsSequence()) return {read_one(node, key)};
  if (node.size() == 0) src.fail(node, key, "expected a value or a non-empty list");
  std::vector<Enum> result;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_key = join_key(key, std::to_string(i));
    const Enum value = read_one(node[i], item_key);
    if (std::find(result.begin(), result.end(), value) != result.end()) {
      src.fail(node[i], item_key, fmt::format("{} is listed twice", to_string(value)));
    }
    result.push_back(value);
  }
  return result;
}

template <NamedEnum Enum>
void read_choice_axis(const YamlSource& src, const YAML::Node& map, const std::string& prefix,
                      const std::string& name, std::vector<Enum>& axis) {
  if (map[name]) axis = read_choices<Enum>(src, map[name], join_key(prefix, name));
}

// The backward pass runs in f32 only; said where this entry names the pass or the dtype (a
// combination both inherit was refused at the top level already).
void check_gradient_dtype(const YamlSource& src, const YAML::Node& map, const std::string& prefix,
                          const Axes& axes) {
  const auto gradient = std::find_if(axes.pass.begin(), axes.pass.end(), [](Pass p) {
    return p == Pass::kBackward || p == Pass::kTrain;
  });
  const bool bf16 =
      std::find(axes.dtype.begin(), axes.dtype.end(), DataType::kBf16) != axes.dtype.end();
  if (gradient == axes.pass.end() || !bf16) return;
  const char* key = map["pass"] ? "pass" : "dtype";
  if (!map[key]) return;
  src.fail(map[key], join_key(prefix, key),
           fmt::format("pass {} runs in dtype f32 only (this version has no bf16 backward); "
                       "give bf16 cases their own entry with pass: forward",
                       to_string(*gradient)));
}

}  // namespace

Axes read_axes(const YamlSource& src, const YAML::Node& map, const std::string& prefix,
               const Axes& defaults) {
  Axes axes = defaults;
  if (const YAML::Node shape = map["shape"]) {
    const std::string key = join_key(prefix, "shape");
    src.check_keys(shape, key, schema_keys("shape"));
    read_axis(src, shape, "batch", join_key(key, "batch"), 1, 4096, axes.batch);
    read_axis(src, shape, "heads", join_key(key, "heads"), 1, 4096, axes.heads);
    read_axis(src, shape, "kv_heads", join_key(key, "kv_heads"), 1, 4096, axes.kv_heads);
    read_axis(src, shape, "head_dim", join_key(key, "head_dim"), 1, 1024, axes.head_dim);
    if (shape["kv_heads"]) axes.kv_heads_node = shape["kv_heads"];
  }
  read_axis(src, map, "seq_len", join_key(prefix, "seq_len"), 1, kMaxLength, axes.seq_len);
  read_axis(src, map, "kv_len", join_key(prefix, "kv_len"), 1, kMaxLength, axes.kv_len);
  read_axis(src, map, "block_q", join_key(prefix, "block_q"), 1, 4096, axes.block_q);
  read_axis(src, map, "block_kv", join_key(prefix, "block_kv"), 1, 4096, axes.block_kv);
  read_axis(src, map, "threads", join_key(prefix, "threads"), 1, 1024, axes.threads);
  read_choice_axis(src, map, prefix, "executor", axes.executor);
  for (std::size_t i = 0; map["executor"] && i < axes.executor.size(); ++i) {
    if (axes.executor[i] != ExecutorKind::kReference) continue;
    const YAML::Node node = map["executor"];
    const std::string key = join_key(prefix, "executor");
    src.fail(node.IsSequence() ? node[i] : node,
             node.IsSequence() ? join_key(key, std::to_string(i)) : key,
             "the reference is not timed; its figures come from `--mode check` and `--mode "
             "quality` (executors: dense, sparse)");
  }
  read_choice_axis(src, map, prefix, "dtype", axes.dtype);
  read_choice_axis(src, map, prefix, "pass", axes.pass);
  read_choice_axis(src, map, prefix, "decode_policy", axes.decode_policy);
  check_gradient_dtype(src, map, prefix, axes);
  return axes;
}

bool read_baseline(const YamlSource& src, const YAML::Node& node, const std::string& key) {
  return src.read_choice(node, key, {"full", "none"}) == "full";
}

std::vector<CaseKey> axis_product(const Axes& a) {
  const std::vector<const IndexList*> lists = {&a.seq_len, &a.kv_len,   &a.batch,
                                               &a.heads,   &a.kv_heads, &a.head_dim,
                                               &a.block_q, &a.block_kv, &a.threads};
  // An odometer; after the integer axes come inputs, pass, decode_policy, dtype, then executor
  // (fastest, so that a cell's executors meet).
  const std::size_t inputs_digit = lists.size(), pass_digit = inputs_digit + 1,
                    policy_digit = pass_digit + 1, dtype_digit = policy_digit + 1;
  std::vector<std::size_t> at(lists.size() + 5, 0);
  auto size_of = [&](std::size_t i) {
    if (i < lists.size()) return lists[i]->size();
    if (i == inputs_digit) return a.inputs.size();
    if (i == pass_digit) return a.pass.size();
    if (i == policy_digit) return a.decode_policy.size();
    return i == dtype_digit ? a.dtype.size() : a.executor.size();
  };
  std::vector<CaseKey> points;
  for (std::size_t i = 0; i < at.size(); ++i) {
    if (size_of(i) == 0) return points;
  }
  while (true) {
    auto v = [&](std::size_t i) { return (*lists[i])[at[i]]; };
    const Index q = v(0), heads = v(3);
    points.push_back(CaseKey{.batch = v(2),
                             .heads = heads,
                             .kv_heads = v(4) ? v(4) : heads,
                             .head_dim = v(5),
                             .seq_len = q,
                             .seq_kv_len = v(1) ? v(1) : q,
                             .block_q = v(6),
                             .block_kv = v(7),
                             .executor = a.executor[at.back()],
                             .threads = v(8),
                             .dtype = a.dtype[at[dtype_digit]],
                             .pass = a.pass[at[pass_digit]],
                             .decode_policy = a.decode_policy[at[policy_digit]],
                             .inputs = a.inputs[at[inputs_digit]]});
    std::size_t digit = at.size();
    while (digit > 0 && ++at[digit - 1] == size_of(digit - 1)) at[--digit] = 0;
    if (digit == 0) return points;
  }
}

}  // namespace attnbench
