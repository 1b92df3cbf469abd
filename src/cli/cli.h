// The command line: one file per subcommand, each registering itself on the
// root CLI11 app and setting the action main() runs. Private to cli/.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "orchestrate/orchestrate.h"
#include "run/run.h"
#include "workload/workload.h"

namespace oltap::cli {

using Action = std::function<int()>;

void add_validate(CLI::App& root, Action& action);
void add_load(CLI::App& root, Action& action);
void add_run(CLI::App& root, Action& action);
void add_suite(CLI::App& root, Action& action);
void add_compare(CLI::App& root, Action& action);
void add_gate(CLI::App& root, Action& action);
void add_list(CLI::App& root, Action& action);
void add_report(CLI::App& root, Action& action);
void add_export(CLI::App& root, Action& action);
void add_merge(CLI::App& root, Action& action);

// A default result folder: results/<UTC timestamp>-<workload>.
std::string default_out_dir(const std::string& workload);

// The command line as given, with every password removed.
std::string redacted_command_line();
void set_command_line(int argc, char** argv);

// Which shard of a run of several load hosts this process is: --shard i/N
// when given, else from the environment: OLTAP_SHARDS (N) with
// OLTAP_SHARD_INDEX or, as a Kubernetes Indexed Job sets it,
// JOB_COMPLETION_INDEX (i); none when OLTAP_SHARDS is not set. Throws
// Error(kBadInput) naming where a malformed one came from.
inline constexpr const char* kShardsEnv = "OLTAP_SHARDS";
inline constexpr const char* kShardIndexEnv = "OLTAP_SHARD_INDEX";
inline constexpr const char* kJobIndexEnv = "JOB_COMPLETION_INDEX";
std::optional<run::Options::Shard> shard_option(const std::string& text, bool given);
// --shard-wait as given (a duration above 0), or the default when empty.
double shard_wait_option(const std::string& text);
// Adds --shard and --shard-wait to cmd; what names what a shard does ("running its share of ...").
void add_shard_options(CLI::App* cmd, std::string& shard, std::string& shard_wait, const std::string& what);

// --start-at: ms since the epoch from a UTC time (2026-12-03T16:30:00Z,
// with .mmm optional) or seconds since the epoch; Error(kBadInput) otherwise.
int64_t parse_start_at(const std::string& text);

// Parses each --target value (a URI); throws Error(kBadInput).
std::vector<engine::Target> parse_targets(const std::vector<std::string>& uris);

// True when stderr is a terminal and we are not under CI: the progress line
// is then rewritten in place, else printed as plain lines.
bool interactive();
// Prints a status line to stderr (always; these are the few lines a run prints).
void note(const std::string& line);
// Prints e as `oltap: error: ...` lines on stderr, one per line of its message.
void print_error(const Error& e);

// How progress is shown on stderr: rewritten in place on a terminal, a
// plain line per period under CI or when stderr is a file, or not at all.
struct ProgressSettings {
  enum class Mode { kTerminal, kPlain, kNone } mode = Mode::kNone;
  double period_s = 1;
};
// Default periods: 1 s on a terminal (every update), 10 s as plain lines.
inline constexpr double kTerminalProgressPeriodS = 1;
inline constexpr double kPlainProgressPeriodS = 10;
// The settings from --progress (seconds; none: the mode's default) and
// --quiet (none at all); the mode from interactive().
ProgressSettings progress_settings(std::optional<double> period_s = std::nullopt, bool quiet = false);
// --progress SECONDS and --quiet on cmd (run and suite share them).
struct ProgressArgs {
  double period_s = 0;
  bool quiet = false;
  CLI::App* cmd = nullptr;
};
void add_progress_options(CLI::App* cmd, ProgressArgs& args);
// The settings they ask for; Error(kBadInput) for a period not above 0.
ProgressSettings progress_settings(const ProgressArgs& args);

// The progress line on stderr.
class ProgressLine {
 public:
  explicit ProgressLine(std::string label, ProgressSettings settings = progress_settings());
  ~ProgressLine();
  // A transactional run's interval: its rate, p99 and errors; in an open
  // loop the rate asked for and the schedule lag too; the stage, if any.
  void update(const run::Progress& p);
  // An analytical run's: queries ended of all, and errors.
  void update_queries(double elapsed_s, int64_t done, int64_t total, int64_t errors);
  void finish();

 private:
  // Whether a line is due at elapsed_s of the run's clock in stage (a
  // period since the last one), and if so moves the next one on.
  bool due(double elapsed_s, int stage);
  // Puts text out: over the last one on a terminal, on a line of its own otherwise.
  void show(const std::string& text);

  std::string label_;
  ProgressSettings settings_;
  double next_s_;              // the run's elapsed time at which the next line is due
  double last_elapsed_s_ = 0;  // of the last update
  int last_stage_ = 0;
  bool shown_ = false;
};

// Prints what a run tells: status lines, and the live progress line on a
// terminal (run and suite share it).
class PrintingListener : public orchestrate::Listener {
 public:
  explicit PrintingListener(ProgressSettings settings = progress_settings()) : settings_(settings) {}
  void note(const std::string& line) override;
  void target_started(const std::string& label) override;
  void target_finished() override;
  void progress(const run::Progress& p) override;
  void query_progress(const run::QueryProgress& p) override;

 private:
  ProgressSettings settings_;
  std::optional<ProgressLine> progress_;
};

}  // namespace oltap::cli
