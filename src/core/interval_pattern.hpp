// Forwarding header, kept for one release: the plugin API moved to include/attnbench. New code
// includes <attnbench/interval_pattern.hpp>.
#pragma once

#include <attnbench/interval_pattern.hpp>
