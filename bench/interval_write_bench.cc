// Cost of keeping a run's series as it goes (issue 14, point 2): what the
// recorder's thread spends each interval writing its lines of
// timeseries.csv and latency.hlog (results::RunFolder::append_intervals, one
// write(2) per file), beside what an fdatasync(2) of the same bytes would add
// if every interval were forced to the disk. The folder syncs only when a
// target ends (docs/architecture.md, "What a kill keeps"); this is the
// measurement behind that choice. Runs in a temporary folder of $TMPDIR (or
// /tmp): point it at the disk the results go to.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "metrics/metrics.h"
#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

// TPC-C's five transactions: the rows of one interval of a typical run.
const std::vector<std::string> kTransactions = {"new_order", "payment", "order_status", "delivery",
                                                "stock_level"};
// Transactions recorded into each row's histogram: a second of a busy run.
constexpr int kRecordedPerRow = 2'000;

fs::path fresh_dir(const char* name) {
  const char* tmp = std::getenv("TMPDIR");
  fs::path dir =
      fs::path(tmp ? tmp : "/tmp") / (std::string("oltap-bench-") + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

// The interval's histograms, filled with lognormal latencies around 2 ms.
std::vector<metrics::Histogram> interval_histograms() {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(2'000'000.0), 0.8);
  std::vector<metrics::Histogram> h(kTransactions.size());
  for (auto& one : h)
    for (int i = 0; i < kRecordedPerRow; ++i) one.record(static_cast<int64_t>(latency(rng)));
  return h;
}

std::vector<RunFolder::Interval> interval_rows(const std::vector<metrics::Histogram>& h) {
  std::vector<RunFolder::Interval> rows;
  for (size_t i = 0; i < kTransactions.size(); ++i) {
    RunFolder::Interval r;
    r.row.target = "postgres";
    r.row.group = "tpcc";
    r.row.txn = kTransactions[i];
    r.row.committed = kRecordedPerRow;
    r.row.tps = kRecordedPerRow;
    r.row.lat_p50_ms = 2.0;
    r.row.lat_p99_ms = 9.5;
    r.length_s = 1;
    r.latency = &h[i];
    rows.push_back(r);
  }
  return rows;
}

// One interval as a run writes it.
void BM_AppendInterval(benchmark::State& state) {
  const fs::path dir = fresh_dir("append");
  const auto h = interval_histograms();
  auto rows = interval_rows(h);
  {
    RunFolder folder(dir.string(), false, true, 0);
    double t = 0;
    for (auto _ : state) {
      t += 1;
      for (auto& r : rows) r.row.t_s = t;
      folder.append_intervals(rows, 0);
    }
    state.counters["bytes_per_interval"] =
        static_cast<double>(fs::file_size(dir / "timeseries.csv") + fs::file_size(dir / "latency.hlog")) /
        static_cast<double>(state.iterations());
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_AppendInterval)->Unit(benchmark::kMicrosecond);

// What forcing each interval to the disk would cost: a write(2) of an
// interval's bytes followed by fdatasync(2), on the same file system.
void BM_AppendAndSyncInterval(benchmark::State& state) {
  const fs::path dir = fresh_dir("sync");
  fs::create_directories(dir);
  const std::string bytes(static_cast<size_t>(state.range(0)), 'x');
  const std::string path = (dir / "series").string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    state.SkipWithError("cannot open the file in the temporary folder");
    return;
  }
  for (auto _ : state) {
    if (::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
  }
  ::close(fd);
  fs::remove_all(dir);
}
// About an interval's bytes of TPC-C (BM_AppendInterval's bytes_per_interval).
BENCHMARK(BM_AppendAndSyncInterval)->Arg(4096)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace oltap::results
