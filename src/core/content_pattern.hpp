// Forwarding header, kept for one release: the plugin API moved to include/attnbench. New code
// includes <attnbench/content_pattern.hpp>.
#pragma once

#include <attnbench/content_pattern.hpp>
