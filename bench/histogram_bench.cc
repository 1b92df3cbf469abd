// Cost of metrics::Histogram on the paths that matter: record() on the worker
// hot loop, and value_at_quantile()/merge_from()/snapshot_into() on the
// reporter's once-per-interval path.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "metrics/metrics.h"

namespace oltap::metrics {
namespace {

// A power of two so the index wraps with a mask; large enough that the
// branch predictor cannot learn the sequence, small enough to stay in L2.
constexpr size_t kLatencyCount = size_t{1} << 16;
constexpr int kFilledCount = 1'000'000;

// Latencies as a database benchmark sees them: lognormal around 400 us with
// one in a hundred around 50 ms. Generated up front so the RNG is not timed.
std::vector<int64_t> realistic_latencies(size_t n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> body(std::log(400'000.0), 1.0);
  std::lognormal_distribution<double> tail(std::log(50'000'000.0), 1.0);
  std::bernoulli_distribution in_tail(0.01);
  std::vector<int64_t> values(n);
  for (auto& v : values) v = static_cast<int64_t>(in_tail(rng) ? tail(rng) : body(rng));
  return values;
}

Histogram filled_histogram(uint32_t seed) {
  const std::vector<int64_t> values = realistic_latencies(kFilledCount, seed);
  Histogram h;
  for (int64_t v : values) h.record(v);
  return h;
}

void BM_Record(benchmark::State& state) {
  const std::vector<int64_t> values = realistic_latencies(kLatencyCount, 1);
  Histogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.record(values[i]);
    i = (i + 1) & (kLatencyCount - 1);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Record);

void BM_ValueAtQuantile(benchmark::State& state) {
  const Histogram h = filled_histogram(2);
  const double q = static_cast<double>(state.range(0)) / 1000.0;
  for (auto _ : state) benchmark::DoNotOptimize(h.value_at_quantile(q));
}
// Per mille: p50, p99, p99.9; the walk from bucket 0 grows with the quantile.
BENCHMARK(BM_ValueAtQuantile)->Arg(500)->Arg(990)->Arg(999);

void BM_MergeFrom(benchmark::State& state) {
  const Histogram source = filled_histogram(3);
  Histogram target = filled_histogram(4);
  for (auto _ : state) {
    target.merge_from(source);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_MergeFrom);

void BM_SnapshotInto(benchmark::State& state) {
  const Histogram source = filled_histogram(5);
  Histogram out;
  for (auto _ : state) {
    source.snapshot_into(out);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_SnapshotInto);

void BM_NowNs(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(now_ns());
}
BENCHMARK(BM_NowNs);

}  // namespace
}  // namespace oltap::metrics
