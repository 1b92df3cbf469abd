// A rate sweep on one target: each rate measured on its own, one after the
// other, and the steps put together as one result whose stages they are.
// Each step connects its clients anew (the first uses the plan's) and has
// its own warm-up, so nothing of one rate's backlog or stall is charged to
// the next: pgbench users run each rate as a run of its own for the same
// reason. The steps add up: the whole run's counts and histograms are their
// sums, its time their measured times together.
#include <fmt/format.h>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

// Adds step (stage `stage`, starting offset_s into the target's measured
// time) to all.
void add_step(run::RunResult& all, run::RunResult& step, int stage, double offset_s, double rate) {
  if (stage == 1) {
    all.target = step.target;
    all.engine = step.engine;
    all.dialect = step.dialect;
    all.server_version = step.server_version;
    all.warmup_s = step.warmup_s;
    all.start_unix_ms = step.start_unix_ms;
    all.totals = step.totals;
    all.client_cost = step.client_cost;
    all.client_cost.client_bound = false;
    all.client_cost.why.clear();
  } else {
    // The same plan on the same target: the rows are the same, in order
    // (their rates are redone in finish()).
    for (size_t i = 0; i < all.totals.size() && i < step.totals.size(); ++i)
      all.totals[i].add(step.totals[i]);
    run::ClientCost& c = all.client_cost;
    c.user_s += step.client_cost.user_s;
    c.system_s += step.client_cost.system_s;
    c.busiest_thread_share = std::max(c.busiest_thread_share, step.client_cost.busiest_thread_share);
  }
  if (step.client_cost.client_bound && !all.client_cost.client_bound) {
    all.client_cost.client_bound = true;
    all.client_cost.why = fmt::format("at {:.10g} tx/s, {}", rate, step.client_cost.why);
  }
  all.measured_s += step.measured_s;
  all.warmup_committed += step.warmup_committed;
  all.reconnects += step.reconnects;
  all.connection_failures += step.connection_failures;
  all.outage_s += step.outage_s;
  for (auto& e : step.sample_errors)
    if (all.sample_errors.size() < 10) all.sample_errors.push_back(e);
  all.end_unix_ms = step.end_unix_ms;
  all.interrupted = all.interrupted || step.interrupted;
  if (all.failure.empty() && !step.failure.empty())
    all.failure = fmt::format("at {:.10g} tx/s, {}", rate, step.failure);
  run::StageTotals st;
  st.stage = stage;
  st.start_s = offset_s;
  st.length_s = step.measured_s;
  st.totals = std::move(step.totals);
  all.stages.push_back(std::move(st));
}

// The whole run's figures that are not sums: the rate asked for (each
// step's, weighted by its measured time; a group's ALL row the sum of its
// transactions') and the client's CPU per transaction.
void finish(run::RunResult& all) {
  double length = 0;
  for (const auto& st : all.stages) length += st.length_s;
  for (size_t i = 0, first = 0; i < all.totals.size(); ++i) {
    run::TxnTotals& t = all.totals[i];
    if (t.txn == "ALL") {
      t.offered_tps = 0;
      for (size_t k = first; k < i; ++k) t.offered_tps += all.totals[k].offered_tps;
      first = i + 1;
      continue;
    }
    double weighted = 0;
    for (const auto& st : all.stages) weighted += st.totals[i].offered_tps * st.length_s;
    t.offered_tps = length > 0 ? weighted / length : 0;
  }
  int64_t completed = 0;
  for (const auto& t : all.totals)
    if (t.txn == "ALL") completed += t.committed + t.aborted + t.errors;
  run::ClientCost& c = all.client_cost;
  c.cpu_per_txn_us = completed > 0 ? (c.user_s + c.system_s) * 1e6 / static_cast<double>(completed) : 0;
}

}  // namespace

run::RunResult measure_sweep(const RunRequest& request, Plan& plan, PlannedTarget& p,
                             results::RunFolder& folder, Listener& listener, std::vector<int64_t>& step_from,
                             std::exception_ptr& series_failed) {
  const std::vector<double>& rates = plan.resolved.sweep_rates;
  run::RunResult all;
  for (size_t k = 0; k < rates.size(); ++k) {
    if (run::stop_requested()) break;
    const int stage = static_cast<int>(k) + 1;
    listener.note(fmt::format("  rate {} of {}: {:.10g} tx/s", stage, rates.size(), rates[k]));
    run::Options o = plan.resolved.options;
    o.rate = rates[k];
    run::RunResult step;
    try {
      if (!p.prepared) p.prepared = run::prepare_run(request.spec, p.target, o);
      const int64_t from = unix_ms_now() + static_cast<int64_t>(o.warmup_s * 1000);
      IntervalRecorder recorder(folder, listener, p.target.name(), from,
                                IntervalPlace{true, all.measured_s, stage});
      step = run::measure(*p.prepared, recorder);
      p.prepared.reset();
      step_from.push_back(from);
      add_step(all, step, stage, all.measured_s, rates[k]);
      if (!series_failed) series_failed = recorder.failure();
    } catch (const Error& e) {
      // The first rate's failure is the target's; a later one ends the
      // sweep there and keeps the rates measured before it.
      if (k == 0 || e.error_class() == ErrorClass::kInterrupted) throw;
      all.failure = fmt::format("at {:.10g} tx/s, {}", rates[k], e.what());
      break;
    }
    if (step.interrupted || !step.failure.empty()) break;
  }
  finish(all);
  return all;
}

}  // namespace oltap::orchestrate
