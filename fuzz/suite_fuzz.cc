// Fuzz target: a suite file (YAML text) through parse_suite, with ${NAME}
// set for a few names (one of them holding a password) and unset for the rest.
#include "fuzz.h"
#include "workload/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "PG") return "postgresql://oltap:secret@127.0.0.1:5432/oltap";
    if (name == "EMPTY") return "";
    if (name == "N") return "4";
    return std::nullopt;
  };
  oltap::fuzz::expect_only_oltap_errors([&] {
    const auto suite = oltap::workload::parse_suite(oltap::fuzz::text_of(data, size), "fuzz/suite.yaml", env);
    for (const auto& c : suite.cases) {
      auto s = c.settings;
      s.overlay(c.settings);
    }
  });
  return 0;
}
