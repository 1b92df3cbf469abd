// suite.csv's rows: each summary row of a case on a target, over the
// repetitions whose folder holds a complete run, as median, min, max and
// spread. Read back from the rep folders' summary.csv, so the figures are
// the ones those files hold and a resumed suite counts the repetitions an
// earlier invocation made.
#include <filesystem>
#include <map>
#include <tuple>

#include "suite_parts.h"

namespace oltap::orchestrate {

std::vector<results::SuiteRow> suite_rows(const std::string& out, const SuitePlan& plan, int repetitions) {
  std::vector<results::SuiteRow> rows;
  for (const auto& c : plan.cases)
    for (size_t t : c.targets) {
      const std::string& label = plan.targets[t].label;
      using Key = std::tuple<std::string, std::string, std::string>;  // group, txn, stage
      std::vector<Key> order;
      std::map<Key, std::vector<const results::SummaryRow*>> by_row;
      std::vector<std::vector<results::SummaryRow>> reps;
      for (int k = 1; k <= repetitions; ++k) {
        const std::string dir = rep_dir(out, c.spec_case->name, label, k);
        if (!results::run_complete(dir)) continue;
        reps.push_back(results::read_summary(dir));
      }
      for (const auto& summary : reps)
        for (const auto& r : summary) {
          const Key key{r.group, r.txn, r.stage};
          auto [it, fresh] = by_row.try_emplace(key);
          if (fresh) order.push_back(key);
          it->second.push_back(&r);
        }
      for (const auto& key : order) {
        const auto& list = by_row[key];
        results::SuiteRow s;
        s.case_name = c.spec_case->name;
        s.target = label;
        std::tie(s.group, s.txn, s.stage) = key;
        s.reps = static_cast<int>(list.size());
        auto stat = [&](auto field) {
          std::vector<double> v;
          for (const auto* r : list) v.push_back(static_cast<double>(r->*field));
          return results::suite_stat(std::move(v));
        };
        s.tps = stat(&results::SummaryRow::tps);
        s.lat_p50_ms = stat(&results::SummaryRow::lat_p50_ms);
        s.lat_p95_ms = stat(&results::SummaryRow::lat_p95_ms);
        s.lat_p99_ms = stat(&results::SummaryRow::lat_p99_ms);
        s.errors = stat(&results::SummaryRow::errors);
        rows.push_back(std::move(s));
      }
    }
  return rows;
}

}  // namespace oltap::orchestrate
