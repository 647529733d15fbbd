// Forwarding header, kept for one release: the plugin API moved to include/attnbench. New code
// includes <attnbench/common_params.hpp> for the shared parameter declarations and
// <attnbench/replay.hpp> for read_replay, which this header used to declare.
#pragma once

#include <attnbench/common_params.hpp>
#include <attnbench/replay.hpp>
