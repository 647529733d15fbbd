#include "report/write_reports.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "report/views.hpp"

namespace attnbench {

const std::vector<std::string>& all_formats() {
  static const std::vector<std::string> formats = {"md", "csv", "json", "latex"};
  return formats;
}

std::vector<std::string> checked_formats(const std::vector<std::string>& formats) {
  if (formats.empty()) return all_formats();
  std::vector<std::string> checked;
  for (const std::string& given : formats) {
    const std::string f = given == "tex" ? "latex" : given;
    if (std::find(all_formats().begin(), all_formats().end(), f) == all_formats().end()) {
      throw std::invalid_argument(
          fmt::format("unknown format '{}' (known: md, csv, json, latex or tex)", given));
    }
    if (std::find(checked.begin(), checked.end(), f) == checked.end()) checked.push_back(f);
  }
  return checked;
}

namespace {

void write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + path);
}

std::string markdown_notes(const std::vector<std::string>& notes) {
  return notes.empty() ? "" : fmt::format("\n{}\n", fmt::join(notes, "\n\n"));
}

// LaTeX has no code spans: the notes join the caption without their backticks.
std::string latex_notes(const std::vector<std::string>& notes) {
  std::string out;
  for (const std::string& note : notes) out += " " + note + ".";
  out.erase(std::remove(out.begin(), out.end(), '`'), out.end());
  return out;
}

std::string extension(const std::string& format) { return format == "latex" ? "tex" : format; }

}  // namespace

std::string render_view(const NamedTable& view, const std::string& format, const ViewTitle& title) {
  if (format == "md") {
    return fmt::format("# {} ({})\n\n{}\n\n{}{}", view.name, title.markdown, view.caption,
                       render_markdown(view.table), markdown_notes(view.notes));
  }
  if (format == "csv") return render_csv(view.data);
  if (format == "json") return render_json(view.data);
  return render_latex(view.table, fmt::format("{} ({}). {}{}", view.name, title.latex, view.caption,
                                              latex_notes(view.notes)));
}

std::vector<std::string> write_views(const std::vector<NamedTable>& views,
                                     const std::string& directory,
                                     const std::vector<std::string>& formats,
                                     const ViewTitle& title) {
  std::vector<std::string> written;
  const bool several = views.size() * formats.size() > 1;
  for (const NamedTable& view : views) {
    for (const std::string& format : formats) {
      const std::string name = fmt::format("{}.{}", view.name, extension(format));
      const std::string text = render_view(view, format, title);
      if (directory == "-") {
        // Like head(1) with several files: a header line names each.
        if (several) fmt::print("{}==> {} <==\n", written.empty() ? "" : "\n", name);
        std::fwrite(text.data(), 1, text.size(), stdout);
        written.push_back(name);
      } else {
        written.push_back(directory + "/" + name);
        write_file(written.back(), text);
      }
    }
  }
  std::fflush(stdout);
  return written;
}

std::vector<std::string> write_reports(const RunResults& results, const std::string& directory,
                                       const std::vector<std::string>& formats,
                                       const std::vector<std::string>& only) {
  const std::vector<std::string> checked = checked_formats(formats);
  std::vector<NamedTable> views = all_views(results);
  std::vector<std::string> names;
  for (const NamedTable& view : views) names.push_back(view.name);
  for (const std::string& name : only) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw std::invalid_argument(
          fmt::format("this run has no view '{}' (it has: {})", name, fmt::join(names, ", ")));
    }
  }
  if (!only.empty()) {
    std::erase_if(views, [&](const NamedTable& view) {
      return std::find(only.begin(), only.end(), view.name) == only.end();
    });
  }
  const RunContext& c = results.context;
  return write_views(views, directory, checked,
                     {c.experiment, fmt::format("{}, {}", c.experiment, c.cpu_model)});
}

}  // namespace attnbench
