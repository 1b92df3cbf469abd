// The cost of a failed transaction on the client's own path: a closed loop
// of one client against the unit tests' scripted engine::Connection (lean:
// no lock, no log, no allocation) that fails every --fail-every'th
// statement, so what is measured is oltap's accounting of failures (the
// error counters, their class, the kept messages) beside its commits. The
// figure is wall time per transaction over a fixed count, the median of
// --repeat runs; the load average is printed since the machine may be shared.
//
//   build/failure_bench [--transactions 2000000] [--fail-every 2] [--repeat 5]
//
// Exits 0, or 2 on bad usage.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "fake_connection.h"

namespace oltap::run {
namespace {

const char* const kTwo = R"(name: failure-bench
transactions:
  - name: t
    steps:
      - sql: UPDATE a SET v = 1
      - sql: UPDATE b SET v = 2
)";

double once(int64_t transactions, int fail_every, int64_t& errors) {
  testing::FakeServer server;
  server.keep_log = false;
  server.lean = true;
  server.fail_every = fail_every;
  Options o = testing::fake_options(server, 1);
  o.transactions = transactions;
  o.max_retries = 0;
  const int64_t start = metrics::now_ns();
  const RunResult r = testing::run_on(testing::spec_of(kTwo), o);
  const int64_t end = metrics::now_ns();
  errors = testing::totals_of(r, "ALL").errors;
  return static_cast<double>(end - start) / static_cast<double>(transactions);
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace
}  // namespace oltap::run

int main(int argc, char** argv) {
  int64_t transactions = 2'000'000;
  int fail_every = 2, repeat = 5;
  for (int i = 1; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (!std::strcmp(argv[i], "--transactions") && has_value) {
      transactions = std::atoll(argv[++i]);
    } else if (!std::strcmp(argv[i], "--fail-every") && has_value) {
      fail_every = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--repeat") && has_value) {
      repeat = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: failure_bench [--transactions N] [--fail-every N] [--repeat N]\n");
      return 2;
    }
  }
  if (transactions <= 0 || fail_every < 0 || repeat <= 0) {
    std::fprintf(stderr, "failure_bench: --transactions and --repeat must be positive\n");
    return 2;
  }
  std::printf("load average before: %s\n", oltap::run::load_average().c_str());
  std::vector<double> ns;
  int64_t errors = 0;
  for (int i = 0; i < repeat; ++i) ns.push_back(oltap::run::once(transactions, fail_every, errors));
  std::sort(ns.begin(), ns.end());
  std::printf("%lld transactions, every %d-th statement failing: %lld errors per run\n",
              static_cast<long long>(transactions), fail_every, static_cast<long long>(errors));
  std::printf("ns per transaction: median %.1f, min %.1f, max %.1f (%d runs)\n", ns[ns.size() / 2],
              ns.front(), ns.back(), repeat);
  std::printf("load average after: %s\n", oltap::run::load_average().c_str());
  return 0;
}
