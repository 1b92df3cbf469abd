// oltap killed with SIGKILL mid-run (issue 14): the result folder it leaves
// holds meta.json saying the run is running, every interval that ended
// before the kill in timeseries.csv (whole lines only) and latency.hlog (read
// by HdrHistogram's own HistogramLogProcessor, libhdrhistogram-java, and by
// oltap's reader), no summary.csv; `report` (text and --html) shows it as
// cut short, `gate` fails it as `incomplete` and `compare` refuses it.
// Then a run killed in its second target keeps the first target's figures,
// and a suite killed mid-repetition runs that repetition again on --resume.
//
// Isolation: database oltap_it_killed_run on the PostgreSQL server.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"
#include "results/results.h"

namespace oltap_it {
namespace {

constexpr const char* kJar = "/usr/share/java/hdrhistogram.jar";
// The kill comes this long after oltap started: its planning (connect, data
// check, prepare) takes well under a second here, so 3 whole intervals of
// the 10 s asked for have ended by then.
constexpr double kKillAfterS = 4.5;
constexpr int kClients = 2;

nlohmann::json meta_of(const fs::path& dir) { return nlohmann::json::parse(read_file(dir / "meta.json")); }

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, sep);) out.push_back(f);
  return out;
}

// The lines of text that are neither comments nor the legend.
std::vector<std::string> data_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty() && l[0] != '#' && l[0] != '"') out.push_back(l);
  return out;
}

class KilledRun : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_killed_run");
    uri_ = uri;
    CmdResult load = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", uri_});
    ASSERT_EQ(load.exit_code, 0) << load.describe();
  }
  CmdResult run(const fs::path& out, const std::string& duration, const RunOptions& opts = {},
                std::vector<std::string> targets = {}) {
    if (targets.empty()) targets = {uri_};
    std::vector<std::string> args = {
        "run",       workload("pgbench-tpcb.yaml"), "--warmup", "0s",        "--duration", duration,
        "--clients", std::to_string(kClients),      "--out",    out.string()};
    for (const auto& t : targets) {
      args.push_back("--target");
      args.push_back(t);
    }
    return oltap(args, opts);
  }
  std::string uri_;
  TempDir dir_;
};

TEST_F(KilledRun, KeepsEveryIntervalBeforeTheKillAndIsReadAsCutShort) {
  const fs::path base = dir_ / "base", killed = dir_ / "killed";
  CmdResult b = run(base, "2s");
  ASSERT_EQ(b.exit_code, 0) << b.describe();
  EXPECT_EQ(meta_of(base)["status"], "complete");

  CmdResult k = run(killed, "10s", RunOptions().timeout(kKillAfterS));
  ASSERT_TRUE(k.timed_out) << k.describe();
  ASSERT_EQ(k.exit_code, 128 + 9) << k.describe();

  // meta.json: the run and its target still running.
  const nlohmann::json meta = meta_of(killed);
  EXPECT_EQ(meta["status"], "running") << meta.dump(2);
  EXPECT_EQ(meta["incomplete"], true);
  ASSERT_EQ(meta["targets"].size(), 1u);
  EXPECT_EQ(meta["targets"][0]["status"], "running");
  EXPECT_FALSE(fs::exists(killed / "summary.csv"));
  for (const auto& e : fs::directory_iterator(killed)) EXPECT_NE(e.path().extension(), ".tmp") << e.path();

  // timeseries.csv: whole lines, whole intervals (a tpcb row and an ALL row
  // each), at 1, 2, 3, ... s.
  const std::string series_text = read_file(killed / "timeseries.csv");
  ASSERT_FALSE(series_text.empty());
  EXPECT_EQ(series_text.back(), '\n') << "a torn last line";
  const Csv series = parse_csv(series_text);
  std::vector<double> times;
  std::vector<int64_t> counted;  // per interval: tpcb's committed + aborted, what its histogram holds
  for (const auto& r : series.records()) {
    EXPECT_EQ(r.size(), series.header.size());
    if (r.at("txn") == "ALL") {
      times.push_back(std::stod(r.at("t_s")));
      continue;
    }
    ASSERT_EQ(r.at("txn"), "tpcb");
    counted.push_back(std::stoll(r.at("committed")) + std::stoll(r.at("aborted")));
  }
  ASSERT_GE(times.size(), 3u) << series_text;
  EXPECT_EQ(series.rows.size(), 2 * times.size()) << series_text;
  // An interval ends when the recorder reads it, a second after the last,
  // later by however long the machine kept it from running.
  for (size_t i = 0; i < times.size(); ++i)
    EXPECT_NEAR(times[i], static_cast<double>(i + 1), 0.25) << series_text;
  const std::string cut_at = fmt::format("{:.3f} s", times.back());
  ASSERT_EQ(counted.size(), times.size());
  EXPECT_GT(counted.front(), 0);

  // latency.hlog: a line per kept interval and transaction (the kill may
  // have come between an interval's series and its histograms), every one
  // read by HdrHistogram's processor and by oltap's reader; no whole-run
  // lines, which are written when a target ends.
  const std::string target = meta["targets"][0]["target"];
  const std::string tag = oltap::results::hlog_tag(target, "default", "tpcb");
  const std::string hlog_text = read_file(killed / "latency.hlog");
  ASSERT_EQ(hlog_text.back(), '\n') << "a torn last line";
  const auto entries = oltap::results::read_hlog(killed.string());
  size_t tpcb_lines = 0;
  for (const auto& e : entries) {
    EXPECT_FALSE(e.tag.starts_with(oltap::results::kHlogWholeRunPrefix)) << e.tag;
    tpcb_lines += e.tag == tag;
  }
  EXPECT_GE(tpcb_lines + 1, times.size());
  EXPECT_LE(tpcb_lines, times.size());
  const fs::path csv = dir_ / "processor.csv";
  CmdResult p = run_cmd({"java", "-cp", kJar, "org.HdrHistogram.HistogramLogProcessor", "-i",
                         (killed / "latency.hlog").string(), "-tag", tag, "-csv", "-o", csv.string()});
  ASSERT_EQ(p.exit_code, 0) << p.describe();
  const auto lines = data_lines(read_file(csv));
  ASSERT_EQ(lines.size(), tpcb_lines) << read_file(csv);
  const auto last = split(lines.back(), ',');
  ASSERT_EQ(last.size(), 12u) << lines.back();
  // Its count is that of the same intervals in timeseries.csv, give or
  // take the commits read just as an interval was cut, which fall on either
  // side of the cut (at most one per client and interval).
  int64_t in_series = 0;
  for (size_t i = 0; i < tpcb_lines; ++i) in_series += counted[i];
  EXPECT_NEAR(static_cast<double>(std::stoll(last[5])), static_cast<double>(in_series),
              static_cast<double>(kClients * tpcb_lines))
      << lines.back();

  // report, text and HTML: cut short, with what was kept.
  CmdResult text = oltap({"report", killed.string()});
  ASSERT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_TRUE(contains(text.out, "the run was cut short at " + cut_at)) << text.out;
  const fs::path html = dir_ / "killed.html";
  CmdResult h = oltap({"report", killed.string(), "--html", html.string()});
  ASSERT_EQ(h.exit_code, 0) << h.describe();
  const std::string page = read_file(html);
  EXPECT_TRUE(contains(page, "<div class=\"alert\" id=\"alerts\">")) << "no red box";
  EXPECT_TRUE(contains(page, "The run was cut short at " + cut_at)) << page;
  EXPECT_TRUE(contains(page, "Throughput over time")) << "the kept series is not charted";
  EXPECT_TRUE(contains(page, "No summary.csv")) << page;

  // gate: fails it as incomplete, with the usual exit code; compare refuses it.
  CmdResult g = oltap({"gate", killed.string(), "--baseline", base.string(), "--max-regression", "1000%"});
  EXPECT_EQ(g.exit_code, 1) << g.describe();
  EXPECT_TRUE(contains(
      g.out, "FAIL incomplete: current run incomplete: " + killed.string() + ": the run was cut short at "))
      << g.out;
  CmdResult c = oltap({"compare", base.string(), killed.string()});
  EXPECT_EQ(c.exit_code, 2) << c.describe();
  EXPECT_TRUE(contains(c.err, killed.string() + ": not compared: the run was cut short")) << c.describe();
  EXPECT_EQ(std::count(c.err.begin(), c.err.end(), '\n'), 1) << c.describe();
}

// Two targets, killed while the second runs: the first's figures are whole
// in summary.csv, meta.json says which target was cut short.
TEST_F(KilledRun, InTheSecondTargetKeepsTheFirstWhole) {
  const fs::path out = dir_ / "two";
  // 3 s each: the kill at 5 s comes in the second (planning both takes well under 2 s here).
  CmdResult k = run(out, "3s", RunOptions().timeout(5), {"first=" + uri_, "second=" + uri_});
  // Not killed at all would mean the machine was fast beyond the test's
  // timing; the case then says nothing of a kill.
  ASSERT_TRUE(k.timed_out) << k.describe();
  const nlohmann::json meta = meta_of(out);
  EXPECT_EQ(meta["status"], "running") << meta.dump(2);
  ASSERT_EQ(meta["targets"].size(), 2u);
  EXPECT_EQ(meta["targets"][0]["status"], "complete");
  EXPECT_EQ(meta["targets"][1]["status"], "running");
  const Csv summary = read_csv(out / "summary.csv");
  ASSERT_FALSE(summary.rows.empty());
  for (const auto& r : summary.records()) {
    EXPECT_EQ(r.at("target"), "first");
    EXPECT_EQ(r.at("incomplete"), "false");
  }
  CmdResult text = oltap({"report", out.string()});
  ASSERT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_TRUE(contains(text.out, "of target second")) << text.out;
  EXPECT_TRUE(contains(text.out, "first")) << text.out;
}

// A suite killed in its repetition: --resume runs that repetition again.
TEST_F(KilledRun, ASuiteResumeRunsTheKilledRepetitionAgain) {
  const fs::path suite = dir_ / "suite.yaml", out = dir_ / "suite";
  write_file(suite,
             "name: killed\n"
             "targets:\n"
             "  pg: " +
                 uri_ +
                 "\n"
                 "defaults: {duration: 6s, warmup: 0s, clients: 2}\n"
                 "cases:\n"
                 "  - name: tpcb\n"
                 "    workload: " +
                 workload("pgbench-tpcb.yaml") + "\n");
  CmdResult k = oltap({"suite", suite.string(), "--out", out.string()}, RunOptions().timeout(3));
  ASSERT_TRUE(k.timed_out) << k.describe();
  const fs::path rep = out / "tpcb" / "pg" / "rep-1";
  ASSERT_EQ(meta_of(rep)["status"], "running");
  CmdResult r = oltap({"suite", suite.string(), "--out", out.string(), "--resume"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(meta_of(rep)["status"], "complete");
  EXPECT_TRUE(fs::exists(rep / "summary.csv"));
}

}  // namespace
}  // namespace oltap_it
