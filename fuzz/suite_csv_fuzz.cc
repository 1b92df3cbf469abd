// Fuzz target: a suite folder's suite.csv, as `oltap export` and a side of
// compare/gate read it.
#include "fuzz.h"
#include "results/results.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)oltap::fuzz::write_scratch("suite.csv", data, size);
  const std::string dir = oltap::fuzz::scratch_dir().string();
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::export_rows(dir); });
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::read_side({dir}); });
  return 0;
}
