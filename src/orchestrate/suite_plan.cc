// A suite's plan: its targets and workloads read, the cases matched with the
// targets they apply to, and what one repetition of a case on a target asks
// of `oltap run`.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "suite_parts.h"

namespace oltap::orchestrate {
namespace {

bool has_step(const std::vector<workload::Step>& steps, bool key_value) {
  for (const auto& s : steps) {
    if (key_value ? !s.redis.empty() : !s.sql.empty()) return true;
    if (has_step(s.body, key_value) || has_step(s.else_body, key_value)) return true;
  }
  return false;
}

}  // namespace

std::string why_not_applies(const workload::Spec& spec, const engine::Target& target) {
  // The same rule as run::prepare_run's: a step runs where it has a text for the engine's kind.
  const bool key_value = target.engine == "redis";
  if (!spec.queries.empty()) return key_value ? "a workload of queries runs on SQL targets only" : "";
  for (const auto& t : spec.transactions)
    if (!has_step(t.steps, key_value))
      return "its transaction '" + t.name + "' has no " + (key_value ? "`redis:` commands" : "SQL") +
             " for a " + (key_value ? "key-value" : "SQL") + " target";
  return "";
}

SuitePlan plan_suite(const workload::Suite& suite, Listener& listener) {
  SuitePlan plan;
  for (const auto& st : suite.targets) {
    try {
      plan.targets.push_back(engine::parse_target(st.uri));
    } catch (const Error& e) {
      throw workload::error_at(st.mark, "target '" + st.label + "': " + e.what());
    }
    plan.targets.back().label = st.label;
  }
  for (const auto& c : suite.cases) {
    SuiteCasePlan p;
    p.spec_case = &c;
    // A workload read twice (two cases, or a matrix) is the same file: read once.
    bool found = false;
    for (const auto& q : plan.cases)
      if (q.spec_case->workload == c.workload) {
        p.spec = q.spec;
        found = true;
        break;
      }
    if (!found) p.spec = workload::load_spec(c.workload);
    for (size_t i = 0; i < plan.targets.size(); ++i) {
      const std::string& label = plan.targets[i].label;
      const bool listed =
          c.targets.empty() || std::find(c.targets.begin(), c.targets.end(), label) != c.targets.end();
      if (!listed) continue;
      const std::string why = why_not_applies(p.spec, plan.targets[i]);
      if (!why.empty()) {
        listener.note("case " + c.name + " skips target " + label + ": " + why);
        continue;
      }
      p.targets.push_back(i);
    }
    if (p.targets.empty()) listener.note("case " + c.name + " has no target it applies to: it does not run");
    plan.cases.push_back(std::move(p));
  }
  return plan;
}

std::string rep_dir(const std::string& out, const std::string& case_name, const std::string& label, int rep) {
  return (std::filesystem::path(out) / case_name / label / ("rep-" + std::to_string(rep))).string();
}

double planned_seconds(const SuiteCasePlan& c) {
  if (!c.spec.queries.empty()) return 0;
  const workload::SuiteSettings& s = c.spec_case->settings;
  if (s.transactions || (!s.duration_s && c.spec.run.transactions > 0))
    return s.warmup_s.value_or(c.spec.run.warmup_s);
  return s.duration_s.value_or(c.spec.run.duration_s) + s.warmup_s.value_or(c.spec.run.warmup_s);
}

RunRequest case_request(const SuiteCasePlan& c, const engine::Target& target, const std::string& dir,
                        const std::string& command_line) {
  const workload::SuiteSettings& s = c.spec_case->settings;
  RunRequest r;
  r.workload_file = c.spec_case->workload;
  r.spec = c.spec;
  r.targets = {target};
  r.scale = s.scale;
  r.out = dir;
  r.force = true;  // the folder is new, or an incomplete repetition a resume redoes
  r.max_error_rate = s.max_error_rate.value_or(0);
  r.max_error_rate_text = format_percent(r.max_error_rate);
  r.command_line = command_line;
  RunOverrides& o = r.overrides;
  // Settings of the other kind of workload (a suite's defaults are shared by
  // both) are left out, as `oltap run` would refuse them.
  if (!c.spec.queries.empty()) {
    o.streams = s.streams;
    o.query_timeout_s = s.query_timeout_s;
    o.repeat = s.repeat;
    o.verify = s.verify.value_or(false);
    return r;
  }
  o.clients = s.clients;
  if (s.transactions)
    o.transactions = s.transactions;
  else
    o.duration_s = s.duration_s;
  o.warmup_s = s.warmup_s;
  o.max_retries = s.max_retries;
  o.pipeline = s.pipeline;
  o.threads = s.threads;
  o.think_times = s.think_times.value_or(false);
  if (s.rate) o.rates = {*s.rate};
  if (s.arrival) o.arrival = *s.arrival == "uniform" ? run::Arrival::kUniform : run::Arrival::kPoisson;
  o.latency_limit_s = s.latency_limit_s;
  return r;
}

}  // namespace oltap::orchestrate
