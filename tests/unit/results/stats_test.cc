// The statistics of compare and gate against figures worked out by hand or
// by enumerating every ordering: medians, Mann-Whitney U (exact and normal
// with ties), its smallest p, and the bootstrap interval.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "results/results.h"

using namespace oltap::results;

namespace {

// P-value by brute force: every way to choose which n of the n+m pooled
// values are the first sample's, counting the orderings whose U is at most
// and at least the observed one; two-sided p is twice the smaller tail.
double brute_force_p(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> pool(a);
  pool.insert(pool.end(), b.begin(), b.end());
  const size_t n = a.size(), total = pool.size();
  auto u_of = [&](const std::vector<bool>& first) {
    double u = 0;
    for (size_t i = 0; i < total; ++i)
      for (size_t j = 0; j < total; ++j)
        if (first[i] && !first[j]) u += pool[i] > pool[j] ? 1 : 0;
    return u;
  };
  std::vector<bool> observed(total, false);
  std::fill(observed.begin(), observed.begin() + static_cast<long>(n), true);
  std::vector<bool> pick(total, false);
  std::fill(pick.begin(), pick.begin() + static_cast<long>(n), true);
  size_t count = 0, low = 0, high = 0;
  double u_obs = u_of(observed);
  do {
    double u = u_of(pick);
    ++count;
    if (u <= u_obs) ++low;
    if (u >= u_obs) ++high;
  } while (std::prev_permutation(pick.begin(), pick.end()));
  // The two-sided exact p: twice the smaller tail, at most 1.
  return std::min(1.0, 2.0 * static_cast<double>(std::min(low, high)) / static_cast<double>(count));
}

TEST(Median, OfOddAndEvenCounts) {
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median({}), 0);
}

TEST(MannWhitney, ThreeAgainstThreeFullySeparatedIsPointOne) {
  // Only 1 of the C(6,3) = 20 orderings puts all of a below all of b: p = 2/20.
  MannWhitney r = mann_whitney({1, 2, 3}, {4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 0);
  EXPECT_DOUBLE_EQ(r.p, 0.1);
  EXPECT_DOUBLE_EQ(mwu_min_p(3, 3), 0.1);
}

TEST(MannWhitney, FiveAgainstFiveFullySeparated) {
  // 2 / C(10,5) = 2/252 = 0.0079365...: one ordering of 252 in each tail.
  MannWhitney r = mann_whitney({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 25);
  EXPECT_NEAR(r.p, 2.0 / 252, 1e-15);
  EXPECT_NEAR(mwu_min_p(5, 5), 2.0 / 252, 1e-15);
}

TEST(MannWhitney, ExactMatchesEnumerationOfEveryOrdering) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {{1, 2, 3, 5}, {4, 6, 7}},         // U = 1: (1 + 1) / 35 per tail, p = 4/35
      {{10, 20, 30}, {15, 25, 35, 45}},  // interleaved
      {{5.5, 1.2, 9.9, 3.3, 7.1}, {2.2, 8.8, 4.4, 6.6, 0.5, 10.1}},
      {{1}, {2}},
  };
  for (const auto& [a, b] : cases) {
    MannWhitney r = mann_whitney(a, b);
    EXPECT_TRUE(r.exact);
    EXPECT_NEAR(r.p, brute_force_p(a, b), 1e-12) << a.size() << " vs " << b.size();
  }
  EXPECT_NEAR(mann_whitney({1, 2, 3, 5}, {4, 6, 7}).p, 4.0 / 35, 1e-12);
}

TEST(MannWhitney, TiesUseTheNormalApproximationWithTieCorrection) {
  // By hand: U = 6.5; tie groups 2 (x3), 3 (x2), 4 (x2): sum t^3 - t = 36;
  // var = 30/12 * (12 - 36/110) = 29.1818...; z = (|6.5 - 15| - 0.5) / sqrt(var)
  // = 1.48093; p = erfc(z / sqrt 2) = 0.138626.
  MannWhitney r = mann_whitney({1, 2, 2, 3, 5}, {2, 3, 4, 4, 6, 7});
  EXPECT_FALSE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 6.5);
  EXPECT_NEAR(r.p, 0.13862587987892772, 1e-12);
}

TEST(MannWhitney, AllEqualIsNoEvidence) {
  MannWhitney r = mann_whitney({0, 0, 0}, {0, 0, 0});
  EXPECT_EQ(r.p, 1);
}

TEST(MannWhitney, LargeSamplesWithoutTiesUseTheNormalApproximation) {
  std::vector<double> a(60), b(60);
  std::iota(a.begin(), a.end(), 0.0);
  std::iota(b.begin(), b.end(), 0.5);  // interleaved: no difference
  MannWhitney r = mann_whitney(a, b);
  EXPECT_FALSE(r.exact);
  EXPECT_GT(r.p, 0.5);
}

TEST(MwuMinP, SaysWhenTheTestCanNeverReachAlpha) {
  EXPECT_EQ(mwu_min_p(1, 1), 1);
  EXPECT_GE(mwu_min_p(3, 3), 0.05);
  EXPECT_NEAR(mwu_min_p(3, 4), 2.0 / 35, 1e-15);  // 0.057: still not below 0.05
  EXPECT_NEAR(mwu_min_p(4, 4), 2.0 / 70, 1e-15);  // 0.029: can be
  EXPECT_EQ(mwu_min_p(0, 5), 1);
}

TEST(Bootstrap, IsDeterministicAndHoldsThePointEstimate) {
  std::vector<double> base = {100, 102, 98, 101, 99}, cur = {90, 92, 88, 91, 89};
  auto a = bootstrap_median_change(base, cur, 0.95, 2000, 1);
  auto b = bootstrap_median_change(base, cur, 0.95, 2000, 1);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->low, b->low);
  EXPECT_EQ(a->high, b->high);
  // The medians' change is -10%; every resample's lies between the extremes'
  // (88 - 102) / 102 and (92 - 98) / 98, and the interval excludes 0.
  EXPECT_LE(a->low, -0.10);
  EXPECT_GE(a->high, -0.10);
  EXPECT_GE(a->low, (88.0 - 102) / 102);
  EXPECT_LE(a->high, (92.0 - 98) / 98);
  EXPECT_LT(a->high, 0);
}

TEST(Bootstrap, OfConstantSidesIsThatChange) {
  auto ci = bootstrap_median_change({10, 10, 10}, {12, 12, 12}, 0.95, 500, 7);
  ASSERT_TRUE(ci);
  EXPECT_DOUBLE_EQ(ci->low, 0.2);
  EXPECT_DOUBLE_EQ(ci->high, 0.2);
}

TEST(Bootstrap, NoneWithoutAUsableBaseline) {
  EXPECT_FALSE(bootstrap_median_change({}, {1, 2}, 0.95, 100, 1));
  EXPECT_FALSE(bootstrap_median_change({0, 0}, {1, 2}, 0.95, 100, 1));
}

}  // namespace
