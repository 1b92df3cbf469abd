// run_suite(): the rounds of a suite, each case's repetition on each of its
// targets run as `oltap run` would, progress between runs, and suite.csv
// rewritten after each round and whenever the suite stops.
#include <fmt/format.h>

#include <chrono>
#include <map>

#include "suite_parts.h"

namespace oltap::orchestrate {
namespace {

std::string about(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

double seconds_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

}  // namespace

SuiteOutcome run_suite(const SuiteRequest& request, Listener& listener) {
  const workload::Suite& suite = request.suite;
  SuitePlan plan = plan_suite(suite, listener);  // bad input before any folder is made
  open_suite_folder(request.out, request.resume, suite_copy(suite));
  SuiteOutcome outcome;
  outcome.out = request.out;
  const uint64_t seed = request.seed.value_or(suite.seed);

  std::vector<PendingRun> runs;
  for (int round = 1; round <= suite.repetitions; ++round) {
    const std::vector<size_t> order = round_order(plan.cases.size(), seed, round);
    for (size_t pos = 0; pos < order.size(); ++pos)
      for (size_t t : plan.cases[order[pos]].targets) {
        PendingRun r{
            round, pos, order[pos], t,
            rep_dir(request.out, plan.cases[order[pos]].spec_case->name, plan.targets[t].label, round)};
        r.done = request.resume && results::run_complete(r.dir);
        outcome.resumed += r.done;
        runs.push_back(std::move(r));
      }
  }
  if (outcome.resumed > 0)
    listener.note(
        fmt::format("--resume: {} of {} run(s) already complete, kept", outcome.resumed, runs.size()));
  if (suite.load)
    load_once(plan, runs, listener);
  else
    check_data_once(plan, runs, suite.file);

  // Seconds a (case, target) took when it last ran: the estimate of its next runs.
  std::map<std::pair<size_t, size_t>, double> took;
  // "about 1m05s left"; a run of queries or of a count of transactions has
  // no length to go by until it has run once.
  auto time_left = [&](size_t from) -> std::string {
    double s = 0;
    bool known = true;
    for (size_t i = from; i < runs.size(); ++i) {
      if (runs[i].done) continue;
      auto it = took.find({runs[i].case_index, runs[i].target_index});
      const double planned = planned_seconds(plan.cases[runs[i].case_index]);
      known = known && (it != took.end() || planned > 0);
      s += it != took.end() ? it->second : planned;
    }
    return known ? "about " + about(s) + " left" : "time left known once each case has run";
  };
  auto write_rows = [&] {
    outcome.rows = suite_rows(request.out, plan, suite.repetitions);
    results::write_suite_csv(request.out, outcome.rows);
  };

  bool interrupted = false;
  std::vector<std::string> with_errors;
  for (size_t i = 0; i < runs.size() && !interrupted; ++i) {
    const PendingRun& r = runs[i];
    const SuiteCasePlan& c = plan.cases[r.case_index];
    const engine::Target& target = plan.targets[r.target_index];
    if (!r.done) {
      if (run::stop_requested()) {
        interrupted = true;
        break;
      }
      listener.note(fmt::format("suite {}: case {} of {} ({} on {}), repetition {} of {}, {}", suite.name,
                                r.position + 1, plan.cases.size(), c.spec_case->name, target.label, r.round,
                                suite.repetitions, time_left(i)));
      const auto started = std::chrono::steady_clock::now();
      RunOutcome ro;
      try {
        ro = run(case_request(c, target, r.dir, request.command_line), listener);
      } catch (const Error& e) {
        if (e.error_class() != ErrorClass::kInterrupted) {
          write_rows();  // what the suite measured before stays summed up
          throw Error(e.error_class(), c.spec_case->name + " on " + target.label + ", repetition " +
                                           std::to_string(r.round) + ": " + e.what());
        }
        interrupted = true;
        break;
      }
      took[{r.case_index, r.target_index}] = seconds_since(started);
      ++outcome.runs;
      for (const auto& line : ro.verdict) listener.note(line);
      if (ro.exit_code == kExitInterrupted) interrupted = true;
      if (ro.exit_code == kExitRunErrors)
        with_errors.push_back(
            fmt::format("{} on {} repetition {}", c.spec_case->name, target.label, r.round));
    }
    const bool round_ends = i + 1 == runs.size() || runs[i + 1].round != r.round;
    if (round_ends && !interrupted) write_rows();
  }
  if (interrupted) {
    write_rows();
    outcome.exit_code = kExitInterrupted;
    outcome.verdict.push_back(
        "interrupted: the run that was going is kept, marked incomplete; `oltap suite " + suite.file +
        " --out " + request.out + " --resume` runs what is missing");
    return outcome;
  }
  if (!with_errors.empty()) {
    outcome.exit_code = kExitRunErrors;
    std::string list;
    for (const auto& w : with_errors) list += (list.empty() ? "" : ", ") + w;
    outcome.verdict.push_back(
        fmt::format("{} run(s) had more errors than their max_error_rate: {}", with_errors.size(), list));
  }
  return outcome;
}

}  // namespace oltap::orchestrate
