// `oltap load`: drop and recreate the workload's tables, fill them with
// several connections at once, then run the after-load statements.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "datagen.h"

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

}  // namespace

LoadReport load(const workload::Spec& spec, const engine::Target& target, const LoadOptions& o,
                const std::function<void(const std::string&)>& progress) {
  auto t0 = std::chrono::steady_clock::now();
  LoadReport report;
  auto conn = engine::connect(target);
  report.server_version = conn->server_version();

  const std::string dialect = conn->dialect();
  const bool key_value = conn->kind() == engine::Kind::kKeyValue;
  if (key_value) {
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

  const int jobs = std::max(1, o.jobs);
  std::vector<std::unique_ptr<engine::Connection>> conns;
  conns.push_back(std::move(conn));
  for (int j = 1; j < jobs; ++j) conns.push_back(engine::connect(target));

  int table_index = 0;
  for (const auto& data : spec.data) {
    auto tt = std::chrono::steady_clock::now();
    TableGenerator gen(data, o.scale, o.seed, table_index++);
    if (key_value && data.redis_key.empty()) {
      progress("skipped " + data.table + ": it has no `redis:` key template for a key-value target");
      continue;
    }
    const int64_t rows = gen.rows();
    const int64_t chunks = (rows + kChunkRows - 1) / kChunkRows;
    std::atomic<int64_t> next_chunk{0};
    std::atomic<int64_t> made{0};  // rows written: more than the source rows with repeat
    std::vector<std::string> failures(jobs);
    auto job = [&](int j) {
      try {
        conns[j]->bulk_load(spec_of(data, gen.columns()), [&](engine::RowBatch& batch) {
          int64_t c = next_chunk.fetch_add(1);
          if (c >= chunks) return false;
          int64_t first = c * kChunkRows;
          gen.generate(first, std::min(kChunkRows, rows - first), batch);
          made.fetch_add(static_cast<int64_t>(batch.rows));
          return true;
        });
      } catch (const std::exception& e) {
        failures[j] = e.what();
        next_chunk.store(chunks);  // the others stop at their next chunk
      }
    };
    int used = static_cast<int>(std::min<int64_t>(jobs, std::max<int64_t>(chunks, 1)));
    std::vector<std::thread> threads;
    for (int j = 1; j < used; ++j) threads.emplace_back(job, j);
    job(0);
    for (auto& t : threads) t.join();
    for (const auto& f : failures)
      if (!f.empty()) throw Error(ErrorClass::kFatal, f);
    report.tables.push_back({data.table, made.load(), seconds_since(tt)});
    progress(fmt::format("loaded {}: {} rows in {:.2f} s", data.table, made.load(), seconds_since(tt)));
  }
  const std::string* after = key_value ? nullptr : spec.after_load.for_dialect(dialect);
  if (after) {
    auto ta = std::chrono::steady_clock::now();
    for (const auto& stmt : split_statements(*after)) conns[0]->run(stmt);
    progress(fmt::format("ran after_load in {:.2f} s", seconds_since(ta)));
  }
  report.seconds = seconds_since(t0);
  return report;
}

}  // namespace oltap::datagen
