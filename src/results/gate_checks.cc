// The checks of a comparison as a whole, before any row: an empty baseline,
// incomplete folders, and per suite case another workload (its SHA-256) or
// other settings (meta.json's, the seed left out). Pure; any thread.
#include <set>

#include "gate_eval.h"

namespace oltap::results {
namespace {

std::string short_sha(const std::string& sha) { return sha.empty() ? "(none)" : sha.substr(0, 12); }

std::string joined(const std::set<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " | ") + v;
  return out;
}

// What each case's folders of a side say of their workload and settings.
struct CaseInfo {
  std::set<std::string> shas, names;
  std::map<std::string, std::set<std::string>> settings;
  size_t without_meta = 0;
};
std::map<std::string, CaseInfo> case_info(const Side& side) {
  std::map<std::string, CaseInfo> out;
  for (const auto& f : side.folders) {
    CaseInfo& c = out[f.case_name];
    if (!f.has_meta) {
      if (!(f.incomplete && f.why_incomplete == "no summary.csv")) ++c.without_meta;
      continue;
    }
    c.shas.insert(f.workload_sha256);
    c.names.insert(f.workload);
    for (const auto& [k, v] : f.settings) c.settings[k].insert(v);
  }
  return out;
}

}  // namespace

void comparison_checks(const Side& base, const Side& cur, Evaluation& e) {
  auto add = [&](const char* code, std::string message) {
    e.findings.push_back({code, "", std::move(message)});
  };
  size_t base_measured = 0;
  for (const auto& s : base.samples) base_measured += measured(s.row) ? 1 : 0;
  if (base.samples.empty())
    add(kReasonEmptyBaseline, "the baseline has no rows: nothing to gate against");
  else if (base_measured == 0)
    add(kReasonEmptyBaseline, "the baseline measured nothing: 0 committed in its " +
                                  std::to_string(base.samples.size()) + " row(s)");
  for (auto [side, name] : {std::pair{&base, "baseline"}, std::pair{&cur, "current"}})
    for (const auto& f : side->folders)
      if (f.incomplete)
        add(kReasonIncomplete, std::string(name) + " run incomplete: " + f.path + ": " + f.why_incomplete);
  auto bi = case_info(base), ci = case_info(cur);
  size_t unchecked = 0;
  e.meta_checked = false;
  for (const auto& [name, b] : bi) {
    auto it = ci.find(name);
    if (it == ci.end()) continue;
    const CaseInfo& c = it->second;
    unchecked += b.without_meta + c.without_meta;
    const std::string where = name.empty() ? "" : "case " + name + ": ";
    e.meta_checked = e.meta_checked || (!b.shas.empty() && !c.shas.empty());
    if (!b.shas.empty() && !c.shas.empty() && b.shas != c.shas) {
      std::set<std::string> bs, cs;
      for (const auto& s : b.shas) bs.insert(short_sha(s));
      for (const auto& s : c.shas) cs.insert(short_sha(s));
      add(kReasonWorkloadChanged, where + "a different workload: baseline " + joined(b.names) + " (sha256 " +
                                      joined(bs) + "), current " + joined(c.names) + " (sha256 " +
                                      joined(cs) + ")");
    }
    if (b.shas.empty() || c.shas.empty()) continue;
    std::set<std::string> keys;
    for (const auto& [k, v] : b.settings) keys.insert(k);
    for (const auto& [k, v] : c.settings) keys.insert(k);
    std::string diff;
    for (const auto& k : keys) {
      auto bv = b.settings.count(k) ? b.settings.at(k) : std::set<std::string>{"(unset)"};
      auto cv = c.settings.count(k) ? c.settings.at(k) : std::set<std::string>{"(unset)"};
      if (bv != cv)
        diff +=
            (diff.empty() ? "" : ", ") + k + " " + joined(bv) + " in baseline, " + joined(cv) + " in current";
    }
    if (!diff.empty()) add(kReasonSettingsChanged, where + "different settings: " + diff);
  }
  if (unchecked)
    e.notes.push_back(std::to_string(unchecked) +
                      " folder(s) without meta.json: their workload and settings are not checked");
}

}  // namespace oltap::results
