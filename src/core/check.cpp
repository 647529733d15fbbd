#include "core/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace attnbench::detail {

void check_failed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: attnbench internal check failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace attnbench::detail
