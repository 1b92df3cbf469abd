// A target's measurement as the rows of summary.csv and timeseries.csv.
#include <algorithm>
#include <cmath>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

constexpr double kMsPerSecond = 1000;
constexpr double kNsPerMs = 1e6;

// A percentile of an analytical stream's query times (nearest rank: each
// query ran once, so there is no distribution to interpolate).
double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::max(1.0, std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[std::min(rank, sorted.size()) - 1];
}

}  // namespace

const char* query_status(run::QueryRun::Outcome o) {
  switch (o) {
    case run::QueryRun::Outcome::kOk:
      return "ok";
    case run::QueryRun::Outcome::kTimeout:
      return "timeout";
    default:
      return "error";
  }
}

namespace {

// A summary row of one total: the whole run's, or one stage's.
results::SummaryRow total_row(const run::RunResult& r, const run::TxnTotals& t, const std::string& run_id,
                              const std::string& workload, double duration_s, const std::string& stage) {
  results::SummaryRow s;
  s.run_id = run_id;
  s.workload = workload;
  s.target = r.target;
  s.engine = r.engine;
  s.group = t.group;
  s.txn = t.txn;
  s.clients = t.clients;
  s.duration_s = duration_s;
  s.committed = t.committed;
  s.aborted = t.aborted;
  s.errors = t.errors;
  s.retries = t.retries;
  s.incomplete = r.interrupted || !r.failure.empty();
  results::fill_latency(s, t.latency);
  results::fill_service(s, t.service);
  s.lag_mean_ms = t.lag.mean() / kNsPerMs;
  s.lag_max_ms = static_cast<double>(t.lag.max()) / kNsPerMs;
  s.late = t.late;
  s.skipped = t.skipped;
  s.offered_tps = t.offered_tps;
  s.stage = stage;
  return results::as_written(s);
}

}  // namespace

std::vector<results::SummaryRow> summary_rows(const run::RunResult& r, const std::string& run_id,
                                              const std::string& workload,
                                              std::vector<const run::TxnTotals*>* sources) {
  std::vector<results::SummaryRow> out;
  auto add = [&](const run::TxnTotals& t, double duration_s, const std::string& stage) {
    out.push_back(total_row(r, t, run_id, workload, duration_s, stage));
    if (sources) sources->push_back(&t);
  };
  for (const auto& t : r.totals) add(t, r.measured_s, "");
  for (const auto& st : r.stages)
    for (const auto& t : st.totals) add(t, st.length_s, std::to_string(st.stage));
  return out;
}

std::vector<results::SummaryRow> query_summary_rows(const run::QueriesResult& r, const std::string& run_id,
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
  // One row per query each stream ran, then the stream's ALL row.
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
      s.status = query_status(q.outcome);
      out.push_back(results::as_written(s));
      all.committed += ok ? 1 : 0;
      all.errors += ok ? 0 : 1;
      times_ms.push_back(ms);
    }
    std::sort(times_ms.begin(), times_ms.end());
    double sum = 0;
    for (double t : times_ms) sum += t;
    all.lat_mean_ms = times_ms.empty() ? 0 : sum / static_cast<double>(times_ms.size());
    all.lat_p50_ms = nearest_rank(times_ms, 0.50);
    all.lat_p90_ms = nearest_rank(times_ms, 0.90);
    all.lat_p95_ms = nearest_rank(times_ms, 0.95);
    all.lat_p99_ms = nearest_rank(times_ms, 0.99);
    all.lat_p999_ms = nearest_rank(times_ms, 0.999);
    all.lat_max_ms = times_ms.empty() ? 0 : times_ms.back();
    all.tps = all.duration_s > 0 ? all.committed / all.duration_s : 0;
    all.tpm = all.tps * 60;
    out.push_back(results::as_written(all));
  }
  return out;
}

std::vector<results::RunFolder::Interval> interval_rows(const std::vector<run::IntervalRow>& rows,
                                                        const std::string& target,
                                                        const IntervalPlace& place) {
  std::vector<results::RunFolder::Interval> out;
  out.reserve(rows.size());
  for (const auto& i : rows) {
    results::RunFolder::Interval e;
    e.row.target = target;
    e.row.group = i.group;
    e.row.txn = i.txn;
    e.row.t_s = place.offset_s + i.t_s;
    e.row.committed = i.committed;
    e.row.aborted = i.aborted;
    e.row.errors = i.errors;
    e.row.tps = i.length_s > 0 ? static_cast<double>(i.committed) / i.length_s : 0;
    e.row.lat_p50_ms = i.latency.value_at_quantile(0.50) / kNsPerMs;
    e.row.lat_p95_ms = i.latency.value_at_quantile(0.95) / kNsPerMs;
    e.row.lat_p99_ms = i.latency.value_at_quantile(0.99) / kNsPerMs;
    e.row.svc_p50_ms = i.service.value_at_quantile(0.50) / kNsPerMs;
    e.row.svc_p99_ms = i.service.value_at_quantile(0.99) / kNsPerMs;
    e.row.lag_mean_ms = i.lag.mean() / kNsPerMs;
    e.row.lag_max_ms = static_cast<double>(i.lag.max()) / kNsPerMs;
    e.row.late = i.late;
    e.row.skipped = i.skipped;
    e.row.offered_tps = i.offered_tps;
    const int stage = place.stage > 0 ? place.stage : i.stage;
    e.row.stage = stage > 0 ? std::to_string(stage) : "";
    // A closed loop's service time is its latency: its own line would repeat it.
    e.service = place.open_loop ? &i.service : nullptr;
    e.length_s = i.length_s;
    e.latency = &i.latency;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace oltap::orchestrate
