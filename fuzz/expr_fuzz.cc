// Fuzz target: a workload expression parsed, its names bound to slots that
// hold values at the edges of each kind (the 64-bit integer limits, -1, 0,
// infinities, NaN, text, null), then evaluated both ways. The first byte
// picks which value each name gets.
#include <cmath>
#include <limits>
#include <vector>

#include "fuzz.h"
#include "workload/workload.h"

using oltap::Value;

namespace {

std::vector<Value> edge_values() {
  using L = std::numeric_limits<int64_t>;
  return {Value::of_int(L::min()),
          Value::of_int(L::max()),
          Value::of_int(-1),
          Value::of_int(0),
          Value::of_int(1),
          Value::of_int(63),
          Value::of_int(64),
          Value::of_double(std::numeric_limits<double>::infinity()),
          Value::of_double(-std::numeric_limits<double>::infinity()),
          Value::of_double(std::numeric_limits<double>::quiet_NaN()),
          Value::of_double(1e300),
          Value::of_double(-0.5),
          Value::of_text("9223372036854775808"),
          Value::of_text("abc"),
          Value::of_text(""),
          Value()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static const std::vector<Value> edges = edge_values();
  const uint8_t pick = data[0];
  const std::string text = oltap::fuzz::text_of(data + 1, size - 1);
  oltap::fuzz::expect_only_oltap_errors([&] {
    auto e = oltap::workload::Expr::parse(text, {"fuzz.yaml", 1, 1});
    std::vector<Value> slots;
    e.resolve([&](const std::string& name) {
      slots.push_back(edges[(pick + name.size() * 7 + slots.size()) % edges.size()]);
      return static_cast<int>(slots.size() - 1);
    });
    (void)e.eval(slots.data());
    Value out = Value::of_text("reused");
    e.eval_into(slots.data(), out);
    (void)oltap::workload::truthy(out);
    (void)out.to_string();
  });
  return 0;
}
