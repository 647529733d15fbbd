#include "exec/onednn_info.hpp"

#include <fmt/format.h>

#include <oneapi/dnnl/dnnl.hpp>

namespace attnbench {

std::string onednn_version() {
  const dnnl_version_t* v = dnnl_version();
  return fmt::format("{}.{}.{} ({})", v->major, v->minor, v->patch, v->hash);
}

std::optional<std::string> onednn_error_text(const std::exception& error) {
  const auto* library = dynamic_cast<const dnnl::error*>(&error);
  if (library == nullptr) return std::nullopt;
  return fmt::format("oneDNN error {}: {}", static_cast<int>(library->status), library->what());
}

}  // namespace attnbench
