// Loading a workload's data: deterministic, seeded, chunked row generation,
// so the same seed gives the same rows whatever the number of jobs, and
// parallel bulk loading through each engine's fast path (COPY on PostgreSQL).
//
// This module knows nothing of how a run is scheduled.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"
#include "workload/workload.h"

namespace oltap::datagen {

// Rows generated per chunk; each chunk has its own random stream, which is
// what makes the rows independent of how chunks are shared among jobs.
inline constexpr int64_t kChunkRows = 10'000;
// Source rows per batch handed to an engine.
inline constexpr int64_t kBatchRows = 500;

// Generates the rows of one data entry of a workload.
class TableGenerator {
 public:
  // load_time: what `load_time` holds (UTC "YYYY-MM-DD HH:MM:SS"); empty: now.
  TableGenerator(const workload::TableData& data, double scale, uint64_t seed, int table_index,
                 std::string load_time = "");
  // Source rows: the table's rows, or with `repeat:` the rows each repeated.
  int64_t rows() const { return rows_; }
  const std::vector<std::string>& columns() const { return columns_; }
  // Replaces batch with the rows made from source rows [first, first + count).
  void generate(int64_t first, int64_t count, engine::RowBatch& batch) const;

  // Where generation stands: the next source row and the random stream there.
  struct Cursor {
    int64_t row = 0;
    workload::Rng rng;
    std::vector<Value> slots;
  };
  // A cursor at source row first (replaying its chunk's draws before it).
  Cursor cursor_at(int64_t first) const;
  // Replaces batch with the rows made from the next source rows, at most
  // count of them and none from end on; advances the cursor. Small batches
  // keep the rows in cache on their way to the engine.
  void fill(Cursor& cursor, int64_t end, int64_t count, engine::RowBatch& batch) const;

 private:
  // A let or column, ready to make values.
  struct Made {
    const workload::Column* column = nullptr;
    workload::Distribution dist;  // distribution columns
    uint64_t key_stream = 0;      // keyed columns: the stream's name
    int key_slot = -1;            // keyed columns whose key is one name: its slot
    int64_t lo = 0, count = 0;    // permutations: the values lo .. lo + count - 1
    // Expression columns that need no evaluation: a constant, or a copy of a slot.
    bool is_constant = false;
    Value constant;
    int copy_of = -1;
    bool per_row = false;     // with repeat: made once per row, not per item
    std::vector<Made> inner;  // sums: the values made for each item
  };
  const workload::TableData* data_;
  Value scale_;
  uint64_t seed_;
  int table_index_;
  std::string load_time_;  // `load_time`: UTC, "YYYY-MM-DD HH:MM:SS"
  int64_t rows_ = 0;
  std::vector<std::string> columns_;
  std::vector<Made> made_;  // the lets, then the columns

  Made prepare(const workload::Column& c, const std::map<std::string, Value>& names) const;
  void make(const Made& m, workload::Rng& chunk_rng, int64_t row, Value* slots, Value& v) const;
  workload::Rng chunk_rng(int64_t chunk) const;
};

struct LoadOptions {
  double scale = 1;
  int jobs = 1;
  uint64_t seed = 1;
  bool after_load = true;  // false: the rows only, without the after_load statements
  bool force = false;      // drop the schema's tables even when they hold rows no oltap load made
  bool dry_run = false;    // connect and check, change nothing: LoadReport::statements says what a load runs
  // One of several load hosts (oltap load --shard i/N), so N hosts load in
  // parallel: shard index loads its share of each table's chunks (a
  // contiguous range, chunk-aligned, so the rows are those of one load),
  // and shard 0 alone drops and creates the tables, writes the load record
  // and, once every shard's rows are in, runs the after_load statements.
  struct Shard {
    int index = 0;
    int count = 1;
  };
  Shard shard;
  // What `load_time` holds (UTC "YYYY-MM-DD HH:MM:SS"); empty: now. Shards pass the one they agreed on.
  std::string load_time;
  // With shards (count > 1), called where every shard must be before any
  // goes on, and returning then: at "schema" (shard 0 has made the tables,
  // or cleared the keys), "rows" (note: this shard's rows per data entry,
  // comma-separated; returns every shard's note, by shard) and "done"
  // (shard 0 has run after_load and completed the record). Throws to stop
  // the load (a shard gone, Ctrl-C).
  std::function<std::vector<std::string>(const std::string& step, const std::string& note)> wait_for_shards;
};

struct TableReport {
  std::string table;
  int64_t rows = 0;
  double seconds = 0;
};

struct LoadReport {
  std::vector<TableReport> tables;
  double seconds = 0;
  std::string server_version;
  // With dry_run: the statements a load would run, in order (SQL, each
  // ending in ';'; what is not one statement, a bulk load, as a `--` line);
  // refusal: why the load would refuse (empty: it would go ahead).
  std::vector<std::string> statements;
  std::string refusal;
  // With shards: the rows every shard loaded (tables holds this shard's own).
  int64_t all_shards_rows = 0;
};

// Builds every data entry's generator at scale without touching a database,
// so that what only shows once values are made (a distribution's bounds, a
// permutation without values) is reported before a load empties any table.
// Throws Error(kBadInput) with the entry's file:line:col.
void check_data(const workload::Spec& spec, double scale);

// Drops and recreates the workload's own tables (those its schema creates),
// loads its data with jobs connections, then runs its after_load statements.
// progress receives one line per finished step. Refuses (Error(kBadInput))
// to drop a table that holds rows no oltap load accounts for, unless
// options.force (load_guard.h says which tables are accounted for).
LoadReport load(const workload::Spec& spec, const engine::Target& target, const LoadOptions& options,
                const std::function<void(const std::string&)>& progress);

// Now, UTC, as `load_time` is written.
std::string utc_now();

// ---------------------------------------------------------------- the data a run finds

// Where a load records what it made, one entry per table: its workload (name
// and file digest), scale, seed, rows, start and end, and whether it
// finished. load() writes the entries as unfinished before it touches a
// table and completes them at its very end, so an interrupted or failed
// load leaves them unfinished. A workload may not name either.
inline constexpr std::string_view kLoadRecordTable = "oltap_load";  // SQL engines: a table
inline constexpr std::string_view kLoadRecordKey = "oltap:load";    // Redis: a hash, a field per table

// What check_loaded_data() found: the scale the target's data is at and how it knows.
struct DataCheck {
  std::string target;  // redacted
  double scale = 0;
  // "oltap's load record (pgbench-tpcb, 2026-12-01T21:50:03Z)", "the tables'
  // row counts", ...; empty when the workload has no data to check.
  std::string source;
};

// Whether the data on conn is what spec's `data:` makes, before a run
// measures anything. Each table of `data:` (on Redis: each with a key
// template) is judged by its load record when it has one: the load must
// have finished, the table's definition (definition_sha256: its data entry
// and CREATE TABLE, not the transactions or `run:`) must be the one spec
// has, and the scale the requested one. A table without a record (made by
// another tool: `pgbench -i`, `sysbench prepare`) must exist and hold the
// rows its entry makes at that scale. Without requested_scale the scale is
// the loaded one (as pgbench reads its scale from pgbench_branches).
// Throws Error(kBadInput) with one line saying what is there and what was asked.
DataCheck check_loaded_data(const workload::Spec& spec, engine::Connection& conn,
                            const engine::Target& target, std::optional<double> requested_scale);

// The scale every check found, which a run takes when none is asked for;
// Error(kBadInput) naming each target's scale when they differ. 0 for none.
double common_scale(const std::vector<DataCheck>& checks);

}  // namespace oltap::datagen
