// What a run tells, printed: status lines on stderr, above the live progress
// line when there is one.
#include "cli.h"

namespace oltap::cli {

void PrintingListener::note(const std::string& line) {
  if (progress_)
    progress_->finish();  // the line goes above the progress line, which comes back with the next update
  cli::note(line);
}

void PrintingListener::target_started(const std::string& label) { progress_.emplace(label, settings_); }

void PrintingListener::target_finished() {
  if (progress_) progress_->finish();
  progress_.reset();
}

void PrintingListener::progress(const run::Progress& p) {
  if (progress_) progress_->update(p);
}

void PrintingListener::query_progress(const run::QueryProgress& p) {
  if (progress_) progress_->update_queries(p.elapsed_s, p.done, p.total, p.errors);
}

}  // namespace oltap::cli
