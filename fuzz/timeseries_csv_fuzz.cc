// Fuzz target: timeseries.csv, read alone and as a result folder's state.
#include "fuzz.h"
#include "results/results.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = oltap::fuzz::write_scratch("timeseries.csv", data, size);
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::read_timeseries(path); });
  oltap::fuzz::expect_only_oltap_errors([&] {
    const auto state = oltap::results::read_run_state(oltap::fuzz::scratch_dir().string());
    (void)oltap::results::cut_short_text(state);
  });
  return 0;
}
