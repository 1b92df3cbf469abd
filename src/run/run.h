// Running a workload against one target: client groups of worker threads in
// a closed loop, each with its own connection, random stream and histograms;
// a recorder that merges them once per interval and hands each interval to
// an Observer (nothing of the series is kept: memory stays the same over any
// run length); warm-up excluded; a clean stop on SIGINT/SIGTERM.
//
// A run has two phases so that several targets can be checked before any is
// measured: prepare_run() connects and prepares everything (and fails for a
// bad target or statement), measure() runs it. Threading: prepare_run() and
// measure() run on the caller's thread, which measure() also uses as the
// recorder; the clients get threads of their own.
//
// This module knows nothing of file formats: it hands back a RunResult.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
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

// How an open loop's transactions arrive: gaps drawn from an exponential
// distribution (a Poisson process, as pgbench -R), or even gaps (wrk2 -R).
enum class Arrival { kPoisson, kUniform };

// One stage of a run: how long, at what rate (0: a closed loop unless a
// group has a rate of its own) and with how many clients in every group (0:
// the groups' own). A stage's figures are those of the transactions that
// completed during it.
struct Stage {
  double duration_s = 0;
  double rate = 0;
  int clients = 0;
};

// How a client that lost its connection reconnects: up to `attempts`
// failed connects in a row (0: until the run ends), waiting between them
// from initial_s, doubling per failure, up to cap_s, with jitter.
struct Reconnect {
  int attempts = 0;
  double initial_s = 0.1;
  double cap_s = 2;
};

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
  // Open loop (a rate): each client sends on a schedule of its own that runs
  // from the start of the run, never from its last completion, so a server
  // that stalls cannot slow the offered load down (no coordinated omission).
  // rate is shared evenly by the clients of every group without a rate in
  // group_rate; those with one share that. No rate anywhere: a closed loop.
  double rate = 0;                           // transactions per second per target
  std::map<std::string, double> group_rate;  // per group, by name
  Arrival arrival = Arrival::kPoisson;
  // Latencies above it count as late (pgbench -L); with a rate, a transaction
  // already this late when its turn comes is skipped, not sent (pgbench -R -L).
  double latency_limit_s = 0;
  // Stages measured and reported one after the other (rate and clients of
  // each); empty: one stage of duration_s at rate. With stages, duration_s
  // is their sum and the warm-up runs at the first stage's settings.
  std::vector<Stage> stages;
  Reconnect reconnect;
  // Every statement of a transaction running longer fails as a time-out
  // (engine::Connection::set_statement_timeout); 0: none.
  double statement_timeout_s = 0;
  // One of several load hosts (oltap run --shard i/N): this run is shard
  // `index` of `count` and runs its share of each group's clients (see
  // shard_range), each as the same client of the whole run would: its
  // random stream seeded by its global index and its part of every sequence
  // (inserted keys) taken with the whole run's stride, so N shards of c
  // clients draw exactly what one run of N * c clients draws. The rate
  // (and a group's own) is the whole run's; each client keeps the schedule
  // it has in the whole run, so a shard offers its clients' share of it.
  struct Shard {
    int index = 0, count = 1;
  };
  Shard shard;
  // Opens each client's connection (and every reconnect); empty: engine::connect.
  // The seam for tests, which hand in a scripted engine::Connection.
  std::function<std::unique_ptr<engine::Connection>(const engine::Target&)> connect;
};

// The clients of a group of `clients` that shard s runs: the contiguous
// in-group numbers [first, first + count), first = clients * index / count
// (rounded down), so shares differ by at most one client and the shards
// together run each client once.
struct ShardRange {
  int first = 0, count = 0;
};
ShardRange shard_range(int clients, Options::Shard s) noexcept;

// Once per interval, for the progress line.
struct Progress {
  double elapsed_s = 0;  // since the start, warm-up included
  bool warming_up = false;
  double tps = 0;      // committed per second over the last interval
  double p99_ms = 0;   // over the last interval
  int64_t errors = 0;  // so far
  // Open loop: the rate asked for and the schedule lag's largest value over
  // the last interval (how far behind the client fell); 0 in a closed loop.
  double offered_tps = 0;
  double lag_max_ms = 0;
  int stage = 0;  // 1, 2, ... in a run with stages; 0 without
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
  // Of committed transactions and intended rollbacks (their latency counts,
  // TPC-C clause 5.2.5.3), ns: its count is committed + aborted. In an open
  // loop it runs from when each was due (its intended start).
  metrics::Histogram latency;
  // The same transactions from their actual send (the service time) and the
  // schedule lag (send - due). In a closed loop the send is the start:
  // service holds what latency holds and lag only zeros.
  metrics::Histogram service, lag;
  int64_t late = 0;        // latency above Options::latency_limit_s (counted in committed or aborted)
  int64_t skipped = 0;     // never sent: later than the limit when due (in no other count)
  double offered_tps = 0;  // its share of the rate asked for; 0: closed loop
  // errors by class (engine::Failure's order): they add up to errors.
  std::array<int64_t, engine::kFailureClasses> failed{};
  // COMMIT sent, its reply never came (the connection was lost): in no other count.
  int64_t unknown = 0;

  // Adds other's counts, histograms and rate into this (the totals of both).
  void add(const TxnTotals& other) noexcept;
};

// A stage's totals: what completed between its start and its end (the last
// stage ends at the last client's stop).
struct StageTotals {
  int stage = 1;                  // 1, 2, ...
  double start_s = 0;             // since measurement began
  double length_s = 0;            // its measured length
  std::vector<TxnTotals> totals;  // as RunResult::totals
};

// One interval of the time series: a row per (group, txn) of the interval and
// then an "ALL" row per group (every transaction of the group). Summed over
// every interval, committed, aborted, errors and the latency counts equal
// the RunResult's totals exactly. Intervals are kIntervalNs long and counted
// from the end of the warm-up; the last ends at the last client's stop (what
// clients finish after the duration is up is in it), so it may be shorter.
struct IntervalRow {
  double t_s = 0;       // end of the interval, seconds since measurement began
  double length_s = 0;  // the interval's length
  std::string group;
  std::string txn;        // or "ALL"
  int64_t committed = 0;  // committed only: intended rollbacks are not commits
  int64_t aborted = 0;    // rolled back on purpose (rollback_if), as summary.csv's aborted
  int64_t errors = 0;
  metrics::Histogram latency;  // what TxnTotals::latency holds, for this interval only
  metrics::Histogram service, lag;
  int64_t late = 0, skipped = 0;
  double offered_tps = 0;
  int stage = 0;  // the stage the interval lies in (intervals are cut at stage ends); 0: no stages
  std::array<int64_t, engine::kFailureClasses> failed{};  // as TxnTotals
  int64_t unknown = 0;
  int connected = 0;  // the group's clients holding a connection when the interval was read
};

// What a run tells its caller while it goes; called on the thread that called measure().
class Observer {
 public:
  virtual ~Observer() = default;
  // Once per interval while the clients run (warm-up ones say warming_up),
  // not for the last, partial one.
  virtual void on_progress(const Progress&) {}
  // Once per measured interval, with every row of that interval (never during
  // warm-up). The rows are valid during the call only.
  virtual void on_interval(const std::vector<IntervalRow>&) {}
};

// What oltap itself used while it measured a target (closed and open loop
// alike), and whether it, not the server, was the bottleneck. Filled in by
// judge_client_cost (client_cost.h); cores == 0 when it was not measured.
struct ClientCost {
  double user_s = 0, system_s = 0;  // process CPU over the measured time (warm-up excluded)
  double cpu_per_txn_us = 0;        // (user + system) / transactions completed (committed + aborted + errors)
  double busiest_thread_share = 0;  // the busiest client thread's CPU / measured wall time (1 = a whole core)
  int cores = 0;                    // online CPUs (sysconf)
  bool client_bound = false;
  std::string why;  // one sentence when client_bound, else ""
};

struct RunResult {
  std::string target;  // Target::name(): the label, else the redacted URI
  std::string engine;
  std::string dialect;
  std::string server_version;
  std::vector<TxnTotals> totals;    // per group: each transaction, then "ALL"
  std::vector<StageTotals> stages;  // with Options::stages: one per stage that began
  double measured_s = 0;            // from the end of warm-up to the last client's stop
  double warmup_s = 0;
  int64_t warmup_committed = 0;
  bool interrupted = false;
  std::vector<std::string> sample_errors;  // a few error messages, for the report
  int64_t start_unix_ms = 0;
  int64_t end_unix_ms = 0;
  // Empty when the target's run completed; otherwise why it did not. A run
  // did not complete when, at its end, a client was without a connection:
  // it lost it (the server stopped, say) and every reconnect until the end
  // failed. The message says how many clients and the last connect error.
  // Errors on a live connection, and a connection lost and then reopened,
  // are counted in the totals and are not a failure (--max-error-rate
  // judges those).
  std::string failure;
  ClientCost client_cost;  // over the measured time
  // Connections: reconnects that succeeded and connects that failed, over
  // every client; outage_s: measured time during which no client of the
  // target held a connection (the recorder looks about every 20 ms).
  int64_t reconnects = 0;
  int64_t connection_failures = 0;
  double outage_s = 0;
};

// A target connected and prepared but not yet measured: the plan compiled
// for its dialect, every client's connection open and every statement
// prepared (so a bad target or a statement its dialect rejects fails here,
// before anything is measured on any target).
class PreparedRun {
 public:
  struct State;  // defined in runner.cc
  explicit PreparedRun(std::unique_ptr<State> state);
  ~PreparedRun();
  PreparedRun(const PreparedRun&) = delete;
  PreparedRun& operator=(const PreparedRun&) = delete;

  // What RunResult will say of the target: its name (label or redacted URI), engine, dialect, server version.
  const std::string& target() const noexcept;
  const std::string& engine() const noexcept;
  const std::string& dialect() const noexcept;
  const std::string& server_version() const noexcept;
  State& state() noexcept { return *state_; }

 private:
  std::unique_ptr<State> state_;
};
// Throws Error: kBadInput (options the target cannot run, a statement its
// dialect lacks), kUnreachable (a client cannot connect), kInterrupted.
// spec need not outlive the result; target and options are copied.
std::unique_ptr<PreparedRun> prepare_run(const workload::Spec& spec, const engine::Target& target,
                                         const Options& options);
// Measures a prepared run once (a second call throws Error(kFatal));
// failures during the run are counted in the result.
RunResult measure(PreparedRun& prepared, Observer& observer);

// ---------------------------------------------------------------- analytical runs

// A workload of queries runs as streams: each stream has its own connection
// and runs every query once, in its own order, one after the other (with
// repeat N > 1: a warm-up pass of every query, not kept, then N timed
// passes, each in the stream's order, so a query's samples are spread over
// the run as HammerDB's query sets are). One
// stream is a power run (TPC-H's power test); several run at once are a
// throughput run. Each query's time covers all its statements and reading
// every row of its result; its answer's checksum (with verify) is computed
// after the clock stops.
struct QueryOptions {
  int streams = 1;        // 1: power run
  double timeout_s = 0;   // a query running longer is cancelled on the server; 0: none
  bool verify = false;    // keep every row and checksum each answer
  uint64_t seed = 1;      // of the streams' query orders
  double scale = 1;       // written where a query's text says `:scale`
  int repeat = 1;         // timed passes over the stream's queries
  int warmup_passes = 0;  // passes run first and not kept (1 when repeat > 1)
};

// How often the watchdog looks at the running queries' deadlines, which is
// how late past its time-out a query may be cancelled.
inline constexpr int64_t kWatchdogPollNs = 5'000'000;

// One query as one stream ran it.
struct QueryRun {
  std::string query;  // its name
  enum class Outcome { kOk, kError, kTimeout, kNotRun } outcome = Outcome::kNotRun;
  double elapsed_s = 0;  // until it ended, failed or was cancelled
  int64_t rows = -1;     // rows of the answer; -1 unless it completed
  std::string checksum;  // of the answer, with verify
  std::string error;     // why it failed
  int pass = 1;          // the timed pass it belongs to: 1 ... repeat
};

struct StreamRun {
  int stream = 0;        // 0, 1, ...; stream 0 runs the queries in file order
  double elapsed_s = 0;  // from the start of the run to this stream's last query's end
  // From the end of its warm-up pass (the start of the run without one) to its last query's end.
  double timed_s = 0;
  std::vector<QueryRun> queries;  // in the order the stream ran them, pass after pass (warm-up left out)
};

struct QueriesResult {
  std::string target;  // Target::name(): the label, else the redacted URI
  std::string engine;
  std::string dialect;
  std::string server_version;
  std::vector<StreamRun> streams;
  double elapsed_s = 0;  // from the start to the last stream's end
  bool interrupted = false;
  std::vector<std::string> sample_errors;
  int64_t start_unix_ms = 0;
  int64_t end_unix_ms = 0;
  int repeat = 1, warmup_passes = 0;  // as QueryOptions had them
  // With verify and repeat > 1: each query whose answer changed between a
  // stream's timed passes (summary.csv keeps the first pass's), one line each.
  std::vector<std::string> unstable_answers;
};

// Progress of an analytical run, about once per second.
struct QueryProgress {
  double elapsed_s = 0;
  int64_t done = 0;  // queries ended, over every stream (warm-up executions included)
  int64_t total = 0;
  int64_t errors = 0;
};

// Runs spec's queries against target. Throws Error for what stops the run
// from starting (bad input, a key-value target, unreachable); failed and
// timed-out queries are in the result.
QueriesResult run_queries(const workload::Spec& spec, const engine::Target& target,
                          const QueryOptions& options,
                          const std::function<void(const QueryProgress&)>& on_progress);

// Throws Error(kBadInput) unless conn is a SQL engine's (a workload of
// queries runs on SQL targets only) and every query has a text for its dialect.
void check_query_target(const workload::Spec& spec, const engine::Target& target,
                        const engine::Connection& conn);

// The order stream `stream` runs n queries in, as indexes into the file's
// order: the file's own for stream 0, for the others a permutation drawn
// from (seed, stream), the same on every machine.
std::vector<size_t> stream_order(size_t n, uint64_t seed, int stream);

// The text a result value is compared by: numbers (integers, decimals, and
// text that reads as a decimal number) with two decimals, rounded half away
// from zero after rounding to six (so 0.12499999999 from a float and 0.125
// from a decimal agree), and "0.00" for minus zero; other text without its
// trailing blanks (CHAR(n) padding). Null: nullopt, unlike the empty text.
std::optional<std::string> canonical_value(const Value& v);
// The SHA-256 of an answer's first `rows` rows in out: rows in the order
// given when ordered, else sorted; each cell as canonical_value says.
std::string answer_checksum(const engine::ResultBuffer& out, bool ordered);

// Installs SIGINT/SIGTERM handlers that ask running work to stop (a second
// signal ends the process at once).
void install_stop_handlers();
bool stop_requested() noexcept;
void request_stop() noexcept;
void reset_stop() noexcept;

}  // namespace oltap::run
