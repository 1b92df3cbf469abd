// gate.yaml: thresholds per row pattern for `oltap gate --rules`. Read with
// yaml-cpp directly (the workload module's strict reader is private to it),
// every problem named as file:line:col.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "results.h"

namespace oltap::results {
namespace {

struct Reader {
  std::string file;

  std::string where(const YAML::Node& n) const {
    YAML::Mark m = n.Mark();
    if (m.is_null()) return file;
    return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& what) const {
    throw Error(ErrorClass::kBadInput, where(n) + ": " + what);
  }
  void keys(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* what) const {
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) fail(it->first, std::string("a key of ") + what + " must be a word");
      const std::string k = it->first.Scalar();
      if (!seen.insert(k).second) fail(it->first, "'" + k + "' is given twice");
      bool ok = false;
      std::string list;
      for (const char* a : allowed) {
        ok = ok || k == a;
        list += (list.empty() ? "" : ", ") + std::string(a);
      }
      if (!ok) fail(it->first, "unknown key '" + k + "' in " + what + " (expected one of: " + list + ")");
    }
  }
  std::string str(const YAML::Node& n, const char* what) const {
    if (!n.IsScalar()) fail(n, std::string(what) + " must be a text");
    return n.Scalar();
  }
  double share(const YAML::Node& n, const char* what) const {
    const std::string text = str(n, what);
    try {
      return parse_percent(text);
    } catch (const Error& e) {
      fail(n, std::string(what) + ": " + e.what());
    }
  }
};

}  // namespace

GateRules parse_gate_rules(const std::string& text, const std::string& file) {
  Reader rd{file};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorClass::kBadInput, file + ":" + std::to_string(e.mark.line + 1) + ":" +
                                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  GateRules out;
  out.file = file;
  if (!root.IsMap()) rd.fail(root, "a gate rules file is a map with 'rules:' (see README, Gating in CI)");
  rd.keys(root, {"max_regression", "alpha", "max_error_rate", "rules"}, "the rules file");
  if (root["max_regression"]) out.max_regression = rd.share(root["max_regression"], "max_regression");
  if (root["max_error_rate"]) out.max_error_rate = rd.share(root["max_error_rate"], "max_error_rate");
  if (root["alpha"]) {
    const YAML::Node n = root["alpha"];
    double a = 0;
    try {
      a = std::stod(rd.str(n, "alpha"));
    } catch (const std::exception&) {
      rd.fail(n, "alpha must be a number between 0 and 1, such as 0.05");
    }
    if (!(a > 0 && a < 1)) rd.fail(n, "alpha must be between 0 and 1 (exclusive), such as 0.05");
    out.alpha = a;
  }
  const YAML::Node rules = root["rules"];
  if (!rules) return out;
  if (!rules.IsSequence()) rd.fail(rules, "rules must be a list of rules (- metric: tps ...)");
  for (const auto& r : rules) {
    if (!r.IsMap()) rd.fail(r, "a rule is a map (metric:, row:, max_regression: ...)");
    rd.keys(r, {"metric", "row", "workload", "case", "target", "max_regression", "gate"}, "a rule");
    GateRule g;
    g.where = rd.where(r);
    if (!r["metric"])
      rd.fail(r,
              "a rule needs metric: (tps, p50, p95, p99, errors, a headline such as tpmC, "
              "or queries_per_hour)");
    g.metric = rd.str(r["metric"], "metric");
    if (g.metric.empty()) rd.fail(r["metric"], "metric is empty");
    for (auto [key, field] : {std::pair{"row", &g.row}, std::pair{"workload", &g.workload},
                              std::pair{"case", &g.case_name}, std::pair{"target", &g.target}})
      if (r[key]) *field = rd.str(r[key], key);
    if (r["gate"]) {
      const std::string v = rd.str(r["gate"], "gate");
      if (v != "true" && v != "false") rd.fail(r["gate"], "gate must be true or false");
      g.gate = v == "true";
    }
    if (r["max_regression"]) {
      if (!g.gate) rd.fail(r["max_regression"], "a rule with gate: false takes no max_regression");
      g.max_regression = rd.share(r["max_regression"], "max_regression");
    } else if (g.gate) {
      rd.fail(r, "a rule needs max_regression: (such as 5%), or gate: false to leave the metric ungated");
    }
    out.rules.push_back(std::move(g));
  }
  return out;
}

GateRules read_gate_rules(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, path + ": cannot open the rules file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_gate_rules(ss.str(), path);
}

}  // namespace oltap::results
