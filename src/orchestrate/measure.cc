// Step 2 of a workload of transactions: each planned target measured in
// turn, its intervals appended to the folder as they end, its summary and
// meta written when it finishes.
#include <fmt/format.h>

#include <chrono>
#include <exception>

#include "parts.h"

namespace oltap::orchestrate {

int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

IntervalRecorder::IntervalRecorder(results::RunFolder& folder, Listener& listener, std::string target,
                                   int64_t measured_from_unix_ms, IntervalPlace place)
    : folder_(folder),
      listener_(listener),
      target_(std::move(target)),
      from_(measured_from_unix_ms),
      place_(place) {}

void IntervalRecorder::on_progress(const run::Progress& p) {
  try {
    run::Progress shown = p;
    if (place_.stage > 0) shown.stage = place_.stage;
    listener_.progress(shown);
  } catch (...) {
    keep(std::current_exception());
  }
}

void IntervalRecorder::on_interval(const std::vector<run::IntervalRow>& rows) {
  if (failed_) return;
  try {
    folder_.append_intervals(interval_rows(rows, target_, place_), from_);
  } catch (const std::exception& e) {
    keep(std::current_exception());
    listener_.note(std::string("the time series stops here: ") + e.what());
  }
}

void IntervalRecorder::keep(std::exception_ptr e) noexcept {
  if (!failed_) failed_ = std::move(e);
}

namespace {

// What the open loop asks for, for the line that says what runs.
std::string rate_text(const run::Options& o) {
  std::string out;
  if (!o.stages.empty()) {
    out = fmt::format(", in {} stage(s):", o.stages.size());
    for (const auto& st : o.stages)
      out += fmt::format(" {:g} s at {}", st.duration_s,
                         st.rate > 0 ? fmt::format("{:.10g} tx/s", st.rate) : "full speed");
  } else if (o.rate > 0) {
    out = fmt::format(", at {:.10g} tx/s", o.rate);
  }
  for (const auto& [g, r] : o.group_rate) out += fmt::format(", group {} at {:.10g} tx/s", g, r);
  if (!out.empty())
    out += o.arrival == run::Arrival::kUniform ? " (uniform arrivals)" : " (Poisson arrivals)";
  if (o.latency_limit_s > 0) out += fmt::format(", latency limit {:g} ms", o.latency_limit_s * 1000);
  return out;
}

std::string what_runs(const RunRequest& request, const Resolved& resolved, const engine::Target& target) {
  const run::Options& o = resolved.options;
  if (resolved.sweep) {
    std::string rates;
    for (double r : resolved.sweep_rates) rates += fmt::format("{}{:.10g}", rates.empty() ? "" : ", ", r);
    return fmt::format("running {} on {}: a sweep of {} rates ({} tx/s), each for {:g} s{}",
                       request.spec.name, target.shown(), resolved.sweep_rates.size(), rates, o.duration_s,
                       o.warmup_s > 0 ? fmt::format(" after {:g} s of warm-up of its own", o.warmup_s) : "");
  }
  return "running " + request.spec.name + " on " + target.shown() +
         (o.transactions ? " for " + std::to_string(o.transactions) + " transaction(s) per client"
                         : fmt::format(" for {:g} s", o.duration_s)) +
         (o.warmup_s > 0 ? fmt::format(" after {:g} s of warm-up", o.warmup_s) : "") +
         (o.think_times ? ", with keying and think times" : "") + rate_text(o);
}

// Whether the run has a rate anywhere (an open loop, in some stage or group).
bool open_loop(const run::Options& o) {
  bool open = o.rate > 0 || !o.group_rate.empty();
  for (const auto& st : o.stages) open = open || st.rate > 0;
  return open;
}

// The knee of each group of target (its ALL rows' points) under the SLO.
std::map<std::string, std::optional<double>> knees(const std::vector<results::CurvePoint>& points) {
  std::map<std::string, std::vector<results::CurvePoint>> by_group;
  for (const auto& p : points)
    if (p.txn == "ALL") by_group[p.group].push_back(p);
  std::map<std::string, std::optional<double>> out;
  for (const auto& [group, pts] : by_group) out[group] = results::knee(pts);
  return out;
}

}  // namespace

void measure_targets(const RunRequest& request, Plan& plan, results::RunFolder& folder, RunOutcome& outcome,
                     Listener& listener) {
  results::Meta& meta = outcome.meta;
  const run::Options& o = plan.resolved.options;
  for (size_t i = 0; i < plan.targets.size(); ++i) {
    if (run::stop_requested()) break;
    PlannedTarget& p = plan.targets[i];
    results::Meta::TargetInfo& ti = meta.targets[i];
    begin_target(i, what_runs(request, plan.resolved, p.target), folder, outcome, listener);
    const std::optional<ShardStart> checked_in = start_together(request, p.target, i, listener);
    const int64_t measured_from = unix_ms_now() + static_cast<int64_t>(o.warmup_s * 1000);
    // When each step of a sweep (or the one measurement) began, on the folder's clock.
    std::vector<int64_t> step_from;
    std::exception_ptr series_failed;
    run::RunResult r;
    try {
      if (plan.resolved.sweep) {
        r = measure_sweep(request, plan, p, folder, listener, step_from, series_failed);
      } else {
        IntervalRecorder recorder(folder, listener, p.target.name(), measured_from,
                                  IntervalPlace{open_loop(o), 0, 0});
        r = run::measure(*p.prepared, recorder);
        step_from.push_back(measured_from);
        series_failed = recorder.failure();
      }
    } catch (const Error& e) {
      if (checked_in) leave(*checked_in, p.target, listener);
      target_threw(i, e, folder, outcome, listener);  // what it measured is lost with it
      continue;
    }
    if (checked_in) leave(*checked_in, p.target, listener);
    p.prepared.reset();  // its connections are done with
    listener.target_finished();

    // The summary first: it is whole in memory even when the series could not be written.
    std::vector<const run::TxnTotals*> sources;
    auto rows = summary_rows(r, meta.run_id, request.spec.name, &sources);
    outcome.summary.insert(outcome.summary.end(), rows.begin(), rows.end());
    record_target(ti, r);
    ti.measured_s = r.measured_s;
    ti.warmup_committed = r.warmup_committed;
    ti.failure = r.failure;
    ti.connections = results::Meta::TargetInfo::Connections{r.reconnects, r.connection_failures, r.outage_s};
    if (const run::ClientCost& c = r.client_cost; c.cores > 0)  // cores == 0: not measured
      ti.client = {c.user_s,       c.system_s, c.cpu_per_txn_us, c.busiest_thread_share, c.cores,
                   c.client_bound, c.why};
    if (r.client_cost.client_bound) listener.note(p.target.name() + ": " + r.client_cost.why);
    ti.status = r.interrupted ? "interrupted" : !r.failure.empty() ? "failed" : "complete";
    for (const auto& t : r.totals) {
      if (t.txn != "ALL") continue;
      outcome.errors += t.errors;
      outcome.attempted += t.committed + t.aborted + t.errors;
    }
    for (const auto& e : r.sample_errors) listener.note("  error: " + e);
    if (!r.failure.empty()) listener.note(p.target.name() + " did not complete: " + r.failure);
    if (plan.resolved.sweep) {
      auto points = curve_points(r, plan.resolved.slo);
      if (plan.resolved.slo) {
        ti.knee_tps = knees(points);
        for (const auto& [group, knee] : ti.knee_tps)
          listener.note(p.target.name() + (ti.knee_tps.size() > 1 ? " group " + group : "") + ": " +
                        (knee ? fmt::format("the knee is at {:.10g} tx/s", *knee)
                              : std::string("even the lowest rate missed")) +
                        " (" + plan.resolved.slo->text + ")");
      }
      outcome.curve.insert(outcome.curve.end(), points.begin(), points.end());
      results::write_curve(outcome.out, outcome.curve);
    }
    folder.write_summary(outcome.summary, meta);
    if (series_failed) std::rethrow_exception(series_failed);
    // The whole run's histograms, then each stage's from its own start (a
    // sweep's steps each began on their own).
    for (size_t k = 0; k < rows.size(); ++k) {
      const run::TxnTotals& t = *sources[k];
      int64_t from = step_from.empty() ? measured_from : step_from.front();
      for (const auto& st : r.stages)
        if (!rows[k].stage.empty() && std::to_string(st.stage) == rows[k].stage)
          from = plan.resolved.sweep && static_cast<size_t>(st.stage) <= step_from.size()
                     ? step_from[st.stage - 1]
                     : from + static_cast<int64_t>(st.start_s * 1000);
      folder.append_whole_run(rows[k], t.latency, open_loop(o) || plan.resolved.sweep ? &t.service : nullptr,
                              from);
    }
  }
}

}  // namespace oltap::orchestrate
