// Redshift's table attributes, for a warehouse that only stands in for
// Redshift: a PostgreSQL reached with the redshift dialect (the local stack's
// warehouse) runs a workload's Redshift DDL once they are taken out.
#pragma once

#include <string>
#include <string_view>

namespace oltap::engine {

// sql without Redshift's distribution, sort and compression attributes
// (DISTSTYLE, DISTKEY, [COMPOUND | INTERLEAVED] SORTKEY, ENCODE, BACKUP) when
// it is a CREATE TABLE; any other statement comes back as it is.
std::string strip_redshift_attributes(std::string_view sql);

}  // namespace oltap::engine
