// Fuzz target: a workload file (YAML text) through parse_spec, then its
// parameters' distributions built at the file's scale, as `oltap validate` does.
#include "fuzz.h"
#include "workload/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  oltap::fuzz::expect_only_oltap_errors([&] {
    const auto spec = oltap::workload::parse_spec(oltap::fuzz::text_of(data, size), "fuzz.yaml");
    for (const auto& d : {"default", "postgres", "mysql", "redshift"}) (void)spec.tables(d);
    oltap::workload::check_parameters(spec, spec.scale);
  });
  return 0;
}
