// A fake plugin for conformance's geometry rule (issue 23): full attention that refuses every
// geometry but a square top-left one. Built as is it does not say so, and conformance must fail
// it; built with SQUARE_ONLY_DECLARED it declares PatternInfo::square_only, and conformance must
// pass it and still list the geometries it refused.
#include <memory>

#include <attnbench/plugin.hpp>

namespace {

using attnbench::Geometry;
using attnbench::Index;

#ifdef SQUARE_ONLY_DECLARED
constexpr const char* kName = "square_declared";
constexpr bool kDeclared = true;
#else
constexpr const char* kName = "square_undeclared";
constexpr bool kDeclared = false;
#endif

class SquareFull final : public attnbench::Pattern {
 public:
  explicit SquareFull(const Geometry& g) : Pattern(g) {}
  bool allows(int, Index, Index) const override { return true; }
};

}  // namespace

ATTNBENCH_PLUGIN {
  attnbench::register_pattern({
      .name = kName,
      .summary = "full attention on square lengths only (a conformance test's fake)",
      .make = [](const Geometry& g,
                 const attnbench::ParamValues&) -> std::unique_ptr<attnbench::Pattern> {
        if (!attnbench::is_square(g)) {
          throw attnbench::ParamError("align", "square lengths with align top_left only");
        }
        return std::make_unique<SquareFull>(g);
      },
      .square_only = kDeclared,
  });
}
