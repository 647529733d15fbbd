// Document masking (packed sequences): a query sees only keys of its own document, optionally
// causal (patterns.md, Appendix C). Queries and keys may be split differently (xformers'
// BlockDiagonalMask.from_seqlens(q_seqlen, kv_seqlen)), the key documents may sit in padded
// slots (BlockDiagonalPaddedKeysMask), and a document may also see one earlier document whole
// (a shared prefix, as attention-gym composes it). docs/patterns.md#document.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

Index sum(const IndexList& values) {
  return std::accumulate(values.begin(), values.end(), Index{0});
}

// Where each run starts, for runs of the given lengths laid end to end.
IndexList starts_of(const IndexList& lengths) {
  IndexList starts(lengths.size(), 0);
  if (!lengths.empty()) std::partial_sum(lengths.begin(), lengths.end() - 1, starts.begin() + 1);
  return starts;
}

// The documents' query runs, key runs and shared documents, checked against the geometry.
struct Documents {
  IndexList lengths, kv_lengths, q_starts, kv_starts, sees;

  Documents(const Geometry& g, const ParamValues& p)
      : lengths(p.get_list("lengths")), kv_lengths(p.get_list("kv_lengths")) {
    const bool own_keys = !kv_lengths.empty();
    if (!own_keys) kv_lengths = lengths;
    const Index padding = p.get_int("kv_padding");
    check_queries(g, own_keys, padding > 0);
    if (padding > 0) {
      check_padding(g, padding);
      for (std::size_t d = 0; d < lengths.size(); ++d)
        kv_starts.push_back(static_cast<Index>(d) * padding);
    } else {
      if (sum(kv_lengths) != g.kv_len) {
        throw ParamError("kv_lengths", fmt::format("document key lengths sum to {}, the keys "
                                                   "number {} (kv_len)",
                                                   sum(kv_lengths), g.kv_len));
      }
      kv_starts = starts_of(kv_lengths);
    }
    q_starts = starts_of(lengths);
    read_sees(p.get_list("sees_document"));
    if (p.get_bool("causal") && p.get_choice("align") == "bottom_right") check_bottom_right();
  }

  // Without kv_lengths or kv_padding the keys are split as the queries are.
  void check_queries(const Geometry& g, bool own_keys, bool padded) const {
    const bool keys_split = own_keys || padded;
    if (sum(lengths) != g.q_len || (!keys_split && g.q_len != g.kv_len)) {
      throw ParamError(
          "lengths",
          fmt::format("document lengths sum to {}, the sequence has {} queries and {} keys{}",
                      sum(lengths), g.q_len, g.kv_len,
                      keys_split || g.q_len == g.kv_len ? "" : " (give kv_lengths for the keys)"));
    }
    if (own_keys && kv_lengths.size() != lengths.size()) {
      throw ParamError("kv_lengths", fmt::format("give one key length per document ({}), not {}",
                                                 lengths.size(), kv_lengths.size()));
    }
  }

  void check_padding(const Geometry& g, Index padding) const {
    const Index slots = static_cast<Index>(lengths.size()) * padding;
    if (slots != g.kv_len) {
      throw ParamError("kv_padding",
                       fmt::format("{} documents of kv_padding {} make {} key slots, the keys "
                                   "number {} (kv_len)",
                                   lengths.size(), padding, slots, g.kv_len));
    }
    for (std::size_t d = 0; d < kv_lengths.size(); ++d) {
      if (kv_lengths[d] > padding) {
        throw ParamError("kv_lengths", fmt::format("document {} has {} keys, more than its "
                                                   "kv_padding slot of {}",
                                                   d, kv_lengths[d], padding));
      }
    }
  }

  void read_sees(const IndexList& given) {
    if (given.empty()) {
      sees.assign(lengths.size(), -1);
      return;
    }
    if (given.size() != lengths.size()) {
      throw ParamError("sees_document", fmt::format("give one entry per document ({}), not {}",
                                                    lengths.size(), given.size()));
    }
    for (std::size_t d = 0; d < given.size(); ++d) {
      if (given[d] >= static_cast<Index>(d)) {
        throw ParamError("sees_document",
                         d == 0 ? fmt::format("document 0 would see document {}: it has no "
                                              "earlier document, give -1",
                                              given[d])
                                : fmt::format("document {} would see document {}: give an "
                                              "earlier document (0..{}) or -1",
                                              d, given[d], d - 1));
      }
    }
    sees = given;
  }

  // xformers' BlockDiagonalCausalFromBottomRightMask refuses a block with fewer keys than
  // queries: its first queries would see no key at all.
  void check_bottom_right() const {
    for (std::size_t d = 0; d < lengths.size(); ++d) {
      if (kv_lengths[d] < lengths[d]) {
        throw ParamError("kv_lengths",
                         fmt::format("document {} has {} queries and only {} keys: causal with "
                                     "align bottom_right needs at least as many keys as queries",
                                     d, lengths[d], kv_lengths[d]));
      }
    }
  }
};

class Document final : public IntervalPattern {
 public:
  Document(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        docs_(g, p),
        causal_(p.get_bool("causal")),
        bottom_right_(p.get_choice("align") == "bottom_right") {}

  void key_intervals(int, Index q, Intervals& out) const override {
    // Documents split the query rows, not the key positions: back from position to row.
    const Index row = std::clamp<Index>(q - geometry().q_offset, 0, geometry().q_len - 1);
    const auto it = std::upper_bound(docs_.q_starts.begin(), docs_.q_starts.end(), row);
    const std::size_t d = static_cast<std::size_t>(it - docs_.q_starts.begin()) - 1;
    const Index local = row - docs_.q_starts[d];
    const Index start = docs_.kv_starts[d], keys = docs_.kv_lengths[d];
    if (const Index shared = docs_.sees[d]; shared >= 0) {
      const auto s = static_cast<std::size_t>(shared);
      out.add(docs_.kv_starts[s], docs_.kv_starts[s] + docs_.kv_lengths[s]);
    }
    out.add(start, start + (causal_ ? visible(d, local) : keys));
  }
  bool monotone() const override {
    return std::all_of(docs_.sees.begin(), docs_.sees.end(), [](Index s) { return s < 0; });
  }

  // Exact for every geometry: the documents fix each row's keys.
  std::optional<Index> closed_form_pairs(int) const override {
    Index pairs = 0;
    for (std::size_t d = 0; d < docs_.lengths.size(); ++d) {
      const Index length = docs_.lengths[d], keys = docs_.kv_lengths[d];
      if (!causal_) {
        pairs += length * keys;
      } else if (bottom_right_) {  // rows see keys - length + 1 ... keys
        pairs += length * (keys - length) + length * (length + 1) / 2;
      } else {  // rows see 1, 2, ... keys, then all of them
        const Index rising = std::min(length, keys);
        pairs += rising * (rising + 1) / 2 + (length - rising) * keys;
      }
      if (docs_.sees[d] >= 0)
        pairs += length * docs_.kv_lengths[static_cast<std::size_t>(docs_.sees[d])];
    }
    return pairs;
  }

 private:
  // Keys of its own document that query `local` of document d sees when causal: the diagonal
  // from the top-left corner of the document's block, or from its bottom-right corner.
  Index visible(std::size_t d, Index local) const {
    const Index keys = docs_.kv_lengths[d];
    return bottom_right_ ? keys - docs_.lengths[d] + local + 1 : std::min(local + 1, keys);
  }

  Documents docs_;
  bool causal_, bottom_right_;
};

const bool kRegistered = register_pattern({
    .name = "document",
    .summary = "document mask: keys of the query's own document (lengths sum to seq_len); "
               "kv_lengths, kv_padding (xformers), sees_document (shared prefix)",
    .params = {{.name = "lengths",
                .type = ParamType::kIntList,
                .default_value = IndexList{},
                .help = "document lengths (queries), in order, summing to seq_len",
                .min = 1},
               causal_param(false, "keys j <= i within the document (align: which corner)"),
               // Added after case ids were published: left out of ids at their defaults.
               {.name = "kv_lengths",
                .type = ParamType::kIntList,
                .default_value = IndexList{},
                .help = "keys per document, summing to kv_len; [] = lengths [C xformers]",
                .min = 1,
                .in_id_at_default = false},
               {.name = "kv_padding",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "key slot per document (kv_len = documents x kv_padding), only the "
                        "first kv_lengths[i] visible; 0 = no padding [C xformers]",
                .in_id_at_default = false},
               {.name = "sees_document",
                .type = ParamType::kIntList,
                .default_value = IndexList{},
                .help = "per document, an earlier document it also sees whole, or -1",
                .min = -1,
                .in_id_at_default = false}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<Document>(g, p); },
    .examples =
        {{{"lengths", IndexList{5, 3, 8}}, {"causal", true}},
         {{"lengths", IndexList{60, 4}}},
         {{"lengths", IndexList{100, 97}}},
         {{"lengths", IndexList{120, 10}}},
         {{"lengths", IndexList{64}}},
         // Separate key lengths: 50 queries x 130 keys (both alignments), 130 x 50.
         {{"lengths", IndexList{20, 30}}, {"kv_lengths", IndexList{60, 70}}},
         {{"lengths", IndexList{20, 30}}, {"kv_lengths", IndexList{60, 70}}, {"causal", true}},
         {{"lengths", IndexList{70, 60}}, {"kv_lengths", IndexList{20, 30}}, {"causal", true}},
         // Padded key slots with a shared first document.
         {{"lengths", IndexList{20, 30}},
          {"kv_padding", Index{65}},
          {"kv_lengths", IndexList{40, 65}},
          {"sees_document", IndexList{-1, 0}},
          {"causal", true}},
         {{"lengths", IndexList{10, 20, 30, 4}},
          {"kv_padding", Index{16}},
          {"kv_lengths", IndexList{16, 5, 1, 16}},
          {"sees_document", IndexList{-1, 0, 1, 0}},
          {"causal", true}},
         {{"lengths", IndexList{4, 6, 6}}, {"sees_document", IndexList{-1, 0, 0}}}},
});

}  // namespace
}  // namespace attnbench
