// Around each target's measurement: the files say it is running before,
// and say why when it threw.
#include "parts.h"

namespace oltap::orchestrate {

void begin_target(size_t index, const std::string& what_runs, results::RunFolder& folder, RunOutcome& outcome,
                  Listener& listener) {
  listener.note(what_runs);
  outcome.meta.targets[index].status = "running";
  folder.write_summary(outcome.summary, outcome.meta);
  listener.target_started(outcome.meta.targets[index].name());
}

void target_threw(size_t index, const Error& e, results::RunFolder& folder, RunOutcome& outcome,
                  Listener& listener) {
  listener.target_finished();
  results::Meta::TargetInfo& ti = outcome.meta.targets[index];
  const bool interrupted = e.error_class() == ErrorClass::kInterrupted;
  ti.status = interrupted ? "interrupted" : "failed";
  ti.failure = e.what();
  if (interrupted) outcome.meta.status = "interrupted";  // thrown on: judge does not see it
  folder.write_summary(outcome.summary, outcome.meta);
  if (interrupted) throw e;
  listener.note(ti.name() + " did not complete: " + ti.failure);
}

}  // namespace oltap::orchestrate
