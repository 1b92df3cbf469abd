// Bad input as a user meets it: each mistake of issue 9's list gets one clear
// line on stderr, `oltap: error: ...`, naming what was given, and the exit
// code README documents (2 for bad input, 4 for a load the server refuses).
// Argument mistakes are refused before anything connects: their runs point
// at a port nothing listens on, so a check made too late would exit 3, not 2.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

using namespace oltap_it;

namespace {

// Nothing listens there: reaching it would fail with exit 3.
const char* kNowhere = "postgresql://oltap@127.0.0.1:1/oltap";

// The lines of text.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_bad_input");
    uri_ = uri;
  }

  // Loads pgbench-select once per process (the runs below only read it).
  void load_select() {
    static bool loaded = false;
    if (loaded) return;
    CmdResult r = oltap({"load", workload("pgbench-select.yaml"), "--target", uri_, "--jobs", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    loaded = true;
  }

  // `oltap run pgbench-select` with args; expects exit 2 and one error line
  // holding each of words.
  void expect_refused(std::vector<std::string> args, std::initializer_list<std::string> words) {
    args.insert(args.begin(), {"run", workload("pgbench-select.yaml"), "--target", kNowhere});
    CmdResult r = oltap(args, RunOptions().timeout(30));
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    std::vector<std::string> errors;
    for (const auto& l : lines_of(r.err))
      if (contains(l, "oltap: error: ")) errors.push_back(l);
    ASSERT_EQ(errors.size(), 1u) << r.describe();
    for (const auto& w : words)
      EXPECT_TRUE(contains(errors[0], w)) << "'" << w << "' not in\n" << r.describe();
    EXPECT_TRUE(r.out.empty()) << r.describe();
  }

  std::string uri_;
};

// ------------------------------------------------------------ oltap run's arguments

TEST_F(BadInput, ClientsGivenAsZeroOrNegativeAreRefused) {
  expect_refused({"--clients", "0"}, {"--clients must be at least 1, not 0"});
  expect_refused({"--clients", "-2"}, {"--clients must be at least 1, not -2"});
}

TEST_F(BadInput, ScaleGivenAsZeroOrNegativeIsRefusedByRunAndLoad) {
  expect_refused({"--scale", "0"}, {"--scale must be above 0, not 0"});
  expect_refused({"--scale", "-1"}, {"--scale must be above 0, not -1"});
  for (const char* scale : {"0", "-1"}) {
    CmdResult r = oltap({"load", workload("pgbench-select.yaml"), "--target", kNowhere, "--scale", scale});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err, std::string("oltap: error: --scale must be above 0, not ") + scale))
        << r.describe();
  }
}

TEST_F(BadInput, TransactionsGivenAsZeroOrNegativeAreRefused) {
  expect_refused({"--transactions", "-1"}, {"--transactions must be at least 1", "not -1"});
  expect_refused({"--transactions", "0"}, {"--transactions must be at least 1", "not 0"});
}

TEST_F(BadInput, DurationTogetherWithTransactionsIsRefused) {
  expect_refused({"--duration", "5s", "--transactions", "10"}, {"--duration and --transactions both given"});
}

TEST_F(BadInput, MaxErrorRateMustBeAShareOfAtMostAll) {
  expect_refused({"--max-error-rate", "150%"}, {"--max-error-rate 150%", "at most 100%"});
  expect_refused({"--max-error-rate", "-5%"}, {"--max-error-rate", "'-5%' is negative"});
  expect_refused({"--max-error-rate", "5"}, {"--max-error-rate", "'5' is ambiguous", "write 5%"});
  expect_refused({"--max-error-rate", "lots"}, {"--max-error-rate", "'lots' is not a percentage"});
}

TEST_F(BadInput, ReconnectMustBeAttemptsThenPauses) {
  expect_refused({"--reconnect", "some"}, {"--reconnect 'some'", "ATTEMPTS must be an integer"});
  expect_refused({"--reconnect", "-1"}, {"--reconnect '-1'", "ATTEMPTS must be an integer of 0 or more"});
  expect_refused({"--reconnect", "3,0s"}, {"--reconnect '3,0s'", "INITIAL must be above 0"});
  expect_refused({"--reconnect", "3,1s,100ms"}, {"--reconnect '3,1s,100ms'", "CAP must be at least INITIAL"});
  expect_refused({"--reconnect", "3,1s,2s,4s"}, {"--reconnect '3,1s,2s,4s'", "too many parts"});
  expect_refused({"--reconnect", "3,soon"}, {"--reconnect '3,soon'"});
}

TEST_F(BadInput, MaxErrorRateAsAFractionIsReadAndSaidAsAPercentage) {
  ASSERT_NO_FATAL_FAILURE(load_select());
  TempDir dir;
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--transactions", "5",
                       "--clients", "1", "--max-error-rate", "0.05", "--out", (dir / "out").string()});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.err, "--max-error-rate 0.05: exit 4 when more than 5% of the transactions"))
      << r.describe();
}

// ------------------------------------------------------------ --out

TEST_F(BadInput, OutFolderHoldingFilesIsRefusedBeforeAnythingRunsUnlessForced) {
  TempDir dir;
  fs::path baseline = dir / "baseline";
  fs::create_directories(baseline);
  const std::string kept = "run_id,workload\nkeep-me,w\n";
  write_file(baseline / "summary.csv", kept);
  expect_refused({"--out", baseline.string()},
                 {"--out " + baseline.string(), "already holds files", "--force"});
  EXPECT_EQ(read_file(baseline / "summary.csv"), kept) << "the baseline was touched";

  // a file is no folder, forced or not
  expect_refused({"--out", (baseline / "summary.csv").string(), "--force"}, {"is a file, not a folder"});

  // --force writes over it; an empty folder needs no --force
  ASSERT_NO_FATAL_FAILURE(load_select());
  CmdResult forced = oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--transactions", "5",
                            "--clients", "1", "--out", baseline.string(), "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.describe();
  EXPECT_NE(read_file(baseline / "summary.csv"), kept);
  fs::create_directories(dir / "empty");
  CmdResult empty = oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--transactions", "5",
                           "--clients", "1", "--out", (dir / "empty").string()});
  EXPECT_EQ(empty.exit_code, 0) << empty.describe();
  EXPECT_TRUE(fs::is_regular_file(dir / "empty" / "summary.csv"));
}

// ------------------------------------------------------------ gate

TEST_F(BadInput, GateReadsABareNumberAsAFractionAndSaysSo) {
  ASSERT_NO_FATAL_FAILURE(load_select());
  TempDir dir;
  fs::path out = dir / "run";
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--transactions", "20",
                       "--clients", "1", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();

  CmdResult fraction = oltap({"gate", out.string(), "--baseline", out.string(), "--max-regression", "0.05"});
  EXPECT_EQ(fraction.exit_code, 0) << fraction.describe();
  EXPECT_TRUE(contains(fraction.out, "max regression: 5% (--max-regression 0.05)")) << fraction.describe();
  EXPECT_TRUE(contains(fraction.out, "within 5.0%")) << fraction.describe();
  CmdResult percent = oltap({"gate", out.string(), "--baseline", out.string(), "--max-regression", "0.05%"});
  EXPECT_EQ(percent.exit_code, 0) << percent.describe();
  EXPECT_TRUE(contains(percent.out, "max regression: 0.05% (--max-regression 0.05%)")) << percent.describe();

  for (const char* bad : {"5", "-1%", "five"}) {
    CmdResult g = oltap({"gate", out.string(), "--baseline", out.string(), "--max-regression", bad});
    EXPECT_EQ(g.exit_code, 2) << bad << "\n" << g.describe();
    EXPECT_TRUE(contains(g.err, std::string("oltap: error: --max-regression: '") + bad + "'"))
        << g.describe();
    EXPECT_TRUE(g.out.empty()) << g.describe();
  }
}

// ------------------------------------------------------------ validate

TEST_F(BadInput, ValidateOfAFolderSaysItIsOne) {
  TempDir dir;
  CmdResult r = oltap({"validate", dir.str()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "oltap: error: " + dir.str() + ": is a folder, not a workload file"))
      << r.describe();
}

TEST_F(BadInput, ValidateReportsEveryProblemOfAFileOnePerLine) {
  TempDir dir;
  fs::path file = dir / "broken.yaml";
  write_file(file,
             "name: broken\n"                          // 1
             "parameters:\n"                           // 2
             "  id: {uniform: [1]}\n"                  // 3
             "  n: {zipfain: [1, 10]}\n"               // 4
             "transactions:\n"                         // 5
             "  - name: a\n"                           // 6
             "    steps: [{sql: SELECT 1, int: x}]\n"  // 7
             "  - name: b\n"                           // 8
             "    weight: -1\n"                        // 9
             "    steps: [{sql: SELECT 1}]\n");        // 10
  fs::path good = dir / "good.yaml";
  write_file(good, "name: good\ntransactions:\n  - name: t\n    steps: [{sql: SELECT 1}]\n");
  CmdResult r = oltap({"validate", file.string(), good.string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  std::vector<std::string> lines = lines_of(r.err);
  ASSERT_EQ(lines.size(), 4u) << r.describe();
  const std::string at = "oltap: error: " + file.string() + ":";
  EXPECT_TRUE(contains(lines[0], at + "3:")) << r.describe();
  EXPECT_TRUE(contains(lines[1], at + "4:") && contains(lines[1], "did you mean 'zipfian'")) << r.describe();
  EXPECT_TRUE(contains(lines[2], at + "7:") && contains(lines[2], "unknown key 'int'")) << r.describe();
  EXPECT_TRUE(contains(lines[3], at + "9:") && contains(lines[3], "weight must not be negative"))
      << r.describe();
  // the other file is still checked
  EXPECT_TRUE(contains(r.out, good.string() + ": ok")) << r.describe();

  // run prints the same problems, before connecting
  CmdResult run = oltap({"run", file.string(), "--target", kNowhere});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_EQ(run.err, r.err) << run.describe();
}

TEST_F(BadInput, DataForATableTheSchemaNeverCreatesIsRefused) {
  TempDir dir;
  fs::path file = dir / "w.yaml";
  write_file(file,
             "name: w\n"
             "schema: CREATE TABLE accounts (id int)\n"
             "data:\n"
             "  - table: acounts\n"
             "    rows: 10\n"
             "    columns: {id: {seq: 1}}\n"
             "transactions:\n"
             "  - name: t\n"
             "    steps: [{sql: SELECT 1}]\n");
  CmdResult r = oltap({"validate", file.string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "oltap: error: " + file.string() +
                                  ":4:5: data for 'acounts': the schema creates no such table (it creates "
                                  "accounts)"))
      << r.describe();
  CmdResult load = oltap({"load", file.string(), "--target", kNowhere});
  EXPECT_EQ(load.exit_code, 2) << load.describe();
}

// ------------------------------------------------------------ load refused by the server

TEST_F(BadInput, LoadTheServerRefusesExits4WithItsMessage) {
  TempDir dir;
  fs::path ddl = dir / "ddl.yaml";
  write_file(ddl,
             "name: bad-ddl\n"
             "schema: CREATE TABLE bad_ddl (id int, v nosuchtype)\n"
             "data:\n"
             "  - table: bad_ddl\n"
             "    rows: 3\n"
             "    columns: {id: {seq: 1}, v: 1}\n"
             "transactions:\n"
             "  - name: t\n"
             "    steps: [{sql: SELECT 1}]\n");
  CmdResult r = oltap({"load", ddl.string(), "--target", uri_});
  EXPECT_EQ(r.exit_code, 4) << r.describe();
  EXPECT_TRUE(contains(r.err, "oltap: error: loading bad-ddl failed: ")) << r.describe();
  EXPECT_TRUE(contains(r.err, "nosuchtype")) << "the server's message is not shown\n" << r.describe();

  fs::path dup = dir / "dup.yaml";
  write_file(dup,
             "name: dup-key\n"
             "schema: CREATE TABLE dup_key (id int PRIMARY KEY)\n"
             "data:\n"
             "  - table: dup_key\n"
             "    rows: 3\n"
             "    columns: {id: 7}\n"
             "transactions:\n"
             "  - name: t\n"
             "    steps: [{sql: SELECT 1}]\n");
  CmdResult d = oltap({"load", dup.string(), "--target", uri_});
  EXPECT_EQ(d.exit_code, 4) << d.describe();
  EXPECT_TRUE(contains(d.err, "oltap: error: loading dup-key failed: ")) << d.describe();
  EXPECT_TRUE(contains(d.err, "duplicate key")) << d.describe();
}

}  // namespace
