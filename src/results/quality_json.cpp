// The `quality` object of a record (README: "Quality against full attention").
#include "results/record.hpp"

namespace attnbench {

Json quality_json(const QualityFigures& q) {
  return Json{
      {"inputs", q.inputs},
      {"rows", q.rows},
      {"recall", {{"mean", q.recall_mean}, {"min", q.recall_min}, {"p10", q.recall_p10}}},
      {"recall_per_head", q.recall_per_head},
      {"output_rel_l2", {{"overall", q.output_rel_l2}, {"max_head", q.output_rel_l2_max_head}}},
      {"output_rel_l2_per_head", q.output_rel_l2_per_head}};
}

QualityFigures quality_from(const Json& j) {
  QualityFigures q;
  q.inputs = j.at("inputs").get<std::string>();
  q.rows = j.at("rows").get<std::int64_t>();
  const Json& recall = j.at("recall");
  q.recall_mean = recall.at("mean").get<double>();
  q.recall_min = recall.at("min").get<double>();
  q.recall_p10 = recall.at("p10").get<double>();
  q.recall_per_head = j.at("recall_per_head").get<std::vector<double>>();
  const Json& error = j.at("output_rel_l2");
  q.output_rel_l2 = error.at("overall").get<double>();
  q.output_rel_l2_max_head = error.at("max_head").get<double>();
  q.output_rel_l2_per_head = j.at("output_rel_l2_per_head").get<std::vector<double>>();
  return q;
}

}  // namespace attnbench
