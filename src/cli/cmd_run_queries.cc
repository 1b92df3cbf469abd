// `oltap run FILE --target URI` of a workload of queries: a power run (one
// stream) or a throughput run (--streams S) on each target in turn, one row
// per query of each stream in summary.csv, and the per-query times printed
// side by side, with the run's figures and, with --verify, whether the
// targets' answers agree.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "results/results.h"
#include "run/run.h"

namespace oltap::cli {
namespace {

constexpr double kMsPerSecond = 1000;

const char* status_of(run::QueryRun::Outcome o) {
  switch (o) {
    case run::QueryRun::Outcome::kOk:
      return "ok";
    case run::QueryRun::Outcome::kTimeout:
      return "timeout";
    default:
      return "error";
  }
}

// A latency percentile of a stream's query times (nearest rank).
double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::max(1.0, std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[std::min(rank, sorted.size()) - 1];
}

// One row per query each stream ran, then the stream's ALL row.
std::vector<results::SummaryRow> summary_rows(const run::QueriesResult& r, const std::string& run_id,
                                              const std::string& workload) {
  std::vector<results::SummaryRow> out;
  auto base = [&](const std::string& stream) {
    results::SummaryRow s;
    s.run_id = run_id;
    s.workload = workload;
    s.target = r.target;
    s.engine = r.engine;
    s.group = stream;
    s.clients = 1;
    s.incomplete = r.interrupted;
    return s;
  };
  for (const auto& st : r.streams) {
    const std::string stream = "stream" + std::to_string(st.stream);
    std::vector<double> times_ms;
    results::SummaryRow all = base(stream);
    all.txn = "ALL";
    all.duration_s = st.elapsed_s;
    for (const auto& q : st.queries) {
      if (q.outcome == run::QueryRun::Outcome::kNotRun) continue;
      results::SummaryRow s = base(stream);
      s.txn = q.query;
      s.duration_s = q.elapsed_s;
      const bool ok = q.outcome == run::QueryRun::Outcome::kOk;
      s.committed = ok ? 1 : 0;
      s.errors = ok ? 0 : 1;
      s.tps = ok && q.elapsed_s > 0 ? 1 / q.elapsed_s : 0;
      s.tpm = s.tps * 60;
      const double ms = q.elapsed_s * kMsPerSecond;
      s.lat_mean_ms = s.lat_p50_ms = s.lat_p90_ms = s.lat_p95_ms = s.lat_p99_ms = s.lat_p999_ms =
          s.lat_max_ms = ms;
      s.rows = q.rows;
      s.checksum = q.checksum;
      s.status = status_of(q.outcome);
      out.push_back(std::move(s));
      all.committed += ok ? 1 : 0;
      all.errors += ok ? 0 : 1;
      times_ms.push_back(ms);
    }
    std::sort(times_ms.begin(), times_ms.end());
    double sum = 0;
    for (double t : times_ms) sum += t;
    all.lat_mean_ms = times_ms.empty() ? 0 : sum / static_cast<double>(times_ms.size());
    all.lat_p50_ms = percentile(times_ms, 0.50);
    all.lat_p90_ms = percentile(times_ms, 0.90);
    all.lat_p95_ms = percentile(times_ms, 0.95);
    all.lat_p99_ms = percentile(times_ms, 0.99);
    all.lat_p999_ms = percentile(times_ms, 0.999);
    all.lat_max_ms = times_ms.empty() ? 0 : times_ms.back();
    all.tps = all.duration_s > 0 ? all.committed / all.duration_s : 0;
    all.tpm = all.tps * 60;
    out.push_back(std::move(all));
  }
  return out;
}

}  // namespace

int run_queries(const QueryRunArgs& a, const workload::Spec& spec) {
  run::QueryOptions o;
  o.streams = a.streams > 0 ? a.streams : spec.run.streams;
  if (a.streams < 0 || o.streams > workload::kMaxStreams)
    throw Error(ErrorClass::kBadInput,
                "--streams must be within [1, " + std::to_string(workload::kMaxStreams) + "]");
  o.timeout_s = a.query_timeout.empty() ? spec.run.query_timeout_s : parse_duration_s(a.query_timeout);
  if (!a.query_timeout.empty() && o.timeout_s <= 0)
    throw Error(ErrorClass::kBadInput, "--query-timeout must be above 0, e.g. 30s");
  o.verify = a.verify;
  o.seed = a.seed;
  const double max_error_rate = parse_percent(a.max_error_rate);
  std::vector<engine::Target> targets = parse_targets(a.targets);
  o.scale = checked_scale(spec, targets, a.scale, a.no_data_check);

  run::install_stop_handlers();
  const std::string out = a.out.empty() ? default_out_dir(spec.name) : a.out;
  const std::string run_id = std::filesystem::path(out).filename().string();
  results::Meta meta;
  meta.run_id = run_id;
  meta.workload = spec.name;
  meta.workload_file = a.file;
  meta.workload_sha256 = spec.sha256;
  meta.command_line = redacted_command_line();
  meta.seed = o.seed;
  meta.scale = o.scale;
  meta.queries = results::Meta::Queries{o.streams, o.timeout_s, o.verify};
  std::vector<results::SummaryRow> summary;
  int64_t errors = 0, attempted = 0;
  bool interrupted = false;
  for (const auto& target : targets) {
    if (run::stop_requested()) break;
    note(fmt::format(
        "running {} on {}: {} ({} quer{}{}) at scale {:g}{}{}", spec.name, target.redacted(),
        o.streams == 1 ? "a power run" : fmt::format("a throughput run of {} streams", o.streams),
        spec.queries.size(), spec.queries.size() == 1 ? "y" : "ies", o.streams == 1 ? "" : " each", o.scale,
        o.timeout_s > 0 ? fmt::format(", time-out {:g} s per query", o.timeout_s) : "",
        o.verify ? ", verifying answers" : ""));
    ProgressLine progress(target.redacted());
    run::QueriesResult r = run::run_queries(spec, target, o, [&](const run::QueryProgress& p) {
      progress.update_queries(p.elapsed_s, p.done, p.total, p.errors);
    });
    progress.finish();
    auto rows = summary_rows(r, run_id, spec.name);
    summary.insert(summary.end(), rows.begin(), rows.end());
    results::Meta::TargetInfo ti;
    ti.target = r.target;
    ti.engine = r.engine;
    ti.dialect = r.dialect;
    ti.server_version = r.server_version;
    ti.measured_s = r.elapsed_s;
    ti.start_utc = results::utc_iso(r.start_unix_ms);
    ti.end_utc = results::utc_iso(r.end_unix_ms);
    ti.interrupted = r.interrupted;
    ti.sample_errors = r.sample_errors;
    for (const auto& st : r.streams) {
      const std::string stream = "stream" + std::to_string(st.stream);
      results::Meta::TargetInfo::StreamOrder order{stream, {}};
      for (const auto& q : st.queries) {
        order.queries.push_back(q.query);
        if (q.outcome == run::QueryRun::Outcome::kNotRun) continue;
        ++attempted;
        if (q.outcome == run::QueryRun::Outcome::kOk) continue;
        ++errors;
        ti.query_failures.push_back({stream, q.query, status_of(q.outcome), q.error});
      }
      ti.stream_orders.push_back(std::move(order));
    }
    meta.targets.push_back(std::move(ti));
    for (const auto& e : r.sample_errors) note("  error: " + e);
    interrupted = interrupted || r.interrupted;
  }
  meta.incomplete = interrupted || meta.targets.size() < targets.size();
  if (meta.incomplete)
    for (auto& s : summary) s.incomplete = true;
  results::write_run(out, summary, {}, meta);
  // Shown as read back from the file, as `oltap report` shows it.
  const auto written = results::read_summary(out);
  std::cout << results::query_table(written) << results::query_lines(written);
  std::cout << "results: " << out << "/ (summary.csv, meta.json)\n";
  if (meta.incomplete) {
    note("interrupted: the results above are partial and marked incomplete");
    return kExitInterrupted;
  }
  const double rate = attempted ? static_cast<double>(errors) / attempted : 0;
  if (errors > 0 && rate > max_error_rate) {
    note("errors: " + std::to_string(errors) + " of " + std::to_string(attempted) +
         " queries failed or timed out, above the allowed " + a.max_error_rate);
    return kExitRunErrors;
  }
  return kExitOk;
}

}  // namespace oltap::cli
