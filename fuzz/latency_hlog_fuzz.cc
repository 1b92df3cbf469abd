// Fuzz target: latency.hlog (HdrHistogram's log: base64 of compressed
// histograms), line by line and as whole-run histograms.
#include "fuzz.h"
#include "results/results.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = oltap::fuzz::write_scratch("latency.hlog", data, size);
  oltap::fuzz::expect_only_oltap_errors([&] {
    oltap::results::for_each_hlog_entry(path, [](const oltap::results::HlogEntry& e) {
      (void)e.histogram.value_at_quantile(0.99);
      (void)oltap::results::parse_hlog_tag(e.tag);
    });
  });
  oltap::fuzz::expect_only_oltap_errors([&] { (void)oltap::results::read_whole_run_histograms(path); });
  return 0;
}
