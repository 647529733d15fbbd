// Two plugins broken on purpose, registered only in this test binary: one throws from its
// predicate, one has a tile classifier that lies. The conformance suite never sees them.
#include <stdexcept>

#include "core/pattern.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

class Throwing final : public Pattern {
 public:
  using Pattern::Pattern;
  bool allows(int, Index q, Index k) const override {
    if (q > 50) throw std::runtime_error("test_throwing: the predicate failed on purpose");
    return k <= q;
  }
};

// Causal, but claims every tile is full. A plain Pattern: the layout builder trusts its
// classifier. (An IntervalPattern's layout is built from its intervals alone, which a lying
// classify() override cannot spoil; the conformance checks still catch the lie.)
class Lying final : public Pattern {
 public:
  using Pattern::Pattern;
  bool allows(int, Index q, Index k) const override { return k <= q; }
  std::optional<TileKind> classify(int, const TileRect&) const override { return TileKind::kFull; }
};

const bool kThrowing = register_pattern({
    .name = "test_throwing",
    .summary = "throws from allows() past query 50 (tests only)",
    .make = [](const Geometry& g, const ParamValues&) { return std::make_unique<Throwing>(g); },
});

const bool kLying = register_pattern({
    .name = "test_lying",
    .summary = "causal, but its classifier calls every tile full (tests only)",
    .make = [](const Geometry& g, const ParamValues&) { return std::make_unique<Lying>(g); },
});

}  // namespace
}  // namespace attnbench
