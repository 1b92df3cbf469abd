// Step 1 of a run: every target reached, its data checked and (for a
// workload of transactions) its clients connected and statements prepared
// before the first target is measured, so a bad target costs a connect
// time-out, not the measurements of the targets before it.
#include <fmt/format.h>

#include <map>

#include "datagen/datagen.h"
#include "parts.h"

namespace oltap::orchestrate {
namespace {

void stop_if_interrupted() {
  if (run::stop_requested()) throw Error(ErrorClass::kInterrupted, "interrupted while connecting");
}

// The scale every target's data is at, which the run takes when none is
// asked for; targets loaded at different scales need --scale.
double common_scale(const std::vector<std::pair<std::string, double>>& loaded) {
  for (const auto& [label, scale] : loaded)
    if (scale != loaded.front().second)
      throw Error(
          ErrorClass::kBadInput,
          fmt::format("the targets' data is at different scales ({} at {:g}, {} at {:g}); give --scale "
                      "to run them at one, or load them alike",
                      loaded.front().first, loaded.front().second, label, scale));
  return loaded.empty() ? 1 : loaded.front().second;
}

}  // namespace

Plan plan_run(const RunRequest& request, bool analytical, Listener& listener) {
  const workload::Spec& spec = request.spec;
  Plan plan;
  plan.resolved = resolve_options(spec, request.overrides, listener);
  for (const auto& t : request.targets) plan.targets.push_back({t, "", nullptr});

  // Data first: its scale is what the plan is compiled at.
  const bool check = request.data_check && !spec.data.empty();
  std::vector<std::pair<std::string, double>> loaded;
  for (auto& p : plan.targets) {
    if (!check && !analytical) break;  // prepare_run connects below
    stop_if_interrupted();
    std::unique_ptr<engine::Connection> conn = engine::connect(p.target);
    if (analytical) run::check_query_target(spec, p.target, *conn);
    if (!check) continue;
    datagen::DataCheck dc = datagen::check_loaded_data(spec, *conn, p.target, request.scale);
    p.data = dc.source;
    if (!dc.source.empty())
      listener.note(fmt::format("{}: data at scale {:g}, from {}", dc.target, dc.scale, dc.source));
    loaded.emplace_back(p.target.redacted(), dc.scale);
  }
  plan.scale = request.scale ? *request.scale : check ? common_scale(loaded) : spec.scale;
  if (!request.data_check && !spec.data.empty())
    listener.note("--no-data-check: the data of the targets was not checked against the run");
  plan.resolved.options.scale = plan.resolved.query_options.scale = plan.scale;
  if (analytical) return plan;
  for (auto& p : plan.targets) {
    stop_if_interrupted();
    p.prepared = run::prepare_run(spec, p.target, plan.resolved.options);
  }
  return plan;
}

}  // namespace oltap::orchestrate
