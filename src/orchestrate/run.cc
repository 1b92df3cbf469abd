// run(): plan, measure, judge (orchestrate.h), with the result folder
// created only once every target is ready, so a run refused at planning
// leaves no folder behind; from then on its meta.json says the run is
// running until the end says how it ended, so a folder of a killed oltap
// says it was cut short.
#include <chrono>
#include <filesystem>

#include "parts.h"

namespace oltap::orchestrate {

RunOutcome run(const RunRequest& request, Listener& listener) {
  RunOutcome outcome;
  outcome.analytical = !request.spec.queries.empty();
  outcome.out = request.out;
  // Before anything connects: a baseline is not overwritten by a run that
  // would then fail on its first target.
  results::check_out_dir(request.out, request.force);
  Plan plan = plan_run(request, outcome.analytical, listener);

  const std::string run_id = std::filesystem::path(request.out).filename().string();
  outcome.meta = request_meta(request, plan, run_id);
  results::RunFolder folder(request.out, request.force, !outcome.analytical,
                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  folder.write_summary(outcome.summary, outcome.meta);  // meta.json: running, no target begun
  try {
    if (outcome.analytical)
      run_query_targets(request, plan, folder, outcome, listener);
    else
      measure_targets(request, plan, folder, outcome, listener);
  } catch (const Error& e) {
    // What stops the run once its folder exists (a file that cannot be
    // written, Ctrl-C as a sweep's step connects) is said there too, not
    // left as "running", which would read as oltap killed.
    outcome.meta.status = e.error_class() == ErrorClass::kInterrupted ? "interrupted" : "failed";
    try {
      folder.write_summary(outcome.summary, outcome.meta);
    } catch (const Error&) {
      // The folder cannot be written (the likely first error): e is what is reported.
    }
    throw;
  }

  judge(request, outcome);
  outcome.meta.incomplete = outcome.incomplete;
  // Rows of a target that did not complete are marked in measure; a run
  // that stopped before its last target leaves the others unmarked: their
  // figures are whole.
  folder.write_summary(outcome.summary, outcome.meta);
  outcome.headlines = results::headlines(outcome.summary, outcome.meta.headline, outcome.meta.scale);
  return outcome;
}

}  // namespace oltap::orchestrate
