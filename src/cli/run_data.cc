// Before a run: whether each target holds the data the run expects, and the
// scale to run at (the loaded one unless --scale says otherwise).
#include <fmt/format.h>

#include "cli.h"
#include "datagen/datagen.h"

namespace oltap::cli {

double checked_scale(const workload::Spec& spec, const std::vector<engine::Target>& targets,
                     double scale_option, bool no_data_check) {
  const std::optional<double> requested =
      scale_option > 0 ? std::optional<double>(scale_option) : std::optional<double>();
  if (no_data_check) return requested.value_or(spec.scale);
  double scale = requested.value_or(spec.scale);
  for (const auto& c : datagen::check_loaded_targets(spec, targets, requested)) {
    if (c.source.empty()) continue;  // nothing to check: the workload has no data
    note(fmt::format("{}: data at scale {:g}, from {}", c.target, c.scale, c.source));
    scale = c.scale;
  }
  return scale;
}

}  // namespace oltap::cli
