#include "exec/onednn_info.hpp"

#include <fmt/format.h>

#include <oneapi/dnnl/dnnl.hpp>

namespace attnbench {

std::string onednn_version() {
  const dnnl_version_t* v = dnnl_version();
  return fmt::format("{}.{}.{} ({})", v->major, v->minor, v->patch, v->hash);
}

std::string onednn_isa() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_mic: return "avx512_mic";
    case dnnl::cpu_isa::avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "unknown";
  }
}

// oneDNN's ISA values nest as bit sets: every ISA at least avx512_core_bf16 holds its bits.
std::optional<std::string> onednn_error_text(const std::exception& error) {
  const auto* library = dynamic_cast<const dnnl::error*>(&error);
  if (library == nullptr) return std::nullopt;
  return fmt::format("oneDNN error {}: {}", static_cast<int>(library->status), library->what());
}

}  // namespace attnbench
