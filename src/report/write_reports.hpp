// Writes the generated files of a run folder from its records: every view (views.hpp: table,
// comparison, flops, break_even, density, and decode and quality when the run has them) in the
// chosen formats, Markdown and LaTeX for people, CSV and JSON for programs. The same function
// serves `run` and `report`, so regeneration is byte for byte.
#pragma once

#include <string>
#include <vector>

#include "report/view.hpp"
#include "results/record.hpp"

namespace attnbench {

const std::vector<std::string>& all_formats();  // md, csv, json, latex

// The formats asked for, "tex" read as "latex", in the order given; empty: all. Throws
// std::invalid_argument naming an unknown one.
std::vector<std::string> checked_formats(const std::vector<std::string>& formats);

// What a view's Markdown heading and LaTeX caption name besides the view: the experiment, and for
// LaTeX also the machine.
struct ViewTitle {
  std::string markdown;
  std::string latex;
};

// One view in one format of all_formats().
std::string render_view(const NamedTable& view, const std::string& format, const ViewTitle& title);

// Writes each view in each format to `directory`/NAME.EXT, or to stdout when `directory` is "-"
// (each file preceded by "==> NAME.EXT <==" when there are several). Returns what it wrote.
std::vector<std::string> write_views(const std::vector<NamedTable>& views,
                                     const std::string& directory,
                                     const std::vector<std::string>& formats,
                                     const ViewTitle& title);

// Every view of the run, or those named in `only`, in `formats` (empty: all). Throws
// std::invalid_argument for an unknown format or a view the run does not have.
std::vector<std::string> write_reports(const RunResults& results, const std::string& directory,
                                       const std::vector<std::string>& formats,
                                       const std::vector<std::string>& only = {});

}  // namespace attnbench
