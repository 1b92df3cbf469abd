// `oltap compare BASELINE CURRENT`, or `oltap compare --baseline B... CURRENT...`
// with repetitions: per row and metric the medians, the change with its
// bootstrap interval and the Mann-Whitney p-value; latency percentiles from
// each folder's latency.hlog when it has one.
#include <iostream>

#include "check_args.h"
#include "cli.h"

namespace oltap::cli {

void add_compare(CLI::App& root, Action& action) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = root.add_subcommand(
      "compare", "Show a baseline and a current side by side: medians, % change, its interval and p-value");
  cmd->add_option(
         "paths", a->current,
         "BASELINE CURRENT (a result folder or summary.csv each), or with --baseline the current side's "
         "folders")
      ->required();
  cmd->add_option("-b,--baseline", a->baseline,
                  "Baseline result folder, summary.csv or suite folder; repeat for several repetitions")
      ->allow_extra_args(false);
  add_check_options(cmd, *a);
  cmd->callback([&action, a] {
    action = [a] {
      CheckArgs args = *a;
      if (args.baseline.empty()) {
        if (args.current.size() != 2)
          throw Error(ErrorClass::kBadInput,
                      "compare takes BASELINE CURRENT, or --baseline BASELINE... CURRENT... (got " +
                          std::to_string(args.current.size()) + " path(s) and no --baseline)");
        args.baseline = {args.current[0]};
        args.current.erase(args.current.begin());
      }
      results::GateOptions o = check_options(args);
      // A run cut short has no whole figures to compare (gate says so as its `incomplete` reason).
      for (const auto* paths : {&args.baseline, &args.current})
        for (const auto& p : *paths)
          if (const results::RunState st = results::read_run_state(p); st.cut_short())
            throw Error(ErrorClass::kBadInput, p + ": not compared: " + results::cut_short_text(st) +
                                                   " (`oltap report` shows what it kept)");
      results::Side base = results::read_side(args.baseline), cur = results::read_side(args.current);
      results::Evaluation e = results::evaluate(base, cur, o);
      // One run against one run: answers are checked, and two query runs
      // are shown by query (medians, geometric mean, queries per hour)
      // rather than as tps and percentiles of single timings.
      if (base.folders.size() == 1 && cur.folders.size() == 1) {
        std::vector<results::SummaryRow> b, c;
        for (const auto& s : base.samples) b.push_back(s.row);
        for (const auto& s : cur.samples) c.push_back(s.row);
        const bool queries = results::is_analytical(b) && results::is_analytical(c);
        std::cout << (queries ? results::compare_query_runs(b, c) : results::compare_report(e))
                  << results::compare_answers(b, c);
      } else {
        std::cout << results::compare_report(e);
      }
      write_check_outputs(args, base, cur, e, "oltap compare");
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
