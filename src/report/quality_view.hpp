// The quality view: for every cell whose quality was measured (`--mode quality`, or
// `quality: true`), grouped by input set, the pattern's density and keys per query beside how
// much of full attention's softmax mass it keeps and its output error, so that content-
// dependent patterns can be set against static ones at equal density.
#pragma once

#include "report/view.hpp"
#include "results/record.hpp"

namespace attnbench {

// Whether any record asked for quality (the view is written only then).
bool has_quality(const RunResults& results);

NamedTable quality_view(const RunResults& results);
inline Table quality_table(const RunResults& results) { return quality_view(results).table; }

}  // namespace attnbench
