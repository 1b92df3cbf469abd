// The interval series, the stage totals and the whole-run totals of one
// run, read from the clients' cumulative counters and histograms without
// stopping them: each interval is the difference between this read and the
// last one, and each stage the difference between the reads at its start
// and at its end, so intervals add up to their stage's totals and stages to
// the run's exactly, whatever a client was doing when read. A stage holds
// what ended between its start and its end (each client counts into the
// stats of the stage a transaction ends in), however late the recorder
// wakes; only a recorder more than a whole stage late mixes two. Memory is fixed
// when the recorder is made (a few histograms per transaction), however
// long the run.
//
// In a closed loop the clients keep no service or lag histograms: a
// transaction's service time is its latency and its lag 0, and the rows say
// so (service copied from latency, lag all zeros).
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
  // offered[stage][row]: the rate asked of each row (as rows() orders them)
  // in each stage; staged: whether the run has stages (rows then say which).
  Recorder(const Plan& plan, const std::vector<std::unique_ptr<Worker>>& workers, bool open,
           std::vector<std::vector<double>> offered, bool staged);

  // Reads every client and fills rows() with what happened since the last
  // read: a row per (group, transaction), then the group's "ALL" row.
  // stage: the 0-based stage the interval lies in; it is read from that
  // stage's stats and the one before's (what was counted there late), or
  // from every stage's when `last` (the clients have all stopped).
  void collect(double t_s, double length_s, size_t stage, bool last = false) noexcept;
  const std::vector<IntervalRow>& rows() const noexcept { return rows_; }
  // Of the last collect(): commits per second, p99 (ms) and the largest lag
  // over every group, and every error so far.
  Progress progress(double elapsed_s) const noexcept;
  // Ends stage `stage` at the last collect(): its totals since the last
  // end_stage() (or the start), clients per group as given.
  StageTotals end_stage(size_t stage, double start_s, double length_s, const std::vector<int>& clients) const;
  void mark_stage_start() noexcept;
  // Whole-run totals per group: each transaction, then "ALL".
  std::vector<TxnTotals> totals() const;

 private:
  // A series' counters and histograms summed over its clients, as read at one moment.
  struct Reading {
    metrics::Histogram latency, service, lag;
    int64_t committed = 0, aborted = 0, errors = 0, retries = 0, late = 0, skipped = 0;
    std::array<int64_t, engine::kFailureClasses> failed{};
    int64_t unknown = 0;
  };
  struct Series {
    std::vector<std::pair<const Worker*, int>> sources;  // a client and its stats index
    size_t row = 0;                                      // its row in rows_
    size_t group = 0;
    // As the recorder has counted them (summed over stat blocks): at the
    // last read, at this one, and at the start of the stage.
    Reading previous, current, stage_start;
    std::vector<Reading> seen;   // each stat block as last read
    Reading block;               // a block, while reading
    metrics::Histogram scratch;  // one client's, while reading
  };
  struct GroupRows {
    size_t first = 0, all = 0;           // its transactions' rows are [first, all); all is its ALL row
    std::vector<const Worker*> clients;  // for the connected count
  };
  // s.current = s.previous and what the blocks read gained since their last read.
  void read(Series& s, size_t stage, bool every_block) noexcept;
  void read_block(Series& s, size_t b) noexcept;
  // out (an IntervalRow or TxnTotals) = a - b, with service and lag
  // derived from latency in a closed loop.
  template <typename Out>
  void difference(const Reading& a, const Reading& b, Out& out) const noexcept;

  const Plan& plan_;
  const std::vector<std::unique_ptr<Worker>>& workers_;
  bool open_;
  std::vector<std::vector<double>> offered_;
  bool staged_;
  std::vector<Series> series_;
  std::vector<GroupRows> groups_;
  std::vector<IntervalRow> rows_;
  metrics::Histogram everything_;  // every group's latency of the last interval, for the progress line
  int64_t errors_so_far_ = 0;
  double length_s_ = 0;
  size_t stage_ = 0;
};

// Derives a closed loop's service and lag from its latency: the same
// histogram, and as many zeros.
void closed_loop_service(const metrics::Histogram& latency, metrics::Histogram& service,
                         metrics::Histogram& lag) noexcept;

}  // namespace oltap::run
