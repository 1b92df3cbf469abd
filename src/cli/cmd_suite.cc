// `oltap suite FILE`: a suite file's cases run on its targets, repeated and
// interleaved, into one folder (orchestrate::run_suite); this file parses
// the arguments and prints suite.csv's whole-run rows.
#include <fmt/format.h>

#include <iostream>

#include "cli.h"

namespace oltap::cli {
namespace {

struct SuiteArgs {
  std::string file, out;
  bool resume = false;
  uint64_t seed = 0;
  ProgressArgs progress;
  CLI::App* cmd = nullptr;
};

// One line per case, target and transaction of the whole run: the medians
// and the spread of throughput over the repetitions.
void print_rows(const std::vector<results::SuiteRow>& rows) {
  std::vector<std::vector<std::string>> t = {{"case", "target", "group", "txn", "reps", "tps median",
                                              "tps min", "tps max", "spread", "p99 ms median"}};
  for (const auto& r : rows) {
    if (!r.stage.empty()) continue;
    t.push_back({r.case_name, r.target, r.group, r.txn, std::to_string(r.reps),
                 fmt::format("{:.2f}", r.tps.median), fmt::format("{:.2f}", r.tps.min),
                 fmt::format("{:.2f}", r.tps.max), fmt::format("{:.1f}%", r.tps.spread * 100),
                 fmt::format("{:.3f}", r.lat_p99_ms.median)});
  }
  if (t.size() > 1) std::cout << results::format_table(t);
}

}  // namespace

void add_suite(CLI::App& root, Action& action) {
  auto a = std::make_shared<SuiteArgs>();
  CLI::App* cmd = root.add_subcommand(
      "suite", "Run a suite file's cases on its targets, repeated and interleaved, into one folder");
  cmd->add_option("file", a->file, "Suite YAML file (docs/suite-format.md)")->required();
  cmd->add_option("-o,--out", a->out,
                  "Suite folder (default: results/<timestamp>-<suite name>); one that holds files is refused "
                  "unless --resume");
  cmd->add_flag(
      "--resume", a->resume,
      "Finish the suite in --out: keep the repetitions whose meta.json says complete, redo the others");
  cmd->add_option("--seed", a->seed,
                  "Seed of the cases' shuffled order in each repetition (default: the suite's)");
  add_progress_options(cmd, a->progress);
  a->cmd = cmd;
  cmd->callback([&action, a] {
    action = [a] {
      if (a->resume && a->out.empty())
        throw Error(ErrorClass::kBadInput, "--resume needs --out: the folder of the suite to finish");
      orchestrate::SuiteRequest req;
      req.suite = workload::load_suite(a->file);
      req.out = a->out.empty() ? default_out_dir(req.suite.name) : a->out;
      req.resume = a->resume;
      if (a->cmd->count("--seed")) req.seed = a->seed;
      req.command_line = redacted_command_line();
      run::install_stop_handlers();
      PrintingListener listener(progress_settings(a->progress));
      const orchestrate::SuiteOutcome r = orchestrate::run_suite(req, listener);
      print_rows(r.rows);
      std::cout << "results: " << r.out << "/ (suite.csv, suite.yaml, <case>/<target>/rep-<k>/)\n";
      for (const auto& line : r.verdict) note(line);
      return r.exit_code;
    };
  });
}

}  // namespace oltap::cli
