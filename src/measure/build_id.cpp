#include "measure/build_id.hpp"

#include <cstdint>
#include <cstring>

#include <elf.h>
#include <link.h>

namespace attnbench {

namespace {

constexpr std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

// Walks one PT_NOTE segment's notes for NT_GNU_BUILD_ID.
std::string build_id_in(const unsigned char* notes, std::size_t size) {
  std::size_t at = 0;
  while (at + sizeof(ElfW(Nhdr)) <= size) {
    ElfW(Nhdr) header;
    std::memcpy(&header, notes + at, sizeof header);
    const std::size_t name_at = at + sizeof header;
    const std::size_t desc_at = name_at + align4(header.n_namesz);
    if (desc_at + header.n_descsz > size) return "";
    if (header.n_type == NT_GNU_BUILD_ID && header.n_namesz == 4 &&
        std::memcmp(notes + name_at, "GNU", 4) == 0) {
      constexpr const char* kDigits = "0123456789abcdef";
      std::string hex;
      for (std::size_t i = 0; i < header.n_descsz; ++i) {
        hex += kDigits[notes[desc_at + i] >> 4];
        hex += kDigits[notes[desc_at + i] & 15];
      }
      return hex;
    }
    at = desc_at + align4(header.n_descsz);
  }
  return "";
}

// dl_iterate_phdr lists the executable first; only that object is read.
int read_main_program(dl_phdr_info* info, std::size_t /*size*/, void* out) {
  auto& id = *static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum && id.empty(); ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) continue;
    const auto* notes = reinterpret_cast<const unsigned char*>(info->dlpi_addr + segment.p_vaddr);
    id = build_id_in(notes, segment.p_memsz);
  }
  return 1;  // stop after the first object
}

}  // namespace

std::string executable_build_id() {
  std::string id;
  dl_iterate_phdr(read_main_program, &id);
  return id;
}

}  // namespace attnbench
