// Tests of metrics::Histogram (src/metrics/histogram.cc): bucket geometry and
// its 1% bound, quantile accuracy against exact sorted percentiles, clamping,
// merge/subtract/snapshot equivalences, and snapshots taken while the owner
// thread records.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "metrics/metrics.h"

namespace oltap::metrics {
namespace {

constexpr int64_t kMicrosecond = 1'000;
constexpr int64_t kMillisecond = 1'000'000;
constexpr int64_t kSecond = 1'000'000'000;
constexpr double kMaxRelativeError = 0.01;
constexpr int kSampleCount = 1'000'000;

// Lognormal latencies with a heavy tail: most around a few hundred
// microseconds, one in a hundred around a second, all within [1 us, 10 s].
std::vector<int64_t> skewed_latencies(int n, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> body(std::log(400.0 * kMicrosecond), 1.0);
  std::lognormal_distribution<double> tail(std::log(1.0 * kSecond), 1.2);
  std::bernoulli_distribution in_tail(0.01);
  std::vector<int64_t> values(n);
  for (auto& v : values) {
    const double x = in_tail(rng) ? tail(rng) : body(rng);
    v = std::clamp(static_cast<int64_t>(x), kMicrosecond, 10 * kSecond);
  }
  return values;
}

// The value of rank ceil(q * n), the same definition metrics.h documents.
int64_t exact_quantile(const std::vector<int64_t>& sorted, double q) {
  const auto n = static_cast<int64_t>(sorted.size());
  const int64_t rank = std::clamp<int64_t>(static_cast<int64_t>(std::ceil(q * static_cast<double>(n))), 1, n);
  return sorted[rank - 1];
}

Histogram histogram_of(const std::vector<int64_t>& values) {
  Histogram h;
  for (int64_t v : values) h.record(v);
  return h;
}

void expect_same_buckets(const Histogram& a, const Histogram& b) {
  for (int i = 0; i < Histogram::kBucketCount; ++i) {
    ASSERT_EQ(a.bucket_count_at(i), b.bucket_count_at(i)) << "bucket " << i;
  }
}

TEST(HistogramGeometry, BucketsTileZeroToTopWithoutGapsOrOverlap) {
  EXPECT_EQ(Histogram::bucket_lower(0), 0);
  for (int i = 0; i + 1 < Histogram::kBucketCount; ++i) {
    ASSERT_EQ(Histogram::bucket_upper(i), Histogram::bucket_lower(i + 1)) << "bucket " << i;
    ASSERT_LT(Histogram::bucket_lower(i), Histogram::bucket_upper(i)) << "bucket " << i;
  }
  EXPECT_EQ(Histogram::bucket_upper(Histogram::kBucketCount - 1), int64_t{1} << 43);
  EXPECT_GT(Histogram::bucket_upper(Histogram::kBucketCount - 1), Histogram::kMaxTrackableNs);
}

TEST(HistogramGeometry, BothEndsOfEveryTrackableBucketMapBackToIt) {
  for (int i = 0; i < Histogram::kBucketCount; ++i) {
    if (Histogram::bucket_lower(i) > Histogram::kMaxTrackableNs) break;
    ASSERT_EQ(Histogram::bucket_index(Histogram::bucket_lower(i)), i);
    if (Histogram::bucket_upper(i) - 1 <= Histogram::kMaxTrackableNs) {
      ASSERT_EQ(Histogram::bucket_index(Histogram::bucket_upper(i) - 1), i);
    }
  }
}

TEST(HistogramGeometry, ValuesBelowLinearLimitHaveOneBucketEach) {
  for (int64_t v = 0; v < Histogram::kLinearLimit; ++v) {
    const int i = Histogram::bucket_index(v);
    ASSERT_EQ(i, v);
    ASSERT_EQ(Histogram::bucket_lower(i), v);
    ASSERT_EQ(Histogram::bucket_upper(i), v + 1);
  }
}

TEST(HistogramGeometry, EveryValueFromOneMicrosecondToOneHourIsInANarrowBucketThatHoldsIt) {
  std::vector<int64_t> values;
  const double log_lo = std::log(static_cast<double>(kMicrosecond));
  const double log_hi = std::log(static_cast<double>(Histogram::kMaxTrackableNs));
  for (int k = 0; k <= kSampleCount; ++k) {
    values.push_back(static_cast<int64_t>(std::exp(log_lo + (log_hi - log_lo) * k / kSampleCount)));
  }
  // Both sides of every power of two, where the bucket width doubles.
  for (int e = 10; e < 43; ++e) {
    for (int64_t d : {-1, 0, 1}) values.push_back((int64_t{1} << e) + d);
  }
  values.push_back(kMicrosecond);
  values.push_back(Histogram::kMaxTrackableNs);
  for (int64_t v : values) {
    if (v < kMicrosecond || v > Histogram::kMaxTrackableNs) continue;
    const int i = Histogram::bucket_index(v);
    ASSERT_GE(i, 0) << v;
    ASSERT_LT(i, Histogram::kBucketCount) << v;
    ASSERT_LE(Histogram::bucket_lower(i), v);
    ASSERT_GT(Histogram::bucket_upper(i), v);
    ASSERT_LE(static_cast<double>(Histogram::bucket_upper(i) - Histogram::bucket_lower(i)),
              kMaxRelativeError * static_cast<double>(v))
        << v;
  }
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.value_at_quantile(0.5), 0.0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.min(), 0);
}

TEST(Histogram, PercentilesOfSkewedDataAreWithinOnePercentOfExact) {
  std::vector<int64_t> values = skewed_latencies(kSampleCount, 20240611);
  const Histogram h = histogram_of(values);
  std::sort(values.begin(), values.end());
  // The data must really span the range the bound is claimed for.
  ASSERT_LT(values.front(), 10 * kMicrosecond);
  ASSERT_GT(values.back(), 5 * kSecond);

  for (double q : {0.0, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const double exact = static_cast<double>(exact_quantile(values, q));
    EXPECT_NEAR(h.value_at_quantile(q), exact, kMaxRelativeError * exact) << "q=" << q;
  }
  EXPECT_EQ(h.count(), kSampleCount);
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.value_at_quantile(1.0), static_cast<double>(values.back()));
  double sum = 0;
  for (int64_t v : values) sum += static_cast<double>(v);
  EXPECT_DOUBLE_EQ(h.mean(), sum / kSampleCount);
}

TEST(Histogram, QuantilesOfLinearRangeAreExact) {
  Histogram h;
  for (int64_t v = 0; v < Histogram::kLinearLimit; ++v) h.record(v);
  EXPECT_EQ(h.value_at_quantile(0.5), 127.0);  // rank 128 of 0..255
  EXPECT_EQ(h.value_at_quantile(0.0), 0.0);
  EXPECT_EQ(h.value_at_quantile(1.0), 255.0);
}

TEST(Histogram, QuantileOfSingleValueIsThatValue) {
  Histogram h;
  h.record(1'234'567);
  EXPECT_EQ(h.value_at_quantile(0.5), 1'234'567.0);
  EXPECT_EQ(h.value_at_quantile(0.999), 1'234'567.0);
}

TEST(Histogram, QuantileReportsMiddleOfBucket) {
  Histogram h;
  const int i = Histogram::bucket_index(10 * kMillisecond);
  const int64_t lo = Histogram::bucket_lower(i);
  const int64_t hi = Histogram::bucket_upper(i) - 1;
  for (int k = 0; k < 100; ++k) h.record(lo + (hi - lo) * k / 99);
  EXPECT_EQ(h.value_at_quantile(0.5), (static_cast<double>(lo) + static_cast<double>(hi)) / 2);
}

TEST(Histogram, NegativeValuesCountAsZero) {
  Histogram h;
  h.record(-5);
  h.record(INT64_MIN);
  EXPECT_EQ(h.count(), 2);
  EXPECT_EQ(h.bucket_count_at(0), 2);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(Histogram::bucket_index(-1), 0);
}

TEST(Histogram, ValuesAboveOneHourCountAsOneHour) {
  Histogram h;
  h.record(2 * Histogram::kMaxTrackableNs);
  h.record(INT64_MAX);
  const int top = Histogram::bucket_index(Histogram::kMaxTrackableNs);
  EXPECT_EQ(Histogram::bucket_index(INT64_MAX), top);
  EXPECT_EQ(h.bucket_count_at(top), 2);
  EXPECT_EQ(h.max(), Histogram::kMaxTrackableNs);
  EXPECT_EQ(h.min(), Histogram::kMaxTrackableNs);
  // The sum holds clamped values: INT64_MAX would have overflowed it.
  EXPECT_EQ(h.mean(), static_cast<double>(Histogram::kMaxTrackableNs));
  EXPECT_EQ(h.value_at_quantile(1.0), static_cast<double>(Histogram::kMaxTrackableNs));
}

TEST(Histogram, MergeOfSeveralEqualsRecordingEverythingIntoOne) {
  Histogram all;
  Histogram merged;
  for (uint32_t seed = 1; seed <= 4; ++seed) {
    const std::vector<int64_t> values = skewed_latencies(100'000 * static_cast<int>(seed), seed);
    for (int64_t v : values) all.record(v);
    merged.merge_from(histogram_of(values));
  }
  merged.merge_from(Histogram());  // an empty one must change nothing, min included
  expect_same_buckets(merged, all);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_EQ(merged.mean(), all.mean());
  EXPECT_EQ(merged.value_at_quantile(0.99), all.value_at_quantile(0.99));
}

TEST(Histogram, SubtractingASnapshotLeavesOnlyWhatCameAfter) {
  const std::vector<int64_t> before = skewed_latencies(200'000, 7);
  std::vector<int64_t> after = skewed_latencies(300'000, 8);
  // Make the extremes of the interval lie inside the range of what came before.
  for (auto& v : after) v = std::clamp(v, 50 * kMicrosecond, 2 * kSecond);

  Histogram h = histogram_of(before);
  Histogram earlier;
  h.snapshot_into(earlier);
  for (int64_t v : after) h.record(v);
  h.subtract(earlier);

  const Histogram expected = histogram_of(after);
  expect_same_buckets(h, expected);
  EXPECT_EQ(h.count(), expected.count());
  EXPECT_EQ(h.mean(), expected.mean());
  // The exact extremes of the interval are gone; they must be bounded by the
  // buckets that hold the true ones.
  const int max_bucket = Histogram::bucket_index(expected.max());
  EXPECT_GE(h.max(), expected.max());
  EXPECT_EQ(h.max(), Histogram::bucket_upper(max_bucket) - 1);
  const int min_bucket = Histogram::bucket_index(expected.min());
  EXPECT_LE(h.min(), expected.min());
  EXPECT_EQ(h.min(), Histogram::bucket_lower(min_bucket));
  for (double q : {0.5, 0.9, 0.99}) {
    EXPECT_EQ(h.value_at_quantile(q), expected.value_at_quantile(q)) << "q=" << q;
  }
}

TEST(Histogram, SubtractingCurrentStateLeavesEmpty) {
  Histogram h = histogram_of(skewed_latencies(1000, 3));
  const Histogram same(h);
  h.subtract(same);
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.value_at_quantile(0.99), 0.0);
  // And it records normally afterwards.
  h.record(5 * kMillisecond);
  EXPECT_EQ(h.min(), 5 * kMillisecond);
  EXPECT_EQ(h.max(), 5 * kMillisecond);
}

TEST(Histogram, CopyAndAssignmentAreIndependentDeepCopies) {
  Histogram h = histogram_of(skewed_latencies(1000, 4));
  Histogram copy(h);
  Histogram assigned;
  assigned.record(1);
  assigned = h;
  h.record(42);
  for (const Histogram* c : {&copy, &assigned}) {
    EXPECT_EQ(c->count(), 1000);
    EXPECT_EQ(c->bucket_count_at(42), 0);
    EXPECT_GE(c->min(), kMicrosecond);
  }
  EXPECT_EQ(h.bucket_count_at(42), 1);
}

TEST(Histogram, ResetForgetsEverything) {
  Histogram h = histogram_of(skewed_latencies(1000, 5));
  h.reset();
  EXPECT_EQ(h.count(), 0);
  for (int i = 0; i < Histogram::kBucketCount; ++i) ASSERT_EQ(h.bucket_count_at(i), 0);
  h.record(300);
  EXPECT_EQ(h.min(), 300);
  EXPECT_EQ(h.max(), 300);
  EXPECT_EQ(h.mean(), 300.0);
}

TEST(Histogram, SnapshotsWhileOwnerRecordsNeverGoBackwards) {
  const std::vector<int64_t> values = skewed_latencies(kSampleCount, 9);
  Histogram h;
  std::atomic<bool> done{false};
  std::thread owner([&] {
    for (int64_t v : values) h.record(v);
    done.store(true, std::memory_order_release);
  });

  Histogram previous;
  Histogram current;
  int snapshots = 0;
  while (!done.load(std::memory_order_acquire)) {
    h.snapshot_into(current);
    ++snapshots;
    ASSERT_GE(current.count(), previous.count());
    ASSERT_LE(current.count(), kSampleCount);
    for (int i = 0; i < Histogram::kBucketCount; ++i) {
      ASSERT_GE(current.bucket_count_at(i), previous.bucket_count_at(i)) << "bucket " << i;
    }
    // A snapshot is self-consistent enough to ask for a quantile.
    if (current.count() > 0) {
      ASSERT_GT(current.value_at_quantile(0.99), 0.0);
    }
    current.snapshot_into(previous);
  }
  owner.join();

  h.snapshot_into(current);
  EXPECT_EQ(current.count(), kSampleCount);
  expect_same_buckets(current, histogram_of(values));
  EXPECT_EQ(current.mean(), h.mean());
  EXPECT_EQ(current.max(), h.max());
  EXPECT_EQ(current.min(), h.min());
  RecordProperty("snapshots", snapshots);
}

// Rebuilding from stored counts (a .hlog line): the buckets as given, the
// extremes and the mean from the bucket bounds, max narrowed when known.
TEST(AddToBucket, AddsCountsWithBoundsFromTheBuckets) {
  Histogram h;
  const int low = Histogram::bucket_index(3 * kMicrosecond);
  const int high = Histogram::bucket_index(7 * kMillisecond);
  h.add_to_bucket(low, 10);
  h.add_to_bucket(high, 2);
  h.add_to_bucket(high, 3);
  h.add_to_bucket(Histogram::kBucketCount, 5);  // out of range: nothing
  h.add_to_bucket(-1, 5);
  h.add_to_bucket(low, -4);
  EXPECT_EQ(h.count(), 15);
  EXPECT_EQ(h.bucket_count_at(low), 10);
  EXPECT_EQ(h.bucket_count_at(high), 5);
  EXPECT_EQ(h.min(), Histogram::bucket_lower(low));
  EXPECT_EQ(h.max(), Histogram::bucket_upper(high) - 1);
  const double middle_low = (Histogram::bucket_lower(low) + Histogram::bucket_upper(low) - 1) / 2.0;
  const double middle_high = (Histogram::bucket_lower(high) + Histogram::bucket_upper(high) - 1) / 2.0;
  EXPECT_NEAR(h.mean(), (10 * middle_low + 5 * middle_high) / 15, 1.0);

  // Quantiles are the middles of the buckets, as for recorded values.
  EXPECT_EQ(h.value_at_quantile(0.5), middle_low);
  EXPECT_EQ(h.value_at_quantile(0.9), middle_high);
}

TEST(TightenMax, LowersMaxOnlyWithinTheTopBucket) {
  Histogram h;
  const int top = Histogram::bucket_index(7 * kMillisecond);
  h.add_to_bucket(Histogram::bucket_index(kMicrosecond), 1);
  h.add_to_bucket(top, 1);
  h.tighten_max(Histogram::bucket_upper(top));  // above the bucket: ignored
  EXPECT_EQ(h.max(), Histogram::bucket_upper(top) - 1);
  h.tighten_max(Histogram::bucket_lower(top) - 1);  // below it: ignored
  EXPECT_EQ(h.max(), Histogram::bucket_upper(top) - 1);
  // A max below the bucket's middle also caps the quantiles, as a recorded one does.
  const int64_t max = Histogram::bucket_lower(top) + 1;
  h.tighten_max(max);
  EXPECT_EQ(h.max(), max);
  EXPECT_EQ(h.value_at_quantile(1.0), max);
}

TEST(NowNs, IsMonotonic) {
  int64_t last = now_ns();
  for (int i = 0; i < 10'000; ++i) {
    const int64_t t = now_ns();
    ASSERT_GE(t, last);
    last = t;
  }
  EXPECT_GT(last, 0);
}

}  // namespace
}  // namespace oltap::metrics
