// Latency measurement: a log-linear (HdrHistogram-style) histogram of
// nanosecond latencies with fixed memory, <= 1% relative error from 1 us to
// 1 h, cheap to record into and mergeable.
//
// Threading: one thread records into a histogram (its owner, a worker); any
// other thread may read it at any time through snapshot_into()/merge_from()
// without stopping the writer. Buckets are relaxed atomics that only the
// owner writes, so recording is a plain load-add-store: no lock, no atomic
// read-modify-write, no allocation. A reader may see a record half-way
// (count without sum, say); the next read sees it whole.
//
// This module knows nothing of engines, workloads or files.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace oltap::metrics {

class Histogram {
 public:
  // Values below this are kept exactly, one bucket per nanosecond.
  static constexpr int kSubBucketBits = 7;                               // 128 sub-buckets per power of two
  static constexpr int64_t kLinearLimit = int64_t{2} << kSubBucketBits;  // 256 ns
  static constexpr int64_t kMaxTrackableNs = int64_t{3600} * 1'000'000'000;  // 1 h
  static constexpr int kBucketCount = 4736;  // covers [0, 2^43) ns; see histogram.cc

  Histogram();
  Histogram(const Histogram& other);
  Histogram& operator=(const Histogram& other);

  // Records one value in nanoseconds; negatives count as 0, values above
  // kMaxTrackableNs as kMaxTrackableNs. Owner thread only.
  void record(int64_t ns) noexcept;
  // Adds every count of other into this (this is owned by the caller).
  void merge_from(const Histogram& other) noexcept;
  // Subtracts earlier (a past snapshot of the same histogram) from this,
  // leaving what was recorded in between. max() is then an upper bound
  // derived from the buckets.
  void subtract(const Histogram& earlier) noexcept;
  // Copies the current state of this into out; safe while the owner records.
  void snapshot_into(Histogram& out) const noexcept;
  void reset() noexcept;

  int64_t count() const noexcept;
  // Value at quantile q in [0, 1] (0.99 = p99), in ns: the middle of the
  // bucket that holds the ceil(q * count)-th smallest value; 0 when empty.
  double value_at_quantile(double q) const noexcept;
  double mean() const noexcept;
  int64_t max() const noexcept;
  int64_t min() const noexcept;

  // Bucket geometry, exposed for tests and for the .hlog writer.
  static int bucket_index(int64_t ns) noexcept;
  static int64_t bucket_lower(int index) noexcept;
  static int64_t bucket_upper(int index) noexcept;  // exclusive
  int64_t bucket_count_at(int index) const noexcept;

  // Rebuilding a histogram from stored bucket counts (a .hlog line), owner
  // thread only. add_to_bucket adds count values to bucket index as if they
  // were recorded at its bounds: min() and max() widen to the bucket's lowest
  // and highest value, the sum grows by count times its middle (so mean() is
  // within half a bucket). Out-of-range indexes and counts <= 0 add nothing.
  void add_to_bucket(int index, int64_t count) noexcept;
  // Lowers max() to ns when ns lies in the highest non-empty bucket: a
  // maximum known more exactly than the buckets (a .hlog line's Interval_Max).
  void tighten_max(int64_t ns) noexcept;

 private:
  std::unique_ptr<std::atomic<int64_t>[]> counts_;
  std::atomic<int64_t> total_{0};
  std::atomic<int64_t> sum_{0};
  std::atomic<int64_t> max_{0};
  std::atomic<int64_t> min_{INT64_MAX};
};

// Nanoseconds of a steady clock; what the workers and the recorder share.
int64_t now_ns() noexcept;

}  // namespace oltap::metrics
