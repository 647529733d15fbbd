// Loading a config from text in tests, and catching the located error it must raise.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "core/errors.hpp"

namespace attnbench {

inline Experiment load(const std::string& text, const std::vector<Override>& overrides = {}) {
  return load_experiment_text(text, "test.yaml", overrides);
}

// The error, which must name the place; fails the test when nothing is thrown.
inline InputError error_of(const std::string& text, const std::vector<Override>& overrides = {}) {
  try {
    load(text, overrides);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return InputError({}, "", "");
}

}  // namespace attnbench
