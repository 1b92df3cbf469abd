// What meta.json records of a request before any target ran: the workload,
// the settings, and every target as not run yet.
#include "parts.h"

namespace oltap::orchestrate {

results::Meta request_meta(const RunRequest& request, const Plan& plan, const std::string& run_id) {
  const workload::Spec& spec = request.spec;
  results::Meta meta;
  meta.run_id = run_id;
  meta.workload = spec.name;
  meta.workload_file = request.workload_file;
  meta.workload_sha256 = spec.sha256;
  meta.command_line = request.command_line;
  meta.scale = plan.scale;
  meta.status = "running";  // until the run ends (judge)
  meta.incomplete = true;   // until every target has run
  if (!spec.queries.empty()) {
    const run::QueryOptions& q = plan.resolved.query_options;
    meta.seed = q.seed;
    meta.queries = results::Meta::Queries{q.streams, q.timeout_s, q.verify, q.repeat, q.warmup_passes};
  } else {
    const run::Options& o = plan.resolved.options;
    meta.seed = o.seed;
    meta.duration_s = o.transactions ? 0
                      : plan.resolved.sweep
                          ? o.duration_s * static_cast<double>(plan.resolved.sweep_rates.size())
                          : o.duration_s;
    meta.warmup_s = o.warmup_s;
    meta.transactions_per_client = o.transactions;
    meta.think_times = o.think_times;
    if (request.overrides.shard) meta.shard = results::Meta::Shard{o.shard.index, o.shard.count};
    bool open = o.rate > 0 || !o.group_rate.empty() || plan.resolved.sweep;
    for (const auto& st : o.stages) open = open || st.rate > 0;
    if (open || !o.stages.empty() || o.latency_limit_s > 0) {
      results::Meta::OpenLoop ol;
      ol.rate = o.rate;
      ol.group_rate = o.group_rate;
      ol.arrival = o.arrival == run::Arrival::kUniform ? "uniform" : "poisson";
      ol.latency_limit_s = o.latency_limit_s;
      for (const auto& st : o.stages) ol.stages.push_back({st.duration_s, st.rate, st.clients});
      for (double rate : plan.resolved.sweep_rates) ol.stages.push_back({o.duration_s, rate, 0});
      if (plan.resolved.sweep) ol.rate = 0;
      ol.sweep = plan.resolved.sweep;
      ol.slo = request.overrides.slo;
      meta.open_loop = ol;
    }
    if (spec.headline)
      meta.headline = {spec.headline->name, spec.headline->transaction, spec.headline->per_scale_max,
                       spec.headline->include_aborted};
  }
  for (const auto& p : plan.targets) {
    results::Meta::TargetInfo ti;
    ti.target = p.target.redacted();
    ti.label = p.target.label;
    ti.engine = p.target.engine;
    ti.data = p.data;
    meta.targets.push_back(std::move(ti));
  }
  return meta;
}

}  // namespace oltap::orchestrate
