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

// A default result folder: results/<UTC timestamp>-<workload>.
std::string default_out_dir(const std::string& workload);

// The command line as given, with every password removed.
std::string redacted_command_line();
void set_command_line(int argc, char** argv);

// Parses each --target value (a URI); throws Error(kBadInput).
std::vector<engine::Target> parse_targets(const std::vector<std::string>& uris);

// True when stderr is a terminal and we are not under CI: the live progress
// line is shown only then.
bool interactive();
// Prints a status line to stderr (always; these are the few lines a run prints).
void note(const std::string& line);
// Prints e as `oltap: error: ...` lines on stderr, one per line of its message.
void print_error(const Error& e);

// The live progress line on stderr.
class ProgressLine {
 public:
  explicit ProgressLine(std::string label);
  ~ProgressLine();
  // A transactional run's interval: its rate, p99 and errors; in an open
  // loop the rate asked for and the schedule lag too; the stage, if any.
  void update(const run::Progress& p);
  // An analytical run's: queries ended of all, and errors.
  void update_queries(double elapsed_s, int64_t done, int64_t total, int64_t errors);
  void finish();

 private:
  std::string label_;
  bool enabled_;
  bool shown_ = false;
};

// Prints what a run tells: status lines, and the live progress line on a
// terminal (run and suite share it).
class PrintingListener : public orchestrate::Listener {
 public:
  void note(const std::string& line) override;
  void target_started(const std::string& label) override;
  void target_finished() override;
  void progress(const run::Progress& p) override;
  void query_progress(const run::QueryProgress& p) override;

 private:
  std::optional<ProgressLine> progress_;
};

}  // namespace oltap::cli
