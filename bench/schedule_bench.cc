// Scheduling accuracy of the open loop: how late after its intended start a
// transaction leaves when the server costs nothing. run::prepare_run and
// run::measure drive a scripted engine::Connection that answers at once (the
// unit tests' fake, lean: no lock, no log, no allocation), so all that is
// measured is the client's own wait (run/schedule.cc's wait_until) and its
// path to the send. The figure is the lag histogram of the run's totals
// (TxnTotals::lag: actual send - intended start), its p50, p99, p99.9 and
// max; beside it the rate achieved against the rate asked for, oltap's CPU
// per transaction and the busiest client thread's share of a core
// (RunResult::client_cost), since a client that spins to be on time burns
// CPU the other clients need. Target (issue 10): p99 of the lag at most
// 100 us at 10,000/s; wrk2 documents its own accuracy as about +-1 ms.
//
//   build/schedule_bench [--rate 10000] [--duration 3] [--repeat 5] [--clients 1,4]
//
// Each setting (clients x Poisson/uniform arrivals) runs --repeat times,
// the settings interleaved, and the medians are printed: the machine may be
// shared, so the load average is printed before and after. Exits 0 when
// every setting's median p99 is within the target, 1 when one is not, 2 on
// bad usage.
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "fake_connection.h"
#include "run/schedule.h"

namespace oltap::run {
namespace {

constexpr double kTargetP99Us = 100;
constexpr double kWarmupS = 0.5;  // the threads' start is not measured

const char* const kOne = R"(name: schedule-bench
transactions:
  - name: t
    transaction: false
    steps:
      - sql: SELECT 1
)";

struct Setting {
  int clients = 1;
  Arrival arrival = Arrival::kPoisson;
};

struct Figures {
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0;
  double achieved_tps = 0;
  double cpu_per_txn_us = 0;
  double busiest_share = 0;
  // Involuntary context switches of the process per second: how often the
  // machine's other work took a core from it (what a busy machine adds to the tail).
  double preempted_per_s = 0;
};

// Run `nth` of a setting draws its own Poisson arrivals (seed nth + 1), so
// the achieved rate's median is not that of one schedule.
Figures measure_once(const Setting& s, double rate, double duration_s, int nth) {
  testing::FakeServer server;
  server.keep_log = false;
  server.lean = true;
  Options o = testing::fake_options(server, s.clients);
  o.rate = rate;
  o.arrival = s.arrival;
  o.duration_s = duration_s;
  o.warmup_s = kWarmupS;
  o.seed = static_cast<uint64_t>(nth) + 1;
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  const RunResult r = testing::run_on(testing::spec_of(kOne), o);
  getrusage(RUSAGE_SELF, &after);
  const TxnTotals& t = testing::totals_of(r, "ALL");
  Figures f;
  f.p50_us = t.lag.value_at_quantile(0.50) / 1e3;
  f.p99_us = t.lag.value_at_quantile(0.99) / 1e3;
  f.p999_us = t.lag.value_at_quantile(0.999) / 1e3;
  f.max_us = static_cast<double>(t.lag.max()) / 1e3;
  f.achieved_tps = static_cast<double>(t.committed) / r.measured_s;
  f.cpu_per_txn_us = r.client_cost.cpu_per_txn_us;
  f.busiest_share = r.client_cost.busiest_thread_share;
  // Over the warm-up too: rusage cannot tell the two apart.
  f.preempted_per_s = static_cast<double>(after.ru_nivcsw - before.ru_nivcsw) / (duration_s + kWarmupS);
  return f;
}

// The floor: wait_until alone on this thread, due every 1/rate seconds.
Figures wait_only(double rate, double duration_s) {
  precise_timers();
  const std::atomic<bool> stop{false};
  const int stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  const double gap_ns = 1e9 / rate;
  const auto n = static_cast<int64_t>(duration_s * rate);
  metrics::Histogram lag;
  timespec cpu0{}, cpu1{};
  rusage before{}, after{};
  getrusage(RUSAGE_THREAD, &before);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
  const int64_t start = metrics::now_ns() + static_cast<int64_t>(gap_ns);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t due = start + static_cast<int64_t>(static_cast<double>(i) * gap_ns);
    wait_until(due, stop, stop_fd);
    lag.record(metrics::now_ns() - due);
  }
  const double wall_s = static_cast<double>(metrics::now_ns() - start) / 1e9;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
  getrusage(RUSAGE_THREAD, &after);
  close(stop_fd);
  const double cpu_s = static_cast<double>(cpu1.tv_sec - cpu0.tv_sec) + (cpu1.tv_nsec - cpu0.tv_nsec) / 1e9;
  Figures f;
  f.p50_us = lag.value_at_quantile(0.50) / 1e3;
  f.p99_us = lag.value_at_quantile(0.99) / 1e3;
  f.p999_us = lag.value_at_quantile(0.999) / 1e3;
  f.max_us = static_cast<double>(lag.max()) / 1e3;
  f.achieved_tps = static_cast<double>(n) / wall_s;
  f.cpu_per_txn_us = cpu_s * 1e6 / static_cast<double>(n);
  f.busiest_share = cpu_s / wall_s;
  f.preempted_per_s = static_cast<double>(after.ru_nivcsw - before.ru_nivcsw) / wall_s;
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string name_of(const Setting& s) {
  return std::to_string(s.clients) + (s.clients == 1 ? " client, " : " clients, ") +
         (s.arrival == Arrival::kPoisson ? "poisson" : "uniform");
}

void print_row(const char* label, const Figures& f) {
  std::printf("%-8s %9.1f %9.1f %9.1f %9.1f %11.1f %10.2f %8.2f %10.0f\n", label, f.p50_us, f.p99_us,
              f.p999_us, f.max_us, f.achieved_tps, f.cpu_per_txn_us, f.busiest_share, f.preempted_per_s);
}

// Prints each run's row and their medians' row; returns the medians.
Figures print_runs(const std::string& title, const std::vector<Figures>& runs) {
  std::printf("\n== %s\n", title.c_str());
  std::printf("%-8s %9s %9s %9s %9s %11s %10s %8s %10s\n", "run", "p50", "p99", "p99.9", "max", "tps",
              "cpu_us/txn", "busiest", "preempt/s");
  std::vector<double> p50, p99, p999, mx, tps, cpu, share, preempted;
  for (size_t i = 0; i < runs.size(); ++i) {
    const Figures& f = runs[i];
    print_row(std::to_string(i + 1).c_str(), f);
    p50.push_back(f.p50_us);
    p99.push_back(f.p99_us);
    p999.push_back(f.p999_us);
    mx.push_back(f.max_us);
    tps.push_back(f.achieved_tps);
    cpu.push_back(f.cpu_per_txn_us);
    share.push_back(f.busiest_share);
    preempted.push_back(f.preempted_per_s);
  }
  const Figures m = {median(p50), median(p99), median(p999),  median(mx),
                     median(tps), median(cpu), median(share), median(preempted)};
  print_row("median", m);
  return m;
}

int usage() {
  std::fprintf(stderr, "usage: schedule_bench [--rate 10000] [--duration 3] [--repeat 5] [--clients 1,4]\n");
  return 2;
}

int bench_main(int argc, char** argv) {
  double rate = 10'000, duration_s = 3;
  int repeat = 5;
  std::vector<int> clients = {1, 4};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const char* value = argv[++i];
    if (arg == "--rate") {
      rate = std::atof(value);
    } else if (arg == "--duration") {
      duration_s = std::atof(value);
    } else if (arg == "--repeat") {
      repeat = std::atoi(value);
    } else if (arg == "--clients") {
      clients.clear();
      for (const char* p = value; *p;) {
        clients.push_back(std::atoi(p));
        p = std::strchr(p, ',') ? std::strchr(p, ',') + 1 : p + std::strlen(p);
      }
    } else {
      return usage();
    }
  }
  if (rate <= 0 || duration_s <= 0 || repeat < 1 || clients.empty()) return usage();
  for (int c : clients)
    if (c < 1) return usage();

  std::vector<Setting> settings;
  for (int c : clients)
    for (Arrival a : {Arrival::kPoisson, Arrival::kUniform}) settings.push_back({c, a});

  std::printf("schedule_bench: %.0f/s, %.1f s measured (after %.1f s of warm-up), %d runs per setting\n",
              rate, duration_s, kWarmupS, repeat);
  std::printf("load average before: %s\n", load_average().c_str());
  // Interleaved: a burst of load on the machine spreads over every setting.
  std::vector<std::vector<Figures>> runs(settings.size());
  std::vector<Figures> floor;
  for (int i = 0; i < repeat; ++i) {
    for (size_t k = 0; k < settings.size(); ++k)
      runs[k].push_back(measure_once(settings[k], rate, duration_s, i));
    floor.push_back(wait_only(rate, duration_s));
  }
  std::printf("load average after:  %s\n", load_average().c_str());

  bool met = true;
  for (size_t k = 0; k < settings.size(); ++k) {
    const Figures m = print_runs(name_of(settings[k]) + " (lag = actual send - intended start, us)", runs[k]);
    const bool ok = m.p99_us <= kTargetP99Us;
    std::printf("median p99 %.1f us (target <= %.0f us): %s; achieved %.2f%% of %.0f/s\n", m.p99_us,
                kTargetP99Us, ok ? "PASS" : "FAIL", 100 * m.achieved_tps / rate, rate);
    met = met && ok;
  }
  print_runs("the floor: run::wait_until alone on one thread, even gaps (information)", floor);
  return met ? 0 : 1;
}

}  // namespace
}  // namespace oltap::run

int main(int argc, char** argv) { return oltap::run::bench_main(argc, argv); }
