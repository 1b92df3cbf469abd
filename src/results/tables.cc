// Tables for people: the summary of a run, and several targets side by side.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

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

bool any_stage(const std::vector<SummaryRow>& rows) {
  return std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) { return !r.stage.empty(); });
}

}  // namespace

std::string summary_table(const std::vector<SummaryRow>& rows) {
  // A stage column only in a staged run: an unstaged table stays as it was.
  const bool staged = any_stage(rows);
  // An open loop's columns only when a row has a rate, a late or a skipped transaction.
  const bool open = std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) {
    return r.offered_tps > 0 || r.late > 0 || r.skipped > 0;
  });
  std::vector<std::string> header = {"target", "group", "txn"};
  if (staged) header.push_back("stage");
  header.insert(header.end(), {"clients", "committed", "aborted", "errors", "tps", "mean ms", "p50 ms",
                               "p95 ms", "p99 ms", "max ms"});
  if (open) header.insert(header.end(), {"offered", "svc p99 ms", "lag max ms", "late", "skipped"});
  std::vector<std::vector<std::string>> t = {header};
  for (const auto& r : rows) {
    std::vector<std::string> line = {r.target, r.group, r.txn};
    if (staged) line.push_back(r.stage.empty() ? "-" : r.stage);
    line.insert(line.end(), {std::to_string(r.clients), std::to_string(r.committed),
                             std::to_string(r.aborted), std::to_string(r.errors), fixed(r.tps, kTpsDecimals),
                             fixed(r.lat_mean_ms, 3), fixed(r.lat_p50_ms, 3), fixed(r.lat_p95_ms, 3),
                             fixed(r.lat_p99_ms, 3), fixed(r.lat_max_ms, 3)});
    if (open)
      line.insert(line.end(), {fixed(r.offered_tps, kTpsDecimals), fixed(r.svc_p99_ms, 3),
                               fixed(r.lag_max_ms, 3), std::to_string(r.late), std::to_string(r.skipped)});
    t.push_back(std::move(line));
  }
  return format_table(t);
}

std::string side_by_side(const std::vector<SummaryRow>& rows) {
  using Key = std::tuple<std::string, std::string, std::string>;  // (group, txn, stage)
  const bool staged = any_stage(rows);
  std::vector<std::string> targets;
  std::vector<Key> keys;  // in first-seen order
  std::map<std::pair<std::string, Key>, const SummaryRow*> cell;
  for (const auto& r : rows) {
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
    Key k{r.group, r.txn, r.stage};
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    cell[{r.target, k}] = &r;
  }
  std::vector<std::string> labels = target_labels(targets);
  std::vector<std::vector<std::string>> t;
  std::vector<std::string> header = {"group", "txn"};
  if (staged) header.push_back("stage");
  header.push_back("metric");
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
  for (const auto& k : keys) {
    const auto& [group, txn, stage] = k;
    bool first = true;
    for (const auto& m : metrics) {
      std::vector<std::string> line = {first ? group : "", first ? txn : ""};
      if (staged) line.push_back(first ? (stage.empty() ? "-" : stage) : "");
      line.push_back(m.name);
      for (const auto& target : targets) {
        auto it = cell.find({target, k});
        line.push_back(it == cell.end() ? "-" : m.get(*it->second));
      }
      t.push_back(std::move(line));
      first = false;
    }
  }
  std::string out = format_table(t);
  // A named target's column is its name: only URIs need the legend.
  for (size_t i = 0; i < targets.size(); ++i)
    if (labels[i] != targets[i]) out += labels[i] + " = " + targets[i] + "\n";
  return out;
}

namespace {

// A query's time as the tables show it, or how it failed.
// A query's time: its median (its one time when it ran once), or how it
// ended when no execution completed.
std::string query_cell(const SummaryRow& r) {
  if (r.committed > 0) return fixed(r.lat_p50_ms, 3);
  return r.status.empty() ? "-" : r.status;
}

// How a stream is named in lines for people: "stream1" -> "stream 1".
std::string stream_label(const std::string& group) {
  return group.rfind("stream", 0) == 0 ? "stream " + group.substr(6) : group;
}

}  // namespace

std::string query_table(const std::vector<SummaryRow>& rows) {
  std::vector<std::string> targets;
  std::vector<std::pair<std::string, std::string>> keys;  // (stream, query) in first-seen order
  std::map<std::pair<std::string, std::string>, std::vector<const SummaryRow*>> by_key;
  bool several_streams = false, checksums = false, repeated = false;
  for (const auto& r : rows) {
    if (r.txn == "ALL" || r.status.empty()) continue;
    repeated = repeated || r.committed + r.errors > 1;
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
    std::pair<std::string, std::string> k{r.group, r.txn};
    if (!by_key.count(k)) keys.push_back(k);
    by_key[k].push_back(&r);
    several_streams = several_streams || r.group != rows.front().group;
    checksums = checksums || !r.checksum.empty();
  }
  std::vector<std::string> labels = target_labels(targets);
  std::vector<std::string> header;
  if (several_streams) header.push_back("stream");
  header.push_back("query");
  const std::string unit = repeated ? "median ms" : "ms";
  for (const auto& l : labels) header.push_back(targets.size() > 1 ? l + " " + unit : unit);
  if (checksums) header.insert(header.end(), {"rows", "answer"});
  std::vector<std::vector<std::string>> t = {header};
  std::map<std::string, std::vector<const SummaryRow*>> by_query;  // for the answer column
  for (const auto& r : rows)
    if (!r.checksum.empty()) by_query[r.txn].push_back(&r);
  for (const auto& k : keys) {
    std::vector<std::string> line;
    if (several_streams) line.push_back(k.first.rfind("stream", 0) == 0 ? k.first.substr(6) : k.first);
    line.push_back(k.second);
    const auto& cells = by_key[k];
    for (const auto& target : targets) {
      auto it =
          std::find_if(cells.begin(), cells.end(), [&](const SummaryRow* r) { return r->target == target; });
      line.push_back(it == cells.end() ? "-" : query_cell(**it));
    }
    if (checksums) {
      std::vector<std::string> counts;
      for (const SummaryRow* r : cells) {
        std::string n = r->rows < 0 ? "-" : std::to_string(r->rows);
        if (std::find(counts.begin(), counts.end(), n) == counts.end()) counts.push_back(n);
      }
      std::string joined;
      for (const auto& n : counts) joined += (joined.empty() ? "" : "/") + n;
      line.push_back(joined);
      // Every answer this query gave, on every target and stream.
      const auto& all = by_query[k.second];
      bool agree = true;
      for (const SummaryRow* r : all)
        agree = agree && r->checksum == all.front()->checksum && r->rows == all.front()->rows;
      line.push_back(all.empty()       ? "-"
                     : !agree          ? "DIFFERS"
                     : all.size() == 1 ? all.front()->checksum.substr(0, 12)
                                       : "agree");
    }
    t.push_back(std::move(line));
  }
  std::string out = format_table(t);
  if (targets.size() > 1)
    for (size_t i = 0; i < targets.size(); ++i)
      if (labels[i] != targets[i]) out += labels[i] + " = " + targets[i] + "\n";
  return out;
}

std::string query_lines(const std::vector<SummaryRow>& rows) {
  std::string out;
  const std::vector<QueryFigures> figures = query_figures(rows);
  std::vector<std::string> targets;
  for (const auto& f : figures) targets.push_back(f.target);
  const std::vector<std::string> labels = target_labels(targets);
  auto label_of = [&](const std::string& target) {
    for (size_t i = 0; i < targets.size(); ++i)
      if (targets[i] == target) return labels[i];
    return target;
  };
  for (const auto& f : figures) {
    const int64_t ran = f.completed + f.failed;
    std::string line =
        (figures.size() > 1 ? label_of(f.target) + ": " : std::string()) +
        (f.power() ? "power run, " : "throughput run, " + std::to_string(f.streams.size()) + " streams, ") +
        std::to_string(f.completed) + " of " + std::to_string(ran) + " " +
        (f.repeat > 1 ? "executions (each query timed " + std::to_string(f.repeat) + " times)"
                      : std::string("queries")) +
        " completed in " + fixed(f.elapsed_s, 3) + " s";
    const std::string of_medians = f.repeat > 1 ? " of the medians" : "";
    if (f.power() && f.streams[0].geomean_s)
      line += " · geometric mean" + of_medians + " " + fixed(*f.streams[0].geomean_s * 1000, 3) + " ms";
    line += " · " + fixed(f.queries_per_hour, 1) + " queries per hour";
    if (f.repeat > 1) line += " (of a median pass)";
    if (!f.power()) {
      line += " (";
      for (size_t i = 0; i < f.streams.size(); ++i)
        line += (i ? ", " : "") + stream_label(f.streams[i].stream) + " " + fixed(f.streams[i].elapsed_s, 3) +
                " s";
      line += ")";
    }
    out += line + "\n";
  }
  const std::vector<AnswerCheck> checks = check_answers(rows);
  if (checks.empty()) return out;
  int differ = 0;
  std::set<std::string> answered_targets, answered_streams;
  size_t answers = 0;
  for (const auto& c : checks) {
    answers = std::max(answers, c.answers.size());
    for (const SummaryRow* r : c.answers) {
      answered_targets.insert(r->target);
      answered_streams.insert(r->group);
    }
    if (c.agree) continue;
    ++differ;
    std::string line = "DIFFERS " + c.query + ":";
    const bool several_streams = answered_streams.size() > 1;
    for (size_t i = 0; i < c.answers.size(); ++i) {
      const SummaryRow& r = *c.answers[i];
      line += (i ? ", " : " ") + label_of(r.target) + (several_streams ? " " + stream_label(r.group) : "") +
              " " + std::to_string(r.rows) + " rows " + r.checksum.substr(0, 12);
    }
    out += line + "\n";
  }
  std::string across = " across " + std::to_string(answered_targets.size()) + " target(s)";
  if (answered_streams.size() > 1) across += " and " + std::to_string(answered_streams.size()) + " streams";
  const std::string n = std::to_string(checks.size());
  if (answers <= 1)
    out += "answers: " + n + " queries checksummed, one answer each: nothing to compare\n";
  else if (differ == 0)
    out += "answers: all " + n + " queries agree" + across + "\n";
  else
    out += "answers: " + std::to_string(differ) + " of " + n + " queries DIFFER" + across +
           " (a result, not an error)\n";
  return out;
}

std::string curve_table(const std::vector<CurvePoint>& points) {
  std::vector<std::string> targets;
  std::vector<std::pair<std::string, double>> keys;  // (group, offered), in first-seen order
  std::map<std::tuple<std::string, std::string, double>, const CurvePoint*> cell;
  bool slo = false;
  for (const auto& p : points) {
    if (p.txn != "ALL") continue;
    if (std::find(targets.begin(), targets.end(), p.target) == targets.end()) targets.push_back(p.target);
    std::pair<std::string, double> k{p.group, p.offered_tps};
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    cell[{p.target, p.group, p.offered_tps}] = &p;
    slo = slo || p.met.has_value();
  }
  const std::vector<std::string> labels = target_labels(targets);
  std::vector<std::string> header = {"group", "offered"};
  for (const auto& l : labels) {
    header.insert(header.end(), {l + " tps", "p50 ms", "p99 ms", "svc p99 ms"});
    if (slo) header.push_back("met");
  }
  std::vector<std::vector<std::string>> t = {header};
  for (const auto& [group, offered] : keys) {
    std::vector<std::string> line = {group, fixed(offered, 0)};
    for (const auto& target : targets) {
      auto it = cell.find({target, group, offered});
      if (it == cell.end()) {
        line.insert(line.end(), slo ? 5 : 4, "-");
        continue;
      }
      const CurvePoint& p = *it->second;
      line.insert(line.end(), {fixed(p.achieved_tps, kTpsDecimals), fixed(p.lat_p50_ms, 3),
                               fixed(p.lat_p99_ms, 3), fixed(p.svc_p99_ms, 3)});
      if (slo) line.push_back(!p.met ? "-" : *p.met ? "yes" : "no");
    }
    t.push_back(std::move(line));
  }
  return format_table(t);
}

}  // namespace oltap::results
