// Non-finite numbers in results.jsonl. JSON has no NaN or infinity (nlohmann writes them as
// null, which no reader can tell from "absent"), so a NaN in one case's output would make the
// whole folder unreadable. The canonical file writes them as the strings "NaN", "Infinity" and
// "-Infinity" and reads them back where a number belongs; the JSON views still write null.
#pragma once

#include <nlohmann/json.hpp>

namespace attnbench {

// Every non-finite floating-point number of `json`, at any depth, becomes its string.
void encode_non_finite(nlohmann::ordered_json& json);

// The strings "NaN", "Infinity" and "-Infinity" at the numeric fields of a record (a case or a
// context) become numbers again; every other string is left alone.
void decode_non_finite(nlohmann::ordered_json& json);

// An integer field: refuses a float (1e23) and a value outside the 64-bit signed range instead
// of converting it silently.
std::int64_t checked_integer(const nlohmann::ordered_json& json);

}  // namespace attnbench
