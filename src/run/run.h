// Running a workload against one target: client groups of worker threads in
// a closed loop, each with its own connection, random stream and histograms;
// a recorder that merges them once per interval into a time series; warm-up
// excluded; a clean stop on SIGINT/SIGTERM.
//
// This module knows nothing of file formats: it hands back a RunResult.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "metrics/metrics.h"
#include "workload/workload.h"

namespace oltap::run {

// How often the recorder merges the workers' histograms.
inline constexpr int64_t kIntervalNs = 1'000'000'000;
// Error messages kept per worker for the report (the rest are only counted).
inline constexpr int kKeptErrorsPerWorker = 3;

struct Options {
  double scale = 1;
  int clients = 0;                           // 0: the workload's own; applies to every group
  std::map<std::string, int> group_clients;  // per-group override
  double duration_s = 30;
  double warmup_s = 0;
  int64_t transactions = 0;  // per client; 0 = run for duration_s
  uint64_t seed = 1;
  int max_retries = 3;  // for retryable failures (serialization, deadlock)
  int pipeline = 1;     // commands in flight per client (engines that pipeline; one-command transactions)
  int threads = 0;  // threads the clients share, each polling its connections (engines that pipeline); 0: one
                    // per client
  // Wait the transactions' keying and think times, as emulated users do; off: throughput mode.
  bool think_times = false;
};

// Once per interval, for the progress line.
struct Progress {
  double elapsed_s = 0;  // since the start, warm-up included
  bool warming_up = false;
  double tps = 0;      // committed per second over the last interval
  double p99_ms = 0;   // over the last interval
  int64_t errors = 0;  // so far
};

// Totals of one transaction (or of a whole group when txn == "ALL").
struct TxnTotals {
  std::string group;
  std::string txn;
  int clients = 0;
  int64_t committed = 0;
  int64_t aborted = 0;  // rolled back on purpose
  int64_t errors = 0;
  int64_t retries = 0;
  metrics::Histogram latency;  // of committed transactions, ns
};

// One interval of the time series, per group and transaction.
struct IntervalRow {
  double t_s = 0;  // end of the interval, seconds since measurement began
  double length_s = 0;
  std::string group;
  std::string txn;
  int64_t committed = 0;
  int64_t errors = 0;
  metrics::Histogram latency;
};

struct RunResult {
  std::string target;  // redacted
  std::string engine;
  std::string dialect;
  std::string server_version;
  std::vector<TxnTotals> totals;  // per group: each transaction, then "ALL"
  std::vector<IntervalRow> series;
  double measured_s = 0;  // from the end of warm-up to the last client's stop
  double warmup_s = 0;
  int64_t warmup_committed = 0;
  bool interrupted = false;
  std::vector<std::string> sample_errors;  // a few error messages, for the report
  int64_t start_unix_ms = 0;
  int64_t end_unix_ms = 0;
};

// Runs spec against target. Throws Error for what stops the run from
// starting (bad input, unreachable target); failures during the run are
// counted in the result.
RunResult run_target(const workload::Spec& spec, const engine::Target& target, const Options& options,
                     const std::function<void(const Progress&)>& on_progress);

// Installs SIGINT/SIGTERM handlers that ask running work to stop (a second
// signal ends the process at once).
void install_stop_handlers();
bool stop_requested() noexcept;
void request_stop() noexcept;
void reset_stop() noexcept;

}  // namespace oltap::run
