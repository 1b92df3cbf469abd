// The headline figure a workload is quoted by (TPC-C's tpmC): one
// transaction's committed per minute, the total of every transaction beside
// it, and its efficiency against a maximum per unit of scale. Made from the
// summary's rows, written into meta.json, read back for `run` and `report`.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "csv.h"
#include "results.h"

namespace oltap::results {

std::vector<Headline> headlines(const std::vector<SummaryRow>& rows, const HeadlineSpec& spec, double scale) {
  std::vector<Headline> out;
  if (spec.name.empty()) return out;
  for (const auto& r : rows) {
    // Of the whole run: a stage's (a swept rate's) tpm is the rate it was offered.
    if (r.txn != spec.txn || !r.stage.empty()) continue;
    Headline h;
    h.target = r.target;
    h.group = r.group;
    h.name = spec.name;
    h.txn = spec.txn;
    h.include_aborted = spec.include_aborted;
    h.value = spec.include_aborted && r.duration_s > 0
                  ? rounded(static_cast<double>(r.committed + r.aborted) * 60 / r.duration_s, kTpmDecimals)
                  : rounded(r.tpm, kTpmDecimals);
    for (const auto& all : rows)
      if (all.txn == "ALL" && all.target == r.target && all.group == r.group && all.stage.empty())
        h.tpm_total = rounded(all.tpm, kTpmDecimals);
    h.scale = scale;
    h.per_scale_max = spec.per_scale_max;
    if (spec.per_scale_max > 0 && scale > 0)
      h.efficiency_pct = rounded(h.value / (spec.per_scale_max * scale) * 100, kTpmDecimals);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<Headline> read_headlines(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path dir = fs::is_directory(path) ? fs::path(path) : fs::path(path).parent_path();
  fs::path file = dir / "meta.json";
  std::vector<Headline> out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return out;
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw Error(ErrorClass::kBadInput, file.string() + ": not valid JSON");
  if (!j.contains("targets") || !j["targets"].is_array()) return out;
  try {
    for (const auto& t : j["targets"]) {
      if (!t.contains("headlines")) continue;
      for (const auto& e : t["headlines"]) {
        Headline h;
        h.target = t.value("target", "");
        h.group = e.at("group").get<std::string>();
        h.name = e.at("name").get<std::string>();
        h.txn = e.at("transaction").get<std::string>();
        h.value = e.at("value").get<double>();
        h.tpm_total = e.at("tpm_total").get<double>();
        h.scale = e.at("scale").get<double>();
        h.per_scale_max = e.value("per_scale_max", 0.0);
        h.include_aborted = e.value("include_aborted", false);
        if (e.contains("efficiency_pct")) h.efficiency_pct = e["efficiency_pct"].get<double>();
        out.push_back(std::move(h));
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorClass::kBadInput, file.string() + ": a headline is malformed: " + e.what());
  }
  return out;
}

std::string headline_lines(const std::vector<Headline>& list) {
  std::set<std::pair<std::string, std::string>> places;
  for (const auto& h : list) places.insert({h.target, h.group});
  std::string out;
  for (const auto& h : list) {
    if (places.size() > 1) out += h.target + " " + h.group + ": ";
    out += fmt::format("{} {} ({} {} per minute) · all transactions {} per minute", h.name,
                       fixed(h.value, kTpmDecimals), h.txn,
                       h.include_aborted ? "commits and intended rollbacks" : "commits",
                       fixed(h.tpm_total, kTpmDecimals));
    if (h.efficiency_pct)
      out += fmt::format(" · efficiency {}% (of {:g} per unit of scale, at scale {:g})",
                         fixed(*h.efficiency_pct, kTpmDecimals), h.per_scale_max, h.scale);
    out += "\n";
  }
  return out;
}

}  // namespace oltap::results
