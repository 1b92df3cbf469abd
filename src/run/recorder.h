// The interval series and the totals of one run, read from the clients'
// cumulative counters and histograms without stopping them: each interval
// is the difference between this read and the last one, so the intervals
// add up to the totals exactly, whatever a client was doing when read.
// Memory is fixed when the recorder is made (a few histograms per
// transaction), however long the run.
//
// Threading: one thread (the recorder's) calls everything; clients write
// their counters meanwhile. totals() only after every client has stopped.
// Private to the run module.
#pragma once

#include <memory>
#include <vector>

#include "worker.h"

namespace oltap::run {

class Recorder {
 public:
  Recorder(const Plan& plan, const std::vector<std::unique_ptr<Worker>>& workers);

  // Reads every client and fills rows() with what happened since the last
  // read: a row per (group, transaction), then the group's "ALL" row.
  void collect(double t_s, double length_s) noexcept;
  const std::vector<IntervalRow>& rows() const noexcept { return rows_; }
  // Of the last collect(): commits per second and p99 (ms) over every
  // group, and every error so far.
  Progress progress(double elapsed_s) const noexcept;
  // Whole-run totals per group: each transaction, then "ALL".
  std::vector<TxnTotals> totals() const;

 private:
  struct Series {
    std::vector<std::pair<const Worker*, int>> sources;  // a client and its stats index
    size_t row = 0;                                      // its row in rows_
    metrics::Histogram previous, current, scratch;       // cumulative: last read, this read, one client
    int64_t committed = 0, aborted = 0, errors = 0;      // cumulative, at the last read
  };
  struct GroupRows {
    size_t first = 0, all = 0;  // its transactions' rows are [first, all); all is its ALL row
  };
  const Plan& plan_;
  const std::vector<std::unique_ptr<Worker>>& workers_;
  std::vector<Series> series_;
  std::vector<GroupRows> groups_;
  std::vector<IntervalRow> rows_;
  metrics::Histogram everything_;  // every group's latency of the last interval, for the progress line
  int64_t errors_so_far_ = 0;
  double length_s_ = 0;
};

}  // namespace oltap::run
