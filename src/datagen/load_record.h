// A load's record: what `oltap load` leaves beside the data it made, one
// entry per table, so that a run can tell whether the data matches it (see
// data_check.cc). SQL engines keep it in a table of oltap's own
// (kLoadRecordTable: table_name, record), Redis in one hash (kLoadRecordKey:
// a field per table). Each entry is one line of text, the same on every
// engine, readable with a plain SELECT or HGETALL.
//
// Internal to datagen. Not thread-safe: each call uses the one connection given.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datagen.h"

namespace oltap::datagen {

struct TableRecord {
  std::string workload;           // the workload's name
  std::string workload_sha256;    // of the whole file, for information only
  std::string definition_sha256;  // of what defines the table's rows: definition_sha256()
  double scale = 0;
  uint64_t seed = 0;
  int64_t rows = -1;      // rows loaded; -1 until the table is loaded
  std::string started;    // UTC, ISO 8601, when the load began
  std::string finished;   // UTC, ISO 8601, when it ended; empty while it runs
  bool complete = false;  // false: the load is running, or was interrupted or failed
};

// One line without spaces or quotes ("workload=pgbench-tpcb;status=complete;...").
std::string encode_record(const TableRecord& r);
// Throws Error(kBadInput) naming table when text is not a record.
TableRecord decode_record(const std::string& table, const std::string& text);

// What defines a table's rows: its data entry (TableData::definition) and,
// on SQL engines, the CREATE TABLE that the schema has for dialect, with
// runs of white space folded. Transactions, parameters, `run:` and
// after_load statements are not part of it.
std::string definition_sha256(const workload::Spec& spec, const workload::TableData& data, bool key_value,
                              const std::string& dialect);

// Refuses (Error(kBadInput)) a workload whose schema would drop the record's
// table, or whose key templates or index could name the record's key (the
// load clears them with SCAN MATCH + UNLINK).
void check_record_is_apart(const workload::Spec& spec, bool key_value, const std::string& dialect);

// Writes the records of tables, replacing what was there for them.
void write_records(engine::Connection& conn, const std::map<std::string, TableRecord>& records);
// Removes the records of tables (SQL tables a load drops without refilling them).
void forget_records(engine::Connection& conn, const std::vector<std::string>& tables);
// The records of tables; a table without one is absent.
std::map<std::string, TableRecord> read_records(engine::Connection& conn,
                                                const std::vector<std::string>& tables);

// Whether an SQL table exists in the connection's current schema (database).
bool sql_table_exists(engine::Connection& conn, const std::string& table);

// Now, UTC, as ISO 8601 to the second: "2026-12-01T21:50:03Z".
std::string utc_iso_now();

}  // namespace oltap::datagen
