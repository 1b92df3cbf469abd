// `oltap compare` of two analytical runs: each query's median time on both
// sides with its change, then each target's geometric mean and queries per
// hour. The tps and percentile columns of compare_table say nothing of a
// query timed once (p50 = p99 = its time) and little of a few samples, so
// this table has none. Pure functions of the rows; no state.
#include <cmath>
#include <set>

#include "csv.h"
#include "results.h"

namespace oltap::results {
namespace {

constexpr double kMsPerSecond = 1000;

std::string signed_pct(double base, double cur) {
  if (base == 0) return cur == 0 ? "0.0%" : "n/a";
  const double p = (cur - base) / base * 100;
  return (p >= 0 ? "+" : "") + fixed(p, 1) + "%";
}

// A query row's median in ms, or how it ended when no execution completed.
std::string median_cell(const SummaryRow* r) {
  if (!r) return "-";
  if (r->committed > 0) return fixed(r->lat_p50_ms, 3);
  return r->status.empty() ? "-" : r->status;
}

// Timed executions: "5", or "4+1err" when some failed.
std::string reps_cell(const SummaryRow* r) {
  if (!r) return "-";
  return std::to_string(r->committed) + (r->errors > 0 ? "+" + std::to_string(r->errors) + "err" : "");
}

// A target's figures over every stream: the geometric mean of all its
// queries' medians (a power run's is its stream's), and queries per hour.
struct TargetFigures {
  std::string target;
  std::optional<double> geomean_ms;
  double queries_per_hour = 0;
};

std::vector<TargetFigures> target_figures(const std::vector<SummaryRow>& rows) {
  std::vector<TargetFigures> out;
  for (const auto& f : query_figures(rows)) {
    TargetFigures t;
    t.target = f.target;
    t.queries_per_hour = f.queries_per_hour;
    double log_sum = 0;
    int64_t n = 0;
    for (const auto& s : f.streams)
      if (s.geomean_s && s.queries > 0) {
        log_sum += std::log(*s.geomean_s) * static_cast<double>(s.queries);
        n += s.queries;
      }
    if (n > 0) t.geomean_ms = std::exp(log_sum / static_cast<double>(n)) * kMsPerSecond;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

std::string compare_query_runs(const std::vector<SummaryRow>& baseline,
                               const std::vector<SummaryRow>& current) {
  std::vector<std::vector<std::string>> t = {
      {"query", "median base", "median cur", "Δ median", "reps base", "reps cur"}};
  for (const auto& m : match_rows(baseline, current)) {
    const SummaryRow* b = m.baseline;
    const SummaryRow* c = m.current;
    if ((b && (b->txn == "ALL" || b->status.empty())) || (c && (c->txn == "ALL" || c->status.empty())))
      continue;
    const bool both = b && c && b->committed > 0 && c->committed > 0;
    t.push_back({m.key, median_cell(b), median_cell(c), both ? signed_pct(b->lat_p50_ms, c->lat_p50_ms) : "-",
                 reps_cell(b), reps_cell(c)});
  }
  std::string out = format_table(t);

  // Targets: paired as the rows are (one each: with each other, else by name).
  const std::vector<TargetFigures> base = target_figures(baseline);
  const std::vector<TargetFigures> cur = target_figures(current);
  const bool one_each = base.size() == 1 && cur.size() == 1;
  std::vector<std::pair<const TargetFigures*, const TargetFigures*>> pairs;
  for (const auto& b : base) {
    const TargetFigures* match = nullptr;
    for (const auto& c : cur)
      if (one_each || c.target == b.target) match = &c;
    pairs.emplace_back(&b, match);
  }
  for (const auto& c : cur) {
    bool paired = false;
    for (const auto& p : pairs) paired = paired || p.second == &c;
    if (!paired) pairs.emplace_back(nullptr, &c);
  }
  std::vector<std::vector<std::string>> f = {
      {"target", "geomean base", "geomean cur", "Δ geomean", "qph base", "qph cur", "Δ qph"}};
  for (const auto& [b, c] : pairs) {
    const std::string name = one_each ? (b->target == c->target ? c->target : b->target + " -> " + c->target)
                                      : (c ? c->target : b->target);
    auto geo = [](const TargetFigures* x) { return x && x->geomean_ms ? fixed(*x->geomean_ms, 3) : "-"; };
    auto qph = [](const TargetFigures* x) { return x ? fixed(x->queries_per_hour, 1) : "-"; };
    f.push_back({name, geo(b), geo(c),
                 b && c && b->geomean_ms && c->geomean_ms ? signed_pct(*b->geomean_ms, *c->geomean_ms) : "-",
                 qph(b), qph(c), b && c ? signed_pct(b->queries_per_hour, c->queries_per_hour) : "-"});
  }
  out += "\n" + format_table(f);
  out +=
      "(times in ms: each query's median over its timed executions (reps); geomean: the geometric mean of "
      "the medians; qph: queries per hour; Δ is current against baseline, + is slower for times)\n";
  return out;
}

}  // namespace oltap::results
