// Pins down the random stream and every parameter distribution: each is
// checked against its exact law with a goodness-of-fit test on a fixed seed
// (so runs are deterministic), and each test helper is shown able to reject a
// wrong law, so a pass means something.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

// Standard normal quantile at 1 - 0.001: the goodness-of-fit tests reject at p = 0.001.
constexpr double kZ999 = 3.090232306167813;
// Kolmogorov's asymptotic critical value at p = 0.001: sqrt(-ln(0.001 / 2) / 2).
constexpr double kKsCoefficient999 = 1.9494746752571;
// Pearson's rule of thumb: a chi-square cell needs an expected count of at least 5.
constexpr double kMinExpected = 5.0;
constexpr uint64_t kSeed = 20240611;

// Chi-square critical value for df degrees of freedom at p = 0.001, by the
// Wilson-Hilferty cube-root normal approximation (within 1% for df >= 10, 2% for df >= 3).
double chi_square_critical(int df) {
  const double k = 2.0 / (9.0 * df);
  const double c = 1.0 - k + kZ999 * std::sqrt(k);
  return df * c * c * c;
}

struct ChiSquare {
  double statistic = 0;
  int df = 0;
  bool rejects() const { return statistic > chi_square_critical(df); }
};

// Pearson's statistic of observed counts against probabilities pmf (same
// index). Consecutive cells are pooled until each expects >= kMinExpected
// draws, which merges the thin tails of skewed laws.
ChiSquare chi_square(const std::vector<int64_t>& observed, const std::vector<double>& pmf) {
  double n = 0;
  for (int64_t o : observed) n += static_cast<double>(o);
  std::vector<double> exp_cells, obs_cells;
  double e = 0, o = 0;
  for (size_t i = 0; i < pmf.size(); ++i) {
    e += pmf[i] * n;
    o += static_cast<double>(observed[i]);
    if (e >= kMinExpected) {
      exp_cells.push_back(e);
      obs_cells.push_back(o);
      e = o = 0;
    }
  }
  if (e > 0 || o > 0) {
    if (exp_cells.empty()) {
      exp_cells.push_back(e);
      obs_cells.push_back(o);
    } else {
      exp_cells.back() += e;
      obs_cells.back() += o;
    }
  }
  ChiSquare r;
  for (size_t i = 0; i < exp_cells.size(); ++i) {
    const double d = obs_cells[i] - exp_cells[i];
    r.statistic += d * d / exp_cells[i];
  }
  r.df = static_cast<int>(exp_cells.size()) - 1;
  return r;
}

// Pools observed counts and pmf into few cells: the first kHeadCells values
// alone, then bins doubling in width. A test over hundreds of cells dilutes a
// deviation confined to the head of a skewed law; this one concentrates it.
constexpr size_t kHeadCells = 16;
void coarsen(std::vector<int64_t>& observed, std::vector<double>& pmf) {
  std::vector<int64_t> o;
  std::vector<double> p;
  for (size_t begin = 0, width = 1; begin < pmf.size(); begin += width) {
    if (begin >= kHeadCells) width = begin;
    const size_t end = std::min(pmf.size(), begin + width);
    o.push_back(0);
    p.push_back(0);
    for (size_t i = begin; i < end; ++i) {
      o.back() += observed[i];
      p.back() += pmf[i];
    }
  }
  observed = std::move(o);
  pmf = std::move(p);
}

// One-sample Kolmogorov-Smirnov test of samples against the uniform law on [lo, hi).
bool ks_rejects_uniform(std::vector<double> samples, double lo, double hi) {
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  double d = 0;
  for (size_t i = 0; i < samples.size(); ++i) {
    const double f = (samples[i] - lo) / (hi - lo);
    d = std::max({d, (static_cast<double>(i) + 1) / n - f, f - static_cast<double>(i) / n});
  }
  return d > kKsCoefficient999 / std::sqrt(n);
}

// Exact Zipf law over 1..n with exponent theta, index k - 1.
std::vector<double> zipf_pmf(int n, double theta) {
  std::vector<double> p(n);
  double total = 0;
  for (int k = 1; k <= n; ++k) total += p[k - 1] = std::pow(k, -theta);
  for (double& x : p) x /= total;
  return p;
}

// Exact NURand(A, x, y) law with run constant c, by enumerating both draws;
// index is the offset from x.
std::vector<double> nurand_pmf(int64_t a, int64_t x, int64_t y, int64_t c) {
  std::vector<double> p(y - x + 1);
  const double each = 1.0 / static_cast<double>((a + 1) * (y - x + 1));
  for (int64_t r = 0; r <= a; ++r)
    for (int64_t v = x; v <= y; ++v) p[((r | v) + c) % (y - x + 1)] += each;
  return p;
}

// Draws n integers from d and counts them by offset from lo (all must fall in [lo, lo + cells)).
std::vector<int64_t> histogram(const Distribution& d, int64_t lo, int cells, int n, uint64_t seed = kSeed) {
  Rng rng(seed);
  SequenceCursor seq;
  Value v;
  std::vector<int64_t> counts(cells);
  for (int i = 0; i < n; ++i) {
    d.draw(rng, seq, v);
    EXPECT_EQ(v.kind, Value::Kind::kInt);
    EXPECT_GE(v.i, lo);
    EXPECT_LT(v.i, lo + cells);
    if (v.i >= lo && v.i < lo + cells) ++counts[v.i - lo];
  }
  return counts;
}

// ---------------------------------------------------------------- the helpers themselves

TEST(GoodnessOfFit, WilsonHilfertyMatchesTabulatedCriticalValues) {
  // Tabulated chi-square quantiles at 0.999; the approximation is within 1%.
  EXPECT_NEAR(chi_square_critical(10), 29.588, 0.01 * 29.588);
  EXPECT_NEAR(chi_square_critical(99), 148.230, 0.01 * 148.230);
  EXPECT_NEAR(chi_square_critical(1000), 1143.917, 0.01 * 1143.917);
}

TEST(GoodnessOfFit, ChiSquareRejectsUniformSamplesAgainstZipfLaw) {
  const int n = 1000;
  auto counts = histogram(Distribution::uniform(1, n), 1, n, 200000);
  EXPECT_TRUE(chi_square(counts, zipf_pmf(n, 0.99)).rejects());
}

TEST(GoodnessOfFit, ChiSquareRejectsZipfSamplesOfANearbyTheta) {
  const int n = 1000;
  auto counts = histogram(Distribution::zipfian(1, n, 0.99), 1, n, 1000000);
  EXPECT_TRUE(chi_square(counts, zipf_pmf(n, 0.95)).rejects());
}

TEST(GoodnessOfFit, ChiSquareRejectsUniformSamplesAgainstNURandLaw) {
  auto counts = histogram(Distribution::uniform(0, 999), 0, 1000, 500000);
  EXPECT_TRUE(chi_square(counts, nurand_pmf(255, 0, 999, 123)).rejects());
}

TEST(GoodnessOfFit, ChiSquareRejectsModuloBiasedUniform) {
  // A biased "uniform" of the classic kind: rand() % 100 on a 0..127 source.
  Rng rng(kSeed);
  std::vector<int64_t> counts(100);
  for (int i = 0; i < 200000; ++i) ++counts[rng.uniform(0, 127) % 100];
  EXPECT_TRUE(chi_square(counts, std::vector<double>(100, 0.01)).rejects());
}

TEST(GoodnessOfFit, KolmogorovSmirnovRejectsSquaredUniform) {
  Rng rng(kSeed);
  std::vector<double> samples(100000);
  for (double& s : samples) {
    const double u = rng.next_double();
    s = u * u;
  }
  EXPECT_TRUE(ks_rejects_uniform(samples, 0, 1));
}

TEST(GoodnessOfFit, KolmogorovSmirnovRejectsAShiftedRange) {
  Rng rng(kSeed);
  std::vector<double> samples(100000);
  for (double& s : samples) s = 0.01 + 0.99 * rng.next_double();
  EXPECT_TRUE(ks_rejects_uniform(samples, 0, 1));
}

// ---------------------------------------------------------------- Rng

// Reference xoshiro256** seeded by splitmix64, written from the published
// algorithms, so the stream is pinned across machines and refactors.
uint64_t reference_first_output(uint64_t seed) {
  auto splitmix = [&seed] {
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  uint64_t s[4];
  for (uint64_t& w : s) w = splitmix();
  const uint64_t x = s[1] * 5;
  return ((x << 7) | (x >> 57)) * 9;
}

TEST(Rng, MatchesReferenceXoshiroSeededBySplitmix) {
  for (uint64_t seed : {0ULL, 1ULL, 42ULL, 0xffffffffffffffffULL}) {
    Rng rng(seed);
    EXPECT_EQ(rng.next(), reference_first_output(seed)) << "seed " << seed;
  }
}

TEST(Rng, SameSeedGivesSameSequence) {
  Rng a(kSeed), b(kSeed);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next(), b.next());
  Rng c(kSeed), d(kSeed);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(c.uniform(-5, 1000000), d.uniform(-5, 1000000));
}

TEST(Rng, DifferentSeedsGiveDifferentSequences) {
  Rng a(1), b(2);
  int same = 0;
  for (int i = 0; i < 1000; ++i) same += a.next() == b.next();
  EXPECT_EQ(same, 0);
}

TEST(Rng, DerivedStreamsDiffer) {
  std::set<uint64_t> seeds;
  for (uint64_t a = 0; a < 100; ++a)
    for (uint64_t b = 0; b < 10; ++b) seeds.insert(derive_seed(kSeed, a, b));
  seeds.insert(derive_seed(kSeed + 1, 0, 0));
  EXPECT_EQ(seeds.size(), 1001u);
  // Swapping the stream numbers must not give the same stream.
  EXPECT_NE(derive_seed(kSeed, 1, 2), derive_seed(kSeed, 2, 1));
  EXPECT_EQ(derive_seed(kSeed, 3, 4), derive_seed(kSeed, 3, 4));

  // Streams of neighbouring clients share no early values.
  Rng c0(derive_seed(kSeed, 0)), c1(derive_seed(kSeed, 1));
  std::set<uint64_t> first;
  for (int i = 0; i < 1000; ++i) first.insert(c0.next());
  int shared = 0;
  for (int i = 0; i < 1000; ++i) shared += first.count(c1.next()) > 0;
  EXPECT_EQ(shared, 0);
}

TEST(Rng, NextDoubleIsInUnitIntervalAndUniform) {
  Rng rng(kSeed);
  std::vector<double> samples(100000);
  for (double& s : samples) {
    s = rng.next_double();
    ASSERT_GE(s, 0.0);
    ASSERT_LT(s, 1.0);
  }
  EXPECT_FALSE(ks_rejects_uniform(samples, 0, 1));
}

TEST(Rng, UniformBoundsAreInclusive) {
  Rng rng(kSeed);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = rng.uniform(1, 6);
    ASSERT_GE(v, 1);
    ASSERT_LE(v, 6);
    saw_lo |= v == 1;
    saw_hi |= v == 6;
  }
  EXPECT_TRUE(saw_lo);
  EXPECT_TRUE(saw_hi);
  EXPECT_EQ(rng.uniform(7, 7), 7);
  EXPECT_EQ(rng.uniform(-3, -3), -3);
}

TEST(Rng, UniformHandlesTheInt64Extremes) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  Rng rng(kSeed);
  bool saw_min = false, saw_max = false;
  for (int i = 0; i < 1000; ++i) {
    const int64_t v = rng.uniform(kMax - 1, kMax);
    ASSERT_GE(v, kMax - 1);
    saw_max |= v == kMax;
    const int64_t w = rng.uniform(kMin, kMin + 1);
    ASSERT_LE(w, kMin + 1);
    saw_min |= w == kMin;
  }
  EXPECT_TRUE(saw_min);
  EXPECT_TRUE(saw_max);
  // The full range: half the draws should be negative.
  int negative = 0;
  for (int i = 0; i < 100000; ++i) negative += rng.uniform(kMin, kMax) < 0;
  EXPECT_NEAR(negative, 50000, 4 * std::sqrt(25000.0));
}

TEST(Rng, UniformHasNoBiasOnAHugeRange) {
  // A range of about 2/3 of 2^64 is where shortcuts show: x % range doubles
  // the low third of the outputs (lower half of the range gets 2/3 of the
  // draws) and multiply-shift without rejection doubles every other output
  // (one parity gets 2/3). Both fractions must be 1/2.
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const uint64_t range = 0xAAAAAAAAAAAAAAABULL;
  const int64_t hi = static_cast<int64_t>(static_cast<uint64_t>(kMin) + range - 1);
  Rng rng(kSeed);
  const int n = 200000;
  int low_half = 0, even = 0;
  for (int i = 0; i < n; ++i) {
    const uint64_t off = static_cast<uint64_t>(rng.uniform(kMin, hi)) - static_cast<uint64_t>(kMin);
    ASSERT_LT(off, range);
    low_half += off < range / 2;
    even += (off & 1) == 0;
  }
  const double tolerance = 4 * std::sqrt(n * 0.25);  // 4 sigma: about 0.4% of n
  EXPECT_NEAR(low_half, n / 2, tolerance);
  EXPECT_NEAR(even, n / 2, tolerance);
}

// ---------------------------------------------------------------- negative_exponential

TEST(NegativeExponential, KeepsItsMeanAndLawAndNeverExceedsTenTimesTheMean) {
  // TPC-C's New-Order think time: mean 12 s, truncated at 10 times the mean.
  constexpr double kMean = 12, kMax = 10 * kMean;
  constexpr int kDraws = 200000;
  Rng rng(kSeed);
  double sum = 0;
  int above_mean = 0, below_median = 0, at_cap = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = negative_exponential(rng, kMean, kMax);
    ASSERT_GE(x, 0);
    ASSERT_LE(x, kMax);
    sum += x;
    above_mean += x > kMean;
    below_median += x <= kMean * std::log(2.0);
    at_cap += x == kMax;
  }
  // The truncated mean is kMean * (1 - e^-10); the sample mean's sd is kMean / sqrt(n) = 0.027.
  EXPECT_NEAR(sum / kDraws, kMean * (1 - std::exp(-10.0)), 0.12);
  // P(X > mean) = 1/e, P(X <= mean ln 2) = 1/2, each within 4 sigma.
  const double sd_e = std::sqrt(kDraws * std::exp(-1.0) * (1 - std::exp(-1.0)));
  EXPECT_NEAR(above_mean, kDraws * std::exp(-1.0), 4 * sd_e);
  EXPECT_NEAR(below_median, kDraws / 2, 4 * std::sqrt(kDraws * 0.25));
  // About e^-10 of the draws (9 of 200,000) would go beyond the cap; they are held at it.
  EXPECT_GT(at_cap, 0);
  EXPECT_LT(at_cap, 30);
}

TEST(NegativeExponential, SameSeedSameWaits) {
  Rng a(kSeed), b(kSeed);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(negative_exponential(a, 0.5, 5), negative_exponential(b, 0.5, 5));
}

// ---------------------------------------------------------------- distributions

TEST(Distribution, UniformFitsItsLaw) {
  auto d = Distribution::uniform(-50, 49);
  EXPECT_EQ(d.kind(), Distribution::Kind::kUniform);
  EXPECT_EQ(d.lo(), -50);
  EXPECT_EQ(d.hi(), 49);
  auto counts = histogram(d, -50, 100, 200000);
  EXPECT_GT(counts.front(), 0);
  EXPECT_GT(counts.back(), 0);
  EXPECT_FALSE(chi_square(counts, std::vector<double>(100, 0.01)).rejects());
}

TEST(Distribution, UniformRealPassesKolmogorovSmirnov) {
  auto d = Distribution::uniform_real(-2.5, 7.5);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  std::vector<double> samples(100000);
  for (double& s : samples) {
    d.draw(rng, seq, v);
    ASSERT_EQ(v.kind, Value::Kind::kDouble);
    ASSERT_GE(v.d, -2.5);
    ASSERT_LT(v.d, 7.5);
    s = v.d;
  }
  EXPECT_FALSE(ks_rejects_uniform(samples, -2.5, 7.5));
}

constexpr int kZipfDraws = 4'000'000;

class ZipfianFit : public ::testing::TestWithParam<double> {};

TEST_P(ZipfianFit, MatchesTheExactZipfLaw) {
  const double theta = GetParam();
  const int n = 1000;
  // Enough draws that skipping the rejection step (a 2% excess at k = 2 for
  // theta 0.99) fails the coarse test.
  auto counts = histogram(Distribution::zipfian(1, n, theta), 1, n, kZipfDraws);
  auto pmf = zipf_pmf(n, theta);
  const auto fit = chi_square(counts, pmf);
  EXPECT_FALSE(fit.rejects()) << "theta " << theta << " chi2 " << fit.statistic << " df " << fit.df;
  coarsen(counts, pmf);
  const auto coarse = chi_square(counts, pmf);
  EXPECT_FALSE(coarse.rejects()) << "theta " << theta << " coarse chi2 " << coarse.statistic << " df "
                                 << coarse.df;
}

INSTANTIATE_TEST_SUITE_P(Thetas, ZipfianFit, ::testing::Values(0.5, 0.99, 1.0, 1.2, 2.5));

TEST(Distribution, ZipfianMostPopularIsLo) {
  auto counts = histogram(Distribution::zipfian(100, 109, 0.99), 100, 10, 100000);
  EXPECT_EQ(std::max_element(counts.begin(), counts.end()) - counts.begin(), 0);
  EXPECT_FALSE(chi_square(counts, zipf_pmf(10, 0.99)).rejects());
}

TEST(Distribution, ZipfianStaysInsideLargeAndDegenerateRanges) {
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  auto big = Distribution::zipfian(1, 10'000'000'000LL, 0.99);
  int64_t max_seen = 0;
  for (int i = 0; i < 100000; ++i) {
    big.draw(rng, seq, v);
    ASSERT_GE(v.i, 1);
    ASSERT_LE(v.i, 10'000'000'000LL);
    max_seen = std::max(max_seen, v.i);
  }
  EXPECT_GT(max_seen, 1'000'000);  // the tail is reached, not just the head
  auto one = Distribution::zipfian(5, 5, 1.2);
  for (int i = 0; i < 100; ++i) {
    one.draw(rng, seq, v);
    ASSERT_EQ(v.i, 5);
  }
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  auto full = Distribution::zipfian(kMin, kMax, 0.5);
  for (int i = 0; i < 1000; ++i) full.draw(rng, seq, v);  // must not trap under UBSan
}

TEST(Distribution, NURandMatchesTheEnumeratedLaw) {
  auto d = Distribution::nurand(255, 0, 999, 123);
  EXPECT_EQ(d.kind(), Distribution::Kind::kNURand);
  auto counts = histogram(d, 0, 1000, 500000);
  EXPECT_FALSE(chi_square(counts, nurand_pmf(255, 0, 999, 123)).rejects());
}

TEST(Distribution, NURandWithOffsetBoundsMatchesTheEnumeratedLaw) {
  // TPC-C customer ids: NURand(1023, 1, 3000), shifted so x = 1.
  auto d = Distribution::nurand(1023, 1, 3000, 259);
  auto counts = histogram(d, 1, 3000, 600000);
  EXPECT_FALSE(chi_square(counts, nurand_pmf(1023, 1, 3000, 259)).rejects());
}

TEST(Distribution, SequencesOfClientsAreDisjointAndCover) {
  const int clients = 4, per_client = 250;
  const int64_t start = 10, step = 3;
  auto d = Distribution::sequence(start, step);
  EXPECT_EQ(d.lo(), start);
  EXPECT_EQ(d.hi(), std::numeric_limits<int64_t>::max());
  Rng rng(kSeed);
  Value v;
  std::set<int64_t> seen;
  for (int k = 0; k < clients; ++k) {
    SequenceCursor seq{k, clients};
    for (int i = 0; i < per_client; ++i) {
      d.draw(rng, seq, v);
      ASSERT_EQ(v.kind, Value::Kind::kInt);
      EXPECT_TRUE(seen.insert(v.i).second) << "value " << v.i << " drawn twice";
    }
  }
  ASSERT_EQ(seen.size(), static_cast<size_t>(clients * per_client));
  int64_t expected = start;
  for (int64_t x : seen) {
    EXPECT_EQ(x, expected);
    expected += step;
  }
}

TEST(Distribution, StringLengthAndCharactersAreUniform) {
  const std::string charset(kAlphaNumeric);
  auto d = Distribution::random_string(20, 40, charset);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  std::vector<int64_t> lengths(21), chars(charset.size());
  for (int i = 0; i < 100000; ++i) {
    d.draw(rng, seq, v);
    ASSERT_EQ(v.kind, Value::Kind::kText);
    ASSERT_GE(v.s.size(), 20u);
    ASSERT_LE(v.s.size(), 40u);
    ++lengths[v.s.size() - 20];
    for (char c : v.s) {
      const size_t at = charset.find(c);
      ASSERT_NE(at, std::string::npos) << "character outside the charset";
      ++chars[at];
    }
  }
  EXPECT_FALSE(chi_square(lengths, std::vector<double>(21, 1.0 / 21)).rejects());
  EXPECT_FALSE(chi_square(chars, std::vector<double>(charset.size(), 1.0 / charset.size())).rejects());
}

TEST(Distribution, StringDrawReusesTheBuffer) {
  auto d = Distribution::random_string(0, 64, std::string(kAlphaNumeric));
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  v.s.reserve(64);
  const char* buffer = v.s.data();
  const size_t capacity = v.s.capacity();
  bool saw_empty = false;
  for (int i = 0; i < 10000; ++i) {
    d.draw(rng, seq, v);
    saw_empty |= v.s.empty();
    ASSERT_EQ(v.s.data(), buffer);
    ASSERT_EQ(v.s.capacity(), capacity);
  }
  EXPECT_TRUE(saw_empty);
}

TEST(Distribution, ChoiceFollowsWeightsAndSkipsZeroWeight) {
  std::vector<Value> options = {Value::of_int(10), Value::of_text("b"), Value::of_double(2.5),
                                Value::of_int(40), Value::of_text("e")};
  const std::vector<double> weights = {1, 2, 3, 0, 4};
  auto d = Distribution::choice(options, weights);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  std::vector<int64_t> counts(5);
  for (int i = 0; i < 100000; ++i) {
    d.draw(rng, seq, v);
    if (v.kind == Value::Kind::kInt && v.i == 10)
      ++counts[0];
    else if (v.kind == Value::Kind::kText && v.s == "b")
      ++counts[1];
    else if (v.kind == Value::Kind::kDouble && v.d == 2.5)
      ++counts[2];
    else if (v.kind == Value::Kind::kInt && v.i == 40)
      ++counts[3];
    else if (v.kind == Value::Kind::kText && v.s == "e")
      ++counts[4];
    else
      FAIL() << "drew something that is not an option: " << v.to_string();
  }
  EXPECT_EQ(counts[3], 0);
  counts.erase(counts.begin() + 3);
  EXPECT_FALSE(chi_square(counts, {0.1, 0.2, 0.3, 0.4}).rejects());
}

TEST(Distribution, ChoiceWithoutWeightsIsUniform) {
  auto d = Distribution::choice({Value::of_int(0), Value::of_int(1), Value::of_int(2)}, {});
  auto counts = histogram(d, 0, 3, 30000);
  EXPECT_FALSE(chi_square(counts, {1.0 / 3, 1.0 / 3, 1.0 / 3}).rejects());
}

TEST(Distribution, ConstantCopiesIntoTheExistingBuffer) {
  auto d = Distribution::constant(Value::of_text("hello"));
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  v.s.reserve(100);
  const char* buffer = v.s.data();
  d.draw(rng, seq, v);
  EXPECT_EQ(v.kind, Value::Kind::kText);
  EXPECT_EQ(v.s, "hello");
  EXPECT_EQ(v.s.data(), buffer);
  Distribution::constant(Value::of_int(7)).draw(rng, seq, v);
  EXPECT_EQ(v.kind, Value::Kind::kInt);
  EXPECT_EQ(v.i, 7);
}

TEST(Distribution, SameSeedGivesSameDraws) {
  auto d = Distribution::zipfian(1, 1000000, 0.99);
  Rng a(derive_seed(kSeed, 3)), b(derive_seed(kSeed, 3)), c(derive_seed(kSeed, 4));
  SequenceCursor seq;
  Value va, vb, vc;
  int differ = 0;
  for (int i = 0; i < 1000; ++i) {
    d.draw(a, seq, va);
    d.draw(b, seq, vb);
    d.draw(c, seq, vc);
    ASSERT_EQ(va.i, vb.i);
    differ += va.i != vc.i;
  }
  EXPECT_GT(differ, 500);
}

// ---------------------------------------------------------------- bad arguments

// Runs f, expecting Error(kBadInput) whose message contains want.
template <typename F>
void expect_bad_input(F f, const std::string& want) {
  try {
    f();
    ADD_FAILURE() << "no error; wanted one mentioning \"" << want << "\"";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << "message: " << e.what();
  }
}

TEST(Distribution, BadArgumentsThrowWithAMessage) {
  expect_bad_input([] { Distribution::uniform(5, 4); }, "above upper bound");
  expect_bad_input([] { Distribution::uniform_real(1.0, 0.5); }, "above upper bound");
  expect_bad_input([] { Distribution::uniform_real(0, std::nan("")); }, "finite");
  expect_bad_input([] { Distribution::zipfian(10, 1, 0.99); }, "above upper bound");
  expect_bad_input([] { Distribution::zipfian(1, 10, 0); }, "theta");
  expect_bad_input([] { Distribution::zipfian(1, 10, -1); }, "theta");
  expect_bad_input([] { Distribution::zipfian(1, 10, std::nan("")); }, "theta");
  expect_bad_input([] { Distribution::nurand(-1, 1, 10, 0); }, "A must be");
  expect_bad_input([] { Distribution::nurand(255, 10, 1, 0); }, "above upper bound");
  expect_bad_input([] { Distribution::nurand(255, 1, 10, -3); }, "C must be");
  expect_bad_input([] { Distribution::sequence(1, 0); }, "step");
  expect_bad_input([] { Distribution::random_string(1, 5, ""); }, "character set is empty");
  expect_bad_input([] { Distribution::random_string(6, 5, "ab"); }, "above maximum length");
  expect_bad_input([] { Distribution::random_string(-1, 5, "ab"); }, "non-negative");
  expect_bad_input([] { Distribution::choice({}, {}); }, "no options");
  expect_bad_input(
      [] {
        Distribution::choice({Value::of_int(1), Value::of_int(2)}, {1});
      },
      "2 options but 1 weights");
  expect_bad_input(
      [] {
        Distribution::choice({Value::of_int(1), Value::of_int(2)}, {1, -1});
      },
      "weight 2 must be a non-negative");
  expect_bad_input(
      [] {
        Distribution::choice({Value::of_int(1), Value::of_int(2)}, {0, 0});
      },
      "all weights are zero");
}

}  // namespace
}  // namespace oltap::workload

namespace oltap::workload {
namespace {

// FNV-1a over the 8 little-end bytes of v, written from the FNV definition.
uint64_t reference_fnv1a64(uint64_t v) {
  uint64_t h = 14695981039346656037ULL;
  for (int byte = 0; byte < 8; ++byte) {
    h ^= (v >> (8 * byte)) & 0xffu;
    h *= 1099511628211ULL;
  }
  return h;
}

TEST(Distribution, ScrambledZipfianFollowsTheZipfLawThroughTheHash) {
  const int n = 1000;
  auto counts = histogram(Distribution::scrambled_zipfian(1, n, 0.99), 1, n, 1'000'000);
  // Rank r lands on 1 + fnv(r) % n; ranks that collide add their mass.
  auto rank_pmf = zipf_pmf(n, 0.99);
  std::vector<double> pmf(n);
  for (int r = 0; r < n; ++r) pmf[reference_fnv1a64(r) % n] += rank_pmf[r];
  const auto fit = chi_square(counts, pmf);
  EXPECT_FALSE(fit.rejects()) << "chi2 " << fit.statistic << " df " << fit.df;
  // Scrambling moves the most popular value away from the low end.
  const auto top = std::max_element(counts.begin(), counts.end()) - counts.begin();
  EXPECT_EQ(static_cast<uint64_t>(top), reference_fnv1a64(0) % n);
}

TEST(Distribution, LatestFavoursTheNewestValueOfItsSequence) {
  // A sequence starting at 1001 after 1000 loaded rows; this client's cursor
  // says 200 values were handed out (its own last one 200 - stride back).
  const Distribution d = Distribution::latest(1, 1001, 1, 0.99);
  Rng rng(kSeed);
  SequenceCursor seq{200, 1};
  Value v;
  const int64_t newest = 1000 + 199;
  std::vector<int64_t> counts(newest);
  for (int i = 0; i < 1'000'000; ++i) {
    d.draw(rng, seq, v);
    ASSERT_GE(v.i, 1);
    ASSERT_LE(v.i, newest);
    ++counts[newest - v.i];  // index = rank: 0 for the newest value
  }
  EXPECT_EQ(seq.next, 200) << "latest must not advance the sequence it reads";
  auto pmf = zipf_pmf(static_cast<int>(newest), 0.99);
  coarsen(counts, pmf);
  const auto fit = chi_square(counts, pmf);
  EXPECT_FALSE(fit.rejects()) << "chi2 " << fit.statistic << " df " << fit.df;
}

TEST(Distribution, LatestBeforeAnyInsertCentresOnTheLastLoadedValue) {
  const Distribution d = Distribution::latest(1, 101, 1, 0.99);
  auto counts = histogram(d, 1, 100, 100000);
  EXPECT_EQ(std::max_element(counts.begin(), counts.end()) - counts.begin(), 99);
}

}  // namespace
}  // namespace oltap::workload

namespace oltap::workload {
namespace {

const std::vector<std::string> kTpccSyllables = {"BAR", "OUGHT", "ABLE",  "PRI",   "PRES",
                                                 "ESE", "ANTI",  "CALLY", "ATION", "EING"};

std::string syllables_of(int64_t number, int digits = 3) {
  Distribution d =
      Distribution::syllables(Distribution::constant(Value::of_int(number)), kTpccSyllables, digits);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  d.draw(rng, seq, v);
  EXPECT_EQ(v.kind, Value::Kind::kText);
  return v.s;
}

TEST(Syllables, SpellEachDigitOfTheNumberAsTpccDoes) {
  EXPECT_EQ(syllables_of(371), "PRICALLYOUGHT");  // TPC-C clause 4.3.2.3's own example
  EXPECT_EQ(syllables_of(0), "BARBARBAR");
  EXPECT_EQ(syllables_of(999), "EINGEINGEING");
  EXPECT_EQ(syllables_of(5), "BARBARESE");
  EXPECT_EQ(syllables_of(42, 2), "PRESABLE");
}

TEST(Syllables, DrawTheNumberFromTheInnerDistributionAndReuseTheBuffer) {
  Distribution d = Distribution::syllables(Distribution::nurand(255, 0, 999, 123), kTpccSyllables, 3);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  d.draw(rng, seq, v);
  v.s.reserve(64);
  const char* buffer = v.s.data();
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    d.draw(rng, seq, v);
    EXPECT_EQ(v.s.data(), buffer) << "the text must be rebuilt in place";
    seen.insert(v.s);
  }
  EXPECT_GT(seen.size(), 200u);  // NURand over 1000 numbers: many distinct names
}

TEST(Syllables, NeedTenSyllablesAndSaneDigits) {
  EXPECT_THROW(Distribution::syllables(Distribution::constant(Value::of_int(1)), {"A", "B"}, 3), Error);
  EXPECT_THROW(Distribution::syllables(Distribution::constant(Value::of_int(1)), kTpccSyllables, 0), Error);
}

}  // namespace
}  // namespace oltap::workload

namespace oltap::workload {
namespace {

TEST(Distinct, NoValueTwiceUntilTheCursorIsReset) {
  Distribution d = Distribution::uniform(1, 20);
  d.set_distinct(true);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  std::set<int64_t> seen;
  for (int i = 0; i < 15; ++i) {
    d.draw(rng, seq, v);
    EXPECT_TRUE(seen.insert(v.i).second) << "repeated " << v.i;
  }
  // A new transaction starts afresh: over many, every value comes back.
  std::set<int64_t> again;
  for (int t = 0; t < 50; ++t) {
    seq.drawn_count = 0;
    d.draw(rng, seq, v);
    again.insert(v.i);
  }
  EXPECT_GT(again.size(), 15u);
}

TEST(Distinct, ARangeSmallerThanTheDrawsRepeatsInsteadOfHanging) {
  Distribution d = Distribution::uniform(1, 3);
  d.set_distinct(true);
  Rng rng(kSeed);
  SequenceCursor seq;
  Value v;
  for (int i = 0; i < 5; ++i) d.draw(rng, seq, v);
  EXPECT_GE(v.i, 1);
  EXPECT_LE(v.i, 3);
}

}  // namespace
}  // namespace oltap::workload
