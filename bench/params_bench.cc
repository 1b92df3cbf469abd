// Cost of drawing one parameter value, per distribution: the per-transaction
// overhead a client pays before it talks to the engine. Time per iteration is
// nanoseconds per draw.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

constexpr uint64_t kSeed = 42;
// YCSB's default skew, over a table of ten million keys.
constexpr int64_t kZipfKeys = 10'000'000;
constexpr double kZipfTheta = 0.99;

void run(benchmark::State& state, const Distribution& d) {
  Rng rng(kSeed);
  SequenceCursor seq;
  Value out;
  out.s.reserve(64);  // as a client's parameter slot would be after warm-up
  for (auto _ : state) {
    d.draw(rng, seq, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Uniform(benchmark::State& state) { run(state, Distribution::uniform(1, 100'000)); }
void BM_Zipfian(benchmark::State& state) { run(state, Distribution::zipfian(1, kZipfKeys, kZipfTheta)); }
// TPC-C customer id (clause 2.1.6).
void BM_NURand(benchmark::State& state) { run(state, Distribution::nurand(1023, 1, 3000, 259)); }
void BM_String(benchmark::State& state) {
  run(state, Distribution::random_string(20, 40, std::string(kAlphaNumeric)));
}
void BM_Choice(benchmark::State& state) {
  run(state, Distribution::choice(
                 {Value::of_int(1), Value::of_int(2), Value::of_int(3), Value::of_int(4), Value::of_int(5)},
                 {45, 43, 4, 4, 4}));
}

BENCHMARK(BM_Uniform);
BENCHMARK(BM_Zipfian);
BENCHMARK(BM_NURand);
BENCHMARK(BM_String);
BENCHMARK(BM_Choice);

}  // namespace
}  // namespace oltap::workload
