// `oltap load`: drop and recreate the workload's tables, fill them with
// several connections at once, then run the after-load statements.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "datagen.h"
#include "load_guard.h"
#include "load_record.h"

namespace oltap::datagen {
namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

engine::BulkSpec spec_of(const workload::TableData& data, const std::vector<std::string>& columns) {
  engine::BulkSpec b;
  b.table = data.table;
  b.columns = columns;
  b.key = data.redis_key;
  b.value_column = data.redis_value;
  b.index = data.redis_index;
  return b;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// What a load of spec would run, for --dry-run, in the order load() runs it.
std::vector<std::string> planned_statements(const workload::Spec& spec,
                                            const std::vector<TableGenerator>& gens, bool key_value,
                                            const std::string& dialect, const std::string& server_dialect,
                                            const LoadOptions& o) {
  std::vector<std::string> out;
  if (key_value) {
    for (const auto& data : spec.data)
      if (!data.redis_key.empty()) out.push_back("-- clear the keys " + data.redis_key + " can name");
  } else {
    const std::vector<std::string> tables = spec.tables(dialect);
    for (auto it = tables.rbegin(); it != tables.rend(); ++it)
      out.push_back("DROP TABLE IF EXISTS " + *it + " CASCADE;");
    if (const std::string* ddl = spec.schema.for_dialect(dialect))
      for (const auto& stmt : split_statements(*ddl)) out.push_back(stmt + ";");
  }
  for (size_t i = 0; i < spec.data.size(); ++i) {
    const workload::TableData& d = spec.data[i];
    if (key_value && d.redis_key.empty()) continue;
    out.push_back(fmt::format("-- load {} rows into {} ({} job(s))", gens[i].rows(),
                              key_value ? d.redis_key : d.table, std::max(1, o.jobs)));
    if (const std::string* sql =
            key_value || !o.after_load ? nullptr : d.after_load.for_dialect(server_dialect))
      for (const auto& stmt : split_statements(*sql)) out.push_back(stmt + ";");
  }
  if (const std::string* sql =
          key_value || !o.after_load ? nullptr : spec.after_load.for_dialect(server_dialect))
    for (const auto& stmt : split_statements(*sql)) out.push_back(stmt + ";");
  out.push_back(std::string("-- record the load in ") +
                std::string(key_value ? kLoadRecordKey : kLoadRecordTable));
  return out;
}

}  // namespace

void check_data(const workload::Spec& spec, double scale) {
  for (size_t i = 0; i < spec.data.size(); ++i) TableGenerator(spec.data[i], scale, 1, static_cast<int>(i));
}

LoadReport load(const workload::Spec& spec, const engine::Target& target, const LoadOptions& o,
                const std::function<void(const std::string&)>& progress) {
  auto t0 = std::chrono::steady_clock::now();
  LoadReport report;
  // Every generator is made before any table is touched: a bad bound in the
  // file fails the load with the tables as they were.
  std::vector<TableGenerator> gens;
  // One load_time for every table, so that, say, an order's date and its lines' agree.
  const std::string load_time = o.load_time.empty() ? utc_now() : o.load_time;
  const bool sharded = o.shard.count > 1;
  const bool leader = o.shard.index == 0;  // of the shards, the one that makes and finishes the tables
  if (sharded && !o.wait_for_shards)
    throw Error(ErrorClass::kFatal, "a sharded load needs a way to wait for the other shards");
  if (o.shard.index < 0 || o.shard.index >= o.shard.count)
    throw Error(ErrorClass::kBadInput,
                fmt::format("shard {}/{} is out of range", o.shard.index, o.shard.count));
  for (size_t i = 0; i < spec.data.size(); ++i)
    gens.emplace_back(spec.data[i], o.scale, o.seed, static_cast<int>(i), load_time);
  auto conn = engine::connect(target);
  report.server_version = conn->server_version();

  const std::string dialect = conn->dialect();
  const std::string server_dialect = conn->server_dialect();  // of after_load
  if (const std::string note = conn->stand_in_note(); !note.empty()) progress(note);
  const bool key_value = conn->kind() == engine::Kind::kKeyValue;

  // The record says "loading" before any table is touched and "complete"
  // only at the very end: an interrupted or failed load leaves it unfinished.
  check_record_is_apart(spec, key_value, dialect);
  if (!key_value && leader) {
    const DropCheck drops = check_drops(spec, *conn, dialect);
    if (!drops.foreign.empty() && !o.force)
      report.refusal = fmt::format(
          "{}: refusing to drop {}: {} rows that no oltap load made (its load record names none of {}'s "
          "tables there); drop {} yourself, or load again with --force",
          target.redacted(), joined(drops.foreign), drops.foreign.size() == 1 ? "it holds" : "they hold",
          spec.name, drops.foreign.size() == 1 ? "it" : "them");
    if (!drops.existing.empty() && report.refusal.empty())
      progress("drops and recreates " + joined(drops.existing) +
               (drops.foreign.empty()
                    ? ""
                    : " (--force: " + joined(drops.foreign) + " held rows no oltap load made)"));
  }
  if (o.dry_run) {
    report.statements = planned_statements(spec, gens, key_value, dialect, server_dialect, o);
    report.seconds = seconds_since(t0);
    return report;
  }
  if (!report.refusal.empty()) throw Error(ErrorClass::kBadInput, report.refusal);
  std::map<std::string, TableRecord> records;
  for (const auto& data : spec.data) {
    if (key_value && data.redis_key.empty()) continue;
    TableRecord& r = records[data.table];
    r.workload = spec.name;
    r.workload_sha256 = spec.sha256;
    r.definition_sha256 = definition_sha256(spec, data, key_value, dialect);
    r.scale = o.scale;
    r.seed = o.seed;
    r.started = utc_iso_now();
  }
  if (leader) write_records(*conn, records);
  if (!key_value && leader) {
    // Tables the schema drops and this load leaves empty keep no record of an earlier load.
    std::vector<std::string> emptied;
    for (const auto& t : spec.tables(dialect))
      if (!records.count(t)) emptied.push_back(t);
    forget_records(*conn, emptied);
  }

  if (!leader) {
    // Shard 0 makes the tables.
  } else if (key_value) {
    // No schema: each data entry with a key template is a family of keys.
    for (const auto& data : spec.data)
      if (!data.redis_key.empty()) conn->clear(spec_of(data, {}));
    progress("cleared the workload's keys");
  } else {
    std::vector<std::string> tables = spec.tables(dialect);
    const std::string* ddl = spec.schema.for_dialect(dialect);
    if (!ddl) throw Error(ErrorClass::kBadInput, spec.file + ": no schema for dialect '" + dialect + "'");
    for (auto it = tables.rbegin(); it != tables.rend(); ++it)
      conn->run("DROP TABLE IF EXISTS " + *it + " CASCADE");
    for (const auto& stmt : split_statements(*ddl)) conn->run(stmt);
    progress("created " + std::to_string(tables.size()) + " table(s)");
  }
  if (sharded) {
    o.wait_for_shards("schema", "");
    if (leader)
      progress(fmt::format("all {} shards ready: loading this shard's rows", o.shard.count));
    else
      progress(key_value ? "shard 0 cleared the workload's keys" : "shard 0 made the tables");
  }

  const int jobs = std::max(1, o.jobs);
  std::vector<std::unique_ptr<engine::Connection>> conns;
  conns.push_back(std::move(conn));
  for (int j = 1; j < jobs; ++j) conns.push_back(engine::connect(target));

  std::vector<size_t> todo;
  for (size_t i = 0; i < spec.data.size(); ++i) {
    if (key_value && spec.data[i].redis_key.empty()) {
      progress("skipped " + spec.data[i].table + ": it has no `redis:` key template for a key-value target");
      continue;
    }
    todo.push_back(i);
  }
  std::mutex progress_mu;  // jobs report as they finish
  std::vector<int64_t> made_rows(spec.data.size(), 0);
  auto report_table = [&](size_t i, int64_t made, double seconds) {
    std::lock_guard<std::mutex> lock(progress_mu);
    made_rows[i] = made;
    report.tables.push_back({spec.data[i].table, made, seconds});
    progress(fmt::format("loaded {}: {} rows in {:.2f} s", spec.data[i].table, made, seconds));
  };
  // The table's own after_load, on the connection that loaded it.
  auto after_table = [&](size_t i, engine::Connection& c) {
    const std::string* sql =
        key_value || !o.after_load ? nullptr : spec.data[i].after_load.for_dialect(server_dialect);
    if (!sql) return;
    auto ta = std::chrono::steady_clock::now();
    for (const auto& stmt : split_statements(*sql)) c.run(stmt);
    std::lock_guard<std::mutex> lock(progress_mu);
    progress(fmt::format("ran after_load of {} in {:.2f} s", spec.data[i].table, seconds_since(ta)));
  };

  // Shards share every table, so none loads a table whole in its own transaction.
  if (conns[0]->prefers_whole_tables() && !sharded) {
    // Each job loads whole tables, the biggest first, so each table is
    // emptied and filled in one transaction (frozen, and WAL-free where the
    // server allows). Sizes are estimated from a sample of each table.
    std::vector<double> size(spec.data.size());
    for (size_t i : todo) {
      engine::RowBatch sample;
      const int64_t n = std::min<int64_t>(gens[i].rows(), 200);
      if (n > 0) gens[i].generate(0, n, sample);
      double bytes = 0;
      for (const auto& cell : sample.cells)
        bytes += cell.kind == Value::Kind::kText ? static_cast<double>(cell.s.size()) + 1 : 8;
      size[i] = n > 0 ? bytes / static_cast<double>(n) * static_cast<double>(gens[i].rows()) : 0;
    }
    std::stable_sort(todo.begin(), todo.end(), [&](size_t a, size_t b) { return size[a] > size[b]; });
    std::atomic<size_t> next_table{0};
    std::atomic<bool> failed{false};
    std::vector<std::string> failures(jobs);
    auto job = [&](int j) {
      try {
        for (size_t k; !failed.load() && (k = next_table.fetch_add(1)) < todo.size();) {
          const size_t i = todo[k];
          auto tt = std::chrono::steady_clock::now();
          const TableGenerator& gen = gens[i];
          engine::BulkSpec bs = spec_of(spec.data[i], gen.columns());
          bs.whole_table = true;
          int64_t made = 0;
          TableGenerator::Cursor cursor = gen.cursor_at(0);
          conns[j]->bulk_load(bs, [&](engine::RowBatch& batch) {
            if (cursor.row >= gen.rows() || failed.load()) return false;
            gen.fill(cursor, gen.rows(), kBatchRows, batch);
            made += static_cast<int64_t>(batch.rows);
            return true;
          });
          if (failed.load()) break;
          report_table(i, made, seconds_since(tt));
          after_table(i, *conns[j]);
        }
      } catch (const std::exception& e) {
        failures[j] = e.what();
        failed.store(true);  // the others stop at their next chunk
      }
    };
    std::vector<std::thread> threads;
    for (int j = 1; j < jobs; ++j) threads.emplace_back(job, j);
    job(0);
    for (auto& t : threads) t.join();
    for (const auto& f : failures)
      if (!f.empty()) throw Error(ErrorClass::kFatal, f);
  } else {
    // Every job works on the same table, a chunk at a time; a shard on its
    // own range of the chunks.
    for (size_t i : todo) {
      auto tt = std::chrono::steady_clock::now();
      const TableGenerator& gen = gens[i];
      const int64_t rows = gen.rows();
      const int64_t all_chunks = (rows + kChunkRows - 1) / kChunkRows;
      const int64_t first_chunk = all_chunks * o.shard.index / o.shard.count;
      const int64_t chunks = all_chunks * (o.shard.index + 1) / o.shard.count;
      if (chunks == first_chunk && sharded) {
        report_table(i, 0, 0);  // another shard's: a table of fewer chunks than shards
        continue;
      }
      std::atomic<int64_t> next_chunk{first_chunk};
      std::atomic<int64_t> made{0};  // rows written: more than the source rows with repeat
      std::vector<std::string> failures(jobs);
      auto job = [&](int j) {
        try {
          // This job's next chunk.
          TableGenerator::Cursor cursor;
          int64_t chunk_end = 0;
          conns[j]->bulk_load(spec_of(spec.data[i], gen.columns()), [&](engine::RowBatch& batch) {
            if (cursor.row >= chunk_end) {
              int64_t c = next_chunk.fetch_add(1);
              if (c >= chunks) return false;
              cursor = gen.cursor_at(c * kChunkRows);
              chunk_end = std::min(rows, (c + 1) * kChunkRows);
            }
            // Whole chunks: parameter arrays and pipelines favour big batches.
            gen.fill(cursor, chunk_end, kChunkRows, batch);
            made.fetch_add(static_cast<int64_t>(batch.rows));
            return true;
          });
        } catch (const std::exception& e) {
          failures[j] = e.what();
          next_chunk.store(chunks);  // the others stop at their next chunk
        }
      };
      int used = static_cast<int>(std::min<int64_t>(jobs, std::max<int64_t>(chunks - first_chunk, 1)));
      std::vector<std::thread> threads;
      for (int j = 1; j < used; ++j) threads.emplace_back(job, j);
      job(0);
      for (auto& t : threads) t.join();
      for (const auto& f : failures)
        if (!f.empty()) throw Error(ErrorClass::kFatal, f);
      report_table(i, made.load(), seconds_since(tt));
      if (!sharded) after_table(i, *conns[0]);
    }
  }
  std::vector<int64_t> all_rows = made_rows;  // of every shard
  if (sharded) {
    std::string note;
    for (size_t i = 0; i < made_rows.size(); ++i) note += (i ? "," : "") + std::to_string(made_rows[i]);
    const std::vector<std::string> notes = o.wait_for_shards("rows", note);
    std::fill(all_rows.begin(), all_rows.end(), 0);
    for (const auto& n : notes) {
      const std::vector<std::string> counts = split(n, ',');
      if (counts.size() != all_rows.size())
        throw Error(ErrorClass::kFatal, "a shard reported rows of " + std::to_string(counts.size()) +
                                            " tables, not " + std::to_string(all_rows.size()) +
                                            ": are the shards loading the same workload file?");
      for (size_t i = 0; i < counts.size(); ++i) all_rows[i] += std::stoll(counts[i]);
    }
    for (size_t i : todo) report.all_shards_rows += all_rows[i];
    if (!leader) {
      progress(key_value
                   ? "waiting for shard 0 to complete the load record"
                   : "waiting for shard 0 to run the after_load statements and complete the load record");
      o.wait_for_shards("done", "");
      report.seconds = seconds_since(t0);
      return report;
    }
    for (size_t i : todo) after_table(i, *conns[0]);
  }
  const std::string* after =
      key_value || !o.after_load ? nullptr : spec.after_load.for_dialect(server_dialect);
  if (!o.after_load) progress("skipped the after_load statements (--no-after-load)");
  if (after) {
    auto ta = std::chrono::steady_clock::now();
    for (const auto& stmt : split_statements(*after)) conns[0]->run(stmt);
    progress(fmt::format("ran after_load in {:.2f} s", seconds_since(ta)));
  }
  const std::string finished = utc_iso_now();
  for (auto& [table, r] : records) {
    r.rows = 0;
    for (size_t i : todo)
      if (spec.data[i].table == table) r.rows = all_rows[i];
    r.finished = finished;
    r.complete = true;
  }
  write_records(*conns[0], records);
  if (sharded) o.wait_for_shards("done", "");
  report.seconds = seconds_since(t0);
  return report;
}

}  // namespace oltap::datagen
