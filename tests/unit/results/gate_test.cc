// evaluate() on sides of repetitions: when a change is called (beyond noise
// and past the threshold), when the test cannot decide, each reason a gate
// fails for, the rules file, and the CI outputs made from one evaluation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/common.h"
#include "results/results.h"

using namespace oltap;
using namespace oltap::results;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

SummaryRow row(const std::string& txn, double tps, double p99, int64_t errors = 0) {
  SummaryRow r;
  r.workload = "w";
  r.target = "pg";
  r.group = "default";
  r.txn = txn;
  r.clients = 4;
  r.committed = static_cast<int64_t>(tps * 10);
  r.errors = errors;
  r.tps = tps;
  r.lat_p99_ms = p99;
  return r;
}

// A side of one folder per tps value, each with a tpcb and an ALL row.
Side reps(const std::vector<double>& tps, double p99 = 10) {
  Side s;
  for (double t : tps) {
    SideFolder f;
    f.path = "rep";
    f.has_meta = true;
    f.workload = "w";
    f.workload_sha256 = "aaaa";
    f.settings = {{"duration_s", "5.0"}};
    s.folders.push_back(f);
    for (const char* txn : {"tpcb", "ALL"}) s.samples.push_back({s.folders.size() - 1, row(txn, t, p99), {}});
  }
  return s;
}

bool has(const Evaluation& e, const char* code) {
  for (const auto& f : e.findings)
    if (f.code == code && f.fails) return true;
  return false;
}

TEST(Evaluate, ASeparatedTenPercentDropOverFiveRepetitionsIsARegression) {
  Evaluation e = evaluate(reps({1000, 1010, 990, 1005, 995}), reps({900, 905, 895, 910, 890}), GateOptions{});
  EXPECT_FALSE(e.pass);
  ASSERT_TRUE(has(e, kReasonRegression));
  std::string report = gate_report(e);
  EXPECT_TRUE(contains(report, "tps -10.0%")) << report;
  EXPECT_TRUE(contains(report, "p=0.0079")) << report;  // 2/252: fully separated, 5 against 5
  EXPECT_TRUE(contains(report, "FAIL: 2 row(s) regressed by more than 5.0%")) << report;
  EXPECT_FALSE(contains(report, "too few repetitions")) << report;
}

TEST(Evaluate, AMedianPastTheThresholdThatIsNoiseIsNotARegression) {
  // Medians 1000 and 940 (-6%), but the samples overlap: p well above 0.05.
  Evaluation e =
      evaluate(reps({1000, 800, 1200, 900, 1100}), reps({940, 1150, 780, 1050, 870}), GateOptions{});
  EXPECT_TRUE(e.pass) << gate_report(e);
  std::string report = gate_report(e);
  EXPECT_TRUE(contains(report, "not beyond noise")) << report;
  EXPECT_TRUE(contains(report, "PASS: 2 row(s)")) << report;
}

TEST(Evaluate, TooFewRepetitionsFallBackToTheThresholdAndSaySo) {
  Evaluation e = evaluate(reps({1000, 1001, 999}), reps({900, 901, 899}), GateOptions{});
  EXPECT_FALSE(e.pass);  // -10% past 5%: the threshold alone decides
  std::string report = gate_report(e);
  EXPECT_TRUE(contains(report, "too few repetitions for the test: threshold only")) << report;
  EXPECT_TRUE(contains(report, "3 against 3")) << report;
  EXPECT_TRUE(contains(report, "0.100")) << report;
  Evaluation ok = evaluate(reps({1000, 1001, 999}), reps({990, 991, 989}), GateOptions{});
  EXPECT_TRUE(ok.pass) << gate_report(ok);
}

TEST(Evaluate, ErrorsAboveTheRateFailWithTheirOwnReason) {
  Side cur = reps({1000, 1000});
  cur.samples[0].row.errors = 39;
  Evaluation e = evaluate(reps({1000, 1000}), cur, GateOptions{});
  EXPECT_FALSE(e.pass);
  EXPECT_TRUE(has(e, kReasonErrorRate));
  EXPECT_FALSE(has(e, kReasonRegression));
  EXPECT_TRUE(contains(gate_report(e), "errors 39 of 20039 attempted")) << gate_report(e);
  GateOptions lenient;
  lenient.max_error_rate = 0.01;
  EXPECT_TRUE(evaluate(reps({1000, 1000}), cur, lenient).pass);
}

TEST(Evaluate, AnEmptyBaselineFails) {
  Evaluation none = evaluate(Side{}, reps({1000}), GateOptions{});
  EXPECT_FALSE(none.pass);
  EXPECT_TRUE(has(none, kReasonEmptyBaseline));
  EXPECT_FALSE(contains(gate_report(none), "PASS")) << gate_report(none);
  Side nothing = reps({0});
  for (auto& s : nothing.samples) s.row.committed = 0;
  EXPECT_TRUE(has(evaluate(nothing, reps({1000}), GateOptions{}), kReasonEmptyBaseline));
}

TEST(Evaluate, AnotherWorkloadOrOtherSettingsFail) {
  Side cur = reps({1000});
  cur.folders[0].workload_sha256 = "bbbb";
  Evaluation e = evaluate(reps({1000}), cur, GateOptions{});
  EXPECT_TRUE(has(e, kReasonWorkloadChanged));
  EXPECT_FALSE(has(e, kReasonSettingsChanged));
  Side longer = reps({1000});
  longer.folders[0].settings["duration_s"] = "10.0";
  Evaluation s = evaluate(reps({1000}), longer, GateOptions{});
  EXPECT_TRUE(has(s, kReasonSettingsChanged));
  EXPECT_TRUE(contains(gate_report(s), "duration_s 5.0 in baseline, 10.0 in current")) << gate_report(s);
  Side clients = reps({1000});
  for (auto& x : clients.samples) x.row.clients = 8;
  EXPECT_TRUE(has(evaluate(reps({1000}), clients, GateOptions{}), kReasonSettingsChanged));
}

TEST(Evaluate, MissingRowsFailAndNewRowsDoNot) {
  Side cur = reps({1000});
  cur.samples.pop_back();  // no ALL row
  Evaluation e = evaluate(reps({1000}), cur, GateOptions{});
  EXPECT_TRUE(has(e, kReasonMissingRow));
  Side more = reps({1000});
  more.samples.push_back({0, row("new", 5, 1), {}});
  Evaluation n = evaluate(reps({1000}), more, GateOptions{});
  EXPECT_TRUE(n.pass) << gate_report(n);
  EXPECT_TRUE(contains(gate_report(n), "new_row")) << gate_report(n);
}

TEST(Evaluate, AnIncompleteRunFails) {
  Side cur = reps({1000});
  cur.folders[0].incomplete = true;
  cur.folders[0].why_incomplete = "meta.json says incomplete";
  Evaluation e = evaluate(reps({1000}), cur, GateOptions{});
  EXPECT_TRUE(has(e, kReasonIncomplete));
  EXPECT_TRUE(contains(gate_report(e), "FAIL incomplete: current run incomplete")) << gate_report(e);
}

TEST(Evaluate, OnlyAllGatesTheAllRows) {
  Side cur = reps({1000});
  cur.samples[0].row.tps = 500;  // tpcb halved, ALL not
  GateOptions o;
  EXPECT_FALSE(evaluate(reps({1000}), cur, o).pass);
  o.only = "ALL";
  Evaluation e = evaluate(reps({1000}), cur, o);
  EXPECT_TRUE(e.pass) << gate_report(e);
  EXPECT_EQ(e.rows_checked, 1u);
}

TEST(GateRules, ReadThresholdsPerPatternAndTheLastMatchWins) {
  GateRules r = parse_gate_rules(
      "max_regression: 10%\n"
      "rules:\n"
      "  - metric: tps\n"
      "    max_regression: 20%\n"
      "  - metric: tps\n"
      "    row: '*/ALL'\n"
      "    max_regression: 2%\n"
      "  - metric: p99\n"
      "    gate: false\n",
      "gate.yaml");
  ASSERT_EQ(r.rules.size(), 3u);
  EXPECT_EQ(*r.max_regression, 0.10);
  EXPECT_EQ(r.rules[1].where, "gate.yaml:5:5");
  GateOptions o;
  o.rules = r;
  // -4%: past ALL's 2%, within tpcb's 20%; p99 doubled but not gated.
  Evaluation e = evaluate(reps({1000}), reps({960}, 20), o);
  EXPECT_FALSE(e.pass);
  ASSERT_EQ(e.findings.size(), 1u) << gate_report(e);
  EXPECT_EQ(e.findings[0].row, "default/ALL");
}

TEST(GateRules, ProblemsAreNamedByFileLineAndColumn) {
  auto message = [](const std::string& text) {
    try {
      parse_gate_rules(text, "g.yaml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_TRUE(
      contains(message("rules:\n  - metric: tps\n    max_regresion: 5%\n"), "g.yaml:3:5: unknown key"));
  EXPECT_TRUE(contains(message("rules:\n  - metric: tps\n"), "g.yaml:2:5: a rule needs max_regression"));
  EXPECT_TRUE(
      contains(message("rules:\n  - metric: tps\n    max_regression: 5\n"), "g.yaml:3:21: max_regression"));
  EXPECT_TRUE(contains(message("alpha: 2\n"), "g.yaml:1:8: alpha must be between 0 and 1"));
  EXPECT_TRUE(contains(message("rules: [\n"), "g.yaml:"));
  // A metric the results do not have is refused when they are read.
  GateOptions o;
  o.rules = parse_gate_rules("rules:\n  - metric: tmpC\n    max_regression: 5%\n", "g.yaml");
  try {
    evaluate(reps({1}), reps({1}), o);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "g.yaml:2:5: metric 'tmpC' is not one these results have")) << e.what();
  }
}

TEST(GateRules, AHeadlineMetricCanBeGated) {
  Side base = reps({1000}), cur = reps({1000});
  base.samples[1].extra["tpmC"] = 600;
  cur.samples[1].extra["tpmC"] = 500;
  GateOptions o;
  o.rules = parse_gate_rules("rules:\n  - metric: tpmC\n    max_regression: 5%\n", "g.yaml");
  Evaluation e = evaluate(base, cur, o);
  EXPECT_FALSE(e.pass);
  EXPECT_TRUE(contains(gate_report(e), "tpmC -16.7%")) << gate_report(e);
}

TEST(CiOutputs, JsonHasTheVerdictRowsReasonsAndPValues) {
  Evaluation e = evaluate(reps({1000, 1010, 990, 1005, 995}), reps({900, 905, 895, 910, 890}), GateOptions{});
  auto j = nlohmann::json::parse(evaluation_json(e, "oltap gate"));
  EXPECT_EQ(j["verdict"], "fail");
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["reasons"][0], "regression");
  EXPECT_EQ(j["rows"][0]["n_baseline"], 5);
  EXPECT_NEAR(j["rows"][0]["metrics"][0]["p"].get<double>(), 2.0 / 252, 1e-12);
  EXPECT_EQ(j["rows"][0]["metrics"][0]["test"], "exact");
  EXPECT_EQ(j["reasons"][0]["code"], "regression");
}

TEST(CiOutputs, JunitEscapesWhatItQuotes) {
  Side base = reps({1000}), cur = reps({500});
  for (Side* s : {&base, &cur})
    for (auto& x : s->samples) x.row.txn = "a<b>&\"c'";
  Evaluation e = evaluate(base, cur, GateOptions{});
  std::string xml = junit_xml(e, "oltap gate");
  EXPECT_TRUE(contains(xml, "name=\"default/a&lt;b&gt;&amp;&quot;c&apos;\"")) << xml;
  EXPECT_FALSE(contains(xml, "a<b")) << xml;
  EXPECT_TRUE(contains(xml, "type=\"regression\"")) << xml;
}

// Sides of bare summary.csv rows have no meta.json: the workload and
// settings checks did not run, and JUnit says so (skipped, not passed).
TEST(CiOutputs, JunitSkipsTheChecksThatNeedMetaJsonWithoutIt) {
  auto bare = [](Side s) {
    for (auto& f : s.folders) {
      f.has_meta = false;
      f.workload_sha256.clear();
      f.settings.clear();
    }
    return s;
  };
  Evaluation e = evaluate(bare(reps({1000})), bare(reps({1000})), GateOptions{});
  ASSERT_FALSE(e.meta_checked);
  std::string xml = junit_xml(e, "oltap gate");
  EXPECT_TRUE(contains(xml, "name=\"workload_changed\">\n    <skipped message=\"not checked")) << xml;
  EXPECT_TRUE(contains(xml, "name=\"settings_changed\">\n    <skipped message=\"not checked")) << xml;
  EXPECT_TRUE(contains(xml, "<testcase classname=\"oltap.gate\" name=\"incomplete\"/>")) << xml;
  EXPECT_TRUE(contains(xml, "skipped=\"2\"")) << xml;
}

TEST(CiOutputs, MarkdownHasARowPerGatedMetric) {
  Evaluation e = evaluate(reps({1000}), reps({1000}), GateOptions{});
  std::string md = markdown_report(e, "oltap gate");
  EXPECT_TRUE(contains(md, "### oltap gate: PASS")) << md;
  EXPECT_TRUE(contains(md, "| default/ALL | tps |")) << md;
  EXPECT_TRUE(contains(md, "| default/tpcb | p99 ms |")) << md;
}

TEST(CiOutputs, AppendBoundedNeverGrowsTheFilePastTheLimit) {
  namespace fs = std::filesystem;
  fs::path p = fs::temp_directory_path() / ("oltap_append_" + std::to_string(::getpid()));
  fs::remove(p);
  std::string line(99, 'x');
  line += "\n";
  std::string text;
  for (int i = 0; i < 30; ++i) text += line;  // 3000 bytes
  EXPECT_TRUE(append_bounded(p.string(), text, 10000));
  EXPECT_EQ(fs::file_size(p), 3000u);
  EXPECT_TRUE(append_bounded(p.string(), text, 5000));
  EXPECT_LE(fs::file_size(p), 5000u);
  std::ifstream in(p);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(contains(all, "was cut")) << all.substr(all.size() - 200);
  EXPECT_FALSE(append_bounded(p.string(), text, 5000));  // no room left even for the note
  EXPECT_LE(fs::file_size(p), 5000u);
  fs::remove(p);
}

}  // namespace

namespace {

TEST(ReadSide, ASuiteFolderIsItsRepetitionsAndAMissingOneIsIncomplete) {
  namespace fs = std::filesystem;
  const fs::path suite = fs::temp_directory_path() / ("oltap_suite_" + std::to_string(::getpid()));
  fs::remove_all(suite);
  fs::create_directories(suite);
  std::ofstream(suite / "suite.csv") << "case,target,group,txn,stage,reps\n";
  Meta meta;
  meta.run_id = "r";
  meta.workload = "w";
  meta.workload_sha256 = "abc";
  meta.duration_s = 5;
  meta.incomplete = false;
  for (int k : {1, 2})
    write_run((suite / "tpcb-clients=4" / "pg" / ("rep-" + std::to_string(k))).string(),
              {row("tpcb", 100.0 * k, 1)}, {}, meta);
  fs::create_directories(suite / "tpcb-clients=4" / "pg" / "rep-3");  // not run yet: interrupted
  Side s = read_side({suite.string()});
  ASSERT_EQ(s.folders.size(), 3u);
  EXPECT_EQ(s.folders[0].case_name, "tpcb-clients=4");
  EXPECT_EQ(s.folders[0].workload_sha256, "abc");
  EXPECT_EQ(s.folders[0].settings.at("duration_s"), "5.0");
  EXPECT_EQ(s.folders[0].settings.count("seed"), 0u);
  EXPECT_TRUE(s.folders[2].incomplete);
  ASSERT_EQ(s.samples.size(), 2u);
  Evaluation e = evaluate(s, s, GateOptions{});
  ASSERT_FALSE(e.rows.empty());
  EXPECT_EQ(e.rows[0].key, "tpcb-clients=4 default/tpcb");
  EXPECT_EQ(e.rows[0].n_baseline, 2u);
  EXPECT_TRUE(has(e, kReasonIncomplete));
  // One repetition given alone keeps its case.
  Side one = read_side({(suite / "tpcb-clients=4" / "pg" / "rep-1").string()});
  EXPECT_EQ(one.folders[0].case_name, "tpcb-clients=4");
  fs::remove_all(suite);
}

}  // namespace
