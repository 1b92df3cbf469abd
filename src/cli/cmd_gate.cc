// `oltap gate CURRENT... --baseline BASELINE...`: the CI check. Each side is
// one or more result folders (or summary.csv files) or suite folders.
#include <iostream>

#include "check_args.h"
#include "cli.h"

namespace oltap::cli {

void add_gate(CLI::App& root, Action& action) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = root.add_subcommand(
      "gate",
      "Exit 1 when a row regressed beyond noise and --max-regression, had errors above --max-error-rate, or "
      "the "
      "comparison is unsound (incomplete run, other workload or settings, missing rows, empty baseline)");
  cmd->add_option("current", a->current,
                  "Current result folders (or summary.csv files) or suite folders: one sample per repetition")
      ->required();
  cmd->add_option("-b,--baseline", a->baseline,
                  "Baseline result folder, summary.csv or suite folder; repeat for several repetitions")
      ->required()
      ->allow_extra_args(false);
  add_check_options(cmd, *a);
  cmd->callback([&action, a] {
    action = [a] {
      results::GateOptions o = check_options(*a);
      const results::Side base = results::read_side(a->baseline), cur = results::read_side(a->current);
      results::Evaluation e = results::evaluate(base, cur, o);
      // What the threshold was read as, so 0.05 is seen to be 5%, not 0.05%.
      std::cout << check_header(*a, o) << results::gate_report(e);
      write_check_outputs(*a, base, cur, e, "oltap gate");
      return e.pass ? kExitOk : kExitRegression;
    };
  });
}

}  // namespace oltap::cli
