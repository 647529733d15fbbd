#include "config/axes.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace attnbench {

namespace {

const std::vector<std::string> kShapeKeys = {"batch", "heads", "kv_heads", "head_dim"};
constexpr Index kMaxLength = Index{1} << 30;

void read_axis(const YamlSource& src, const YAML::Node& map, const std::string& name,
               const std::string& key, Index min, Index max, IndexList& axis) {
  if (map[name]) axis = src.read_int_axis(map[name], key, min, max);
}

ExecutorKind read_executor(const YamlSource& src, const YAML::Node& node, const std::string& key) {
  return *parse_executor(src.read_choice(node, key, executor_names()));
}

std::vector<ExecutorKind> read_executors(const YamlSource& src, const YAML::Node& node,
                                         const std::string& key) {
  if (!node.IsSequence()) return {read_executor(src, node, key)};
  if (node.size() == 0) src.fail(node, key, "expected a value or a non-empty list");
  std::vector<ExecutorKind> result;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_key = join_key(key, std::to_string(i));
    const ExecutorKind executor = read_executor(src, node[i], item_key);
    if (std::find(result.begin(), result.end(), executor) != result.end()) {
      src.fail(node[i], item_key, fmt::format("executor {} is listed twice", to_string(executor)));
    }
    result.push_back(executor);
  }
  return result;
}

std::vector<DataType> read_dtypes(const YamlSource& src, const YAML::Node& node,
                                  const std::string& key) {
  auto read_one = [&](const YAML::Node& item, const std::string& item_key) {
    return *parse_dtype(src.read_choice(item, item_key, dtype_names()));
  };
  if (!node.IsSequence()) return {read_one(node, key)};
  if (node.size() == 0) src.fail(node, key, "expected a value or a non-empty list");
  std::vector<DataType> result;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string item_key = join_key(key, std::to_string(i));
    const DataType dtype = read_one(node[i], item_key);
    if (std::find(result.begin(), result.end(), dtype) != result.end()) {
      src.fail(node[i], item_key, fmt::format("dtype {} is listed twice", to_string(dtype)));
    }
    result.push_back(dtype);
  }
  return result;
}

}  // namespace

const std::vector<std::string>& axis_keys() {
  static const std::vector<std::string> keys = {"shape",    "seq_len", "kv_len",   "block_q",
                                                "block_kv", "threads", "executor", "dtype"};
  return keys;
}

Axes read_axes(const YamlSource& src, const YAML::Node& map, const std::string& prefix,
               const Axes& defaults) {
  Axes axes = defaults;
  if (const YAML::Node shape = map["shape"]) {
    const std::string key = join_key(prefix, "shape");
    src.check_keys(shape, key, kShapeKeys);
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
  if (map["executor"])
    axes.executor = read_executors(src, map["executor"], join_key(prefix, "executor"));
  if (map["dtype"]) axes.dtype = read_dtypes(src, map["dtype"], join_key(prefix, "dtype"));
  return axes;
}

bool read_baseline(const YamlSource& src, const YAML::Node& node, const std::string& key) {
  return src.read_choice(node, key, {"full", "none"}) == "full";
}

std::vector<CaseKey> axis_product(const Axes& a) {
  const std::vector<const IndexList*> lists = {&a.seq_len, &a.kv_len,   &a.batch,
                                               &a.heads,   &a.kv_heads, &a.head_dim,
                                               &a.block_q, &a.block_kv, &a.threads};
  std::vector<CaseKey> points;
  // An odometer; the last two digits: dtype, then executor (fastest, so a cell's executors meet).
  std::vector<std::size_t> at(lists.size() + 2, 0);
  auto size_of = [&](std::size_t i) {
    if (i < lists.size()) return lists[i]->size();
    return i == lists.size() ? a.dtype.size() : a.executor.size();
  };
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
                             .dtype = a.dtype[at[lists.size()]]});
    std::size_t digit = at.size();
    while (digit > 0 && ++at[digit - 1] == size_of(digit - 1)) at[--digit] = 0;
    if (digit == 0) return points;
  }
}

}  // namespace attnbench
