// oltap merge's two halves: checking that folders are the shards of one run
// (merge_check.cc), then merging them (merge.cc). Private to results.
#pragma once

#include <string>
#include <vector>

#include "results.h"

namespace oltap::results {

// A shard's folder as merge reads it.
struct ShardFolder {
  std::string dir;
  Meta meta;
  std::string hostname;
};
// The folders, checked (see merge_runs), in the order of their shard index
// (as given when no folder says it is a shard). Throws Error(kBadInput).
std::vector<ShardFolder> check_shards(const std::vector<std::string>& dirs);

}  // namespace oltap::results
