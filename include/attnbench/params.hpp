// Pattern parameters: declared by each plugin (name, type, default, meaning), validated by the
// config loader, and read back by the plugin through typed getters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace attnbench {

using Index = std::int64_t;
using IndexList = std::vector<Index>;
using ParamValue = std::variant<bool, Index, double, std::string, IndexList>;

// kIntOrList (appended, so the others keep their values): one integer or a list of them, held
// as an Index when one value is given, so that `block: 128` and an int parameter's id agree.
enum class ParamType { kBool, kInt, kFloat, kChoice, kIntList, kString, kIntOrList };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kInt;
  ParamValue default_value;
  std::string help;
  std::vector<std::string> choices;  // kChoice only
  Index min = 0;                     // kInt and every element of kIntList, kIntOrList
  Index max = Index{1} << 40;
  // False for a parameter added after case ids were published: at its default it is left out
  // of the id, so that earlier runs' ids (compare, --resume, --case) still match.
  bool in_id_at_default = true;
};

std::string type_name(ParamType type);

// Values of every declared parameter of one pattern, defaults filled in.
class ParamValues {
 public:
  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const ParamValue& at(const std::string& name) const;

  bool get_bool(const std::string& name) const;
  Index get_int(const std::string& name) const;
  double get_float(const std::string& name) const;
  const std::string& get_choice(const std::string& name) const;
  const IndexList& get_list(const std::string& name) const;
  // A kIntOrList value as a list (one element when a single value was given).
  IndexList get_int_or_list(const std::string& name) const;
  const std::string& get_string(const std::string& name) const { return get_choice(name); }

  const std::map<std::string, ParamValue>& all() const { return values_; }

 private:
  std::map<std::string, ParamValue> values_;
};

// Canonical text of a value: the form used in case ids and tables.
std::string format_value(const ParamValue& value);

}  // namespace attnbench
