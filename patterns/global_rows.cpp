// Global query rows without global columns: the listed queries see every key (DeepSpeed's
// horizontal global blocks, Longformer's global tokens seen from their own rows), for use in
// compositions. With `causal`, a global query i sees the keys k <= i.
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class GlobalRows final : public IntervalPattern {
 public:
  GlobalRows(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), rows_(p.get_list("queries")), causal_(p.get_bool("causal")) {
    for (Index q : rows_) {
      if (q >= g.q_offset + g.q_len) {
        throw ParamError("queries", fmt::format("query {} is beyond the {} query positions", q,
                                                g.q_offset + g.q_len));
      }
    }
    std::sort(rows_.begin(), rows_.end());
    rows_.erase(std::unique(rows_.begin(), rows_.end()), rows_.end());
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    if (std::binary_search(rows_.begin(), rows_.end(), q))
      out.add(0, causal_ ? q + 1 : geometry().kv_len);
  }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    Index pairs = 0;
    for (Index q : rows_) pairs += causal_ ? q + 1 : geometry().kv_len;
    return pairs;
  }

 private:
  IndexList rows_;
  bool causal_;
};

const bool kRegistered = register_pattern({
    .name = "global_rows",
    .summary = "global query rows without global columns: the listed queries see every key "
               "(DeepSpeed horizontal global blocks); for compositions",
    .params = {{.name = "queries",
                .type = ParamType::kIntList,
                .default_value = IndexList{0},
                .help = "query positions that see every key"},
               causal_param(false, "a global query i sees the keys k <= i")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<GlobalRows>(g, p); },
    .examples = {{{"queries", IndexList{0, 7, 15}}, {"causal", true}},
                 {{"queries", IndexList{3, 3, 10}}}},
});

}  // namespace
}  // namespace attnbench
