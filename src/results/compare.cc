// `oltap compare`: baseline and current side by side, per target, group and
// transaction, with the change in percent.
#include <set>

#include "csv.h"
#include "results.h"

namespace oltap::results {
namespace {

std::string pct_change(double base, double cur) {
  if (base == 0) return cur == 0 ? "0.0%" : "n/a";
  double p = (cur - base) / base * 100;
  return (p >= 0 ? "+" : "") + fixed(p, 1) + "%";
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

std::string compare_table(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current) {
  std::vector<std::vector<std::string>> rows = {{"row", "tps base", "tps cur", "Δ tps", "p50 base", "p50 cur",
                                                 "Δ p50", "p95 base", "p95 cur", "Δ p95", "p99 base",
                                                 "p99 cur", "Δ p99"}};
  for (const auto& m : match_rows(baseline, current)) {
    if (!m.baseline || !m.current) {
      rows.push_back({m.key, m.baseline ? fixed(m.baseline->tps, 1) : "-",
                      m.current ? fixed(m.current->tps, 1) : "-",
                      m.baseline ? "only in baseline" : "only in current"});
      continue;
    }
    const SummaryRow& b = *m.baseline;
    const SummaryRow& c = *m.current;
    rows.push_back({m.key, fixed(b.tps, 1), fixed(c.tps, 1), pct_change(b.tps, c.tps), fixed(b.lat_p50_ms, 3),
                    fixed(c.lat_p50_ms, 3), pct_change(b.lat_p50_ms, c.lat_p50_ms), fixed(b.lat_p95_ms, 3),
                    fixed(c.lat_p95_ms, 3), pct_change(b.lat_p95_ms, c.lat_p95_ms), fixed(b.lat_p99_ms, 3),
                    fixed(c.lat_p99_ms, 3), pct_change(b.lat_p99_ms, c.lat_p99_ms)});
  }
  return format_table(rows) + "(latencies in ms; Δ is current against baseline)\n";
}

}  // namespace oltap::results
