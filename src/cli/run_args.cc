// `oltap run`'s argument checks: each refusal names the option and the value
// given, so a typo costs one line on stderr and exit 2, never a run.
#include "run_args.h"

#include <fmt/format.h>

#include "cli.h"
#include "results/results.h"

namespace oltap::cli {

void check_run_args(const RunArgs& a) {
  auto given = [&](const char* name) { return a.cmd && a.cmd->count(name) > 0; };
  // 0 means "the workload's" only when the option is not given at all.
  if (given("--clients") && a.clients < 1)
    throw Error(ErrorClass::kBadInput, "--clients must be at least 1, not " + std::to_string(a.clients) +
                                           " (leave it out for the workload's own clients)");
  if (given("--scale") && !(a.scale > 0))
    throw Error(ErrorClass::kBadInput, fmt::format("--scale must be above 0, not {:g}", a.scale));
  if (given("--transactions") && a.transactions < 1)
    throw Error(ErrorClass::kBadInput, "--transactions must be at least 1 per client, not " +
                                           std::to_string(a.transactions) + " (or give --duration instead)");
  if (given("--duration") && given("--transactions"))
    throw Error(ErrorClass::kBadInput,
                "--duration and --transactions both given: a run lasts a time or a count of transactions "
                "per client, not both");
  double rate = 0;
  try {
    rate = parse_percent(a.max_error_rate);
  } catch (const Error& e) {
    throw Error(ErrorClass::kBadInput, std::string("--max-error-rate: ") + e.what());
  }
  if (rate > 1)
    throw Error(ErrorClass::kBadInput, "--max-error-rate " + a.max_error_rate +
                                           ": at most 100% of the transactions (or queries) can fail");
  if (given("--max-error-rate"))
    note("--max-error-rate " + a.max_error_rate + ": exit 4 when more than " + format_percent(rate) +
         " of the transactions (or queries) fail");
  if (!a.out.empty()) results::check_out_dir(a.out, a.force);
}

}  // namespace oltap::cli
