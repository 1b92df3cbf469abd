// A suite's data, before anything is measured. With `load: true` each
// (workload, target, scale) its remaining runs need is loaded once, and not
// at all when the target already holds that data, as `oltap run` checks it.
// Without, the same check is made of each once, so that data that does not
// match stops the suite before its first run (not hours in, at the case
// that needs it), with a suite's advice rather than a run's.
#include <fmt/format.h>

#include <set>
#include <tuple>

#include "datagen/datagen.h"
#include "suite_parts.h"

namespace oltap::orchestrate {
namespace {

// What a data check found, without its advice (run with --scale, load again).
std::string found_only(const Error& e) {
  std::string found = e.what();
  if (const size_t advice = found.rfind("; "); advice != std::string::npos) found.resize(advice);
  return found;
}

}  // namespace

void check_data_once(const SuitePlan& plan, const std::vector<PendingRun>& runs,
                     const std::string& suite_file) {
  std::set<std::tuple<std::string, size_t, std::optional<double>>> seen;
  for (const auto& pending : runs) {
    if (pending.done) continue;
    const SuiteCasePlan& c = plan.cases[pending.case_index];
    const engine::Target& target = plan.targets[pending.target_index];
    // As the case's run asks: its scale, else whatever scale the data is at.
    const std::optional<double> scale = c.spec_case->settings.scale;
    if (c.spec.data.empty() || !seen.insert({c.spec_case->workload, pending.target_index, scale}).second)
      continue;
    std::unique_ptr<engine::Connection> conn = engine::connect(target);
    try {
      datagen::check_loaded_data(c.spec, *conn, target, scale);
    } catch (const Error& e) {
      if (e.error_class() != ErrorClass::kBadInput) throw;
      throw Error(
          ErrorClass::kBadInput,
          fmt::format("case {} on {}: {}; set `load: true` in {} to load it before the runs, or load it "
                      "yourself: oltap load {} --target {} --scale {:g}",
                      c.spec_case->name, target.label, found_only(e), suite_file, c.spec_case->workload,
                      target.redacted(), scale.value_or(c.spec.scale)));
    }
  }
}

void load_once(const SuitePlan& plan, const std::vector<PendingRun>& runs, Listener& listener) {
  std::set<std::tuple<std::string, size_t, double>> seen;
  for (const auto& pending : runs) {
    if (pending.done) continue;
    const SuiteCasePlan& c = plan.cases[pending.case_index];
    const engine::Target& target = plan.targets[pending.target_index];
    const double scale = c.spec_case->settings.scale.value_or(c.spec.scale);
    if (!seen.insert({c.spec_case->workload, pending.target_index, scale}).second) continue;
    if (c.spec.data.empty()) continue;  // nothing to load
    {
      std::unique_ptr<engine::Connection> conn = engine::connect(target);
      try {
        const datagen::DataCheck dc = datagen::check_loaded_data(c.spec, *conn, target, scale);
        listener.note(fmt::format("{} on {}: data at scale {:g} already there ({}), not loaded again",
                                  c.spec.name, target.label, scale, dc.source));
        continue;
      } catch (const Error& e) {
        if (e.error_class() != ErrorClass::kBadInput) throw;
        // What the check found, without its advice to load (which this does).
        listener.note(fmt::format("{} on {}: loading at scale {:g} (found: {})", c.spec.name, target.label,
                                  scale, found_only(e)));
      }
    }
    datagen::LoadOptions o;
    o.scale = scale;
    const datagen::LoadReport r =
        datagen::load(c.spec, target, o, [&](const std::string& line) { listener.note("  " + line); });
    int64_t rows = 0;
    for (const auto& t : r.tables) rows += t.rows;
    listener.note(fmt::format("{} on {}: loaded {} rows into {} table(s) in {:.1f} s", c.spec.name,
                              target.label, rows, r.tables.size(), r.seconds));
  }
}

}  // namespace oltap::orchestrate
