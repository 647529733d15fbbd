// What the rest of attnbench may know of oneDNN, without its headers: the library's version and
// effective ISA for the context line, and the text of a oneDNN error. Every oneDNN type stays
// behind src/exec, so that a port to another oneDNN (or another backend) touches one folder.
#pragma once

#include <exception>
#include <optional>
#include <string>

namespace attnbench {

// "2.6.3 (hash)".
std::string onednn_version();

// oneDNN's effective ISA: "avx512_core_bf16", "avx512_core_amx", "avx2", ... (bf16 is native from
// avx512_core_bf16: exec/dtype.hpp).
std::string onednn_isa();

// "oneDNN error N: what" when `error` came from oneDNN; nothing otherwise.
std::optional<std::string> onednn_error_text(const std::exception& error);

}  // namespace attnbench
