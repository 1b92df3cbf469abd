// The progress line: elapsed, tps, p99, errors (the rate asked for and the
// schedule lag in an open loop, the stage, the warm-up), or an analytical
// run's queries ended. On a terminal it is rewritten in place (every second
// by default); under CI or when stderr is a file it is a plain line of the
// same figures every 10 s by default, so a CI log shows a long run going on.
// --progress N sets the period of both, --quiet shows none.
// Threading: one thread (the run's, which calls the listener).
#include <fmt/format.h>

#include <cstdio>

#include "cli.h"

namespace oltap::cli {
namespace {

// Updates come about once a second, a few ms either way: one a little
// early still counts for its period.
constexpr double kEarlyS = 0.1;

}  // namespace

ProgressSettings progress_settings(std::optional<double> period_s, bool quiet) {
  ProgressSettings s;
  if (quiet) return s;  // kNone
  s.mode = interactive() ? ProgressSettings::Mode::kTerminal : ProgressSettings::Mode::kPlain;
  s.period_s = period_s.value_or(s.mode == ProgressSettings::Mode::kTerminal ? kTerminalProgressPeriodS
                                                                             : kPlainProgressPeriodS);
  return s;
}

ProgressLine::ProgressLine(std::string label, ProgressSettings settings)
    : label_(std::move(label)), settings_(settings), next_s_(settings.period_s) {}

ProgressLine::~ProgressLine() { finish(); }

bool ProgressLine::due(double elapsed_s, int stage) {
  if (settings_.mode == ProgressSettings::Mode::kNone) return false;
  // Another stage, or the run's clock going back, is a new measurement (a
  // sweep's next rate): its periods count from its own start.
  if (stage != last_stage_ || elapsed_s + kEarlyS < last_elapsed_s_) next_s_ = settings_.period_s;
  last_elapsed_s_ = elapsed_s;
  last_stage_ = stage;
  if (elapsed_s + kEarlyS < next_s_) return false;
  while (next_s_ <= elapsed_s + kEarlyS) next_s_ += settings_.period_s;
  return true;
}

void ProgressLine::show(const std::string& text) {
  if (settings_.mode == ProgressSettings::Mode::kTerminal) {
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    shown_ = true;
  } else {
    std::fprintf(stderr, "progress %s\n", text.c_str());
  }
  std::fflush(stderr);
}

void ProgressLine::update(const run::Progress& p) {
  if (!due(p.elapsed_s, p.stage)) return;
  const bool plain = settings_.mode == ProgressSettings::Mode::kPlain;
  // A terminal's line keeps its columns in place from one second to the
  // next; a plain line is read once, so it has no padding.
  std::string text = plain ? fmt::format("{}: {:.1f} s", label_, p.elapsed_s)
                           : fmt::format("{} {:6.1f}s", label_, p.elapsed_s);
  if (p.stage > 0) text += fmt::format(" stage {}", p.stage);
  if (plain)
    text += fmt::format("{}, tps {:.1f}", p.warming_up ? " (warm-up)" : "", p.tps);
  else
    text += fmt::format(" {} tps {:10.1f}", p.warming_up ? "(warm-up)" : "         ", p.tps);
  if (p.offered_tps > 0)
    text += plain ? fmt::format(" of {:.0f}, lag {:.3f} ms", p.offered_tps, p.lag_max_ms)
                  : fmt::format(" of {:.0f}  lag {:8.3f} ms", p.offered_tps, p.lag_max_ms);
  text += plain ? fmt::format(", p99 {:.3f} ms, errors {}", p.p99_ms, p.errors)
                : fmt::format("  p99 {:8.3f} ms  errors {}", p.p99_ms, p.errors);
  show(text);
}

void ProgressLine::update_queries(double elapsed_s, int64_t done, int64_t total, int64_t errors) {
  if (!due(elapsed_s, 0)) return;
  if (settings_.mode == ProgressSettings::Mode::kPlain)
    show(fmt::format("{}: {:.1f} s, queries {} of {}, errors {}", label_, elapsed_s, done, total, errors));
  else
    show(fmt::format("{} {:6.1f}s queries {} of {}  errors {}", label_, elapsed_s, done, total, errors));
}

void ProgressLine::finish() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
  shown_ = false;
}

void add_progress_options(CLI::App* cmd, ProgressArgs& args) {
  args.cmd = cmd;
  cmd->add_option("--progress", args.period_s,
                  "Seconds between progress lines on stderr (default: 1 on a terminal, rewritten in place; "
                  "10 under CI or when stderr is not a terminal, a plain line each)");
  cmd->add_flag("--quiet", args.quiet, "No progress lines (status lines and results are still printed)");
}

ProgressSettings progress_settings(const ProgressArgs& args) {
  const bool given = args.cmd != nullptr && args.cmd->count("--progress") > 0;
  if (given && !(args.period_s > 0))
    throw Error(ErrorClass::kBadInput,
                fmt::format("--progress must be above 0 seconds, not {:g}", args.period_s));
  return progress_settings(given ? std::optional<double>(args.period_s) : std::nullopt, args.quiet);
}

}  // namespace oltap::cli
