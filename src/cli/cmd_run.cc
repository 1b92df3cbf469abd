// `oltap run FILE --target URI`: the run's arguments turned into an
// orchestrate::RunRequest, and what the run measured printed. Planning,
// measuring and writing are orchestrate::run's; this file parses and prints.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "orchestrate/orchestrate.h"
#include "run_args.h"

namespace oltap::cli {

std::string default_out_dir(const std::string& workload) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  const std::string base = "results/" + std::string(buf) + "-" + workload;
  // Two runs started in the same second each get a folder of their own
  // (a folder that holds files is refused, and a default is no typo).
  std::string dir = base;
  for (int n = 2; std::filesystem::exists(dir); ++n) dir = base + "-" + std::to_string(n);
  return dir;
}

namespace {

// The run's figures as summary.csv holds them, as `oltap report` prints them.
void print_outcome(const orchestrate::RunOutcome& r, size_t targets) {
  if (r.analytical) {
    std::cout << results::query_table(r.summary) << results::query_lines(r.summary);
    std::cout << "results: " << r.out << "/ (summary.csv, meta.json)\n";
  } else {
    std::cout << results::summary_table(r.summary);
    if (targets > 1) std::cout << "\n" << results::side_by_side(r.summary);
    if (const std::string e = results::error_table(r.summary); !e.empty()) std::cout << "\n" << e;
    if (!r.curve.empty()) std::cout << "\n" << results::curve_table(r.curve);
    std::cout << results::headline_lines(r.headlines);
    std::cout << "results: " << r.out << "/ (summary.csv, timeseries.csv, latency.hlog, meta.json"
              << (r.curve.empty() ? "" : ", curve.csv") << ")\n";
  }
  for (const auto& line : r.verdict) note(line);
}

// What the command line says of how to run; what it leaves out is none, for
// the orchestration to take from the workload.
orchestrate::RunOverrides overrides(const RunArgs& a) {
  auto given = [&](const char* name) { return a.cmd->count(name) > 0; };
  orchestrate::RunOverrides o;
  if (given("--clients")) o.clients = a.clients;
  for (const auto& gc : a.group_clients) {
    const size_t eq = gc.find('=');
    const int n = eq == std::string::npos ? 0 : std::atoi(gc.c_str() + eq + 1);
    if (n < 1 || eq == 0)
      throw Error(ErrorClass::kBadInput, "--group-clients '" + gc + "': expected NAME=N with N >= 1");
    o.group_clients[gc.substr(0, eq)] = n;
  }
  if (given("--duration")) o.duration_s = parse_duration_s(a.duration);
  if (given("--warmup")) o.warmup_s = parse_duration_s(a.warmup);
  if (given("--transactions")) o.transactions = a.transactions;
  if (given("--max-retries")) o.max_retries = a.max_retries;
  if (given("--pipeline")) o.pipeline = a.pipeline;
  if (given("--threads")) o.threads = a.threads;
  o.think_times = a.think_times;
  o.rates = parse_rates(a.rate, a.sweep);
  for (const auto& gr : a.group_rate) {
    const size_t eq = gr.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ErrorClass::kBadInput,
                  "--group-rate '" + gr + "': expected NAME=R (transactions per second)");
    o.group_rate[gr.substr(0, eq)] = parse_rate(gr.substr(eq + 1), "--group-rate " + gr.substr(0, eq));
  }
  if (given("--arrival")) {
    if (a.arrival != "poisson" && a.arrival != "uniform")
      throw Error(ErrorClass::kBadInput, "--arrival '" + a.arrival + "': expected poisson or uniform");
    o.arrival = a.arrival == "uniform" ? run::Arrival::kUniform : run::Arrival::kPoisson;
  }
  if (given("--latency-limit")) o.latency_limit_s = parse_duration_s(a.latency_limit);
  if (given("--reconnect")) o.reconnect = parse_reconnect(a.reconnect);
  if (given("--statement-timeout")) o.statement_timeout_s = parse_duration_s(a.statement_timeout);
  o.slo = a.slo;
  if (given("--streams")) o.streams = a.streams;
  if (given("--query-timeout")) o.query_timeout_s = parse_duration_s(a.query_timeout);
  o.verify = a.verify;
  if (given("--repeat")) o.repeat = a.repeat;
  o.seed = a.seed;
  o.shard = shard_option(a.shard, given("--shard"));
  return o;
}

}  // namespace

void add_run(CLI::App& root, Action& action) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd =
      root.add_subcommand("run", "Run a workload against one or more targets and write its results");
  cmd->add_option("file", a->file, "Workload YAML file")->required();
  cmd->add_option("-t,--target", a->targets, "Target URI (repeatable: each runs in turn)")->required();
  cmd->add_option(
      "-s,--scale", a->scale,
      "Scale the data was loaded with (default: the loaded one, else the workload's); in a workload of "
      "queries also what :scale stands for (TPC-H Q11)");
  cmd->add_option("-c,--clients", a->clients, "Clients of every group (default: the workload's)");
  cmd->add_option("--group-clients", a->group_clients, "Clients of one group: NAME=N (repeatable)");
  cmd->add_option("-d,--duration", a->duration, "Measured time, e.g. 30s, 5m (default: the workload's)");
  cmd->add_option("-w,--warmup", a->warmup,
                  "Warm-up run first and excluded, e.g. 5s (default: the workload's)");
  cmd->add_option("-n,--transactions", a->transactions, "Transactions per client instead of a duration");
  cmd->add_option(
      "--seed", a->seed,
      "Seed of the clients' random streams, and of the query orders of a throughput run's streams "
      "(default 1)");
  cmd->add_option("-o,--out", a->out,
                  "Result folder (default: results/<timestamp>-<workload>); one that holds files is refused "
                  "unless --force");
  cmd->add_flag("--force", a->force,
                "Write into an --out folder that already holds files, replacing its results");
  cmd->add_option("--max-retries", a->max_retries,
                  "Retries of a serialization failure or deadlock (default 3)");
  cmd->add_option("--max-error-rate", a->max_error_rate,
                  "Errors allowed, as a share of transactions (or queries), before exit 4 (default 0%)");
  cmd->add_option("--threads", a->threads,
                  "Threads the clients share, each serving its connections with poll() as memtier and "
                  "redis-benchmark do (Redis; default 0: a thread per client)");
  cmd->add_option("--pipeline", a->pipeline,
                  "Commands in flight per client, for Redis (default 1: one at a time)");
  cmd->add_flag("--think-times", a->think_times,
                "Wait each transaction's keying_time before it and a think time around its think_time "
                "after it (negative exponential, at most 10x), as TPC-C's emulated users do; not part of "
                "the latency (default: off, throughput mode as HammerDB and BenchBase run)");
  cmd->add_option("--rate", a->rate,
                  "Open loop: transactions per second per target, shared by its clients; several "
                  "(1000,2000,4000) run a rate sweep, each for --duration");
  cmd->add_option("--sweep", a->sweep, "A rate sweep of STEPS rates evenly from FROM to TO: FROM:TO:STEPS");
  cmd->add_option("--group-rate", a->group_rate, "Open loop: one group's rate, NAME=R (repeatable)");
  cmd->add_option("--arrival", a->arrival,
                  "Open loop arrivals: poisson (default, as pgbench -R) or uniform (wrk2)");
  cmd->add_option("--latency-limit", a->latency_limit,
                  "Count transactions slower than this as late (pgbench -L); with a rate, skip those already "
                  "this late when due");
  cmd->add_option("--slo", a->slo,
                  "A sweep's objective, e.g. \"p99<10ms\": the knee is the highest rate that met it");
  cmd->add_option("--reconnect", a->reconnect,
                  "How a client that lost its connection reconnects: ATTEMPTS[,INITIAL[,CAP]], failed "
                  "connects in a row before it gives up (0 or unlimited: until the run ends) and the pause "
                  "between them, from INITIAL doubling up to CAP, with jitter (default unlimited,100ms,2s)");
  cmd->add_option(
      "--statement-timeout", a->statement_timeout,
      "Transactions: a statement running longer fails as a time-out (err_timeout) and its "
      "transaction is rolled back, the connection kept, e.g. 500ms (PostgreSQL statement_timeout, "
      "MariaDB max_statement_time, ODBC's query time-out in whole seconds; refused for Redis)");
  cmd->add_flag("--no-data-check", a->no_data_check,
                "Run without first checking that each target holds the workload's data at the run's scale "
                "(by oltap load's record, else by the tables' rows)");
  add_shard_options(cmd, a->shard, a->shard_wait, "running its share of the clients and the rate");
  cmd->add_option(
      "--start-at", a->start_at,
      "Begin each target at this wall-clock time (UTC, 2026-12-03T16:30:00Z, or seconds since the "
      "epoch) instead of the shards' check-in");
  cmd->add_option("--streams", a->streams,
                  "Workloads of queries: streams running the queries at once, each on its own connection "
                  "and in its own order (default 1: a power run, every query once in file order; more: a "
                  "throughput run)");
  cmd->add_option("--query-timeout", a->query_timeout,
                  "Workloads of queries: cancel a query on the server when it runs longer, e.g. 30s; it "
                  "counts as an error and the stream goes on (default: the workload's, else none)");
  cmd->add_flag("--verify", a->verify,
                "Workloads of queries: checksum every answer (rows as ordered, numbers to 2 decimals) and "
                "say which queries' answers differ between targets; a difference is a result, not an error");
  cmd->add_option("--repeat", a->repeat,
                  "Workloads of queries: time each query N times per stream (N passes in the stream's "
                  "order), after one warm-up pass that is not counted when N > 1; summary.csv gives each "
                  "query's median and percentiles of the N (default 1: one timing, no warm-up)");
  add_progress_options(cmd, a->progress);
  a->cmd = cmd;
  cmd->callback([&action, a] {
    action = [a] {
      check_run_args(*a);
      workload::Spec spec = workload::load_spec(a->file);
      orchestrate::RunRequest req;
      req.workload_file = a->file;
      req.targets = parse_targets(a->targets);
      if (a->scale > 0) req.scale = a->scale;
      req.out = a->out.empty() ? default_out_dir(spec.name) : a->out;
      req.force = a->force;
      req.data_check = !a->no_data_check;
      req.max_error_rate = parse_percent(a->max_error_rate);
      req.max_error_rate_text = a->max_error_rate;
      req.command_line = redacted_command_line();
      req.overrides = overrides(*a);
      req.shard_wait_s = shard_wait_option(a->shard_wait);
      if (!a->start_at.empty()) req.start_at_unix_ms = parse_start_at(a->start_at);
      req.spec = std::move(spec);
      run::install_stop_handlers();
      PrintingListener listener(progress_settings(a->progress));
      const orchestrate::RunOutcome r = orchestrate::run(req, listener);
      print_outcome(r, req.targets.size());
      return r.exit_code;
    };
  });
}

}  // namespace oltap::cli
