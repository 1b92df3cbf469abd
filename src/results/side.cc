// One side of a compare or gate: result folders and suite folders read into
// samples (a row of one repetition each) and what each folder's meta.json
// says of its workload, settings and completeness.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

bool is_rep_dir(const fs::path& p) {
  const std::string name = p.filename().string();
  return name.size() > 4 && name.rfind("rep-", 0) == 0 &&
         std::all_of(name.begin() + 4, name.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The repetitions of a suite folder, in the order of their case, target and number.
std::vector<fs::path> suite_reps(const fs::path& suite) {
  std::vector<fs::path> out;
  for (const auto& c : fs::directory_iterator(suite)) {
    if (!c.is_directory()) continue;
    for (const auto& t : fs::directory_iterator(c.path())) {
      if (!t.is_directory()) continue;
      for (const auto& r : fs::directory_iterator(t.path()))
        if (r.is_directory() && is_rep_dir(r.path())) out.push_back(r.path());
    }
  }
  auto rep_number = [](const fs::path& p) { return std::stoll(p.filename().string().substr(4)); };
  std::sort(out.begin(), out.end(), [&](const fs::path& a, const fs::path& b) {
    auto ka = std::make_pair(a.parent_path().string(), rep_number(a));
    auto kb = std::make_pair(b.parent_path().string(), rep_number(b));
    return ka < kb;
  });
  return out;
}

// The suite case of a repetition folder given on its own (<suite>/<case>/<target>/rep-<k>).
std::string case_of_rep(const fs::path& dir) {
  if (!is_rep_dir(dir)) return "";
  fs::path suite = dir.parent_path().parent_path().parent_path();
  return fs::exists(suite / "suite.csv") ? dir.parent_path().parent_path().filename().string() : "";
}

void read_meta(const fs::path& dir, SideFolder& f) {
  const fs::path file = dir / "meta.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw Error(ErrorClass::kBadInput, file.string() + ": not valid JSON");
  f.has_meta = true;
  try {
    if (j.contains("workload")) {
      f.workload = j["workload"].value("name", "");
      f.workload_sha256 = j["workload"].value("sha256", "");
    }
    if (j.value("incomplete", false)) {
      f.incomplete = true;
      f.why_incomplete = "meta.json says incomplete";
      for (const auto& t : j.value("targets", nlohmann::json::array()))
        if (t.value("status", "") != "complete")
          f.why_incomplete += "; target " + t.value("target", "?") + " " + t.value("status", "?") +
                              (t.value("failure", "").empty() ? "" : " (" + t.value("failure", "") + ")");
    }
    if (j.contains("settings") && j["settings"].is_object()) {
      nlohmann::json s = j["settings"];
      // The seed differs between repetitions on purpose; the text is a note.
      s.erase("seed");
      s.erase("warmup_excluded");
      if (s.contains("open_loop") && s["open_loop"].is_object()) s["open_loop"].erase("latency_from");
      for (const auto& [k, v] : s.items()) f.settings[k] = v.dump();
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorClass::kBadInput, file.string() + ": " + e.what());
  }
}

void add_folder(Side& side, const fs::path& given, const std::string& case_name) {
  const fs::path dir = fs::is_directory(given) ? given : given.parent_path();
  SideFolder f;
  f.path = given.string();
  f.case_name = case_name;
  const RunState state = read_run_state(dir.string());
  if (fs::is_directory(given) && !state.has_summary) {
    // A repetition not (yet) written (an interrupted suite), or a run killed
    // before its first target ended.
    if (state.has_meta) read_meta(dir, f);
    f.incomplete = true;
    f.why_incomplete = state.cut_short() ? cut_short_text(state) : "no summary.csv";
    side.folders.push_back(std::move(f));
    return;
  }
  read_meta(dir, f);
  if (state.cut_short()) {
    f.incomplete = true;
    f.why_incomplete = cut_short_text(state);
  }
  std::vector<SummaryRow> rows = read_summary(given.string());
  refill_latency_from_hlog(given.string(), rows);
  if (!f.incomplete)
    for (const auto& r : rows)
      if (r.incomplete) {
        f.incomplete = true;
        f.why_incomplete = "summary.csv marks " + r.group + "/" + r.txn + " incomplete";
        break;
      }
  const size_t index = side.folders.size();
  side.folders.push_back(std::move(f));
  std::vector<Headline> heads = read_headlines(given.string());
  std::vector<QueryFigures> queries = is_analytical(rows) ? query_figures(rows) : std::vector<QueryFigures>{};
  std::set<std::string> qph_placed;
  for (const auto& r : rows) {
    Sample s{index, r, {}};
    if (r.txn == "ALL" && r.stage.empty()) {
      for (const auto& h : heads)
        if (h.target == r.target && h.group == r.group) s.extra[h.name] = h.value;
      for (const auto& q : queries)
        if (q.target == r.target && qph_placed.insert(r.target).second)
          s.extra["queries_per_hour"] = q.queries_per_hour;
    }
    side.samples.push_back(std::move(s));
  }
}

}  // namespace

Side read_side(const std::vector<std::string>& paths) {
  Side side;
  for (const auto& p : paths) {
    const fs::path path(p);
    if (!fs::exists(path)) throw Error(ErrorClass::kBadInput, p + ": no such result folder or summary.csv");
    if (fs::is_directory(path) && fs::exists(path / "suite.csv")) {
      std::vector<fs::path> reps = suite_reps(path);
      if (reps.empty())
        throw Error(ErrorClass::kBadInput,
                    p + ": a suite folder without repetitions (<case>/<target>/rep-<k>/)");
      for (const auto& r : reps) add_folder(side, r, r.parent_path().parent_path().filename().string());
      continue;
    }
    add_folder(side, path, case_of_rep(fs::is_directory(path) ? path : path.parent_path()));
  }
  return side;
}

Side side_of_rows(const std::vector<SummaryRow>& rows) {
  Side side;
  SideFolder f;
  f.path = "(rows)";
  for (const auto& r : rows)
    if (r.incomplete) {
      f.incomplete = true;
      f.why_incomplete = "summary.csv marks " + r.group + "/" + r.txn + " incomplete";
      break;
    }
  side.folders.push_back(f);
  for (const auto& r : rows) side.samples.push_back({0, r, {}});
  return side;
}

}  // namespace oltap::results
