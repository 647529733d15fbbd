// Transparent huge pages for a large buffer about to be written whole. The first write to each
// 4 KiB page of fresh memory is a page fault; on the 2-core VM the README's figures come from,
// the 8 MiB of a 1M-token window layout's masks took about 2,400 of them, 5-10 ms under load.
// Advised before its first write, the buffer's 2 MiB-aligned interior is faulted in 2 MiB at a
// time. Linux only (madvise(MADV_HUGEPAGE), honoured when THP is "madvise" or "always"); a no-op
// elsewhere and for small buffers.
#pragma once

#include <cstddef>

namespace attnbench {

void advise_huge_pages(void* data, std::size_t bytes);

}  // namespace attnbench
