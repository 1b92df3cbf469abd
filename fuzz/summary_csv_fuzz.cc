// Fuzz target: summary.csv as `oltap report`, `compare` and `export` read it.
#include "fuzz.h"
#include "results/results.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = oltap::fuzz::write_scratch("summary.csv", data, size);
  oltap::fuzz::expect_only_oltap_errors([&] {
    auto rows = oltap::results::read_summary(path);
    (void)oltap::results::summary_table(rows);
    (void)oltap::results::check_answers(rows);
  });
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::export_rows(path); });
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::read_side({path}); });
  return 0;
}
