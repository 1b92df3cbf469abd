// A rate sweep's latency-throughput curve: each stage of the sweep (one
// offered rate) as a point per transaction and group, with its achieved
// rate, its latencies from the intended start, its service time and whether
// it met the SLO.
#include "parts.h"

namespace oltap::orchestrate {

std::vector<results::CurvePoint> curve_points(const run::RunResult& r,
                                              const std::optional<results::Slo>& slo) {
  constexpr double kNsPerMs = 1e6;
  std::vector<results::CurvePoint> out;
  for (const run::StageTotals& st : r.stages)
    for (const run::TxnTotals& t : st.totals) {
      results::CurvePoint p;
      p.target = r.target;
      p.group = t.group;
      p.txn = t.txn;
      p.offered_tps = t.offered_tps;
      p.achieved_tps = st.length_s > 0 ? static_cast<double>(t.committed + t.aborted) / st.length_s : 0;
      p.lat_p50_ms = t.latency.value_at_quantile(0.50) / kNsPerMs;
      p.lat_p99_ms = t.latency.value_at_quantile(0.99) / kNsPerMs;
      p.lat_p999_ms = t.latency.value_at_quantile(0.999) / kNsPerMs;
      p.svc_p99_ms = t.service.value_at_quantile(0.99) / kNsPerMs;
      p.late = t.late;
      p.skipped = t.skipped;
      if (slo) p.met = results::slo_met(*slo, t.latency, t.service, t.skipped);
      out.push_back(std::move(p));
    }
  return out;
}

}  // namespace oltap::orchestrate
