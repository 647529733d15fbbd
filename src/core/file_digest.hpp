// What a run read from outside its config: each input file (`inputs:`, `replay:`, `plugins:`)
// with its size and SHA-256, recorded in the context (`context.files`) so that a resumed run
// refuses files that changed since the run started.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnbench {

struct InputFile {
  std::string role;  // inputs.q, inputs.k, inputs.v, patterns.N.replay, plugins.N
  std::string path;  // as read (relative to the working directory, or absolute)
  std::int64_t bytes = 0;
  std::string sha256;  // lowercase hex

  bool operator==(const InputFile&) const = default;
};

std::string sha256_hex(std::string_view data);

// 64-bit FNV-1a of the bytes of `text`: a short stable key (a config's hash, a decision file's
// name), not a digest that guards against changes made on purpose.
std::uint64_t fnv1a(std::string_view text);

// Reads the whole file; throws std::runtime_error when it cannot.
InputFile digest_file(const std::string& role, const std::string& path);

}  // namespace attnbench
