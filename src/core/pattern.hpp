// Forwarding header, kept for one release: the plugin API moved to include/attnbench. New code
// includes <attnbench/pattern.hpp>.
#pragma once

#include <attnbench/pattern.hpp>
