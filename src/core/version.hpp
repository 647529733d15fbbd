// Forwarding header, kept for one release: the plugin API moved to include/attnbench. New code
// includes <attnbench/version.hpp>.
#pragma once

#include <attnbench/version.hpp>
