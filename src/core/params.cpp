#include <attnbench/params.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace attnbench {

std::string type_name(ParamType type) {
  switch (type) {
    case ParamType::kBool: return "bool";
    case ParamType::kInt: return "int";
    case ParamType::kFloat: return "float";
    case ParamType::kChoice: return "choice";
    case ParamType::kIntList: return "int list";
    case ParamType::kString: return "string";
    case ParamType::kIntOrList: return "int|list";
  }
  return "?";
}

const ParamValue& ParamValues::at(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("parameter not declared: " + name);
  return it->second;
}

template <typename T>
static const T& get_as(const ParamValues& values, const std::string& name) {
  const T* value = std::get_if<T>(&values.at(name));
  if (value == nullptr) throw std::logic_error("parameter read with the wrong type: " + name);
  return *value;
}

bool ParamValues::get_bool(const std::string& name) const { return get_as<bool>(*this, name); }
Index ParamValues::get_int(const std::string& name) const { return get_as<Index>(*this, name); }
double ParamValues::get_float(const std::string& name) const { return get_as<double>(*this, name); }
const std::string& ParamValues::get_choice(const std::string& name) const {
  return get_as<std::string>(*this, name);
}
const IndexList& ParamValues::get_list(const std::string& name) const {
  return get_as<IndexList>(*this, name);
}

IndexList ParamValues::get_int_or_list(const std::string& name) const {
  if (const Index* one = std::get_if<Index>(&at(name))) return {*one};
  return get_list(name);
}

namespace {
struct ValueFormatter {
  std::string operator()(bool v) const { return v ? "true" : "false"; }
  std::string operator()(Index v) const { return std::to_string(v); }
  std::string operator()(double v) const { return fmt::format("{:g}", v); }
  std::string operator()(const std::string& v) const { return v; }
  std::string operator()(const IndexList& v) const {
    return fmt::format("[{}]", fmt::join(v, ","));
  }
};
}  // namespace

std::string format_value(const ParamValue& value) { return std::visit(ValueFormatter{}, value); }

}  // namespace attnbench
