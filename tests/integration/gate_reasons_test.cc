// `oltap gate` and `oltap compare` over repetitions of real runs, each reason
// the gate fails for (from real runs: errors the server raised, a run stopped
// by Ctrl-C, another workload, other settings; from edited copies of real
// folders where that is the only way to make the case: no rows at all, a row
// removed), and the CI outputs checked with a real XML parser (xmllint).
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "harness.h"

using namespace oltap_it;

namespace {

// How a test's short real run differs from the usual one.
struct RunSpec {
  std::string duration = "1s", clients = "2";
  RunOptions opts{};
  std::string file = workload("pgbench-tpcb.yaml");
};

class GateReasons : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_gate_reasons");
    uri_ = uri;
    CmdResult load = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", uri_, "--jobs", "2"});
    ASSERT_EQ(load.exit_code, 0) << load.describe();
  }

  // A short real run into dir/name.
  CmdResult run(const std::string& name, const RunSpec& r = {}) {
    return oltap({"run", r.file, "--target", uri_, "--warmup", "0s", "--duration", r.duration, "--clients",
                  r.clients, "--out", (dir_ / name).string()},
                 r.opts);
  }
  // xmllint's answer, without its newline.
  static std::string xpath(const std::string& expr, const std::string& file) {
    CmdResult r = run_cmd({"xmllint", "--xpath", expr, file});
    std::string out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return r.exit_code == 0 ? out : "(xmllint: " + r.describe() + ")";
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // The reason codes a gate's --json holds.
  std::set<std::string> codes(const std::string& json_file) const {
    std::set<std::string> out;
    auto j = nlohmann::json::parse(read_file(json_file));
    for (const auto& r : j["reasons"])
      if (r["fails"].get<bool>()) out.insert(r["code"].get<std::string>());
    return out;
  }

  std::string uri_;
  TempDir dir_;
};

TEST_F(GateReasons, RepetitionsGiveMediansPValuesAndTheCiOutputs) {
  for (const char* n : {"a", "b"}) ASSERT_EQ(run(n).exit_code, 0);
  // Two repetitions a side, the same two: nothing changed.
  const std::string xml = path("gate.xml"), json = path("gate.json"), md = path("gate.md");
  CmdResult g = oltap({"gate", path("b"), path("a"), "--baseline", path("a"), "--baseline", path("b"),
                       "--junit", xml, "--json", json, "--markdown", md});
  EXPECT_EQ(g.exit_code, 0) << g.describe();
  EXPECT_TRUE(contains(g.out, "2/2")) << g.out;
  EXPECT_TRUE(contains(g.out, "too few repetitions for the test: threshold only")) << g.out;
  EXPECT_TRUE(contains(g.out, "PASS: 2 row(s)")) << g.out;

  CmdResult lint = run_cmd({"xmllint", "--noout", xml});
  EXPECT_EQ(lint.exit_code, 0) << lint.describe() << read_file(xml);
  // A testcase per row (default/tpcb, default/ALL) and the four comparison-wide checks.
  EXPECT_EQ(xpath("count(//testsuite/testcase)", xml), "6");
  EXPECT_EQ(xpath("string(//testcase[@name='default/ALL']/@classname)", xml), "oltap.pgbench-tpcb");
  EXPECT_EQ(xpath("count(//failure)", xml), "0");

  auto j = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(j["verdict"], "pass");
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][1]["key"], "default/ALL");
  EXPECT_EQ(j["rows"][1]["n_baseline"], 2);
  EXPECT_EQ(j["rows"][1]["metrics"][0]["metric"], "tps");
  EXPECT_EQ(j["rows"][1]["metrics"][0]["baseline"].size(), 2u);
  EXPECT_TRUE(contains(read_file(md), "### oltap gate: PASS")) << read_file(md);

  // --markdown - appends to $GITHUB_STEP_SUMMARY, keeping what was there.
  const fs::path summary = dir_ / "step_summary.md";
  write_file(summary, "earlier step\n");
  CmdResult step =
      oltap({"gate", path("b"), "--baseline", path("a"), "--max-regression", "1000%", "--markdown", "-"},
            RunOptions().setenv("GITHUB_STEP_SUMMARY", summary.string()));
  EXPECT_EQ(step.exit_code, 0) << step.describe();
  EXPECT_TRUE(contains(read_file(summary), "earlier step\n### oltap gate: PASS")) << read_file(summary);
  EXPECT_FALSE(contains(step.out, "### oltap gate")) << step.out;
  // Without it, to stdout.
  CmdResult out =
      oltap({"gate", path("b"), "--baseline", path("a"), "--max-regression", "1000%", "--markdown", "-"},
            RunOptions().setenv("GITHUB_STEP_SUMMARY", ""));
  EXPECT_TRUE(contains(out.out, "### oltap gate: PASS")) << out.describe();

  // compare with repetitions: medians, interval, p and n; and its outputs.
  CmdResult cmp = oltap({"compare", "--baseline", path("a"), "--baseline", path("b"), path("b"), path("a"),
                         "--junit", path("cmp.xml")});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.describe();
  EXPECT_TRUE(contains(cmp.out, "+0.0%")) << cmp.out;  // the same samples: medians equal
  EXPECT_TRUE(contains(cmp.out, "2/2")) << cmp.out;
  EXPECT_EQ(run_cmd({"xmllint", "--noout", path("cmp.xml")}).exit_code, 0);
}

TEST_F(GateReasons, ASuiteFolderIsItsRepetitionsWithTheCaseInTheKey) {
  for (const char* n : {"a", "b"}) ASSERT_EQ(run(n).exit_code, 0);
  // The suite layout of the shared contract, OUT/<case>/<target>/rep-<k>/,
  // made of the real result folders.
  for (const char* suite : {"s1", "s2"}) {
    fs::create_directories(dir_ / suite);
    write_file(dir_ / suite / "suite.csv", "case,target,group,txn,stage,reps\n");
    for (int k = 1; k <= 2; ++k) {
      fs::path rep = dir_ / suite / "tpcb" / "pg" / ("rep-" + std::to_string(k));
      fs::create_directories(rep.parent_path());
      fs::copy(dir_ / (k == 1 ? "a" : "b"), rep, fs::copy_options::recursive);
    }
  }
  CmdResult g = oltap({"gate", path("s2"), "--baseline", path("s1"), "--json", path("s.json")});
  EXPECT_EQ(g.exit_code, 0) << g.describe();
  EXPECT_TRUE(contains(g.out, "tpcb default/ALL")) << g.out;
  auto j = nlohmann::json::parse(read_file(path("s.json")));
  EXPECT_EQ(j["rows"][0]["case"], "tpcb");
  EXPECT_EQ(j["rows"][0]["n_current"], 2);
  // A repetition folder given on its own keeps its case.
  CmdResult one =
      oltap({"gate", path("s2/tpcb/pg/rep-1"), "--baseline", path("s1"), "--max-regression", "1000%"});
  EXPECT_EQ(one.exit_code, 0) << one.describe();
  EXPECT_TRUE(contains(one.out, "1/2") || contains(one.out, "2/1")) << one.out;
}

TEST_F(GateReasons, ErrorsAboveTheRateFail) {
  ASSERT_EQ(run("base").exit_code, 0);
  // The server refuses about a third of the inserts: real errors, counted by the run.
  sql_exec(
      uri_,
      "CREATE FUNCTION oltap_it_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF random() < 0.3 THEN "
      "RAISE EXCEPTION 'oltap_it: refused'; END IF; RETURN NEW; END $$;"
      "CREATE TRIGGER oltap_it_fail BEFORE INSERT ON pgbench_history FOR EACH ROW EXECUTE FUNCTION "
      "oltap_it_fail()");
  CmdResult r = run("errors");
  sql_exec(uri_, "DROP TRIGGER oltap_it_fail ON pgbench_history");
  ASSERT_EQ(r.exit_code, 4) << r.describe();
  CmdResult g = oltap({"gate", path("errors"), "--baseline", path("base"), "--max-regression", "1000%",
                       "--json", path("g.json"), "--markdown", path("g.md")});
  EXPECT_EQ(g.exit_code, 1) << g.describe();
  EXPECT_EQ(codes(path("g.json")), std::set<std::string>{"error_rate"}) << g.out;
  // In the Markdown, the row's metrics are not shown as passed: they are
  // marked ⚠️, with the reason below the table.
  const std::string md = read_file(path("g.md"));
  EXPECT_FALSE(contains(md, "✅")) << md;
  EXPECT_TRUE(contains(md, "| ⚠️ |")) << md;
  EXPECT_TRUE(contains(md, "**error_rate**")) << md;
  EXPECT_TRUE(contains(g.out, "error_rate: errors ")) << g.out;
  EXPECT_TRUE(contains(g.out, "above the allowed 0%")) << g.out;
  // Allowed, they pass.
  CmdResult lenient = oltap({"gate", path("errors"), "--baseline", path("base"), "--max-regression", "1000%",
                             "--max-error-rate", "90%"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.describe();
}

TEST_F(GateReasons, AnInterruptedRunFails) {
  ASSERT_EQ(run("base").exit_code, 0);
  CmdResult r = run("stopped", {.duration = "30s", .opts = RunOptions().sigint_after(1.5).timeout(60)});
  ASSERT_EQ(r.exit_code, 130) << r.describe();
  CmdResult g = oltap({"gate", path("stopped"), "--baseline", path("base"), "--max-regression", "1000%",
                       "--json", path("g.json"), "--junit", path("g.xml")});
  EXPECT_EQ(g.exit_code, 1) << g.describe();
  std::set<std::string> c = codes(path("g.json"));
  EXPECT_TRUE(c.count("incomplete")) << g.out;
  EXPECT_TRUE(contains(g.out, "FAIL incomplete: current run incomplete: ")) << g.out;
  // 1 s against 30 s asked: the settings differ too, and say how.
  EXPECT_TRUE(c.count("settings_changed")) << g.out;
  EXPECT_TRUE(contains(g.out, "duration_s 1.0 in baseline, 30.0 in current")) << g.out;
  EXPECT_EQ(xpath("string(//testcase[@name='incomplete']/failure/@type)", path("g.xml")), "incomplete");
}

TEST_F(GateReasons, AnotherWorkloadOrOtherSettingsFail) {
  ASSERT_EQ(run("base").exit_code, 0);
  // The same workload less its INSERT: same name and tables, another file.
  std::string text = read_file(workload("pgbench-tpcb.yaml"));
  size_t insert = text.find("      - sql: INSERT INTO pgbench_history");
  ASSERT_NE(insert, std::string::npos);
  text.erase(insert, text.find('\n', insert) + 1 - insert);
  write_file(dir_ / "tpcb-no-history.yaml", text);
  CmdResult other = run("other", {.file = (dir_ / "tpcb-no-history.yaml").string()});
  ASSERT_EQ(other.exit_code, 0) << other.describe();
  CmdResult g = oltap({"gate", path("other"), "--baseline", path("base"), "--max-regression", "1000%",
                       "--json", path("w.json")});
  EXPECT_EQ(g.exit_code, 1) << g.describe();
  EXPECT_EQ(codes(path("w.json")), std::set<std::string>{"workload_changed"}) << g.out;
  EXPECT_TRUE(contains(g.out, "workload_changed: a different workload: baseline pgbench-tpcb (sha256 "))
      << g.out;

  ASSERT_EQ(run("one-client", {.clients = "1"}).exit_code, 0);
  CmdResult s = oltap({"gate", path("one-client"), "--baseline", path("base"), "--max-regression", "1000%",
                       "--json", path("s.json")});
  EXPECT_EQ(s.exit_code, 1) << s.describe();
  EXPECT_EQ(codes(path("s.json")), std::set<std::string>{"settings_changed"}) << s.out;
  EXPECT_TRUE(contains(s.out, "clients 2 in baseline, 1 in current")) << s.out;
}

TEST_F(GateReasons, AnEmptyBaselineOrAMissingRowFails) {
  ASSERT_EQ(run("base").exit_code, 0);
  // A baseline of no rows: the real folder with its summary's rows removed.
  fs::copy(dir_ / "base", dir_ / "empty", fs::copy_options::recursive);
  Csv real = read_csv(dir_ / "base" / "summary.csv");
  Csv none = real;
  none.rows.clear();
  write_file(dir_ / "empty" / "summary.csv", write_csv(none));
  CmdResult e = oltap({"gate", path("base"), "--baseline", path("empty"), "--json", path("e.json")});
  EXPECT_EQ(e.exit_code, 1) << e.describe();
  EXPECT_TRUE(codes(path("e.json")).count("empty_baseline")) << e.out;
  EXPECT_FALSE(contains(e.out, "PASS")) << e.out;

  // The current run without its tpcb row.
  fs::copy(dir_ / "base", dir_ / "short", fs::copy_options::recursive);
  Csv fewer = real;
  std::erase_if(fewer.rows, [&](const auto& r) { return r[real.col("txn")] == "tpcb"; });
  ASSERT_EQ(fewer.rows.size(), real.rows.size() - 1);
  write_file(dir_ / "short" / "summary.csv", write_csv(fewer));
  CmdResult m = oltap({"gate", path("short"), "--baseline", path("base"), "--json", path("m.json")});
  EXPECT_EQ(m.exit_code, 1) << m.describe();
  EXPECT_EQ(codes(path("m.json")), std::set<std::string>{"missing_row"}) << m.out;
  EXPECT_TRUE(contains(m.out, "default/tpcb")) << m.out;
  // --only ALL gates the ALL row alone: the missing tpcb row is not gated.
  CmdResult only = oltap({"gate", path("short"), "--baseline", path("base"), "--only", "ALL"});
  EXPECT_EQ(only.exit_code, 0) << only.describe();
}

TEST_F(GateReasons, ARulesFileSetsThresholdsAndItsProblemsHaveAPlace) {
  ASSERT_EQ(run("base").exit_code, 0);
  Csv real = read_csv(dir_ / "base" / "summary.csv");
  // The current run with its tps halved (as GateFailsEveryRowWhenThroughputHalved).
  fs::copy(dir_ / "base", dir_ / "halved", fs::copy_options::recursive);
  Csv halved = real;
  for (auto& row : halved.rows) row[real.col("tps")] = std::to_string(std::stod(row[real.col("tps")]) / 2);
  write_file(dir_ / "halved" / "summary.csv", write_csv(halved));
  fs::remove(dir_ / "halved" / "latency.hlog");
  write_file(dir_ / "gate.yaml",
             "rules:\n"
             "  - metric: tps\n"
             "    max_regression: 60%\n"
             "  - metric: tps\n"
             "    row: default/ALL\n"
             "    max_regression: 10%\n");
  CmdResult g = oltap({"gate", path("halved"), "--baseline", path("base"), "--rules", path("gate.yaml"),
                       "--json", path("r.json")});
  EXPECT_EQ(g.exit_code, 1) << g.describe();
  auto j = nlohmann::json::parse(read_file(path("r.json")));
  EXPECT_EQ(j["rows"][0]["verdict"], "pass") << g.out;  // tpcb: 60%
  EXPECT_EQ(j["rows"][1]["verdict"], "fail") << g.out;  // ALL: 10%
  write_file(dir_ / "bad.yaml", "rules:\n  - metric: tps\n    max_regression: 5%\n    rows: default/ALL\n");
  CmdResult bad = oltap({"gate", path("halved"), "--baseline", path("base"), "--rules", path("bad.yaml")});
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
  EXPECT_TRUE(contains(bad.err, path("bad.yaml") + ":4:5: unknown key 'rows'")) << bad.err;
}

}  // namespace
