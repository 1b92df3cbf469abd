// Whole runs: what `oltap run` asks for, planned over its targets, run, held
// in memory and written as it goes. This is the layer the commands that make
// or combine runs call (run and suite today; merges and reports next), so that
// none of them copies the glue from a measurement to its files.
//
// A run goes in three steps:
//  1. plan: every target is connected, its data checked against the run
//     (datagen::check_data) and, for a workload of transactions, every
//     client connected and every statement prepared, before the first
//     target is measured. A bad target or a statement its dialect rejects
//     stops the run here (exit 2 or 3) and nothing is measured in vain.
//  2. measure each target in turn; its intervals are appended to
//     timeseries.csv and latency.hlog as they end, and summary.csv and
//     meta.json are rewritten when it finishes, so a target that fails, an
//     interrupt or a kill keeps what was measured before it.
//  3. judge: the exit code from what was measured (errors against
//     --max-error-rate, a target that did not complete, an interrupt).
//
// Nothing is read back from the files just written: the outcome holds the
// rows as the files hold them (rounded as written), for the caller to print.
//
// Threading: run() is called from one thread and calls the Listener from it
// (progress comes from the run's recorder, which is that thread too).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "datagen/datagen.h"
#include "engine/engine.h"
#include "results/results.h"
#include "run/run.h"
#include "workload/workload.h"

namespace oltap::orchestrate {

// How long a shard waits for the others by default (--shard-wait).
inline constexpr double kDefaultShardWaitS = 300;

// What the command line says of how to run, each none (or false) when not
// given: then the workload's `run:` section decides. Options of the other
// kind of workload (--clients for queries, --streams for transactions) are
// refused by run().
struct RunOverrides {
  // Workloads of transactions.
  std::optional<int> clients;                // every group's
  std::map<std::string, int> group_clients;  // per group, by name
  std::optional<double> duration_s, warmup_s;
  std::optional<int64_t> transactions;  // per client, instead of a duration
  std::optional<int> max_retries, pipeline, threads;
  bool think_times = false;
  // Open loop: one rate (tx/s per target), or several for a sweep (each
  // rate a stage of the duration, in the order given).
  std::vector<double> rates;
  std::map<std::string, double> group_rate;  // per group, by name
  std::optional<run::Arrival> arrival;
  std::optional<double> latency_limit_s;
  std::string slo;                          // "p99<10ms": the knee of a sweep is the highest rate that met it
  std::optional<run::Reconnect> reconnect;  // --reconnect
  std::optional<double> statement_timeout_s;  // --statement-timeout
  // One of several load hosts (run::Options::shard); none: the whole run.
  std::optional<run::Options::Shard> shard;
  // Workloads of queries.
  std::optional<int> streams;
  std::optional<double> query_timeout_s;
  bool verify = false;
  // Timed passes over each stream's queries; more than 1 runs a warm-up pass first.
  std::optional<int> repeat;
  uint64_t seed = 1;  // both kinds
};

// What a run is asked for, as the command line gave it (already parsed and
// checked for form; run() checks what needs the workload or the targets).
struct RunRequest {
  std::string workload_file;
  workload::Spec spec;
  std::vector<engine::Target> targets;
  // The scale asked for (--scale); none: the scale the data was loaded at
  // (the workload's own when it has no data: section or the check is off).
  std::optional<double> scale;
  RunOverrides overrides;
  std::string out;                  // the result folder
  bool force = false;               // write into a non-empty out folder
  bool data_check = true;           // --no-data-check turns it off
  double max_error_rate = 0;        // a fraction: 0.01 = 1%
  std::string max_error_rate_text;  // as given, for messages
  std::string command_line;         // with every password removed
  // Several load hosts: when to begin (each target), a wall-clock instant
  // (--start-at); else with a shard of N > 1, how long to wait for the other
  // shards to check in through the target (--shard-wait).
  std::optional<int64_t> start_at_unix_ms;
  double shard_wait_s = kDefaultShardWaitS;
};

// What run() tells while it goes, for the command line to print.
class Listener {
 public:
  virtual ~Listener() = default;
  // A status line: what is about to run, errors kept, why a target stopped.
  virtual void note(const std::string& line) { (void)line; }
  // A target's measurement begins (label: its name, the --target label or else the redacted URI) and ends.
  virtual void target_started(const std::string& label) { (void)label; }
  virtual void target_finished() {}
  virtual void progress(const run::Progress& p) { (void)p; }
  virtual void query_progress(const run::QueryProgress& p) { (void)p; }
};

// What a run measured and how it ends.
struct RunOutcome {
  std::string out;                           // the result folder
  bool analytical = false;                   // a workload of queries
  std::vector<results::SummaryRow> summary;  // as summary.csv holds them
  std::vector<results::Headline> headlines;  // as meta.json records them
  results::Meta meta;
  int64_t errors = 0, attempted = 0;  // transactions (or queries) over every target
  bool incomplete = false;            // interrupted, or a target did not complete
  int exit_code = 0;                  // kExitOk, kExitRunErrors or kExitInterrupted
  std::vector<std::string> verdict;   // lines saying why the exit code is not 0
  // A rate sweep's curve (as curve.csv holds it), over every target, and
  // with an SLO each target's knee per group (meta.targets[i].knee_tps).
  std::vector<results::CurvePoint> curve;
};

// Plans, measures and writes the run; see the steps above. Throws Error
// for what stops it before anything is measured (bad input, a target
// unreachable, data that does not match); after that, failures are in the
// outcome and the files.
RunOutcome run(const RunRequest& request, Listener& listener);

// ---------------------------------------------------------------- loads
// What `oltap load` asks for on each target.
struct LoadRequest {
  workload::Spec spec;
  datagen::LoadOptions options;  // its shard, load_time and wait_for_shards are load_target()'s
  // One of several load hosts (--shard i/N); none: the whole load.
  std::optional<run::Options::Shard> shard;
  double shard_wait_s = kDefaultShardWaitS;  // for the others to check in (--shard-wait)
};

// Loads request's data into target (datagen::load), telling its progress
// as notes. As one of N > 1 shards (not with dry_run), it loads its share
// of the rows with the others at once: they meet through the target (load.cc
// says how), shard 0 makes the tables before and runs after_load once every
// shard's rows are in, and each returns when the data is complete, its
// report with its own rows and LoadReport::all_shards_rows. Throws
// Error(kShardsMissing) when the others do not check in within
// shard_wait_s, or one of them failed or fell silent; what datagen::load throws.
datagen::LoadReport load_target(const LoadRequest& request, const engine::Target& target, Listener& listener);

// ---------------------------------------------------------------- suites
// A suite (workload::Suite) run into one folder: a normal result folder per
// case, target and repetition at OUT/<case>/<label>/rep-<k>/, OUT/suite.yaml
// (the suite file, any literal password redacted) and OUT/suite.csv (the
// figures over the repetitions, rewritten after each round). Each round runs
// the cases in an order shuffled by (seed, round), each case on each of its
// targets in turn, so that drift spreads over all of them. With load, each
// (workload, target, scale) is loaded once first unless its data is already
// there (datagen::check_loaded_data). A (case, target) the workload does not
// apply to (queries or SQL steps on Redis, no SQL on a SQL engine) is
// skipped with a note.
struct SuiteRequest {
  workload::Suite suite;
  std::string out;
  bool resume = false;           // skip the repetitions whose folder says complete; redo the others
  std::optional<uint64_t> seed;  // instead of the suite's
  std::string command_line;      // with every password removed
};

struct SuiteOutcome {
  std::string out;
  std::vector<results::SuiteRow> rows;  // as suite.csv holds them
  int runs = 0;                         // runs made by this call
  int resumed = 0;                      // repetitions a resume found complete
  int exit_code = 0;                    // kExitOk, kExitRunErrors or kExitInterrupted
  std::vector<std::string> verdict;     // why the exit code is not 0
};

// Throws Error for what stops the suite before or between runs (bad input,
// a target unreachable, an out folder in use without resume); suite.csv then
// holds what was measured before. The listener gets every run's notes and
// the suite's progress lines ("case k of n, repetition r of R, about T left").
SuiteOutcome run_suite(const SuiteRequest& request, Listener& listener);

}  // namespace oltap::orchestrate
