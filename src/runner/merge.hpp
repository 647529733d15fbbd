// Combines the folders of a sharded run into one run folder: refuses a case recorded twice, a
// shard missing or incomplete, or shards of different configs; warns when they ran on different
// machines or library versions. `report` then works on the merged folder.
#pragma once

#include <string>
#include <vector>

namespace attnbench {

// Returns the exit code (0); throws InputError for what it refuses.
int merge_runs(const std::vector<std::string>& dirs, const std::string& out);

}  // namespace attnbench
