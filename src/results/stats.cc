// The statistics compare and gate decide with: medians, the Mann-Whitney U
// test (exact for small samples without ties, else the normal approximation
// with tie correction) and a seeded bootstrap interval of the relative
// change of medians. Pure functions; no state, any thread.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "results.h"

namespace oltap::results {
namespace {

// Exact tables are made up to this many samples a side: 50 x 50 is a
// 2,501-wide table per row, cheap; beyond it the normal approximation is
// within its own error of the exact figure anyway.
constexpr size_t kExactMax = 50;

// splitmix64: a generator whose output is the same on every standard
// library, which std::uniform_int_distribution's is not.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return static_cast<size_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
};

// P(U <= u) for every u, U of a side of n against one of m, no ties: the
// count of orderings with each U over C(n+m, n). f(i, j, u) = f(i-1, j, u-j)
// + f(i, j-1, u): the largest value is either the first side's (it beats all
// j of the other) or the second's.
std::vector<double> exact_cdf(size_t n, size_t m) {
  const size_t top = n * m;
  std::vector<std::vector<double>> prev(m + 1, std::vector<double>(top + 1, 0)), cur = prev;
  for (size_t j = 0; j <= m; ++j) prev[j][0] = 1;  // i = 0: one ordering, U = 0
  for (size_t i = 1; i <= n; ++i) {
    for (auto& row : cur) std::fill(row.begin(), row.end(), 0);
    cur[0][0] = 1;
    for (size_t j = 1; j <= m; ++j)
      for (size_t u = 0; u <= i * j; ++u) cur[j][u] = (u >= j ? prev[j][u - j] : 0) + cur[j - 1][u];
    std::swap(prev, cur);
  }
  std::vector<double> cdf(top + 1);
  double total = 0, run = 0;
  for (size_t u = 0; u <= top; ++u) total += prev[m][u];
  for (size_t u = 0; u <= top; ++u) cdf[u] = (run += prev[m][u]) / total;
  return cdf;
}

}  // namespace

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

double mwu_min_p(size_t n, size_t m) {
  if (n == 0 || m == 0) return 1;
  // 2 / C(n+m, n), built as a product so no factorial overflows.
  double c = 1;
  for (size_t k = 1; k <= n; ++k) c = c * static_cast<double>(m + k) / static_cast<double>(k);
  return std::min(1.0, 2 / c);
}

MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitney r;
  const size_t n = a.size(), m = b.size();
  if (n == 0 || m == 0) return r;
  for (double x : a)
    for (double y : b) r.u += x > y ? 1 : x == y ? 0.5 : 0;
  // Ranks of the pooled samples, for the ties.
  std::vector<double> all(a);
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  double tie_sum = 0;  // sum of t^3 - t over groups of t equal values
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    double t = static_cast<double>(j - i);
    tie_sum += t * t * t - t;
    i = j;
  }
  const double nm = static_cast<double>(n * m);
  if (tie_sum == 0 && n <= kExactMax && m <= kExactMax) {
    r.exact = true;
    std::vector<double> cdf = exact_cdf(n, m);
    auto k = static_cast<size_t>(r.u);           // an integer without ties
    double low = cdf[k], high = cdf[n * m - k];  // P(U <= u) and, by symmetry, P(U >= u)
    r.p = std::min(1.0, 2 * std::min(low, high));
    return r;
  }
  const double big_n = static_cast<double>(n + m);
  const double var = nm / 12 * ((big_n + 1) - tie_sum / (big_n * (big_n - 1)));
  if (var <= 0) return r;  // every value equal: no evidence of any difference
  // With the continuity correction (0.5 toward the centre), the usual default.
  const double z = std::max(0.0, std::abs(r.u - nm / 2) - 0.5) / std::sqrt(var);
  r.p = std::min(1.0, std::erfc(z / std::sqrt(2.0)));
  return r;
}

std::optional<ChangeCi> bootstrap_median_change(const std::vector<double>& base,
                                                const std::vector<double>& cur, double confidence,
                                                int resamples, uint64_t seed) {
  if (base.empty() || cur.empty() || resamples < 1) return std::nullopt;
  SplitMix rng{seed};
  std::vector<double> changes, b(base.size()), c(cur.size());
  changes.reserve(static_cast<size_t>(resamples));
  for (int k = 0; k < resamples; ++k) {
    for (auto& x : b) x = base[rng.below(base.size())];
    for (auto& x : c) x = cur[rng.below(cur.size())];
    const double mb = median(b);
    // A resample whose baseline median is 0 has no relative change.
    if (mb != 0) changes.push_back((median(c) - mb) / mb);
  }
  if (changes.empty()) return std::nullopt;
  std::sort(changes.begin(), changes.end());
  // Percentile interval: the (1-confidence)/2 and 1-(1-confidence)/2 quantiles, nearest rank.
  auto at = [&](double q) {
    double pos = q * static_cast<double>(changes.size() - 1);
    return changes[static_cast<size_t>(std::lround(pos))];
  };
  const double tail = (1 - confidence) / 2;
  return ChangeCi{at(tail), at(1 - tail)};
}

}  // namespace oltap::results
