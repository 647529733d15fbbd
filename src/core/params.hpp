// Forwarding header, kept for one release: the plugin API moved to include/attnbench. New code
// includes <attnbench/params.hpp>.
#pragma once

#include <attnbench/params.hpp>
