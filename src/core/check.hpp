// ATTNBENCH_CHECK guards attnbench's own invariants: when one breaks, the program is wrong, so
// it prints where and what and aborts rather than go on to a silent wrong answer. A contract
// broken by plugin code is not an invariant of ours: that throws and becomes the case's error.
#pragma once

namespace attnbench::detail {

[[noreturn]] void check_failed(const char* file, int line, const char* condition);

}  // namespace attnbench::detail

#define ATTNBENCH_CHECK(condition)                                       \
  do {                                                                   \
    if (!(condition)) {                                                  \
      ::attnbench::detail::check_failed(__FILE__, __LINE__, #condition); \
    }                                                                    \
  } while (false)
