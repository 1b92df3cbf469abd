// Step 2 of a workload of queries: each target's streams in turn, its rows
// and meta written when it finishes.
#include <fmt/format.h>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

std::string what_runs(const RunRequest& request, const run::QueryOptions& o, const engine::Target& target) {
  const workload::Spec& spec = request.spec;
  const double scale = o.scale;
  return fmt::format(
      "running {} on {}: {} ({} quer{}{}) at scale {:g}{}{}{}", spec.name, target.shown(),
      o.streams == 1 ? "a power run" : fmt::format("a throughput run of {} streams", o.streams),
      spec.queries.size(), spec.queries.size() == 1 ? "y" : "ies", o.streams == 1 ? "" : " each", scale,
      o.timeout_s > 0 ? fmt::format(", time-out {:g} s per query", o.timeout_s) : "",
      o.verify ? ", verifying answers" : "",
      o.repeat > 1 ? fmt::format(", each timed {} times after {} warm-up pass{}", o.repeat, o.warmup_passes,
                                 o.warmup_passes == 1 ? "" : "es")
                   : "");
}

}  // namespace

void run_query_targets(const RunRequest& request, Plan& plan, results::RunFolder& folder, RunOutcome& outcome,
                       Listener& listener) {
  results::Meta& meta = outcome.meta;
  const run::QueryOptions& o = plan.resolved.query_options;
  for (size_t i = 0; i < plan.targets.size(); ++i) {
    if (run::stop_requested()) break;
    const engine::Target& target = plan.targets[i].target;
    results::Meta::TargetInfo& ti = meta.targets[i];
    begin_target(i, what_runs(request, o, target), folder, outcome, listener);
    run::QueriesResult r;
    try {
      // Progress comes from the run's watchdog, which must not unwind: a
      // listener that throws is only not told again.
      bool listening = true;
      r = run::run_queries(request.spec, target, o, [&](const run::QueryProgress& p) {
        if (!listening) return;
        try {
          listener.query_progress(p);
        } catch (...) {
          listening = false;
        }
      });
    } catch (const Error& e) {
      target_threw(i, e, folder, outcome, listener);  // its streams could not start
      continue;
    }
    listener.target_finished();

    auto rows = query_summary_rows(r, meta.run_id, request.spec.name);
    outcome.summary.insert(outcome.summary.end(), rows.begin(), rows.end());
    record_target(ti, r);
    ti.measured_s = r.elapsed_s;
    ti.status = r.interrupted ? "interrupted" : "complete";
    for (const auto& st : r.streams) {
      const std::string stream = "stream" + std::to_string(st.stream);
      results::Meta::TargetInfo::StreamOrder order{stream, {}};
      for (const auto& q : st.queries) {
        if (q.pass == 1) order.queries.push_back(q.query);
        if (q.outcome == run::QueryRun::Outcome::kNotRun) continue;
        ++outcome.attempted;
        if (q.outcome == run::QueryRun::Outcome::kOk) continue;
        ++outcome.errors;
        ti.query_failures.push_back(
            {stream, q.query, query_status(q.outcome),
             o.repeat > 1 ? "pass " + std::to_string(q.pass) + ": " + q.error : q.error});
      }
      ti.stream_orders.push_back(std::move(order));
    }
    for (const auto& e : r.sample_errors) listener.note("  error: " + e);
    for (const auto& u : r.unstable_answers) listener.note("  note: " + u);
    folder.write_summary(outcome.summary, meta);
  }
}

}  // namespace oltap::orchestrate
