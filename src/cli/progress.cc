// The live progress line: elapsed, tps, p99, errors, rewritten in place once
// per second on a terminal; nothing under CI or when stderr is a file.
#include <cstdio>

#include "cli.h"

namespace oltap::cli {

ProgressLine::ProgressLine(std::string label) : label_(std::move(label)), enabled_(interactive()) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(const run::Progress& p) {
  if (!enabled_) return;
  char stage[32] = "";
  if (p.stage > 0) std::snprintf(stage, sizeof stage, " stage %d", p.stage);
  std::fprintf(stderr, "\r\033[K%s %6.1fs%s %s tps %10.1f", label_.c_str(), p.elapsed_s, stage,
               p.warming_up ? "(warm-up)" : "         ", p.tps);
  if (p.offered_tps > 0) std::fprintf(stderr, " of %.0f  lag %8.3f ms", p.offered_tps, p.lag_max_ms);
  std::fprintf(stderr, "  p99 %8.3f ms  errors %lld", p.p99_ms, static_cast<long long>(p.errors));
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::update_queries(double elapsed_s, int64_t done, int64_t total, int64_t errors) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K%s %6.1fs queries %lld of %lld  errors %lld", label_.c_str(), elapsed_s,
               static_cast<long long>(done), static_cast<long long>(total), static_cast<long long>(errors));
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::finish() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
  shown_ = false;
}

}  // namespace oltap::cli
