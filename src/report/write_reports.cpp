#include "report/write_reports.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "report/case_table.hpp"
#include "report/views.hpp"

namespace attnbench {

const std::vector<std::string>& all_formats() {
  static const std::vector<std::string> formats = {"md", "csv", "json", "latex"};
  return formats;
}

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + path);
}

std::string rendered(const NamedTable& view, const std::string& format, const RunContext& c) {
  if (format == "md")
    return fmt::format("# {} ({})\n\n{}\n\n{}", view.name, c.experiment, view.caption,
                       render_markdown(view.table));
  if (format == "csv") return render_csv(view.table);
  if (format == "json") return render_json(view.table);
  return render_latex(view.table, fmt::format("{} ({}, {}). {}", view.name, c.experiment,
                                              c.cpu_model, view.caption));
}

std::string extension(const std::string& format) { return format == "latex" ? "tex" : format; }

}  // namespace

std::vector<std::string> write_reports(const RunResults& results, const std::string& directory,
                                       const std::vector<std::string>& formats) {
  for (const std::string& f : formats) {
    if (std::find(all_formats().begin(), all_formats().end(), f) == all_formats().end()) {
      throw std::invalid_argument(
          fmt::format("unknown format '{}' (known: md, csv, json, latex)", f));
    }
  }
  write_case_tables(results, directory);
  std::vector<std::string> written = {directory + "/table.md", directory + "/table.csv"};
  for (const NamedTable& view : all_views(results)) {
    for (const std::string& format : formats) {
      const std::string path = fmt::format("{}/{}.{}", directory, view.name, extension(format));
      write_file(path, rendered(view, format, results.context));
      written.push_back(path);
    }
  }
  return written;
}

}  // namespace attnbench
