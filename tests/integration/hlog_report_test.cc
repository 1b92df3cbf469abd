// `oltap report` and `oltap compare` on result folders with a latency.hlog:
// each row's percentiles come from its whole-run histogram, a folder without
// one shows summary.csv's, and a broken log is one line and exit 2. The
// folders are written with oltap's own results library (no server needed);
// the binary under test reads them as a user's would.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "harness.h"
#include "results/results.h"

namespace {

using namespace oltap_it;
namespace results = oltap::results;
using oltap::metrics::Histogram;

const std::string kTarget = "postgresql://oltap@127.0.0.1:5432/oltap";

results::SummaryRow row(const std::string& txn, double p_ms) {
  results::SummaryRow r;
  r.run_id = "20261201-120000";
  r.workload = "pgbench-tpcb";
  r.target = kTarget;
  r.engine = "postgres";
  r.group = "default";
  r.txn = txn;
  r.clients = 4;
  r.duration_s = 10;
  r.committed = 10'000;
  r.tps = 1000;
  r.lat_mean_ms = 2.5;
  r.lat_p50_ms = r.lat_p90_ms = r.lat_p95_ms = r.lat_p99_ms = r.lat_p999_ms = r.lat_max_ms = p_ms;
  return r;
}

Histogram latencies(double median_ms) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(std::log(median_ms * 1e6), 0.5);
  Histogram h;
  for (int i = 0; i < 10'000; ++i) h.record(static_cast<int64_t>(d(rng)));
  return h;
}

// A result folder whose summary.csv says every percentile is summary_ms.
void write_folder(const fs::path& dir, double summary_ms) {
  results::Meta meta;
  meta.run_id = "20261201-120000";
  meta.workload = "pgbench-tpcb";
  results::write_run(dir.string(), {row("tpcb", summary_ms), row("ALL", summary_ms)}, {}, meta);
}

std::string ms(double ns) { return fmt::format("{:.3f}", ns / 1e6); }

TEST(HlogReport, ReportAndCompareTakePercentilesFromTheWholeRunHistograms) {
  TempDir with_log, without_log;
  write_folder(with_log.path(), 77.0);
  write_folder(without_log.path(), 55.0);
  const Histogram h = latencies(4.0);
  {
    results::HlogWriter w(with_log.str(), 1'764'590'400'000);
    w.append(results::hlog_tag(kTarget, "default", "tpcb"), 0, 10, h);
    w.append(results::hlog_whole_run_tag(kTarget, "default", "tpcb"), 0, 10, h);
  }

  const CmdResult report = oltap_it::oltap({"report", with_log.str()});
  ASSERT_EQ(report.exit_code, 0) << report.describe();
  EXPECT_NE(report.out.find(ms(h.value_at_quantile(0.50))), std::string::npos) << report.out;
  EXPECT_NE(report.out.find(ms(h.value_at_quantile(0.99))), std::string::npos) << report.out;
  EXPECT_NE(report.out.find(ms(static_cast<double>(h.max()))), std::string::npos) << report.out;
  // The ALL row has no histogram in this log: it keeps summary.csv's figures.
  EXPECT_NE(report.out.find("77.000"), std::string::npos) << report.out;

  const CmdResult plain = oltap_it::oltap({"report", without_log.str()});
  ASSERT_EQ(plain.exit_code, 0) << plain.describe();
  EXPECT_NE(plain.out.find("55.000"), std::string::npos) << plain.out;

  const CmdResult compare =
      oltap_it::oltap({"compare", (with_log / "summary.csv").string(), without_log.str()});
  ASSERT_EQ(compare.exit_code, 0) << compare.describe();
  // compare prints a line per row and metric: tpcb's p50 and p99 lines hold
  // the baseline's figures from the log and the current's from summary.csv.
  const size_t at = compare.out.find("default/tpcb");
  ASSERT_NE(at, std::string::npos) << compare.out;
  const std::string tpcb = compare.out.substr(at, compare.out.find("default/ALL", at) - at);
  auto metric_line = [&](const std::string& metric) {
    const size_t m = tpcb.find(metric);
    return m == std::string::npos ? std::string() : tpcb.substr(m, tpcb.find('\n', m) - m);
  };
  const std::string p50 = metric_line("p50 ms"), p99 = metric_line("p99 ms");
  EXPECT_NE(p50.find(ms(h.value_at_quantile(0.50))), std::string::npos) << compare.out;
  EXPECT_NE(p99.find(ms(h.value_at_quantile(0.99))), std::string::npos) << compare.out;
  EXPECT_NE(p50.find("55.000"), std::string::npos) << compare.out;
  EXPECT_NE(p99.find("55.000"), std::string::npos) << compare.out;
}

TEST(HlogReport, ABrokenLogIsOneLineAndExit2) {
  TempDir dir;
  write_folder(dir.path(), 77.0);
  {
    results::HlogWriter w(dir.str(), 1'764'590'400'000);
    w.append(results::hlog_whole_run_tag(kTarget, "default", "tpcb"), 0, 10, latencies(4.0));
  }
  write_file(dir / "latency.hlog",
             read_file(dir / "latency.hlog") + "Tag=whole:x/y/z,0.000,1.000,1.0,@@@@\n");
  const CmdResult report = oltap_it::oltap({"report", dir.str()});
  EXPECT_EQ(report.exit_code, 2) << report.describe();
  EXPECT_NE(report.err.find("latency.hlog:7: "), std::string::npos) << report.describe();
  EXPECT_EQ(std::count(report.err.begin(), report.err.end(), '\n'), 1) << report.describe();
}

}  // namespace
