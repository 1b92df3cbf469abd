// Step 3 of a run: its exit code, from what was measured, and the lines
// that say why it is not 0.
#include <fmt/format.h>

#include "parts.h"

namespace oltap::orchestrate {

void judge(const RunRequest& request, RunOutcome& outcome) {
  bool interrupted = false;
  std::vector<std::string> failed;
  for (const auto& t : outcome.meta.targets) {
    if (t.status == "interrupted" || t.status == "not run" || t.status == "running") interrupted = true;
    if (t.status == "failed") failed.push_back(t.name() + " (" + t.failure + ")");
  }
  outcome.incomplete = interrupted || !failed.empty();
  outcome.meta.status = interrupted ? "interrupted" : !failed.empty() ? "failed" : "complete";
  for (const auto& f : failed) outcome.verdict.push_back("did not complete: " + f);
  if (interrupted) {
    outcome.verdict.push_back("interrupted: the results above are partial and marked incomplete");
    outcome.exit_code = kExitInterrupted;
    return;
  }
  const char* what = outcome.analytical ? "queries failed or timed out" : "transactions failed";
  const double rate =
      outcome.attempted ? static_cast<double>(outcome.errors) / static_cast<double>(outcome.attempted) : 0;
  if (outcome.errors > 0 && rate > request.max_error_rate)
    outcome.verdict.push_back(fmt::format("errors: {} of {} {}, above the allowed {}", outcome.errors,
                                          outcome.attempted, what, request.max_error_rate_text));
  outcome.exit_code = outcome.verdict.empty() ? kExitOk : kExitRunErrors;
}

}  // namespace oltap::orchestrate
