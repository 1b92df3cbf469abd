// Cost of generating rows for `oltap load`, per table of a workload: the
// client's share of a load, which runs beside the server's parsing of what it
// is sent. Time per iteration is one batch; items are rows made.
//
//   build/datagen_bench                          # workloads/tpch.yaml at scale 0.1
//   OLTAP_BENCH_WORKLOAD=workloads/tpcc.yaml build/datagen_bench
//   OLTAP_BENCH_BATCHES=200 valgrind --tool=callgrind build/datagen_bench --benchmark_filter=lineitem
// With OLTAP_BENCH_BATCHES, each table makes exactly that many batches, so
// instruction counts (callgrind) compare builds whatever the machine is doing.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "datagen/datagen.h"

namespace oltap::datagen {
namespace {

// A scale small enough to set up at once, big enough that every table has
// more than one chunk.
constexpr double kScale = 0.1;
constexpr uint64_t kSeed = 1;

const workload::Spec& spec() {
  static const workload::Spec s = [] {
    const char* file = std::getenv("OLTAP_BENCH_WORKLOAD");
    return workload::load_spec(file ? file : OLTAP_SOURCE_DIR "/workloads/tpch.yaml");
  }();
  return s;
}

void generate(benchmark::State& state, size_t table) {
  const TableGenerator gen(spec().data[table], kScale, kSeed, static_cast<int>(table), "2026-01-01 00:00:00");
  engine::RowBatch batch;
  TableGenerator::Cursor cursor = gen.cursor_at(0);
  int64_t rows = 0;
  for (auto _ : state) {
    if (cursor.row >= gen.rows()) cursor = gen.cursor_at(0);
    gen.fill(cursor, gen.rows(), kBatchRows, batch);
    rows += static_cast<int64_t>(batch.rows);
    benchmark::DoNotOptimize(batch.cells.data());
  }
  state.SetItemsProcessed(rows);
}

}  // namespace
}  // namespace oltap::datagen

// One benchmark per data entry of the workload, registered once main runs:
// the workload is read after every static object of the libraries exists.
int main(int argc, char** argv) {
  using oltap::datagen::spec;
  const char* batches = std::getenv("OLTAP_BENCH_BATCHES");
  for (size_t t = 0; t < spec().data.size(); ++t) {
    auto* b = benchmark::RegisterBenchmark(spec().data[t].table.c_str(), oltap::datagen::generate, t);
    if (batches) b->Iterations(std::atoll(batches));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
