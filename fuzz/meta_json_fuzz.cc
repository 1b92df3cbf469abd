// Fuzz target: meta.json, as the run's state, its headlines and a side of
// compare/gate read it (beside a valid summary.csv, so the side reads it).
#include "fuzz.h"
#include "results/results.h"

namespace {
constexpr std::string_view kSummary =
    "target,group,txn,stage,attempted,committed,aborted,errors,retries,tps,tpm,lat_mean_ms,lat_p50_ms,"
    "lat_p95_ms,lat_p99_ms,lat_p999_ms,lat_max_ms\n"
    "pg,default,ALL,,10,10,0,0,0,10.00,600.00,1.000,1.000,1.000,1.000,1.000,1.000\n";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = oltap::fuzz::write_scratch("meta.json", data, size);
  const std::string dir = oltap::fuzz::scratch_dir().string();
  std::ofstream(dir + "/summary.csv") << kSummary;
  oltap::fuzz::expect_only_oltap_errors([&] {
    const auto state = oltap::results::read_run_state(dir);
    if (state.cut_short()) (void)oltap::results::cut_short_text(state);
  });
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::read_headlines(dir); });
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::read_side({dir}); });
  return 0;
}
