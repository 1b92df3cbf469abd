// `oltap merge DIR... --out DIR`: one result folder from the folders of a
// run's shards (results::merge_runs), then its summary as `report` shows it.
#include <iostream>

#include "cli.h"
#include "results/results.h"

namespace oltap::cli {

void add_merge(CLI::App& root, Action& action) {
  auto dirs = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  auto force = std::make_shared<bool>(false);
  CLI::App* cmd = root.add_subcommand(
      "merge", "Merge the result folders of a run's shards (--shard i/N) into one result folder");
  cmd->add_option("dirs", *dirs, "The shards' result folders, one per shard")->required();
  cmd->add_option("-o,--out", *out, "The merged result folder")->required();
  cmd->add_flag("--force", *force, "Write into a non-empty --out folder");
  cmd->callback([&action, dirs, out, force] {
    action = [dirs, out, force] {
      const results::MergeOutcome m = results::merge_runs({*dirs, *out, *force, redacted_command_line()});
      note("merged " + std::to_string(m.meta.merged_from.size()) + " shard(s) into " + m.out + " (" +
           std::to_string(m.intervals) + " interval rows)");
      std::cout << results::summary_table(m.summary);
      if (auto h = results::headlines(m.summary, m.meta.headline, m.meta.scale); !h.empty())
        std::cout << "\n" << results::headline_lines(h);
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
