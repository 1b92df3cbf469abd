// Tables for people: the summary of a run, and several targets side by side.
#include <algorithm>
#include <map>

#include "csv.h"
#include "results.h"

namespace oltap::results {
namespace {

// The precision summary.csv keeps: showing the same digits means a table
// made from a run and one made from its file never differ.
constexpr int kTpsDecimals = 2;

// A short column name for a target: its scheme ("postgresql", "mysql",
// "redis", ...), numbered when two targets share one.
std::vector<std::string> target_labels(const std::vector<std::string>& targets) {
  std::vector<std::string> labels;
  std::map<std::string, int> seen;
  for (const auto& t : targets) {
    std::string scheme = t.substr(0, t.find(':'));
    int n = ++seen[scheme];
    labels.push_back(n == 1 ? scheme : scheme + "#" + std::to_string(n));
  }
  // Name the first of a repeated scheme "#1" too, so no column is ambiguous.
  for (size_t i = 0; i < labels.size(); ++i)
    if (seen[labels[i]] > 1) labels[i] += "#1";
  return labels;
}

}  // namespace

std::string summary_table(const std::vector<SummaryRow>& rows) {
  std::vector<std::vector<std::string>> t = {{"target", "group", "txn", "clients", "committed", "aborted",
                                              "errors", "tps", "mean ms", "p50 ms", "p95 ms", "p99 ms",
                                              "max ms"}};
  for (const auto& r : rows)
    t.push_back({r.target, r.group, r.txn, std::to_string(r.clients), std::to_string(r.committed),
                 std::to_string(r.aborted), std::to_string(r.errors), fixed(r.tps, kTpsDecimals),
                 fixed(r.lat_mean_ms, 3), fixed(r.lat_p50_ms, 3), fixed(r.lat_p95_ms, 3),
                 fixed(r.lat_p99_ms, 3), fixed(r.lat_max_ms, 3)});
  return format_table(t);
}

std::string side_by_side(const std::vector<SummaryRow>& rows) {
  std::vector<std::string> targets;
  std::vector<std::pair<std::string, std::string>> keys;  // (group, txn) in first-seen order
  std::map<std::pair<std::string, std::string>, const SummaryRow*> cell;
  for (const auto& r : rows) {
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
    std::pair<std::string, std::string> k{r.group, r.txn};
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    cell[{r.target + "\n" + r.group, r.txn}] = &r;
  }
  std::vector<std::string> labels = target_labels(targets);
  std::vector<std::vector<std::string>> t;
  std::vector<std::string> header = {"group", "txn", "metric"};
  header.insert(header.end(), labels.begin(), labels.end());
  t.push_back(header);
  struct Metric {
    const char* name;
    std::string (*get)(const SummaryRow&);
  };
  static const Metric metrics[] = {
      {"tps", [](const SummaryRow& r) { return fixed(r.tps, kTpsDecimals); }},
      {"p50 ms", [](const SummaryRow& r) { return fixed(r.lat_p50_ms, 3); }},
      {"p95 ms", [](const SummaryRow& r) { return fixed(r.lat_p95_ms, 3); }},
      {"p99 ms", [](const SummaryRow& r) { return fixed(r.lat_p99_ms, 3); }},
      {"errors", [](const SummaryRow& r) { return std::to_string(r.errors); }},
  };
  for (const auto& [group, txn] : keys) {
    bool first = true;
    for (const auto& m : metrics) {
      std::vector<std::string> line = {first ? group : "", first ? txn : "", m.name};
      for (const auto& target : targets) {
        auto it = cell.find({target + "\n" + group, txn});
        line.push_back(it == cell.end() ? "-" : m.get(*it->second));
      }
      t.push_back(std::move(line));
      first = false;
    }
  }
  std::string out = format_table(t);
  for (size_t i = 0; i < targets.size(); ++i) out += labels[i] + " = " + targets[i] + "\n";
  return out;
}

}  // namespace oltap::results
