// Step 1 of a run: every target reached, its data checked and (for a
// workload of transactions) its clients connected and statements prepared
// before the first target is measured, so a bad target costs a connect
// time-out, not the measurements of the targets before it.
#include <fmt/format.h>

#include "datagen/datagen.h"
#include "parts.h"

namespace oltap::orchestrate {
namespace {

void stop_if_interrupted() {
  if (run::stop_requested()) throw Error(ErrorClass::kInterrupted, "interrupted while connecting");
}

}  // namespace

Plan plan_run(const RunRequest& request, bool analytical, Listener& listener) {
  const workload::Spec& spec = request.spec;
  Plan plan;
  plan.resolved = resolve_options(spec, request.overrides, listener);
  for (const auto& t : request.targets) plan.targets.push_back({t, "", nullptr});

  // Data first: its scale is what the plan is compiled at.
  const bool check = request.data_check && !spec.data.empty();
  std::vector<datagen::DataCheck> loaded;
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
    loaded.push_back(dc);
  }
  plan.scale = request.scale ? *request.scale : check ? datagen::common_scale(loaded) : spec.scale;
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
