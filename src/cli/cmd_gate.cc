// `oltap gate CURRENT --baseline BASELINE --max-regression 5%`: the CI check.
#include <iostream>

#include "cli.h"
#include "results/results.h"

namespace oltap::cli {
namespace {
struct GateArgs {
  std::string current, baseline, max_regression = "5%";
};
}  // namespace

void add_gate(CLI::App& root, Action& action) {
  auto a = std::make_shared<GateArgs>();
  CLI::App* cmd = root.add_subcommand(
      "gate", "Exit 1 when throughput dropped or p99 rose by more than --max-regression on any row");
  cmd->add_option("current", a->current, "Current summary.csv (or its result folder)")->required();
  cmd->add_option("-b,--baseline", a->baseline, "Baseline summary.csv (or its result folder)")->required();
  cmd->add_option("--max-regression", a->max_regression,
                  "Allowed regression: 5%, or the fraction 0.05 for 5% (a bare 1 or more is refused as "
                  "ambiguous; default 5%)");
  cmd->callback([&action, a] {
    action = [a] {
      double limit = 0;
      try {
        limit = parse_percent(a->max_regression);
      } catch (const Error& e) {
        throw Error(ErrorClass::kBadInput, std::string("--max-regression: ") + e.what());
      }
      auto base = results::read_summary(a->baseline);
      auto cur = results::read_summary(a->current);
      results::refill_latency_from_hlog(a->baseline, base);
      results::refill_latency_from_hlog(a->current, cur);
      results::GateResult g = results::gate(base, cur, limit);
      // What the threshold was read as, so 0.05 is seen to be 5%, not 0.05%.
      std::cout << "max regression: " << format_percent(limit) << " (--max-regression " << a->max_regression
                << ")\n"
                << g.report;
      return g.pass ? kExitOk : kExitRegression;
    };
  });
}

}  // namespace oltap::cli
