// The suite format: targets with ${NAME} from the environment, defaults
// under each case's settings, a matrix expanded into one case per
// combination (named case-key=value), workloads found from the suite file's
// folder, and every problem reported at its file:line:col.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

namespace fs = std::filesystem;

class SuiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("oltap_suite_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "w");
    std::ofstream(dir_ / "w" / "a.yaml") << "name: a\n";
    std::ofstream(dir_ / "w" / "b.yaml") << "name: b\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file() const { return (dir_ / "suite.yaml").string(); }
  Suite parse(const std::string& text) const {
    return parse_suite(text, file(), [this](const std::string& n) -> std::optional<std::string> {
      auto it = env_.find(n);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    });
  }
  // The message parse() throws, or "" when it does not.
  std::string problem(const std::string& text) const {
    try {
      parse(text);
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
      return e.what();
    }
    return "";
  }
  fs::path dir_;
  std::map<std::string, std::string> env_ = {{"PGPW", "s3cret"}};
};

TEST_F(SuiteTest, ReadsTargetsDefaultsAndExpandsTheMatrix) {
  const Suite s = parse(
      "name: nightly\n"
      "targets:\n"
      "  pg: postgresql://u:${PGPW}@127.0.0.1:5432/db\n"
      "  kv: redis://127.0.0.1:6379/15\n"
      "repetitions: 3\n"
      "seed: 7\n"
      "load: true\n"
      "defaults: {duration: 2s, warmup: 0, clients: 2}\n"
      "cases:\n"
      "  - name: tpcb\n"
      "    workload: w/a.yaml\n"
      "    targets: [pg]\n"
      "    settings: {clients: 4, scale: 0.5}\n"
      "    matrix: {clients: [1, 8], rate: [100, 200]}\n"
      "  - name: kv\n"
      "    workload: w/b.yaml\n"
      "    settings: {transactions: 50, arrival: uniform, repeat: 3, verify: true}\n");
  EXPECT_EQ(s.name, "nightly");
  ASSERT_EQ(s.targets.size(), 2u);
  EXPECT_EQ(s.targets[0].label, "pg");
  EXPECT_EQ(s.targets[0].uri, "postgresql://u:s3cret@127.0.0.1:5432/db");
  EXPECT_EQ(s.targets[0].as_written, "postgresql://u:${PGPW}@127.0.0.1:5432/db");
  EXPECT_EQ(s.targets[0].mark.line, 3);
  EXPECT_EQ(s.repetitions, 3);
  EXPECT_EQ(s.seed, 7u);
  EXPECT_TRUE(s.load);
  ASSERT_EQ(s.cases.size(), 5u);
  const char* names[] = {"tpcb-clients=1-rate=100", "tpcb-clients=1-rate=200", "tpcb-clients=8-rate=100",
                         "tpcb-clients=8-rate=200", "kv"};
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(s.cases[i].name, names[i]);
  const SuiteCase& c = s.cases[2];
  EXPECT_EQ(c.workload, (dir_ / "w" / "a.yaml").string());
  EXPECT_EQ(c.targets, std::vector<std::string>{"pg"});
  EXPECT_EQ(c.settings.clients, 8);       // the matrix over the case's 4 over the defaults' 2
  EXPECT_EQ(c.settings.rate, 100.0);      // the matrix's
  EXPECT_EQ(c.settings.scale, 0.5);       // the case's
  EXPECT_EQ(c.settings.duration_s, 2.0);  // the defaults'
  EXPECT_EQ(c.settings.warmup_s, 0.0);
  // A count of transactions in a case ends the defaults' duration.
  EXPECT_TRUE(s.cases[4].targets.empty());
  EXPECT_EQ(s.cases[4].settings.transactions, 50);
  EXPECT_FALSE(s.cases[4].settings.duration_s.has_value());
  EXPECT_EQ(s.cases[4].settings.clients, 2);
  EXPECT_EQ(s.cases[4].settings.arrival, "uniform");
  EXPECT_EQ(s.cases[4].settings.repeat, 3);
  EXPECT_EQ(s.cases[4].settings.verify, true);
  EXPECT_FALSE(c.settings.repeat.has_value());
}

TEST_F(SuiteTest, EveryProblemIsReportedAtItsPlace) {
  const std::string p = problem(
      "name: n\n"
      "targets:\n"
      "  pg: postgresql://u:${NOPE}@h/db\n"
      "  'bad label': redis://h/0\n"
      "repetitons: 2\n"
      "cases:\n"
      "  - name: a\n"
      "    workload: w/a.yaml\n"
      "    targets: [pgg]\n"
      "  - name: b\n"
      "    workload: w/missing.yaml\n"
      "  - name: c\n"
      "    workload: w/a.yaml\n"
      "    settings: {clients: 0}\n"
      "    matrix: {duration: ['1 s']}\n"
      "  - name: d\n"
      "    workload: w/a.yaml\n"
      "    settings: {arrival: bursty}\n"
      "  - name: e\n"
      "    workload: w/a.yaml\n"
      "    settings: {repeat: 1001}\n");
  const std::string f = file();
  EXPECT_NE(p.find(f + ":3:7: the environment variable NOPE is not set"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":4:3: target label 'bad label'"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":5:1: unknown key 'repetitons' in the suite; did you mean 'repetitions'?"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find(f + ":9:15: unknown target 'pgg'"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":11:15: workload file"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":14:25: clients must be a whole number of at least 1"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":18:25: arrival 'bursty': expected poisson or uniform"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":21:24: repeat must be within [1, 1000]"), std::string::npos) << p;
  // Problems come in file order, one per line.
  EXPECT_LT(p.find(":3:7:"), p.find(":4:3:"));
  EXPECT_LT(p.find(":9:15:"), p.find(":14:25:"));
}

// Every bad value of one settings mapping is reported, and a case without
// its workload still has its settings read.
TEST_F(SuiteTest, EveryBadSettingOfACaseIsReportedWithItsOtherProblems) {
  const std::string p = problem(
      "name: n\n"
      "targets: {pg: postgresql://h/db}\n"
      "defaults: {clients: 0, duration: fast}\n"
      "cases:\n"
      "  - name: a\n"
      "    settings: {duration: fast, max_error_rate: 5, clients: 0}\n"
      "  - name: b\n"
      "    workload: /nowhere/w.yaml\n");
  const std::string f = file();
  EXPECT_NE(p.find(f + ":3:21: clients must be a whole number of at least 1"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":3:34: duration: 'fast' is not a duration"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":5:5: case 'a' needs a 'workload'"), std::string::npos) << p;
  EXPECT_NE(p.find(f + ":6:26: "), std::string::npos) << p;                 // duration: fast
  EXPECT_NE(p.find(f + ":6:48: max_error_rate"), std::string::npos) << p;   // 5, not a percentage
  EXPECT_NE(p.find(f + ":6:60: clients must be"), std::string::npos) << p;  // 0
  // An absolute path is not said to be relative to the suite file.
  EXPECT_NE(p.find(f + ":8:15: workload file /nowhere/w.yaml does not exist"), std::string::npos) << p;
  EXPECT_EQ(p.find("/nowhere/w.yaml does not exist ("), std::string::npos) << p;
}

TEST_F(SuiteTest, MatrixValuesAndNamesMustMakeFolders) {
  const std::string base = "name: n\ntargets: {pg: postgresql://h/db}\ncases:\n";
  EXPECT_NE(problem(base + "  - {name: a, workload: w/a.yaml, matrix: {duration: ['1 s']}}\n")
                .find(":4:55: matrix value '1 s' names a case folder"),
            std::string::npos)
      << problem(base + "  - {name: a, workload: w/a.yaml, matrix: {duration: ['1 s']}}\n");
  EXPECT_NE(problem(base + "  - {name: 'a/b', workload: w/a.yaml}\n").find(":4:12: case name 'a/b'"),
            std::string::npos);
  EXPECT_NE(problem(base + "  - {name: a, workload: w/a.yaml}\n  - {name: a, workload: w/b.yaml}\n")
                .find("two cases are named 'a'"),
            std::string::npos);
  EXPECT_NE(problem(base + "  - {name: a, workload: w/a.yaml, settings: {duration: 1s, transactions: 5}}\n")
                .find("duration and transactions both given"),
            std::string::npos);
  EXPECT_NE(problem("name: n\ntargets: {pg: [x}\n").find(file() + ":2:"), std::string::npos);
}

}  // namespace
}  // namespace oltap::workload
