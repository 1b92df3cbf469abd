// Fuzz target: the rules file of `oltap gate` (gate.yaml).
#include "fuzz.h"
#include "results/results.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  oltap::fuzz::expect_only_oltap_errors(
      [&] { (void)oltap::results::parse_gate_rules(oltap::fuzz::text_of(data, size), "gate.yaml"); });
  return 0;
}
