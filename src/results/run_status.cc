// Whether a result folder holds a whole run, as its meta.json says: what a
// suite's --resume asks of each repetition's folder.
#include <fstream>
#include <nlohmann/json.hpp>

#include "results.h"

namespace oltap::results {

bool run_complete(const std::string& dir) {
  std::ifstream in(dir + "/meta.json");
  if (!in) return false;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (!j.is_object() || j.value("incomplete", true)) return false;
    const auto targets = j.find("targets");
    if (targets == j.end() || !targets->is_array() || targets->empty()) return false;
    for (const auto& t : *targets)
      if (!t.is_object() || t.value("status", "") != "complete") return false;
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;  // a meta.json cut short or edited by hand: not a complete run
  }
}

}  // namespace oltap::results
