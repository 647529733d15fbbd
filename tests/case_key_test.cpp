// The case key: every declared axis changes the id, survives the record's JSON round trip and
// separates cells in the views; ids are byte-identical to those written before the key existed
// (the reference run), and old results files still load.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "config/experiment.hpp"
#include "core/case_key.hpp"
#include "report/views.hpp"
#include "results/record.hpp"
#include "runner/results_file.hpp"

namespace attnbench {
namespace {

const std::string kSource = ATTNBENCH_SOURCE_DIR;

CaseKey sample_key() {
  return CaseKey{.spec = "sliding_window:radius=64,causal=true,left=-1,right=-1,align=top_left",
                 .batch = 1,
                 .heads = 4,
                 .kv_heads = 2,
                 .head_dim = 64,
                 .seq_len = 1024,
                 .seq_kv_len = 1024,
                 .block_q = 64,
                 .block_kv = 64,
                 .executor = ExecutorKind::kSparse,
                 .threads = 2};
}

// The key with one axis moved to another valid value.
CaseKey changed(const CaseKey& key, const AxisDecl& axis) {
  CaseKey other = key;
  std::visit(
      [&](auto member) {
        auto& value = other.*member;
        using Value = std::decay_t<decltype(value)>;
        if constexpr (NamedEnum<Value>) {
          // The next name of the closed set, wrapping round.
          const std::size_t count = EnumText<Value>::names.size();
          value = static_cast<Value>((static_cast<std::size_t>(value) + 1) % count);
        } else if constexpr (std::is_same_v<Value, Index>) {
          value *= 2;
        } else if (axis.name == "inputs") {
          value = "sinks";
        } else {
          value = "dense:causal=false,align=top_left";
        }
      },
      axis.member);
  return other;
}

CaseRecord record_of(const CaseKey& key) {
  CaseRecord r;
  r.key = key;
  r.pattern = "sliding_window";
  r.q_len = key.seq_len, r.kv_len = key.seq_kv_len;
  r.status = CaseStatus::kPassed;
  r.latency_ms = LatencyMs{1, 1, 1, 1, 0, 1};
  return r;
}

TEST(CaseKey, EveryAxisChangesTheIdRoundTripsAndSeparatesCells) {
  const CaseKey base = sample_key();
  ASSERT_EQ(case_axes().size(), 15u) << "a new axis: extend the sample key if it needs a value";
  for (const AxisDecl& axis : case_axes()) {
    SCOPED_TRACE(std::string(axis.name));
    const CaseKey other = changed(base, axis);
    ASSERT_NE(axis_text(other, axis), axis_text(base, axis));
    EXPECT_NE(other.id(), base.id());
    EXPECT_EQ(parse_case_id(other.id()), other);
    const CaseRecord back = case_from_json(to_json(record_of(other)));
    EXPECT_EQ(back.key, other);
    EXPECT_EQ(to_json(record_of(other)).at(std::string(axis.name)),
              to_json(record_of(other)).at(std::string(axis.name)));
    const bool is_executor = std::holds_alternative<ExecutorKind CaseKey::*>(axis.member);
    // The executor is what a cell holds several of; every other axis makes another cell.
    EXPECT_EQ(cell_key(other) == cell_key(base), is_executor);
    EXPECT_EQ(mask_key(other) != mask_key(base), axis.changes_mask);
    RunResults two;
    two.cases = {record_of(base), record_of(other)};
    const Table comparison = comparison_table(two);
    EXPECT_EQ(comparison.rows.size(), is_executor ? 1u : 2u);
  }
}

TEST(CaseKey, TheRecordWritesEveryAxisByName) {
  const Json json = to_json(record_of(sample_key()));
  for (const AxisDecl& axis : case_axes()) {
    EXPECT_TRUE(json.contains(std::string(axis.name))) << axis.name;
  }
  EXPECT_EQ(json.at("executor"), "sparse");
  EXPECT_EQ(json.at("seq_len"), 1024);
}

TEST(CaseKey, AMismatchBetweenIdAndFieldsIsRefused) {
  Json json = to_json(record_of(sample_key()));
  json["heads"] = 8;
  EXPECT_THROW(case_from_json(json), std::runtime_error);
}

TEST(CaseKey, MalformedIdsSayWhatIsWrong) {
  for (const char* id : {"", "dense:causal=false", "dense/b1.h8.kvh8/q1.kv1/bq64.bkv64/sparse/t1",
                         "dense/b1.h8.kvh8.d64/q1.kv1/bq64.bkv64/turbo/t1",
                         "dense/b1.h8.kvh8.d64/q1.kvx/bq64.bkv64/sparse/t1"}) {
    EXPECT_THROW(parse_case_id(id), std::invalid_argument) << id;
  }
  try {
    parse_case_id("dense/b1.h8.kvh8.d64/q1.kv1/bq64.bkv64/turbo/t1");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not an executor"), std::string::npos) << e.what();
  }
}

// The reference run was written before the key existed (format 1): its ids parse back into
// keys that print them byte for byte, and they are the ids the shipped config expands to.
TEST(CaseKey, ReferenceRunIdsAreUnchanged) {
  const std::string path = kSource + "/results/reference/seed-patterns/results.jsonl";
  const RunResults run = read_results(path);
  ASSERT_EQ(run.context.format_version, 1);
  ASSERT_FALSE(run.cases.empty());
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);  // the context
  std::size_t index = 0;
  while (std::getline(file, line)) {
    const std::string written = Json::parse(line).at("id");
    ASSERT_LT(index, run.cases.size());
    EXPECT_EQ(run.cases[index++].id(), written);
  }
  std::set<std::string> expanded;
  const Experiment e = load_experiment(kSource + "/configs/seed-patterns.yaml", {});
  for (const Case& c : e.cases) expanded.insert(c.id());
  for (const CaseRecord& r : run.cases) EXPECT_TRUE(expanded.count(r.id())) << r.id();
}

TEST(ResultsFormat, ANewerVersionIsRefusedNamingBoth) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("attnbench_format_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Json context = to_json(RunContext{});
  context["format_version"] = kResultsFormatVersion + 1;
  std::ofstream(dir / "results.jsonl") << context.dump() << "\n";
  try {
    load_run_folder(dir.string());
    ADD_FAILURE() << "a newer format was read";
  } catch (const InputError& e) {  // exit 2 in every command
    const std::string what = e.what();
    EXPECT_NE(what.find(std::to_string(kResultsFormatVersion + 1)), std::string::npos) << what;
    EXPECT_NE(what.find("version " + std::to_string(kResultsFormatVersion)), std::string::npos)
        << what;
  }
  std::filesystem::remove_all(dir);
}

TEST(ResultsFormat, WrittenFilesSayTheirVersion) {
  EXPECT_EQ(to_json(RunContext{}).at("format_version"), kResultsFormatVersion);
  EXPECT_EQ(context_from_json(to_json(RunContext{})).format_version, kResultsFormatVersion);
}

}  // namespace
}  // namespace attnbench
