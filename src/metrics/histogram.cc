// The log-linear latency histogram of metrics.h: bucket geometry, recording
// on the owner thread, and the reader-side operations (snapshot, merge,
// subtract, quantiles) that run while the owner keeps recording.
//
// Geometry: values below kLinearLimit (256 ns) get one bucket each. Above it,
// each power of two [2^e, 2^(e+1)) is split into 2^kSubBucketBits equal
// sub-buckets of width 2^(e - kSubBucketBits), so a bucket is never wider
// than 1/128 of the values it holds. With shift = max(e - kSubBucketBits, 0)
// the index is shift * 128 + (v >> shift): one count-leading-zeros, one
// shift, no table, and the linear range falls out as the shift == 0 case.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>

#include "metrics/metrics.h"

namespace oltap::metrics {
namespace {

constexpr int kSubBucketCount = 1 << Histogram::kSubBucketBits;
// The highest power of two the buckets reach; 2^43 ns > kMaxTrackableNs.
constexpr int kTopExponent = 43;
// 256 exact buckets, then 128 per power of two from 2^8 up to 2^43.
constexpr int kExpectedBucketCount =
    static_cast<int>(Histogram::kLinearLimit) +
    (kTopExponent - std::bit_width(static_cast<uint64_t>(Histogram::kLinearLimit)) + 1) * kSubBucketCount;
static_assert(kExpectedBucketCount == 256 + 35 * 128);
static_assert(Histogram::kBucketCount == kExpectedBucketCount,
              "kBucketCount must cover [0, 2^kTopExponent) with the log-linear geometry");
static_assert(Histogram::kMaxTrackableNs < (int64_t{1} << kTopExponent));
static_assert(Histogram::kLinearLimit == int64_t{2} * kSubBucketCount,
              "the linear range must end where the first sub-bucketed power of two starts");

constexpr auto kRelaxed = std::memory_order_relaxed;

// Single-writer increment: only the owner thread writes, so a load and a
// store suffice and avoid the locked instruction a fetch_add would cost.
inline void add_relaxed(std::atomic<int64_t>& a, int64_t delta) noexcept {
  a.store(a.load(kRelaxed) + delta, kRelaxed);
}

inline int shift_of_index(int index) noexcept { return std::max(index / kSubBucketCount - 1, 0); }

}  // namespace

Histogram::Histogram() : counts_(std::make_unique<std::atomic<int64_t>[]>(kBucketCount)) {}

Histogram::Histogram(const Histogram& other) : Histogram() { other.snapshot_into(*this); }

Histogram& Histogram::operator=(const Histogram& other) {
  if (this != &other) other.snapshot_into(*this);
  return *this;
}

int Histogram::bucket_index(int64_t ns) noexcept {
  const auto v = static_cast<uint64_t>(std::clamp<int64_t>(ns, 0, kMaxTrackableNs));
  // countl_zero(0) is 64 by definition, so 0 takes the linear path too.
  const int exponent = 63 - std::countl_zero(v);
  const int shift = std::max(exponent - kSubBucketBits, 0);
  return shift * kSubBucketCount + static_cast<int>(v >> shift);
}

int64_t Histogram::bucket_lower(int index) noexcept {
  const int shift = shift_of_index(index);
  return static_cast<int64_t>(index - shift * kSubBucketCount) << shift;
}

int64_t Histogram::bucket_upper(int index) noexcept {
  return bucket_lower(index) + (int64_t{1} << shift_of_index(index));
}

void Histogram::record(int64_t ns) noexcept {
  const int64_t v = std::clamp<int64_t>(ns, 0, kMaxTrackableNs);
  // Order matters to readers (see snapshot_into): extremes and sum first,
  // then the bucket, then total_, so on x86 a reader that sees a count also
  // sees the rest of that record.
  if (v > max_.load(kRelaxed)) max_.store(v, kRelaxed);
  if (v < min_.load(kRelaxed)) min_.store(v, kRelaxed);
  // Cannot overflow in practice: 2^63 ns is 292 years of summed latency.
  add_relaxed(sum_, v);
  add_relaxed(counts_[bucket_index(v)], 1);
  add_relaxed(total_, 1);
}

void Histogram::merge_from(const Histogram& other) noexcept {
  // The total is the sum of the buckets actually read, not other.total_, so
  // quantile ranks stay consistent with the buckets even when other's owner
  // was half-way through a record.
  int64_t added = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    const int64_t c = other.counts_[i].load(kRelaxed);
    if (c == 0) continue;
    add_relaxed(counts_[i], c);
    added += c;
  }
  if (added == 0) return;
  add_relaxed(total_, added);
  add_relaxed(sum_, other.sum_.load(kRelaxed));
  const int64_t other_max = other.max_.load(kRelaxed);
  const int64_t other_min = other.min_.load(kRelaxed);
  if (other_max > max_.load(kRelaxed)) max_.store(other_max, kRelaxed);
  if (other_min < min_.load(kRelaxed)) min_.store(other_min, kRelaxed);
}

void Histogram::subtract(const Histogram& earlier) noexcept {
  int64_t remaining = 0;
  int lowest = -1;
  int highest = -1;
  for (int i = 0; i < kBucketCount; ++i) {
    // Clamped so that an earlier that is not a past state of this cannot
    // leave negative counts behind.
    const int64_t c = std::max<int64_t>(counts_[i].load(kRelaxed) - earlier.counts_[i].load(kRelaxed), 0);
    counts_[i].store(c, kRelaxed);
    if (c == 0) continue;
    remaining += c;
    if (lowest < 0) lowest = i;
    highest = i;
  }
  if (remaining == 0) {
    reset();
    return;
  }
  total_.store(remaining, kRelaxed);
  add_relaxed(sum_, -earlier.sum_.load(kRelaxed));
  // The extremes of the interval are unknown; the non-empty buckets bound
  // them, and so do the extremes of everything recorded, so keep the tighter.
  max_.store(std::min(bucket_upper(highest) - 1, max_.load(kRelaxed)), kRelaxed);
  min_.store(std::max(bucket_lower(lowest), min_.load(kRelaxed)), kRelaxed);
}

void Histogram::snapshot_into(Histogram& out) const noexcept {
  // Buckets first, then sum and extremes: record() writes them in the other
  // order, so every counted value is usually in the sum and within [min, max]
  // of the copy. The total is the sum of the buckets read, so the copy's
  // quantile ranks always agree with its buckets.
  int64_t total = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    const int64_t c = counts_[i].load(kRelaxed);
    out.counts_[i].store(c, kRelaxed);
    total += c;
  }
  const int64_t sum = sum_.load(kRelaxed);
  const int64_t max = max_.load(kRelaxed);
  const int64_t min = min_.load(kRelaxed);
  out.total_.store(total, kRelaxed);
  out.sum_.store(sum, kRelaxed);
  out.max_.store(max, kRelaxed);
  out.min_.store(min, kRelaxed);
}

void Histogram::reset() noexcept {
  for (int i = 0; i < kBucketCount; ++i) counts_[i].store(0, kRelaxed);
  total_.store(0, kRelaxed);
  sum_.store(0, kRelaxed);
  max_.store(0, kRelaxed);
  min_.store(INT64_MAX, kRelaxed);
}

int64_t Histogram::count() const noexcept { return total_.load(kRelaxed); }

double Histogram::value_at_quantile(double q) const noexcept {
  const int64_t total = total_.load(kRelaxed);
  if (total <= 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  const int64_t rank =
      std::clamp<int64_t>(static_cast<int64_t>(std::ceil(q * static_cast<double>(total))), 1, total);
  int64_t seen = 0;
  int index = -1;
  for (int i = 0; i < kBucketCount; ++i) {
    const int64_t c = counts_[i].load(kRelaxed);
    if (c <= 0) continue;
    index = i;
    seen += c;
    if (seen >= rank) break;
  }
  // index stays on the highest non-empty bucket if a concurrent reader saw
  // total_ ahead of the buckets.
  if (index < 0) return 0.0;
  // The middle of the integers the bucket holds: exact for one-wide buckets.
  double value =
      (static_cast<double>(bucket_lower(index)) + static_cast<double>(bucket_upper(index) - 1)) / 2;
  const int64_t lo = min_.load(kRelaxed);
  const int64_t hi = max_.load(kRelaxed);
  if (lo <= hi) value = std::clamp(value, static_cast<double>(lo), static_cast<double>(hi));
  return value;
}

double Histogram::mean() const noexcept {
  const int64_t total = total_.load(kRelaxed);
  if (total <= 0) return 0.0;
  return static_cast<double>(sum_.load(kRelaxed)) / static_cast<double>(total);
}

int64_t Histogram::max() const noexcept { return total_.load(kRelaxed) > 0 ? max_.load(kRelaxed) : 0; }

int64_t Histogram::min() const noexcept { return total_.load(kRelaxed) > 0 ? min_.load(kRelaxed) : 0; }

int64_t Histogram::bucket_count_at(int index) const noexcept {
  if (index < 0 || index >= kBucketCount) return 0;
  return counts_[index].load(kRelaxed);
}

void Histogram::add_to_bucket(int index, int64_t count) noexcept {
  if (index < 0 || index >= kBucketCount || count <= 0) return;
  const int64_t lower = bucket_lower(index);
  const int64_t highest = bucket_upper(index) - 1;
  add_relaxed(counts_[index], count);
  add_relaxed(total_, count);
  add_relaxed(sum_, (lower + (highest - lower) / 2) * count);
  if (highest > max_.load(kRelaxed)) max_.store(highest, kRelaxed);
  if (lower < min_.load(kRelaxed)) min_.store(lower, kRelaxed);
}

void Histogram::tighten_max(int64_t ns) noexcept {
  const int64_t max = max_.load(kRelaxed);
  if (total_.load(kRelaxed) <= 0 || ns > max || ns < 0 || bucket_index(ns) != bucket_index(max)) return;
  max_.store(std::max(ns, min_.load(kRelaxed)), kRelaxed);
}

int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace oltap::metrics
