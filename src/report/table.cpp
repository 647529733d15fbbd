#include "report/table.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>

namespace attnbench {

namespace {

bool right(const Table& t, std::size_t column) {
  return column < t.right_aligned.size() && t.right_aligned[column];
}

std::string pad(const std::string& text, std::size_t width, bool align_right) {
  const std::string fill(width > text.size() ? width - text.size() : 0, ' ');
  return align_right ? fill + text : text + fill;
}

std::string csv_cell(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string latex_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '_':
      case '&':
      case '%':
      case '#':
      case '$':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '\\': out += "\\textbackslash{}"; break;
      default: out += c;
    }
  }
  return out;
}

// A '|' inside a cell would end it: GitHub's Markdown reads "\|" as the character.
std::string escape_pipes(const std::string& cell) {
  std::string out;
  for (char ch : cell) {
    if (ch == '|') out += '\\';
    out += ch;
  }
  return out;
}

Table escaped(Table t) {
  for (auto& row : t.rows) {
    for (auto& cell : row) cell = escape_pipes(cell);
  }
  return t;
}

}  // namespace

std::string render_markdown(const Table& table) {
  const Table t = escaped(table);
  std::vector<std::size_t> width(t.headers.size(), 3);
  for (std::size_t c = 0; c < t.headers.size(); ++c) {
    width[c] = std::max(width[c], t.headers[c].size());
  }
  for (const auto& row : t.rows) {
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    out += '|';
    for (std::size_t c = 0; c < t.headers.size(); ++c) {
      fmt::format_to(std::back_inserter(out), " {} |",
                     pad(c < cells.size() ? cells[c] : "", width[c], right(t, c)));
    }
    out += '\n';
  };
  line(t.headers);
  std::vector<std::string> rule;
  for (std::size_t c = 0; c < t.headers.size(); ++c) {
    rule.push_back(right(t, c) ? std::string(width[c] - 1, '-') + ':' : std::string(width[c], '-'));
  }
  line(rule);
  for (const auto& row : t.rows) line(row);
  return out;
}

std::string render_csv(const Table& t) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += ',';
      out += csv_cell(cells[c]);
    }
    out += "\n";
  };
  line(t.headers);
  for (const auto& row : t.rows) line(row);
  return out;
}

std::string render_json(const Table& t) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& row : t.rows) {
    nlohmann::ordered_json object;
    for (std::size_t c = 0; c < t.headers.size(); ++c)
      object[t.headers[c]] = c < row.size() ? row[c] : "";
    rows.push_back(object);
  }
  return rows.dump(2) + "\n";
}

std::string render_latex(const Table& t, const std::string& caption) {
  std::string spec;
  for (std::size_t c = 0; c < t.headers.size(); ++c) spec += right(t, c) ? 'r' : 'l';
  std::string out = fmt::format(
      "\\begin{{table}}[ht]\n\\centering\n\\small\n\\begin{{tabular}}{{{}}}\n\\toprule\n", spec);
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += " & ";
      out += latex_cell(cells[c]);
    }
    out += " \\\\\n";
  };
  line(t.headers);
  out += "\\midrule\n";
  for (const auto& row : t.rows) line(row);
  out += fmt::format("\\bottomrule\n\\end{{tabular}}\n\\caption{{{}}}\n\\end{{table}}\n",
                     latex_cell(caption));
  return out;
}

}  // namespace attnbench
