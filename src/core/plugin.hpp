// Forwarding header, kept for one release: the plugin API moved to include/attnbench. New code
// includes <attnbench/plugin.hpp>.
#pragma once

#include <attnbench/plugin.hpp>
