// The machine-readable views (issue 21): every JSON view is an array of row objects with typed
// values (numbers as numbers, null for a missing or non-finite figure), the parameters as
// param_<name> columns (the union over the view's patterns), the shape as separate columns; the
// CSV has the same columns; a view with an empty column or no row says why in its Markdown.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "config/experiment.hpp"
#include "report/case_rows.hpp"
#include "report/data_table.hpp"
#include "report/views.hpp"
#include "report/write_reports.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {
namespace {

const char* const kTwoPatterns = R"(name: typed
shape: {batch: 2, heads: 8, kv_heads: 4, head_dim: 32}
seq_len: [128, 256]
executor: [dense, sparse]
patterns:
  - {name: sliding_window, params: {radius: 8, causal: true}}
  - {name: streaming_llm, params: {sinks: 2, window: 8}}
  - name: union
    of:
      - {name: sliding_window, params: {radius: 4}}
      - {name: streaming_llm, params: {sinks: 2, window: 1}}
)";

// Every case described, timed at 1 ms (2 ms on the dense executor), none with a baseline; the
// executors in `drop` removed.
RunResults synthetic(const std::string& config, std::vector<ExecutorKind> drop = {}) {
  const Experiment e = load_experiment_text(config, "typed.yaml", {});
  RunResults run;
  run.context.experiment = "typed";
  for (const Case& c : e.cases) {
    if (std::find(drop.begin(), drop.end(), c.key.executor) != drop.end()) continue;
    CaseRecord r = describe_case(c);
    r.status = CaseStatus::kPassed;
    const double ms = c.key.executor == ExecutorKind::kDense ? 2.0 : 1.0;
    r.latency_ms = LatencyMs{ms, ms, ms, ms, 0, 3};
    r.flops = {100, 200, 400};
    r.baseline_reason = "baseline: none in the config";
    run.cases.push_back(r);
  }
  return run;
}

Json parsed(const NamedTable& view) { return Json::parse(render_json(view.data)); }

std::vector<std::string> csv_header(const NamedTable& view) {
  const std::string csv = render_csv(view.data);
  std::vector<std::string> header;
  std::string cell;
  for (char c : csv.substr(0, csv.find('\n'))) {
    if (c == ',')
      header.push_back(cell), cell.clear();
    else
      cell += c;
  }
  header.push_back(cell);
  return header;
}

TEST(DataTable, TypedJsonAndCsvWithTheSameColumns) {
  DataTable t{{"name", "n", "ms", "flag", "list", "absent"}, {}};
  t.rows.push_back(Json{{"name", "a,b"}, {"n", 3}, {"ms", 1.5}, {"flag", true}, {"list", {1, 2}}});
  t.rows.push_back(Json{{"name", "x"}, {"n", 4}, {"ms", std::nan("")}, {"flag", false}});
  const Json rows = Json::parse(render_json(t));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0]["n"].is_number_integer());
  EXPECT_TRUE(rows[0]["ms"].is_number_float());
  EXPECT_TRUE(rows[0]["flag"].is_boolean());
  EXPECT_TRUE(rows[0]["list"].is_array());
  EXPECT_TRUE(rows[0]["absent"].is_null());  // every column in every row
  EXPECT_TRUE(rows[1]["ms"].is_null());      // NaN
  EXPECT_EQ(render_csv(t),
            "name,n,ms,flag,list,absent\n\"a,b\",3,1.5,true,\"[1,2]\",\nx,4,nan,false,,\n");
  EXPECT_EQ(render_json(DataTable{{"a"}, {}}), "[]\n");
  EXPECT_EQ(render_csv(DataTable{{"a", "b"}, {}}), "a,b\n");
  t.rows.push_back(Json{{"undeclared", 1}});
  EXPECT_THROW(render_json(t), std::logic_error);
  // Non-finite figures: null in JSON, inf / -inf / nan in CSV.
  DataTable infinite{{"x"},
                     {Json{{"x", number_or_null(std::numeric_limits<double>::infinity())}},
                      Json{{"x", -std::numeric_limits<double>::infinity()}}}};
  EXPECT_EQ(render_json(infinite), "[\n  {\n    \"x\": null\n  },\n  {\n    \"x\": null\n  }\n]\n");
  EXPECT_EQ(render_csv(infinite), "x\ninf\n-inf\n");
  EXPECT_TRUE(number_or_null(std::nullopt).is_null());
}

TEST(Views, ParametersAreTheUnionOfTheViewsPatterns) {
  const NamedTable view = comparison_view(synthetic(kTwoPatterns));
  const std::vector<std::string>& columns = view.data.columns;
  const auto at = [&](const std::string& name) {
    return std::find(columns.begin(), columns.end(), name) - columns.begin();
  };
  for (const char* param :
       {"param_radius", "param_causal", "param_align", "param_sinks", "param_window", "param_of"}) {
    EXPECT_LT(at(param), at("batch")) << param;  // before the axes, after the pattern
    EXPECT_GT(at(param), at("pattern")) << param;
  }
  EXPECT_EQ(csv_header(view), columns);
  const Json rows = parsed(view);
  ASSERT_EQ(rows.size(), 6u);  // 3 patterns x 2 lengths
  EXPECT_EQ(rows[0]["pattern"], "sliding_window");
  EXPECT_EQ(rows[0]["param_radius"], 8);
  EXPECT_EQ(rows[0]["param_causal"], true);
  EXPECT_TRUE(rows[0]["param_sinks"].is_null());  // a parameter sliding_window lacks
  EXPECT_EQ(rows[2]["param_sinks"], 2);
  EXPECT_TRUE(rows[2]["param_radius"].is_null());
  ASSERT_TRUE(rows[4]["param_of"].is_array());  // the composition's parts
  EXPECT_EQ(rows[4]["param_of"][0]["name"], "sliding_window");
}

TEST(Views, NumbersAreNumbersAndTheShapeIsSplit) {
  for (const NamedTable& view : all_views(synthetic(kTwoPatterns))) {
    SCOPED_TRACE(view.name);
    for (const std::string& column : view.data.columns) {
      EXPECT_EQ(column.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"),
                std::string::npos)
          << column;
    }
    for (const Json& row : parsed(view)) {
      EXPECT_EQ(row["heads"], 8);
      if (view.name == "density") continue;  // the mask's axes only
      EXPECT_EQ(row["batch"], 2);
      EXPECT_EQ(row["kv_heads"], 4);
      EXPECT_EQ(row["head_dim"], 32);
      for (const auto& [key, value] : row.items()) {
        if (!value.is_string()) continue;
        // No number hidden in a string, no "-" for a missing figure.
        EXPECT_NE(value, "-") << key;
        std::size_t used = 0;
        EXPECT_ANY_THROW((void)std::stod(value.get<std::string>(), &used)) << key << ": " << value;
      }
    }
  }
  const Json comparison = parsed(comparison_view(synthetic(kTwoPatterns)));
  EXPECT_TRUE(comparison[0]["q_len"].is_number_integer());
  EXPECT_DOUBLE_EQ(comparison[0]["sparse_median_ms"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(comparison[0]["speedup_vs_masked_dense"].get<double>(), 2.0);
  EXPECT_TRUE(comparison[0]["speedup_vs_full"].is_null());
  EXPECT_EQ(comparison[0]["baseline_reason"], "baseline: none in the config");
}

TEST(Views, NonFiniteFiguresAreNullInJsonAndNanInf) {
  RunResults run = synthetic(kTwoPatterns);
  run.cases[1].latency_ms->median = std::nan("");
  run.cases[1].gflops_useful = std::numeric_limits<double>::infinity();
  const NamedTable table = case_view(run);
  const Json rows = parsed(table);
  EXPECT_TRUE(rows[1]["median_ms"].is_null());
  EXPECT_TRUE(rows[1]["gflops_useful"].is_null());
  EXPECT_TRUE(rows[0]["median_ms"].is_number());
  const std::string csv = render_csv(table.data);
  EXPECT_NE(csv.find(",nan,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",inf,"), std::string::npos) << csv;
}

bool has_note(const NamedTable& view, const std::string& text) {
  for (const std::string& note : view.notes) {
    if (note.find(text) != std::string::npos) return true;
  }
  return false;
}

// One executor: the other's columns are empty and the Markdown says why; a view without rows
// keeps its shape in JSON and CSV and says why.
TEST(Views, EmptyColumnsAndViewsSayWhy) {
  const RunResults sparse_only = synthetic(kTwoPatterns, {ExecutorKind::kDense});
  const NamedTable comparison = comparison_view(sparse_only);
  EXPECT_TRUE(has_note(comparison, "`dense ms`")) << ::testing::PrintToString(comparison.notes);
  EXPECT_TRUE(has_note(comparison, "no case ran on the dense executor"));
  EXPECT_TRUE(has_note(comparison, "baseline: none in the config"));  // full ms
  const std::string md = render_view(comparison, "md", {"typed", "typed"});
  EXPECT_NE(md.find("no case ran on the dense executor"), std::string::npos);

  const NamedTable break_even = break_even_view(synthetic(kTwoPatterns, {ExecutorKind::kSparse}));
  EXPECT_TRUE(break_even.table.rows.empty());
  EXPECT_TRUE(has_note(break_even, "No rows: "));
  EXPECT_TRUE(has_note(break_even, "no case ran on the sparse executor"));
  EXPECT_EQ(render_view(break_even, "json", {}), "[]\n");
  const std::string csv = render_view(break_even, "csv", {});
  EXPECT_EQ(csv.find("label,pattern,"), 0u);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1);

  const NamedTable full = comparison_view(synthetic(kTwoPatterns));
  EXPECT_FALSE(has_note(full, "dense executor")) << ::testing::PrintToString(full.notes);
}

TEST(Views, ReportWritesOnlyTheFormatsAndViewsAskedFor) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("attnbench_views_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const RunResults run = synthetic(kTwoPatterns);
  write_reports(run, dir.string(), {"json", "tex"}, {"comparison", "table"});
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"comparison.json", "comparison.tex", "table.json",
                                             "table.tex"}));
  EXPECT_THROW(write_reports(run, dir.string(), {"xlsx"}), std::invalid_argument);
  EXPECT_THROW(write_reports(run, dir.string(), {}, {"decode"}), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace attnbench
