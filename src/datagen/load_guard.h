// What a load may drop. `oltap load` drops and recreates the tables its
// workload's schema creates; a table of the same name that holds someone
// else's rows (a user's own `customer` table, the tables `pgbench -i` made)
// must not go with them by accident. Internal to datagen; one connection,
// not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "datagen.h"

namespace oltap::datagen {

struct DropCheck {
  std::vector<std::string> existing;  // the schema's tables that exist now, in the order a load drops them
  std::vector<std::string> foreign;   // of those, the ones that hold rows no oltap load accounts for
};

// A table is accounted for when it is empty, when the load record names it
// (whatever workload loaded it), or when the record names another table of
// this schema: the tables were made together by an oltap load, and a table
// the runs filled (pgbench_history, TPC-C's orders) has no record of its own.
DropCheck check_drops(const workload::Spec& spec, engine::Connection& conn, const std::string& dialect);

}  // namespace oltap::datagen
