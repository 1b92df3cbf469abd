// Deciding what changed between a baseline and a current side, for `oltap
// compare` and `oltap gate`: rows matched across repetitions, each metric's
// medians, the Mann-Whitney test and a bootstrap interval, the thresholds of
// the command line and of a rules file, and each row's reasons to fail (the
// comparison's own are gate_checks.cc's). Pure: works on what read_side
// read; any thread.
#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "csv.h"
#include "gate_eval.h"

namespace oltap::results {
namespace {

bool glob(const std::string& pattern, const std::string& text) {
  return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

struct MetricDef {
  const char* name;
  bool higher_is_better;
  bool gated_by_default;
  double (*get)(const SummaryRow&);
};
const MetricDef kMetrics[] = {
    {"tps", true, true, [](const SummaryRow& r) { return r.tps; }},
    {"p50", false, false, [](const SummaryRow& r) { return r.lat_p50_ms; }},
    {"p95", false, false, [](const SummaryRow& r) { return r.lat_p95_ms; }},
    {"p99", false, true, [](const SummaryRow& r) { return r.lat_p99_ms; }},
    {"errors", false, false, [](const SummaryRow& r) { return static_cast<double>(r.errors); }},
};

bool single_target(const Side& s) {
  std::set<std::string> t;
  for (const auto& x : s.samples) t.insert(x.row.target);
  return t.size() <= 1;
}

struct Threshold {
  bool gated = false;
  double value = 0;
};

}  // namespace

bool RowEval::fails() const {
  return std::any_of(findings.begin(), findings.end(), [](const Finding& f) { return f.fails; });
}

Evaluation evaluate(const Side& base, const Side& cur, const GateOptions& options) {
  Evaluation e;
  e.options = options;
  comparison_checks(base, cur, e);
  const bool baseline_empty = std::any_of(e.findings.begin(), e.findings.end(),
                                          [](const Finding& f) { return f.code == kReasonEmptyBaseline; });

  const bool by_target = !(single_target(base) && single_target(cur));
  auto key = [&](const Side& side, const Sample& s) {
    const std::string& c = side.folders[s.folder].case_name;
    const SummaryRow& r = s.row;
    return (c.empty() ? "" : c + " ") + (by_target ? r.target + " " : "") + r.group + "/" + r.txn +
           (r.stage.empty() ? "" : " stage " + r.stage);
  };
  std::vector<std::string> order;
  std::map<std::string, std::pair<std::vector<const Sample*>, std::vector<const Sample*>>> by_key;
  for (auto [side, first] : {std::pair{&base, true}, std::pair{&cur, false}})
    for (const auto& s : side->samples) {
      std::string k = key(*side, s);
      auto [it, fresh] = by_key.try_emplace(k);
      if (fresh) order.push_back(k);
      (first ? it->second.first : it->second.second).push_back(&s);
    }

  // Every metric a rule may name: the rows' and the extras the folders hold.
  std::set<std::string> known;
  for (const auto& m : kMetrics) known.insert(m.name);
  for (const Side* side : {&base, &cur})
    for (const auto& s : side->samples)
      for (const auto& [name, v] : s.extra) known.insert(name);
  for (const auto& r : options.rules.rules)
    if (!known.count(r.metric)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw Error(ErrorClass::kBadInput,
                  r.where + ": metric '" + r.metric + "' is not one these results have (" + list + ")");
    }
  std::vector<bool> rule_used(options.rules.rules.size(), false);
  std::set<std::pair<size_t, size_t>> undecidable;  // (n, m) of gated metrics the test cannot decide

  for (const auto& k : order) {
    // Plain references, not a structured binding: the lambdas below use them
    // (clang before 16 cannot capture a binding).
    const auto& bs = by_key[k].first;
    const auto& cs = by_key[k].second;
    const Sample& any = bs.empty() ? *cs.front() : *bs.front();
    const Side& any_side = bs.empty() ? cur : base;
    RowEval row;
    row.key = k;
    row.case_name = any_side.folders[any.folder].case_name;
    row.target = any.row.target;
    row.group = any.row.group;
    row.txn = any.row.txn;
    row.stage = any.row.stage;
    row.workload = any.row.workload;
    row.in_baseline = !bs.empty();
    row.in_current = !cs.empty();
    row.n_baseline = bs.size();
    row.n_current = cs.size();
    row.gated = options.only.empty() || glob(options.only, row.txn);
    auto finding = [&](const char* code, std::string message, bool fails = true) {
      Finding f{code, k, std::move(message), fails};
      if (row.gated) {
        row.findings.push_back(f);
        e.findings.push_back(f);
      }
    };
    for (const auto* s : cs) {
      row.cur_errors += s->row.errors;
      row.cur_attempted += s->row.committed + s->row.aborted + s->row.errors;
    }
    if (row.gated && row.in_baseline && row.in_current) ++e.rows_checked;
    const bool base_measured =
        std::any_of(bs.begin(), bs.end(), [](const Sample* s) { return measured(s->row); });

    auto threshold_of = [&](const std::string& metric, bool by_default) {
      Threshold t{by_default, options.max_regression};
      for (size_t i = 0; i < options.rules.rules.size(); ++i) {
        const GateRule& r = options.rules.rules[i];
        if (r.metric != metric || !glob(r.row, row.group + "/" + row.txn) ||
            !glob(r.workload, row.workload) || !glob(r.case_name, row.case_name) ||
            !glob(r.target, row.target))
          continue;
        rule_used[i] = true;  // the last rule that matches wins
        t = {r.gate, r.max_regression.value_or(0)};
      }
      return t;
    };
    auto check = [&](const std::string& name, bool higher, bool by_default, auto value_of) {
      MetricCheck m;
      m.metric = name;
      m.higher_is_better = higher;
      for (const auto* s : bs)
        if (auto v = value_of(*s)) m.base.push_back(*v);
      for (const auto* s : cs)
        if (auto v = value_of(*s)) m.cur.push_back(*v);
      if (m.base.empty() && m.cur.empty()) return;
      Threshold t = threshold_of(name, by_default);
      m.gated = row.gated && t.gated && base_measured && !m.base.empty() && !m.cur.empty();
      m.threshold = t.value;
      m.base_median = median(m.base);
      m.cur_median = median(m.cur);
      if (m.base_median != 0)
        m.change = (m.cur_median - m.base_median) / m.base_median;
      else if (m.cur_median == 0)
        m.change = 0;
      if (!m.base.empty() && !m.cur.empty()) {
        // One sample a side is no distribution: no p, no interval.
        if (m.base.size() >= 2 && m.cur.size() >= 2) {
          m.test = mann_whitney(m.base, m.cur);
          m.test_can_decide = mwu_min_p(m.base.size(), m.cur.size()) < options.alpha;
          m.ci = bootstrap_median_change(m.base, m.cur, 1 - options.alpha, options.resamples, options.seed);
        }
        // The same arithmetic as the one-run gate always had, so a drop of
        // exactly the threshold passes.
        double bad = 0;
        if (m.base_median != 0)
          bad = higher ? (m.base_median - m.cur_median) / m.base_median
                       : (m.cur_median - m.base_median) / m.base_median;
        m.past_threshold =
            m.base_median != 0 ? bad > m.threshold : (higher ? m.cur_median < 0 : m.cur_median > 0);
      }
      if (m.gated) {
        // Past the threshold, and beyond noise when the test can tell.
        m.changed = m.past_threshold && (!m.test_can_decide || m.test->p < options.alpha);
        if (!m.test_can_decide) undecidable.insert({m.base.size(), m.cur.size()});
      }
      row.metrics.push_back(std::move(m));
    };
    for (const auto& d : kMetrics)
      check(d.name, d.higher_is_better, d.gated_by_default,
            [&](const Sample& s) -> std::optional<double> { return d.get(s.row); });
    std::set<std::string> extras;
    for (const auto* s : bs)
      for (const auto& [n, v] : s->extra) extras.insert(n);
    for (const auto* s : cs)
      for (const auto& [n, v] : s->extra) extras.insert(n);
    for (const auto& name : extras)
      check(name, true, false, [&](const Sample& s) -> std::optional<double> {
        auto it = s.extra.find(name);
        return it == s.extra.end() ? std::nullopt : std::optional<double>(it->second);
      });

    if (!row.in_current)
      finding(kReasonMissingRow, "missing from current: in the baseline (" + std::to_string(bs.size()) +
                                     " sample(s)) but not in the current run");
    if (!row.in_baseline) finding(kReasonNewRow, "only in current: a new row, not gated", false);
    for (const auto& m : row.metrics)
      if (m.changed) finding(kReasonRegression, regression_text(m, options.alpha));
    if (row.cur_errors > 0) {
      const double rate = static_cast<double>(row.cur_errors) / static_cast<double>(row.cur_attempted);
      if (rate > options.max_error_rate)
        finding(kReasonErrorRate, "errors " + std::to_string(row.cur_errors) + " of " +
                                      std::to_string(row.cur_attempted) + " attempted (" +
                                      format_percent(rate) + "), above the allowed " +
                                      format_percent(options.max_error_rate));
    }
    std::set<int> bc, cc;
    for (const auto* s : bs) bc.insert(s->row.clients);
    for (const auto* s : cs) cc.insert(s->row.clients);
    if (row.in_baseline && row.in_current && bc != cc) {
      auto list = [](const std::set<int>& v) {
        std::string out;
        for (int x : v) out += (out.empty() ? "" : " | ") + std::to_string(x);
        return out;
      };
      finding(kReasonSettingsChanged, "clients " + list(bc) + " in baseline, " + list(cc) + " in current");
    }
    if (row.in_baseline && !base_measured && row.gated && !baseline_empty)
      e.notes.push_back(k + ": nothing measured in the baseline (0 committed): not gated");
    e.rows.push_back(std::move(row));
  }
  for (const auto& [n, m] : undecidable)
    e.notes.push_back("too few repetitions for the test: threshold only (" + std::to_string(n) + " against " +
                      std::to_string(m) + ": the smallest p the Mann-Whitney test can give is " +
                      fixed(mwu_min_p(n, m), 3) + ", not below alpha " + fmt_alpha(options.alpha) + ")");
  for (size_t i = 0; i < rule_used.size(); ++i)
    if (!rule_used[i])
      e.notes.push_back("the rule at " + options.rules.rules[i].where + " (" + options.rules.rules[i].metric +
                        ") matched no row");
  e.pass = std::none_of(e.findings.begin(), e.findings.end(), [](const Finding& f) { return f.fails; });
  return e;
}

}  // namespace oltap::results

namespace oltap::results {

GateResult gate(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current,
                double max_regression) {
  GateOptions o;
  o.max_regression = max_regression;
  Evaluation e = evaluate(side_of_rows(baseline), side_of_rows(current), o);
  return {e.pass, gate_report(e)};
}

}  // namespace oltap::results
