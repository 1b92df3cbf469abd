// `oltap run FILE --target URI`: run the workload against each target in
// turn, write the result files, print the summary. An interrupted run still
// writes what it measured, marked incomplete, and exits 130.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "results/results.h"
#include "run/run.h"
#include "run_args.h"

namespace oltap::cli {

std::string default_out_dir(const std::string& workload) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return "results/" + std::string(buf) + "-" + workload;
}

namespace {

std::vector<results::SummaryRow> summary_rows(const run::RunResult& r, const std::string& run_id,
                                              const std::string& workload) {
  std::vector<results::SummaryRow> out;
  for (const auto& t : r.totals) {
    results::SummaryRow s;
    s.run_id = run_id;
    s.workload = workload;
    s.target = r.target;
    s.engine = r.engine;
    s.group = t.group;
    s.txn = t.txn;
    s.clients = t.clients;
    s.duration_s = r.measured_s;
    s.committed = t.committed;
    s.aborted = t.aborted;
    s.errors = t.errors;
    s.retries = t.retries;
    s.incomplete = r.interrupted;
    results::fill_latency(s, t.latency);
    out.push_back(std::move(s));
  }
  return out;
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
      "Scale the data was loaded with (default: the workload's); in a workload of queries also what :scale "
      "stands for (TPC-H Q11), so give the scale of the load");
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
                  "Result folder, new or empty (default: results/<timestamp>-<workload>)");
  cmd->add_flag("--force", a->force, "Write into an --out folder that already holds files");
  cmd->add_option("--max-retries", a->max_retries,
                  "Retries of a serialization failure or deadlock (default 3)");
  cmd->add_option(
      "--max-error-rate", a->max_error_rate,
      "Errors allowed, as a share of transactions (or queries), before exit 4: 5% or the fraction "
      "0.05 (default 0%)");
  cmd->add_option("--threads", a->threads,
                  "Threads the clients share, each serving its connections with poll() as memtier and "
                  "redis-benchmark do (Redis; default 0: a thread per client)");
  cmd->add_option("--pipeline", a->pipeline,
                  "Commands in flight per client, for Redis (default 1: one at a time)");
  cmd->add_flag("--think-times", a->think_times,
                "Wait each transaction's keying_time before it and a think time around its think_time "
                "after it (negative exponential, at most 10x), as TPC-C's emulated users do; not part of "
                "the latency (default: off, throughput mode as HammerDB and BenchBase run)");
  a->analytical_only = {
      cmd->add_option("--streams", a->streams,
                      "Workloads of queries: streams running the queries at once, each on its own connection "
                      "and in its own order (default 1: a power run, every query once in file order; more: a "
                      "throughput run)"),
      cmd->add_option("--query-timeout", a->query_timeout,
                      "Workloads of queries: cancel a query on the server when it runs longer, e.g. 30s; it "
                      "counts as an error and the stream goes on (default: the workload's, else none)"),
      cmd->add_flag(
          "--verify", a->verify,
          "Workloads of queries: checksum every answer (rows as ordered, numbers to 2 decimals) and "
          "say which queries' answers differ between targets; a difference is a result, not an error")};
  for (const char* name : {"--clients", "--group-clients", "--duration", "--warmup", "--transactions",
                           "--max-retries", "--threads", "--pipeline", "--think-times"})
    a->transactional_only.push_back(cmd->get_option(name));
  a->cmd = cmd;
  cmd->callback([&action, a] {
    action = [a] {
      check_run_args(*a);
      workload::Spec spec = workload::load_spec(a->file);
      const bool analytical = !spec.queries.empty();
      for (CLI::Option* opt : analytical ? a->transactional_only : a->analytical_only)
        if (opt->count() > 0)
          throw Error(ErrorClass::kBadInput,
                      opt->get_name() + " applies to workloads of " +
                          (analytical ? "transactions" : "queries") + "; " + spec.name + " is one of " +
                          (analytical ? "queries" : "transactions") +
                          (analytical ? " (run it with --streams, --query-timeout, --verify)" : ""));
      if (analytical) {
        QueryRunArgs q;
        q.file = a->file;
        q.targets = a->targets;
        q.scale = a->scale;
        q.streams = a->streams;
        q.query_timeout = a->query_timeout;
        q.verify = a->verify;
        q.seed = a->seed;
        q.out = a->out;
        q.max_error_rate = a->max_error_rate;
        return run_queries(q, spec);
      }
      run::Options o;
      o.scale = a->scale > 0 ? a->scale : spec.scale;
      o.clients = a->clients;
      if (a->clients < 0) throw Error(ErrorClass::kBadInput, "--clients must be at least 1");
      for (const auto& gc : a->group_clients) {
        size_t eq = gc.find('=');
        int n = eq == std::string::npos ? 0 : std::atoi(gc.c_str() + eq + 1);
        std::string name = gc.substr(0, eq);
        bool known = false;
        for (const auto& g : spec.groups) known = known || g.name == name;
        if (n < 1 || !known)
          throw Error(
              ErrorClass::kBadInput,
              "--group-clients '" + gc + "': expected NAME=N with a group of " + spec.name + " and N >= 1");
        o.group_clients[name] = n;
      }
      o.duration_s = a->duration.empty() ? spec.run.duration_s : parse_duration_s(a->duration);
      o.transactions = a->transactions > 0 ? a->transactions : spec.run.transactions;
      // A count of transactions (like pgbench -t) means all of them are
      // measured, unless a warm-up is asked for on the command line too.
      o.warmup_s = !a->warmup.empty()    ? parse_duration_s(a->warmup)
                   : a->transactions > 0 ? 0
                                         : spec.run.warmup_s;
      if (o.transactions == 0 && o.duration_s <= 0)
        throw Error(ErrorClass::kBadInput, "--duration must be above 0 (or give --transactions)");
      o.seed = a->seed;
      o.max_retries = a->max_retries;
      if (a->pipeline < 1) throw Error(ErrorClass::kBadInput, "--pipeline must be at least 1");
      o.pipeline = a->pipeline;
      if (a->threads < 0) throw Error(ErrorClass::kBadInput, "--threads must be 0 (one per client) or more");
      o.threads = a->threads;
      o.think_times = a->think_times;
      if (o.think_times) {
        bool any = false;
        for (const auto& t : spec.transactions) any = any || t.keying_time_s > 0 || t.think_time_s > 0;
        if (!any) note("--think-times: no transaction of " + spec.name + " has a keying_time or think_time");
      }
      double max_error_rate = parse_percent(a->max_error_rate);
      std::vector<engine::Target> targets = parse_targets(a->targets);

      run::install_stop_handlers();
      std::string out = a->out.empty() ? default_out_dir(spec.name) : a->out;
      std::string run_id = std::filesystem::path(out).filename().string();
      results::Meta meta;
      meta.run_id = run_id;
      meta.workload = spec.name;
      meta.workload_file = a->file;
      meta.workload_sha256 = spec.sha256;
      meta.command_line = redacted_command_line();
      meta.seed = o.seed;
      meta.scale = o.scale;
      meta.duration_s = o.transactions ? 0 : o.duration_s;
      meta.warmup_s = o.warmup_s;
      meta.transactions_per_client = o.transactions;
      meta.think_times = o.think_times;
      if (spec.headline)
        meta.headline = {spec.headline->name, spec.headline->transaction, spec.headline->per_scale_max,
                         spec.headline->include_aborted};
      std::vector<results::SummaryRow> summary;
      std::vector<results::TimeseriesRow> series;
      int64_t errors = 0, attempted = 0;
      bool interrupted = false;
      for (const auto& target : targets) {
        if (run::stop_requested()) break;
        note("running " + spec.name + " on " + target.redacted() +
             (o.transactions ? " for " + std::to_string(o.transactions) + " transaction(s) per client"
                             : fmt::format(" for {:g} s", o.duration_s)) +
             (o.warmup_s > 0 ? fmt::format(" after {:g} s of warm-up", o.warmup_s) : "") +
             (o.think_times ? ", with keying and think times" : ""));
        ProgressLine progress(target.redacted());
        run::RunResult r = run::run_target(spec, target, o, [&](const run::Progress& p) {
          progress.update(p.elapsed_s, p.warming_up, p.tps, p.p99_ms, p.errors);
        });
        progress.finish();
        auto rows = summary_rows(r, run_id, spec.name);
        summary.insert(summary.end(), rows.begin(), rows.end());
        for (const auto& i : r.series) {
          results::TimeseriesRow t;
          t.target = r.target;
          t.group = i.group;
          t.txn = i.txn;
          t.t_s = i.t_s;
          t.committed = i.committed;
          t.errors = i.errors;
          t.tps = i.length_s > 0 ? i.committed / i.length_s : 0;
          t.lat_p50_ms = i.latency.value_at_quantile(0.50) / 1e6;
          t.lat_p95_ms = i.latency.value_at_quantile(0.95) / 1e6;
          t.lat_p99_ms = i.latency.value_at_quantile(0.99) / 1e6;
          series.push_back(std::move(t));
        }
        results::Meta::TargetInfo ti;
        ti.target = r.target;
        ti.engine = r.engine;
        ti.dialect = r.dialect;
        ti.server_version = r.server_version;
        ti.measured_s = r.measured_s;
        ti.warmup_committed = r.warmup_committed;
        ti.start_utc = results::utc_iso(r.start_unix_ms);
        ti.end_utc = results::utc_iso(r.end_unix_ms);
        ti.interrupted = r.interrupted;
        ti.sample_errors = r.sample_errors;
        meta.targets.push_back(std::move(ti));
        for (const auto& t : r.totals) {
          if (t.txn != "ALL") continue;
          errors += t.errors;
          attempted += t.committed + t.aborted + t.errors;
        }
        for (const auto& e : r.sample_errors) note("  error: " + e);
        interrupted = interrupted || r.interrupted;
      }
      meta.incomplete = interrupted || meta.targets.size() < targets.size();
      if (meta.incomplete)
        for (auto& s : summary) s.incomplete = true;
      results::write_run(out, summary, series, meta);
      // Shown as read back from the file, so `run` and `report` print the
      // same figures (rounding the file's values again would differ in the last digit).
      const auto written = results::read_summary(out);
      std::cout << results::summary_table(written);
      if (targets.size() > 1) std::cout << "\n" << results::side_by_side(written);
      std::cout << results::headline_lines(results::read_headlines(out));
      std::cout << "results: " << out << "/ (summary.csv, timeseries.csv, meta.json)\n";
      if (meta.incomplete) {
        note("interrupted: the results above are partial and marked incomplete");
        return kExitInterrupted;
      }
      double rate = attempted ? static_cast<double>(errors) / attempted : 0;
      if (errors > 0 && rate > max_error_rate) {
        note("errors: " + std::to_string(errors) + " of " + std::to_string(attempted) +
             " transactions failed, above the allowed " + a->max_error_rate);
        return kExitRunErrors;
      }
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
