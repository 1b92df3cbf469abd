// An analytical run's figures and answer checks, made from its summary rows
// as summary.csv holds them, so that `run`, `report` and meta.json agree to
// the digit.
#include <algorithm>
#include <cmath>
#include <map>

#include "csv.h"
#include "results.h"

namespace oltap::results {
namespace {

constexpr double kSecondsPerHour = 3600;
constexpr double kMsPerSecond = 1000;

}  // namespace

std::vector<QueryFigures> query_figures(const std::vector<SummaryRow>& rows) {
  std::vector<QueryFigures> out;
  if (!is_analytical(rows)) return out;
  auto figures_of = [&](const std::string& target) -> QueryFigures& {
    for (auto& f : out)
      if (f.target == target) return f;
    out.push_back(QueryFigures{});
    out.back().target = target;
    return out.back();
  };
  // Per (target, stream): the sum of log(seconds) of the completed queries'
  // medians, how many, and the sum of the medians.
  struct Medians {
    double log_sum = 0, sum_s = 0;
    int64_t n = 0;
  };
  std::map<std::pair<std::string, std::string>, Medians> medians;
  for (const auto& r : rows) {
    if (r.txn == "ALL") {
      QueryFigures& f = figures_of(r.target);
      StreamFigures s;
      s.stream = r.group;
      s.elapsed_s = r.duration_s;
      s.completed = r.committed;
      s.failed = r.errors;
      f.streams.push_back(s);
    } else {
      QueryFigures& f = figures_of(r.target);
      f.repeat = std::max(f.repeat, r.committed + r.errors);
      if (r.committed == 0) continue;
      // A query faster than the file's resolution (1 us) counts as 1 us.
      const double s = std::max(r.lat_p50_ms, 0.001) / kMsPerSecond;
      Medians& m = medians[{r.target, r.group}];
      m.log_sum += std::log(s);
      m.sum_s += s;
      ++m.n;
    }
  }
  for (auto& f : out) {
    double pass_s = 0;
    int64_t queries = 0;
    for (auto& s : f.streams) {
      auto it = medians.find({f.target, s.stream});
      if (it != medians.end() && it->second.n > 0) {
        s.geomean_s = std::exp(it->second.log_sum / static_cast<double>(it->second.n));
        s.queries = it->second.n;
        s.median_pass_s = it->second.sum_s;
      }
      f.elapsed_s = std::max(f.elapsed_s, s.elapsed_s);
      f.completed += s.completed;
      f.failed += s.failed;
      pass_s = std::max(pass_s, s.median_pass_s);
      queries += s.queries;
    }
    if (f.repeat > 1)
      f.queries_per_hour = pass_s > 0 ? static_cast<double>(queries) * kSecondsPerHour / pass_s : 0;
    else
      f.queries_per_hour = f.elapsed_s > 0 ? f.completed * kSecondsPerHour / f.elapsed_s : 0;
  }
  return out;
}

std::vector<AnswerCheck> check_answers(const std::vector<SummaryRow>& rows) {
  std::vector<AnswerCheck> out;
  for (const auto& r : rows) {
    if (r.checksum.empty() || r.txn == "ALL") continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const AnswerCheck& c) { return c.query == r.txn; });
    if (it == out.end()) {
      out.push_back(AnswerCheck{r.txn, {}, true});
      it = out.end() - 1;
    }
    if (!it->answers.empty() &&
        (it->answers.front()->checksum != r.checksum || it->answers.front()->rows != r.rows))
      it->agree = false;
    it->answers.push_back(&r);
  }
  return out;
}

std::string compare_answers(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current) {
  std::string out;
  int compared = 0, differ = 0;
  for (const auto& m : match_rows(baseline, current)) {
    if (!m.baseline || !m.current || m.baseline->checksum.empty() || m.current->checksum.empty()) continue;
    ++compared;
    if (m.baseline->checksum == m.current->checksum && m.baseline->rows == m.current->rows) continue;
    ++differ;
    out += "DIFFERS " + m.key + ": baseline " + std::to_string(m.baseline->rows) + " rows " +
           m.baseline->checksum.substr(0, 12) + ", current " + std::to_string(m.current->rows) + " rows " +
           m.current->checksum.substr(0, 12) + "\n";
  }
  if (compared == 0) return "";
  if (differ == 0) return "answers: all " + std::to_string(compared) + " checksummed queries agree\n";
  return out + "answers: " + std::to_string(differ) + " of " + std::to_string(compared) +
         " checksummed queries differ\n";
}

}  // namespace oltap::results
