// A table of text cells and its renderings. Every report builds a Table and picks a format, so
// Markdown, CSV and LaTeX of the same view cannot drift apart.
#pragma once

#include <string>
#include <vector>

namespace attnbench {

struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right_aligned;  // per column; numbers are right-aligned
};

std::string render_markdown(const Table& table);
std::string render_csv(const Table& table);
std::string render_latex(const Table& table, const std::string& caption);
// An array of objects, one per row, keyed by the headers.
std::string render_json(const Table& table);

}  // namespace attnbench
