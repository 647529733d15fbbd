// The corpus of bad configs in tests/bad_configs: each file's first line says where its error
// must point ("# expect: LINE COLUMN KEY | words of the message"); every one must be an
// InputError (exit code 2) naming that file, line, column and key. tests/cli/exit_codes.sh
// checks the exit code and the printed message through the binary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/experiment.hpp"

namespace attnbench {
namespace {

struct Expectation {
  int line = 0, column = 0;
  std::string key, words;
};

Expectation expectation_of(const std::string& path) {
  std::ifstream file(path);
  std::string header;
  std::getline(file, header);
  std::istringstream in(header.substr(header.find(':') + 1));
  Expectation e;
  in >> e.line >> e.column >> e.key;
  if (e.key == "-") e.key.clear();
  const std::size_t bar = header.find("| ");
  e.words = header.substr(bar + 2);
  return e;
}

std::vector<std::string> corpus() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(ATTNBENCH_BAD_CONFIGS))
    files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

class BadConfigCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(BadConfigCorpus, ErrorNamesFileLineColumnAndKey) {
  const Expectation expected = expectation_of(GetParam());
  try {
    load_experiment(GetParam(), {});
    FAIL() << "no error for " << GetParam();
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().source, GetParam());
    EXPECT_EQ(e.where().line, expected.line) << e.what();
    EXPECT_EQ(e.where().column, expected.column) << e.what();
    EXPECT_EQ(e.key(), expected.key) << e.what();
    EXPECT_NE(std::string(e.what()).find(expected.words), std::string::npos) << e.what();
  }
}

TEST(BadConfigCorpus, HoldsAtLeastThirtyMistakes) { EXPECT_GE(corpus().size(), 30u); }

INSTANTIATE_TEST_SUITE_P(Files, BadConfigCorpus, ::testing::ValuesIn(corpus()),
                         [](const auto& test_param) {
                           std::string name =
                               std::filesystem::path(test_param.param).stem().string();
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace attnbench
