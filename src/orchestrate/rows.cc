// A target's measurement as the rows of summary.csv and timeseries.csv.
#include <algorithm>
#include <cmath>
#include <map>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

constexpr double kMsPerSecond = 1000;
constexpr double kNsPerMs = 1e6;

// A percentile of an analytical row's times (nearest rank: a few samples
// are no distribution to interpolate in).
double nearest_rank(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::max(1.0, std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[std::min(rank, sorted.size()) - 1];
}

// The latency columns of an analytical row from its times in ms: the mean,
// the percentiles by nearest rank and the slowest; with median, p50 is the
// median (of an even count, the mean of the middle two: a query's samples),
// else its nearest rank too (a stream's ALL row, as it always was).
void fill_times(results::SummaryRow& s, std::vector<double> ms, bool median) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double t : ms) sum += t;
  const size_t n = ms.size();
  s.lat_mean_ms = n == 0 ? 0 : sum / static_cast<double>(n);
  s.lat_p50_ms = !median || n % 2 == 1 ? nearest_rank(ms, 0.50) : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  s.lat_p90_ms = nearest_rank(ms, 0.90);
  s.lat_p95_ms = nearest_rank(ms, 0.95);
  s.lat_p99_ms = nearest_rank(ms, 0.99);
  s.lat_p999_ms = nearest_rank(ms, 0.999);
  s.lat_max_ms = n == 0 ? 0 : ms.back();
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
  static_assert(results::kErrorClasses == engine::kFailureClasses);
  for (size_t k = 0; k < results::kErrorClasses; ++k) s.err[k] = t.failed[k];
  s.unknown = t.unknown;
  s.classified = true;
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
  // One row per query each stream ran (its timed executions, one per pass),
  // in the order the stream ran them, then the stream's ALL row.
  for (const auto& st : r.streams) {
    const std::string stream = "stream" + std::to_string(st.stream);
    std::vector<std::string> order;
    std::map<std::string, std::vector<const run::QueryRun*>> ran;
    for (const auto& q : st.queries) {
      if (q.outcome == run::QueryRun::Outcome::kNotRun) continue;
      auto& list = ran[q.query];
      if (list.empty()) order.push_back(q.query);
      list.push_back(&q);
    }
    std::vector<double> times_ms;
    results::SummaryRow all = base(stream);
    all.txn = "ALL";
    // With a warm-up pass, the stream's time is its timed passes'.
    all.duration_s = r.warmup_passes > 0 ? st.timed_s : st.elapsed_s;
    for (const auto& name : order) {
      results::SummaryRow s = base(stream);
      s.txn = name;
      std::vector<double> ok_ms, every_ms;
      const run::QueryRun* first_ok = nullptr;
      const run::QueryRun* first_failed = nullptr;
      for (const run::QueryRun* q : ran[name]) {
        const double ms = q->elapsed_s * kMsPerSecond;
        s.duration_s += q->elapsed_s;
        every_ms.push_back(ms);
        times_ms.push_back(ms);
        if (q->outcome == run::QueryRun::Outcome::kOk) {
          ok_ms.push_back(ms);
          if (!first_ok) first_ok = q;
        } else if (!first_failed) {
          first_failed = q;
        }
      }
      s.committed = static_cast<int64_t>(ok_ms.size());
      s.errors = static_cast<int64_t>(every_ms.size() - ok_ms.size());
      s.tps = s.committed > 0 && s.duration_s > 0 ? s.committed / s.duration_s : 0;
      s.tpm = s.tps * 60;
      // The times of its completed executions; a query that never completed
      // keeps the time until it failed, as a single timing always did.
      fill_times(s, ok_ms.empty() ? every_ms : ok_ms, true);
      s.rows = first_ok ? first_ok->rows : -1;
      s.checksum = first_ok ? first_ok->checksum : "";
      s.status = query_status(first_failed ? first_failed->outcome : run::QueryRun::Outcome::kOk);
      out.push_back(results::as_written(s));
      all.committed += s.committed;
      all.errors += s.errors;
    }
    fill_times(all, times_ms, false);
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
    for (size_t k = 0; k < results::kErrorClasses; ++k) e.row.err[k] = i.failed[k];
    e.row.unknown = i.unknown;
    e.row.connected = i.connected;
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
