// Document masking (packed sequences): a query sees only keys of its own document, optionally
// causal (patterns.md, Appendix C).
#include <fmt/format.h>

#include <numeric>

#include "core/common_params.hpp"
#include "core/errors.hpp"
#include "core/interval_pattern.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

class Document final : public IntervalPattern {
 public:
  Document(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), lengths_(p.get_list("lengths")), causal_(p.get_bool("causal")) {
    const Index total = std::accumulate(lengths_.begin(), lengths_.end(), Index{0});
    if (total != g.kv_len || g.q_len != g.kv_len) {
      throw ParamError("lengths", fmt::format("document lengths sum to {}, the sequence has {} "
                                              "(queries and keys)",
                                              total, g.kv_len));
    }
    starts_.assign(lengths_.size(), 0);
    std::partial_sum(lengths_.begin(), lengths_.end() - 1, starts_.begin() + 1);
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), q);
    const std::size_t doc = static_cast<std::size_t>(it - starts_.begin()) - 1;
    out.add(starts_[doc], causal_ ? q + 1 : starts_[doc] + lengths_[doc]);
  }
  bool monotone() const override { return true; }

  std::optional<Index> closed_form_pairs(int) const override {
    Index pairs = 0;
    for (Index l : lengths_) pairs += causal_ ? l * (l + 1) / 2 : l * l;
    return pairs;
  }

 private:
  IndexList lengths_;
  IndexList starts_;
  bool causal_;
};

const bool kRegistered = register_pattern({
    .name = "document",
    .summary = "document mask: keys of the query's own document (lengths sum to seq_len)",
    .params = {{.name = "lengths",
                .type = ParamType::kIntList,
                .default_value = IndexList{},
                .help = "document lengths, in order, summing to seq_len",
                .min = 1},
               causal_param(false)},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<Document>(g, p); },
    .examples = {{{"lengths", IndexList{5, 3, 8}}, {"causal", true}},
                 {{"lengths", IndexList{60, 4}}},
                 {{"lengths", IndexList{100, 97}}},
                 {{"lengths", IndexList{120, 10}}},
                 {{"lengths", IndexList{64}}}},
});

}  // namespace
}  // namespace attnbench
