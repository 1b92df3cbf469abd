// Tests of the HTML report's file (src/results/html_*.cc) without a browser:
// an hour of per-second intervals on four targets stays under 2 MB with its
// series merged into buckets whose figures are the intervals' own; text from
// the files cannot end a script or open a tag; a missing Chart.js is one
// clear error; a comparison's regression is coloured. The pages in a real
// browser: tests/integration/html_report_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kMillisecond = 1'000'000;
constexpr size_t kMaxReportBytes = 2 * 1024 * 1024;
constexpr int kHourIntervals = 3600;
constexpr int64_t kCommitsPerInterval = 100;

class HtmlReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("oltap_html_test_" + std::to_string(getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

SummaryRow row_of(const std::string& target, const std::string& txn, int64_t committed, double duration_s,
                  const metrics::Histogram& h, const std::string& workload = "synthetic") {
  SummaryRow r;
  r.run_id = "run-1";
  r.workload = workload;
  r.target = target;
  r.engine = "postgres";
  r.group = "main";
  r.txn = txn;
  r.clients = 4;
  r.duration_s = duration_s;
  r.committed = committed;
  fill_latency(r, h);
  return as_written(r);
}

Meta meta_of(const std::vector<std::string>& targets, const std::string& workload = "synthetic") {
  Meta m;
  m.run_id = "run-1";
  m.workload = workload;
  m.duration_s = kHourIntervals;
  m.warmup_s = 10;
  for (const auto& t : targets) {
    Meta::TargetInfo info;
    info.target = t;
    info.engine = "postgres";
    info.status = "complete";
    info.measured_s = kHourIntervals;
    m.targets.push_back(info);
  }
  return m;
}

// A result folder as a run writes it: `intervals` seconds on each target,
// two transactions and their ALL row, kCommitsPerInterval commits of each
// transaction per second.
void write_synthetic_run(const fs::path& dir, const std::vector<std::string>& targets, int intervals,
                         const std::string& workload = "synthetic") {
  RunFolder folder(dir.string(), false, true, 1'700'000'000'000);
  std::vector<SummaryRow> summary;
  const std::vector<std::string> txns = {"read", "write"};
  for (size_t t = 0; t < targets.size(); ++t) {
    const int64_t from_ms = 1'700'000'000'000 + static_cast<int64_t>(t) * (intervals + 20) * 1000;
    std::vector<metrics::Histogram> whole(txns.size() + 1);
    for (int i = 1; i <= intervals; ++i) {
      std::vector<metrics::Histogram> h(txns.size() + 1);
      std::vector<RunFolder::Interval> rows;
      for (size_t x = 0; x < txns.size(); ++x) {
        for (int64_t k = 0; k < kCommitsPerInterval; ++k)
          h[x].record((1 + static_cast<int64_t>(t) + static_cast<int64_t>(x)) * kMillisecond + k * 1000 +
                      (i % 60) * 10'000);
        h.back().merge_from(h[x]);
      }
      for (size_t x = 0; x <= txns.size(); ++x) {
        RunFolder::Interval in;
        in.row.target = targets[t];
        in.row.group = "main";
        in.row.txn = x < txns.size() ? txns[x] : "ALL";
        in.row.t_s = i;
        in.row.committed = h[x].count();
        in.row.tps = static_cast<double>(h[x].count());
        in.row.lat_p50_ms = h[x].value_at_quantile(0.5) / kMillisecond;
        in.row.lat_p99_ms = h[x].value_at_quantile(0.99) / kMillisecond;
        in.length_s = 1;
        in.latency = &h[x];
        rows.push_back(in);
        whole[x].merge_from(h[x]);
      }
      folder.append_intervals(rows, from_ms);
    }
    for (size_t x = 0; x <= txns.size(); ++x) {
      const SummaryRow r = row_of(targets[t], x < txns.size() ? txns[x] : "ALL", whole[x].count(), intervals,
                                  whole[x], workload);
      folder.append_whole_run(r, whole[x], nullptr, from_ms);
      summary.push_back(r);
    }
  }
  folder.write_summary(summary, meta_of(targets, workload));
}

// The chart specs a page holds (the JSON of its #oltap-charts script).
nlohmann::json charts_of(const std::string& page) {
  const std::string open = "<script id=\"oltap-charts\" type=\"application/json\">";
  const size_t at = page.find(open);
  EXPECT_NE(at, std::string::npos);
  const size_t from = at + open.size(), to = page.find("</script>", from);
  return nlohmann::json::parse(page.substr(from, to - from));
}

TEST_F(HtmlReportTest, AnHourOfPerSecondDataOnFourTargetsStaysUnderTwoMegabytes) {
  const std::vector<std::string> targets = {"pg", "maria", "warehouse", "redis"};
  write_synthetic_run(dir_, targets, kHourIntervals);
  const std::string page = html_report({dir_.string()});
  RecordProperty("report_bytes", std::to_string(page.size()));
  std::cout << "report of one hour on four targets: " << page.size() << " bytes\n";
  EXPECT_LT(page.size(), kMaxReportBytes);
  const nlohmann::json charts = charts_of(page);
  int time_charts = 0;
  for (const auto& c : charts) {
    if (c["kind"] != "time") continue;
    ++time_charts;
    EXPECT_LE(c["x"].size(), 600u) << c["title"];
    // An hour at 1 s in at most 600 points: buckets of 6 s, each at the commits' rate.
    EXPECT_EQ(c["x"].size(), 600u) << c["title"];
    if (c["title"].get<std::string>().rfind("Throughput", 0) == 0)
      for (const auto& s : c["series"]) {
        const double expected = s["label"] == "ALL" ? 2 * kCommitsPerInterval : kCommitsPerInterval;
        for (const auto& y : s["y"])
          ASSERT_DOUBLE_EQ(y.get<double>(), expected) << c["title"] << " " << s["label"];
      }
    EXPECT_EQ(c["bands"].size(), 1u) << "the warm-up";
  }
  EXPECT_EQ(time_charts, 2 * static_cast<int>(targets.size()));
  EXPECT_NE(page.find("p50 and p99 of their merged histograms (latency.hlog)"), std::string::npos);
}

TEST_F(HtmlReportTest, TextFromTheFilesCannotEndAScriptOrOpenATag) {
  const std::string evil = "</script><script>alert(1)</script><b>x</b>";
  write_synthetic_run(dir_, {"a" + evil}, 3, "w" + evil);
  const std::string page = html_report({dir_.string()});
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(page.find("w&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);
  // Three scripts: the charts' data, Chart.js and the page's own.
  size_t closes = 0;
  for (size_t at = 0; (at = page.find("</script", at)) != std::string::npos; ++at) ++closes;
  EXPECT_EQ(closes, 3u);
  // The charts' JSON still holds the text as it is.
  bool found = false;
  for (const auto& c : charts_of(page))
    for (const auto& s : c["series"]) found = found || s["label"] == "a" + evil;
  EXPECT_TRUE(found);
}

TEST_F(HtmlReportTest, TwoFoldersOfOneTargetAreNamedByFolderSideBySide) {
  write_synthetic_run(dir_ / "monday", {"pg"}, 3);
  write_synthetic_run(dir_ / "tuesday", {"pg"}, 3);
  const std::string page = html_report({(dir_ / "monday").string(), (dir_ / "tuesday").string()});
  std::set<std::string> labels;
  for (const auto& c : charts_of(page))
    if (c["kind"] == "bar" || c["kind"] == "spectrum")
      for (const auto& s : c["series"]) labels.insert(s["label"].get<std::string>());
  EXPECT_EQ(labels, (std::set<std::string>{"monday: pg", "tuesday: pg"}));
  EXPECT_NE(page.find("<th class=\"t\">run_id</th>"), std::string::npos) << "a folder column";
}

TEST_F(HtmlReportTest, ASuiteFolderShowsTheMediansOfItsRepetitions) {
  for (const char* rep : {"rep-1", "rep-2", "rep-3"})
    write_synthetic_run(dir_ / "smoke" / "pg" / rep, {"pg"}, 2);
  write_suite_csv(dir_.string(), {});
  const std::string page = html_report({dir_.string()});
  EXPECT_NE(page.find("Medians over the repetitions"), std::string::npos);
  bool medians = false;
  for (const auto& c : charts_of(page))
    for (const auto& s : c["series"])
      if (s["label"] == "pg") {
        medians = true;
        // Every repetition committed the same: median = min = max.
        EXPECT_EQ(s["y"].size(), 3u) << c["title"];  // smoke main/read, main/write, main/ALL
      }
  EXPECT_TRUE(medians);
}

TEST_F(HtmlReportTest, AnIncompleteRunIsFlaggedAtTheTop) {
  write_synthetic_run(dir_, {"pg"}, 2);
  std::string meta;
  {
    std::ifstream in(dir_ / "meta.json");
    std::stringstream ss;
    ss << in.rdbuf();
    meta = ss.str();
  }
  auto swap = [&](const std::string& from, const std::string& to) {
    const size_t at = meta.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    meta.replace(at, from.size(), to);
  };
  swap("\"incomplete\": false", "\"incomplete\": true");
  swap("\"status\": \"complete\"", "\"status\": \"failed\"");
  swap("\"failure\": \"\"", "\"failure\": \"connection lost\"");
  write_file_atomic((dir_ / "meta.json").string(), meta);
  const std::string page = html_report({dir_.string()});
  const size_t alert = page.find("<div class=\"alert\" id=\"alerts\">");
  ASSERT_NE(alert, std::string::npos);
  EXPECT_LT(alert, page.find("<dl class=\"facts\">")) << "before the header's facts";
  EXPECT_NE(page.find("Target pg: failed (connection lost)"), std::string::npos);
  EXPECT_NE(page.find("The run is incomplete"), std::string::npos);
}

// A run killed in its first target: no summary.csv, meta.json still says
// running; the report says it was cut short, and charts the kept series.
TEST_F(HtmlReportTest, ARunCutShortIsSaidFirstAndItsSeriesCharted) {
  Meta m = meta_of({"pg"});
  m.status = "running";
  m.incomplete = true;
  m.targets[0].status = "running";
  {
    RunFolder folder(dir_.string(), false, true, 1'700'000'000'000);
    folder.write_summary({}, m);
    for (int i = 1; i <= 3; ++i) {
      metrics::Histogram h;
      h.record(2 * kMillisecond);
      RunFolder::Interval in;
      in.row.target = "pg";
      in.row.group = "main";
      in.row.txn = "ALL";
      in.row.t_s = i;
      in.row.committed = 1;
      in.row.tps = 1;
      in.length_s = 1;
      in.latency = &h;
      folder.append_intervals({in}, 1'700'000'000'000);
    }
  }
  ASSERT_FALSE(fs::exists(dir_ / "summary.csv"));
  const std::string page = html_report({dir_.string()});
  const size_t alert = page.find(
      "<div class=\"alert\" id=\"alerts\"><strong>Look first:</strong><ul>\n<li>The "
      "run was cut short at 3.000 s of target pg (3 interval(s) kept, 3 committed)");
  ASSERT_NE(alert, std::string::npos) << page.substr(0, 4000);
  EXPECT_LT(alert, page.find("<dl class=\"facts\">"));
  EXPECT_NE(page.find("No summary.csv: the run was cut short"), std::string::npos);
  bool charted = false;
  for (const auto& c : charts_of(page))
    charted = charted || c.value("title", "") == "Throughput over time: pg";
  EXPECT_TRUE(charted) << "the kept series is not charted";
}

TEST_F(HtmlReportTest, AMissingChartJsIsOneClearError) {
  write_synthetic_run(dir_, {"pg"}, 2);
  const char* before = std::getenv("OLTAP_CHART_JS");
  const std::string saved = before ? before : "";
  setenv("OLTAP_CHART_JS", "/nonexistent/chart.min.js", 1);
  try {
    html_report({dir_.string()});
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/chart.min.js"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("libjs-chart.js"), std::string::npos) << e.what();
  }
  if (before)
    setenv("OLTAP_CHART_JS", saved.c_str(), 1);
  else
    unsetenv("OLTAP_CHART_JS");
}

TEST_F(HtmlReportTest, AComparisonColoursARegressionAndShowsItsInterval) {
  metrics::Histogram fast, slow;
  for (int i = 0; i < 1000; ++i) {
    fast.record(kMillisecond);
    slow.record(3 * kMillisecond);
  }
  std::vector<SummaryRow> base, cur;
  for (int rep = 0; rep < 5; ++rep) {
    base.push_back(row_of("pg", "ALL", 10'000 + rep * 10, 10, fast));
    cur.push_back(row_of("pg", "ALL", 5'000 + rep * 10, 10, slow));
  }
  Side b, c;
  for (int rep = 0; rep < 5; ++rep) {
    SideFolder f;
    f.path = "base-" + std::to_string(rep);
    b.folders.push_back(f);
    b.samples.push_back({static_cast<size_t>(rep), base[rep], {}});
    f.path = "cur-" + std::to_string(rep);
    c.folders.push_back(f);
    c.samples.push_back({static_cast<size_t>(rep), cur[rep], {}});
  }
  const Evaluation e = evaluate(b, c, GateOptions{});
  ASSERT_FALSE(e.pass);
  const std::string page = html_compare_report(b, c, e);
  EXPECT_NE(page.find("class=\"t worse\">worse</td>"), std::string::npos);
  EXPECT_NE(page.find("id=\"verdict\""), std::string::npos);
  bool interval = false;
  for (const auto& chart : charts_of(page))
    for (const auto& s : chart["series"]) interval = interval || s.contains("lo");
  EXPECT_TRUE(interval) << "the bootstrap interval as a floating bar";
}

}  // namespace
}  // namespace oltap::results
