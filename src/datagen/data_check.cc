// Whether a target's data is what a run of a workload expects, checked
// before anything is measured: by oltap's load record where there is one,
// else by counting the rows another tool made (`pgbench -i`, `sysbench
// prepare`), as pgbench itself reads its scale from pgbench_branches' rows.
// The rules are in datagen.h (check_loaded_data) and the README.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "load_record.h"

namespace oltap::datagen {
namespace {

// Tables whose data makes at most this many rows are counted exactly with
// count(*) (a million rows count in about 0.1 s on PostgreSQL); bigger ones
// are judged by the engine's statistics, which cost nothing to read.
constexpr int64_t kExactCountRows = 1'000'000;
// How far a statistics estimate may be from the true count: PostgreSQL's
// reltuples is set by VACUUM and ANALYZE from the pages they read and is
// close; InnoDB's TABLE_ROWS "may vary from the actual value by as much as
// 40% to 50%" (MySQL reference manual, INFORMATION_SCHEMA TABLES).
constexpr double kPostgresEstimateTolerance = 0.1;
constexpr double kInnodbEstimateTolerance = 0.5;
// Runs insert rows (YCSB-D's inserts, TPC-C's orders and history): a table
// without a record may hold up to this share more rows than its data makes.
constexpr double kRunGrowth = 0.5;

bool same_scale(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

// The rows a data entry makes at scale, as the generator rounds them.
int64_t rows_at(const workload::TableData& d, double scale) {
  const Value s = workload::scale_value(scale);
  const Value n = d.rows.eval(&s);  // rows sees one name, scale, in slot 0
  return n.kind == Value::Kind::kNull ? 0 : std::max<int64_t>(0, std::llround(n.as_double()));
}

std::string scale_text(double s) { return fmt::format("{:g}", s); }

// The smallest table whose rows grow in proportion to the scale
// (pgbench_branches, TPC-C's warehouse), or null.
const workload::TableData* smallest_scaled(const std::vector<const workload::TableData*>& entries) {
  const workload::TableData* best = nullptr;
  for (const auto* d : entries) {
    const int64_t one = rows_at(*d, 1);
    if (d->repeat || one <= 0 || rows_at(*d, 2) != 2 * one) continue;
    if (!best || one < rows_at(*best, 1)) best = d;
  }
  return best;
}

struct Count {
  int64_t rows = 0;
  bool exact = true;
};

int64_t as_count(const std::string& text) {
  return text.empty() ? -1 : std::llround(std::strtod(text.c_str(), nullptr));
}

// The rows of table: exact for small tables and where the engine keeps no
// usable estimate, else the statistics' estimate.
Count count_rows(engine::Connection& conn, const std::string& dialect, const std::string& table,
                 int64_t expected) {
  if (expected > kExactCountRows) {
    const std::string name = "'" + table + "'";
    std::string estimate;
    if (dialect == "postgres")
      estimate = conn.query_value(
          "SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE n.nspname = current_schema() AND c.relname = " +
          name);
    else if (dialect == "mysql")
      estimate = conn.query_value(
          "SELECT table_rows FROM information_schema.tables "
          "WHERE table_schema = DATABASE() AND table_name = " +
          name);
    // reltuples is -1 until the first VACUUM or ANALYZE: then count.
    if (const int64_t n = as_count(estimate); n >= 0) return {n, false};
  }
  return {as_count(conn.query_value("SELECT count(*) FROM " + table)), true};
}

// Whether a count fits the rows made: at least them (an exact count) or
// near them (an estimate), and not more than runs could have added.
bool fits(const Count& c, int64_t expected, const std::string& dialect) {
  const double e = static_cast<double>(expected);
  const double tol = c.exact ? 0 : dialect == "mysql" ? kInnodbEstimateTolerance : kPostgresEstimateTolerance;
  const double n = static_cast<double>(c.rows);
  return n >= std::floor(e * (1 - tol)) && n <= std::floor(e * (1 + kRunGrowth) * (1 + tol));
}

// Tables without a record on an SQL engine: each must exist and hold the
// rows its entry makes at the scale. Without one given, the scale is read
// from the smallest table whose rows grow in proportion to it.
DataCheck check_counts(const workload::Spec& spec, engine::Connection& conn, DataCheck c,
                       const std::vector<const workload::TableData*>& entries, bool scale_known) {
  const std::string dialect = conn.dialect();
  auto fail = [&](const std::string& what) { return Error(ErrorClass::kBadInput, c.target + ": " + what); };
  for (const auto* d : entries)
    if (!sql_table_exists(conn, d->table))
      throw fail(fmt::format(
          "nothing loaded: {} does not exist and no load record names it; run oltap load {} first "
          "(or run with --no-data-check)",
          d->table, spec.file));
  // The scale the rows say, as pgbench's count of pgbench_branches.
  const workload::TableData* scale_table = smallest_scaled(entries);
  std::optional<double> rows_scale;
  if (scale_table) {
    const int64_t n = as_count(conn.query_value("SELECT count(*) FROM " + scale_table->table));
    if (n > 0) rows_scale = static_cast<double>(n) / static_cast<double>(rows_at(*scale_table, 1));
  }
  if (!scale_known && rows_scale) c.scale = *rows_scale;
  for (const auto* d : entries) {
    // With repeat, the rows made depend on every row's draws: only existence is checked.
    if (d->repeat) continue;
    const int64_t expected = rows_at(*d, c.scale);
    const Count n = count_rows(conn, dialect, d->table, expected);
    if (fits(n, expected, dialect)) continue;
    std::string hint = "load again";
    if (rows_scale && !same_scale(*rows_scale, c.scale))
      hint = fmt::format("{} holds the rows of scale {}: run with --scale {} or load again",
                         scale_table->table, scale_text(*rows_scale), scale_text(*rows_scale));
    throw fail(
        fmt::format("{} has no load record and holds {} rows ({}), but {}'s data makes {} at scale {}; {} "
                    "(or run with --no-data-check)",
                    d->table, n.rows, n.exact ? "counted" : "the server's estimate", spec.name, expected,
                    scale_text(c.scale), hint));
  }
  c.source = "the tables' row counts (no load record)";
  return c;
}

// Redis without a record: the keys of a family cannot be counted without
// scanning them all, so the database must hold at least as many keys as
// the entries make.
DataCheck check_key_count(const workload::Spec& spec, engine::Connection& conn, DataCheck c,
                          const std::vector<const workload::TableData*>& entries) {
  int64_t expected = 0;
  std::string tables;
  for (const auto* d : entries) {
    expected += rows_at(*d, c.scale);
    tables += (tables.empty() ? "" : ", ") + d->table;
  }
  const int64_t keys = as_count(conn.query_value("DBSIZE"));
  if (keys < expected)
    throw Error(
        ErrorClass::kBadInput,
        fmt::format("{}: no load record for {}, and the database holds {} keys, fewer than the {} that "
                    "{}'s data makes at scale {}; load again (or run with --no-data-check)",
                    c.target, tables, keys, expected, spec.name, scale_text(c.scale)));
  c.source = "the database's key count (no load record)";
  return c;
}

}  // namespace

DataCheck check_loaded_data(const workload::Spec& spec, engine::Connection& conn,
                            const engine::Target& target, std::optional<double> requested_scale) {
  DataCheck c;
  c.target = target.redacted();
  c.scale = requested_scale.value_or(spec.scale);
  const bool kv = conn.kind() == engine::Kind::kKeyValue;
  std::vector<const workload::TableData*> entries;
  std::vector<std::string> tables;
  for (const auto& d : spec.data)
    if (!kv || !d.redis_key.empty()) {
      entries.push_back(&d);
      tables.push_back(d.table);
    }
  if (entries.empty()) return c;
  const std::string dialect = conn.dialect();
  auto fail = [&](const std::string& what) { return Error(ErrorClass::kBadInput, c.target + ": " + what); };

  const std::map<std::string, TableRecord> records = read_records(conn, tables);
  const TableRecord* first = nullptr;  // the record the messages quote
  std::vector<const workload::TableData*> unrecorded;
  for (const auto* d : entries) {
    auto it = records.find(d->table);
    if (it == records.end()) {
      unrecorded.push_back(d);
      continue;
    }
    const TableRecord& r = it->second;
    if (!kv && !sql_table_exists(conn, d->table))
      throw fail(
          fmt::format("nothing loaded: {} does not exist, though oltap's load record says {} loaded it ({}); "
                      "run oltap load {} again",
                      d->table, r.workload, r.finished, spec.file));
    if (!r.complete)
      throw fail(fmt::format(
          "the load of {} at scale {} started {} did not finish (interrupted or failed); load again",
          r.workload, scale_text(r.scale), r.started));
    if (r.definition_sha256 != definition_sha256(spec, *d, kv, dialect))
      throw fail(
          fmt::format("{} was loaded by {} ({}) from another definition of its data than {}'s (its data "
                      "entry or CREATE TABLE differs); load {} again (or run with --no-data-check)",
                      d->table, r.workload, r.finished, spec.name, spec.file));
    if (first && !same_scale(first->scale, r.scale))
      throw fail(
          fmt::format("the tables were loaded at different scales ({} at scale {} by {}, {} at scale {} by "
                      "{}); load {} again",
                      entries.front()->table, scale_text(first->scale), first->workload, d->table,
                      scale_text(r.scale), r.workload, spec.file));
    if (!first) first = &r;
  }
  if (first) {
    if (requested_scale && !same_scale(*requested_scale, first->scale))
      throw fail(
          fmt::format("the data was loaded at scale {} ({}, {}) but the run asks for scale {}; run with "
                      "--scale {} or load again",
                      scale_text(first->scale), first->workload, first->finished,
                      scale_text(*requested_scale), scale_text(first->scale)));
    c.scale = first->scale;
    c.source = fmt::format("oltap's load record ({}, {})", first->workload, first->finished);
    // One cheap count keeps the record honest: tables another tool remade
    // (`pgbench -i -s 5` after oltap's load) or emptied since the load.
    std::vector<const workload::TableData*> recorded;
    for (const auto* d : entries)
      if (records.count(d->table)) recorded.push_back(d);
    if (const auto* d = kv ? nullptr : smallest_scaled(recorded)) {
      const int64_t loaded = records.at(d->table).rows;
      if (loaded >= 0 && loaded <= kExactCountRows) {
        const Count n{as_count(conn.query_value("SELECT count(*) FROM " + d->table)), true};
        if (!fits(n, loaded, dialect))
          throw fail(
              fmt::format("{} holds {} rows but oltap's load record says {} were loaded ({}, {}): the data "
                          "changed since; load again (or run with --no-data-check)",
                          d->table, n.rows, loaded, first->workload, first->finished));
      }
    }
  }
  if (unrecorded.empty()) return c;
  const std::string recorded_source = c.source;
  c = kv ? check_key_count(spec, conn, c, unrecorded)
         : check_counts(spec, conn, c, unrecorded, first != nullptr || requested_scale.has_value());
  if (!recorded_source.empty()) c.source = recorded_source + " and " + c.source;
  return c;
}

double common_scale(const std::vector<DataCheck>& checks) {
  if (checks.empty()) return 0;
  std::string scales;
  bool differ = false;
  for (const auto& c : checks) {
    differ = differ || !same_scale(c.scale, checks.front().scale);
    scales += fmt::format("{}{} at scale {}", scales.empty() ? "" : ", ", c.target, scale_text(c.scale));
  }
  if (differ)
    throw Error(ErrorClass::kBadInput,
                "the targets hold data of different scales (" + scales +
                    "), and a run compares them at one; load them at the same scale, or give --scale");
  return checks.front().scale;
}

}  // namespace oltap::datagen
