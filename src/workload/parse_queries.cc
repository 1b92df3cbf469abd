// The workload format's `queries:`, an analytical workload's list.
#include "parse.h"

namespace oltap::workload {
namespace {

void read_query(const YamlReader& r, const YAML::Node& q, Spec& spec) {
  r.expect_map(q, "a query (name and sql)");
  r.check_keys(q, {"name", "sql", "ordered"}, "a query");
  Query query;
  query.mark = r.mark(q);
  if (!q["name"]) r.fail(q, "a query needs a 'name'");
  query.name = trim(r.str(q["name"], "name"));
  if (query.name.empty()) r.fail(q["name"], "a query's name must not be empty");
  if (query.name == "ALL") r.fail(q["name"], "'ALL' is reserved for the summary's total row");
  if (spec.find_query(query.name)) r.fail(q["name"], "query '" + query.name + "' is defined twice");
  if (!q["sql"]) r.fail(q, "query '" + query.name + "' needs 'sql'");
  query.sql = read_dialected(r, q["sql"], "sql");
  for (const auto& [dialect, text] : query.sql.by_dialect) {
    if (split_statements(text).empty())
      r.fail(q["sql"], "query '" + query.name + "' has no statement" +
                           (dialect == "default" ? std::string() : " for dialect " + dialect));
    for (const auto& ph : scan_placeholders(text))
      if (ph.name != kStreamName && ph.name != kScaleName)
        r.fail(q["sql"], "query '" + query.name + "' uses ':" + ph.name +
                             "', but queries take no parameters (write values into the text; the only "
                             "names are ':" +
                             std::string(kStreamName) +
                             "', the stream's number, and ':" + std::string(kScaleName) + "', the scale)");
  }
  if (q["ordered"]) query.ordered = r.boolean(q["ordered"], "ordered");
  spec.queries.push_back(std::move(query));
}

}  // namespace

// `queries:`, an analytical workload's list: each a name and its SQL per
// dialect, without parameters (TPC-H's validation values are written into the
// text); `:stream` is the only name a text may use.
void read_queries(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems) {
  r.expect_seq(list, "queries");
  if (list.size() == 0) r.fail(list, "queries must not be empty");
  for (const auto& q : list) problems.attempt([&] { read_query(r, q, spec); });
}

}  // namespace oltap::workload
