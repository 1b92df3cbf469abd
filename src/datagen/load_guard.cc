// The check of what a load would drop (load_guard.h).
#include "load_guard.h"

#include "load_record.h"

namespace oltap::datagen {

DropCheck check_drops(const workload::Spec& spec, engine::Connection& conn, const std::string& dialect) {
  DropCheck c;
  const std::vector<std::string> tables = spec.tables(dialect);
  for (auto it = tables.rbegin(); it != tables.rend(); ++it)
    if (sql_table_exists(conn, *it)) c.existing.push_back(*it);
  if (c.existing.empty()) return c;
  const std::map<std::string, TableRecord> records = read_records(conn, tables);
  if (!records.empty()) return c;  // an oltap load made this schema's tables here
  for (const auto& t : c.existing)
    if (conn.query_value("SELECT CASE WHEN EXISTS (SELECT 1 FROM " + t + ") THEN 1 ELSE 0 END") != "0")
      c.foreign.push_back(t);
  return c;
}

}  // namespace oltap::datagen
