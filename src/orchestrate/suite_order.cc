// The interleaved order of a suite: each round's cases shuffled by (seed,
// round). The shuffle is written out (Fisher-Yates over SplitMix64) rather
// than std::shuffle, whose order differs between standard libraries, so a
// seed gives the same order wherever the suite runs.
#include "suite_parts.h"

namespace oltap::orchestrate {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::vector<size_t> round_order(size_t n, uint64_t seed, int round) {
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  uint64_t state = workload::derive_seed(seed, static_cast<uint64_t>(round));
  for (size_t i = n; i > 1; --i) {
    // The modulo's bias is below 2^-50 for any count of cases a suite has.
    const size_t j = static_cast<size_t>(splitmix64(state) % i);
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

}  // namespace oltap::orchestrate
