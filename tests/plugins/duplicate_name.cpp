// A plugin whose second pattern takes a built-in pattern's name: refused as a whole, so its first
// pattern must not stay registered either.
#include "core/plugin.hpp"

namespace {

class Everything final : public attnbench::Pattern {
 public:
  using Pattern::Pattern;
  bool allows(int, attnbench::Index, attnbench::Index) const override { return true; }
};

attnbench::PatternInfo everything(const char* name) {
  return {.name = name,
          .summary = "every key",
          .make = [](const attnbench::Geometry& g, const attnbench::ParamValues&) {
            return std::make_unique<Everything>(g);
          }};
}

}  // namespace

ATTNBENCH_PLUGIN {
  attnbench::register_pattern(everything("duplicate_name_first"));
  attnbench::register_pattern(everything("sliding_window"));
}
