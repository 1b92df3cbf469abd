// `oltap compare BASELINE CURRENT`: two summaries side by side, latency
// percentiles from each folder's latency.hlog when it has one.
#include <iostream>

#include "cli.h"
#include "results/results.h"

namespace oltap::cli {

void add_compare(CLI::App& root, Action& action) {
  auto files = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* cmd = root.add_subcommand("compare", "Show two summary.csv files side by side with % change");
  cmd->add_option("baseline", files->first, "Baseline summary.csv (or its result folder)")->required();
  cmd->add_option("current", files->second, "Current summary.csv (or its result folder)")->required();
  cmd->callback([&action, files] {
    action = [files] {
      auto base = results::read_summary(files->first);
      auto cur = results::read_summary(files->second);
      results::refill_latency_from_hlog(files->first, base);
      results::refill_latency_from_hlog(files->second, cur);
      std::cout << results::compare_table(base, cur) << results::compare_answers(base, cur);
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
