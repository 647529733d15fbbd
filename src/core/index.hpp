// Index (the project's signed type for tensor and tile positions, offsets and their differences)
// meets std::size_t (what std::vector and std::array are subscripted and sized by) wherever an
// Index picks an element of a container. `to_size` is that one conversion, named, for an Index
// that is a position or a count and so never negative (a layout offset, a loop index from 0): it
// changes the type, not the value. A value that could be out of range is checked where it is
// read (a YAML value against its bounds, a .npy header), not here.
#pragma once

#include <cstddef>

#include <attnbench/params.hpp>

namespace attnbench {

constexpr std::size_t to_size(Index position) { return static_cast<std::size_t>(position); }

}  // namespace attnbench
