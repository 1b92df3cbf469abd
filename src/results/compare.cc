// `oltap compare`: baseline and current side by side, per row and metric:
// the medians of their samples, the change with its interval, the p-value.
#include <set>

#include "csv.h"
#include "gate_eval.h"

namespace oltap::results {
namespace {

// The tps samples of a row only one side has.
std::vector<double> tps_of(const RowEval& r, bool baseline) {
  for (const auto& m : r.metrics)
    if (m.metric == "tps") return baseline ? m.base : m.cur;
  return {};
}

bool single_target(const std::vector<SummaryRow>& rows) {
  std::set<std::string> t;
  for (const auto& r : rows) t.insert(r.target);
  return t.size() <= 1;
}

}  // namespace

std::vector<Comparison> match_rows(const std::vector<SummaryRow>& baseline,
                                   const std::vector<SummaryRow>& current) {
  // Comparing one target with another (a new server, another host) is the
  // common case, so with one target per side the target is not part of the key.
  bool by_target = !(single_target(baseline) && single_target(current));
  // A stage's rows (a sweep's rates) are matched stage by stage; an unstaged
  // row's key is what it always was.
  auto key = [&](const SummaryRow& r) {
    return (by_target ? r.target + " " : std::string()) + r.group + "/" + r.txn +
           (r.stage.empty() ? std::string() : " stage " + r.stage);
  };
  std::vector<Comparison> out;
  std::map<std::string, size_t> index;
  for (const auto& b : baseline) {
    index[key(b)] = out.size();
    out.push_back({key(b), &b, nullptr});
  }
  for (const auto& c : current) {
    auto it = index.find(key(c));
    if (it != index.end()) {
      out[it->second].current = &c;
    } else {
      out.push_back({key(c), nullptr, &c});
    }
  }
  return out;
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  auto numeric = [](const std::string& s) {
    return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '+' || s[0] == '-');
  };
  std::string out;
  for (size_t ri = 0; ri < rows.size(); ++ri) {
    const auto& r = rows[ri];
    for (size_t i = 0; i < r.size(); ++i) {
      std::string pad(width[i] - r[i].size(), ' ');
      bool right = ri > 0 && numeric(r[i]);
      out += (i ? "  " : "") + (right ? pad + r[i] : r[i] + (i + 1 < r.size() ? pad : ""));
    }
    out += "\n";
  }
  return out;
}

std::string compare_report(const Evaluation& e) {
  std::vector<std::vector<std::string>> t = {{"row", "metric", "base", "cur", "Δ", "CI", "p", "n", ""}};
  for (const auto& r : e.rows) {
    if (!r.gated) continue;
    if (!r.in_baseline || !r.in_current) {
      t.push_back({r.key, "tps", r.in_baseline ? fmt_value("tps", median(tps_of(r, true))) : "-",
                   r.in_current ? fmt_value("tps", median(tps_of(r, false))) : "-", "-", "-", "-",
                   std::to_string(r.n_baseline) + "/" + std::to_string(r.n_current),
                   r.in_baseline ? "only in baseline" : "only in current"});
      continue;
    }
    bool first = true;
    for (const auto& m : r.metrics) {
      std::string mark;
      if (m.past_threshold)
        mark = !m.test_can_decide || (m.test && m.test->p < e.options.alpha) ? "worse" : "noise";
      t.push_back({first ? r.key : "", metric_label(m.metric), fmt_value(m.metric, m.base_median),
                   fmt_value(m.metric, m.cur_median), fmt_change(m.change), fmt_ci(m.ci), fmt_p(m.test),
                   fmt_n(m), mark});
      first = false;
    }
  }
  // The last column is often empty: no padding left at the ends of lines.
  std::string out;
  for (const std::string& table = format_table(t); const auto& c : table) {
    if (c == '\n')
      while (!out.empty() && out.back() == ' ') out.pop_back();
    out += c;
  }
  out += "(medians over the samples; Δ current against baseline; CI the " +
         fixed((1 - e.options.alpha) * 100, 0) +
         "% bootstrap interval of Δ; p two-sided Mann-Whitney U; n samples baseline/current; worse: past " +
         fixed(e.options.max_regression * 100, 1) + "% the bad way and beyond noise)\n";
  for (const auto& n : e.notes) out += "note: " + n + "\n";
  return out;
}

std::string compare_table(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current) {
  return compare_report(evaluate(side_of_rows(baseline), side_of_rows(current), GateOptions{}));
}

}  // namespace oltap::results
