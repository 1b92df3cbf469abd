// What `oltap run` was asked for on its command line, and the checks of those
// arguments alone (before the workload's defaults fill in what was not given).
// Private to cli/.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli.h"

namespace oltap::cli {

struct RunArgs {
  std::string file;
  std::vector<std::string> targets;
  double scale = 0;
  int clients = 0;
  std::vector<std::string> group_clients;
  std::string duration, warmup;
  int64_t transactions = 0;
  uint64_t seed = 1;
  std::string out;
  bool force = false;  // write into a non-empty --out
  bool no_data_check = false;
  int max_retries = 3;
  std::string max_error_rate = "0%";
  int pipeline = 1;
  int threads = 0;
  bool think_times = false;
  // Open loop.
  std::string rate;   // "5000", or "1000,2000,4000" for a sweep
  std::string sweep;  // FROM:TO:STEPS
  std::string arrival;
  std::string latency_limit;
  std::vector<std::string> group_rate;  // NAME=R
  std::string slo;
  std::string reconnect;  // ATTEMPTS[,INITIAL[,CAP]]
  std::string statement_timeout;
  // Workloads of queries.
  int streams = 0;
  std::string query_timeout;
  bool verify = false;
  int repeat = 1;
  std::string shard;       // --shard i/N
  std::string shard_wait;  // --shard-wait 5m
  std::string start_at;    // --start-at 2026-12-03T16:30:00Z
  ProgressArgs progress;   // --progress, --quiet
  // The subcommand, to tell an option given as 0 from one not given.
  CLI::App* cmd = nullptr;
};

// Refuses, with Error(kBadInput) naming the option, what no workload could
// make sense of: --clients, --scale or --transactions given as 0 or less,
// --duration with --transactions, a --max-error-rate that is not a share
// within [0%, 100%], and an --out folder that holds files (without --force).
// Says on stderr how a --max-error-rate given was read. Call it before
// anything connects or measures.
void check_run_args(const RunArgs& a);

// The rates asked for: --rate's list ("5000", "1000,2000,4000"), or --sweep
// FROM:TO:STEPS (STEPS >= 2 rates evenly from FROM to TO); none without
// either. Throws Error(kBadInput) for a rate that is not above 0, a
// malformed list or sweep, or both options given.
std::vector<double> parse_rates(const std::string& rate, const std::string& sweep);
// One rate, for option (its name in the message): a decimal number of at
// least kMinRate, all of text.
double parse_rate(const std::string& text, const std::string& option);
// --reconnect ATTEMPTS[,INITIAL[,CAP]]: ATTEMPTS an integer (0 or
// "unlimited": until the run ends), INITIAL and CAP durations (defaults
// 100ms and 2s; a CAP not given is at least INITIAL). Throws Error(kBadInput).
run::Reconnect parse_reconnect(const std::string& text);
// The lowest rate taken: one transaction every 1,000 s.
inline constexpr double kMinRate = 0.001;

}  // namespace oltap::cli
