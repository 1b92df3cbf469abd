// `oltap suite` on the real stack: three workloads (pgbench-tpcb and YCSB-C
// on PostgreSQL and MariaDB, kv-get on Redis with a matrix of clients), two
// repetitions of 1 s runs. Pins down the folder layout, suite.csv's rows
// against the repetitions' own summary.csv, the interleaved order (from the
// folders' start times), the skip of a target a workload does not apply to,
// --resume after a repetition is lost or marked incomplete and after a
// SIGINT, a broken suite file's file:line:col, and that no password
// written in or given to a suite reaches its files.
//
// Isolation: database oltap_it_suite on the PostgreSQL server and on
// MariaDB (and oltap_it_suite_pw on PostgreSQL for the password case), Redis
// database 15 (FLUSHDB before each case).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_suite";
constexpr int kRedisDb = 15;
constexpr int kRuns = 12;  // 2 repetitions x (tpcb on 2 targets, ycsb on 2, kv on 1 x 2 matrix values)
const std::vector<std::string> kCases = {"tpcb", "ycsb", "kv-clients=1", "kv-clients=2"};

std::string redis_target() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  return "redis://" + s.host + ":" + s.port + "/" + std::to_string(kRedisDb);
}

void flush_redis() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  CmdResult r = run_cmd({"redis-cli", "-h", s.host, "-p", s.port, "-n", std::to_string(kRedisDb), "FLUSHDB"});
  if (r.exit_code != 0) throw std::runtime_error("redis-cli FLUSHDB failed: " + r.describe());
}

struct RepFolder {
  std::string case_name, target;
  int rep = 0;
  fs::path dir;
};

class Suite : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = make_scratch_db(kDb);
    maria_ = make_scratch_mariadb(kDb);
    flush_redis();
    suite_ = dir_ / "nightly.yaml";
    write_file(suite_,
               "name: it\n"
               "targets:\n"
               "  pg: " +
                   pg_ +
                   "\n"
                   "  maria: " +
                   maria_ +
                   "\n"
                   "  cache: " +
                   redis_target() +
                   "\n"
                   "repetitions: 2\n"
                   "seed: 3\n"
                   "load: true\n"
                   "defaults: {duration: 1s, warmup: 0s, clients: 2}\n"
                   "cases:\n"
                   "  - name: tpcb\n"
                   "    workload: " +
                   workload("pgbench-tpcb.yaml") +
                   "\n"
                   "  - name: ycsb\n"
                   "    workload: " +
                   workload("ycsb-c.yaml") +
                   "\n"
                   "    targets: [pg, maria]\n"
                   "    settings: {scale: 0.01}\n"
                   "  - name: kv\n"
                   "    workload: " +
                   workload("kv-get.yaml") +
                   "\n"
                   "    targets: [cache]\n"
                   "    settings: {scale: 0.01}\n"
                   "    matrix: {clients: [1, 2]}\n");
  }

  // Every case / target / rep folder the suite makes, in the suite's order.
  std::vector<RepFolder> folders(const fs::path& out) const {
    std::vector<RepFolder> f;
    for (int rep = 1; rep <= 2; ++rep)
      for (const auto& c : kCases)
        for (const std::string t : {"pg", "maria", "cache"}) {
          const bool kv = c.rfind("kv", 0) == 0;
          if (kv != (t == "cache")) continue;
          f.push_back({c, t, rep, out / c / t / ("rep-" + std::to_string(rep))});
        }
    return f;
  }

  static nlohmann::json meta(const fs::path& rep) {
    return nlohmann::json::parse(read_file(rep / "meta.json"));
  }
  static bool complete(const fs::path& rep) {
    if (!fs::exists(rep / "meta.json")) return false;
    auto m = meta(rep);
    return !m["incomplete"].get<bool>() && m["targets"][0]["status"] == "complete";
  }

  std::string pg_, maria_;
  TempDir dir_;
  fs::path suite_;
};

double num(const std::string& s) { return std::stod(s); }

TEST_F(Suite, RunsInterleavedWritesSuiteCsvAndResumesWhatIsMissing) {
  const fs::path out = dir_ / "out";
  CmdResult r = oltap({"suite", suite_.string(), "--out", out.string()}, RunOptions().timeout(240));
  ASSERT_EQ(r.exit_code, 0) << r.describe();

  // The layout: the suite file's copy, suite.csv and one normal result folder per case, target and rep.
  EXPECT_EQ(read_file(out / "suite.yaml"), read_file(suite_));
  for (const auto& f : folders(out)) {
    EXPECT_TRUE(complete(f.dir)) << f.dir;
    for (const char* file : {"summary.csv", "meta.json", "timeseries.csv", "latency.hlog"})
      EXPECT_TRUE(fs::is_regular_file(f.dir / file)) << f.dir / file;
  }
  EXPECT_FALSE(fs::exists(out / "tpcb" / "cache"));
  EXPECT_FALSE(fs::exists(out / "kv-clients=1" / "pg"));
  EXPECT_TRUE(contains(r.err, "case tpcb skips target cache")) << r.err;
  EXPECT_TRUE(contains(r.err, "repetition 2 of 2, about")) << r.err;
  EXPECT_TRUE(contains(r.err, "case 4 of 4")) << r.err;

  // suite.csv: the contract's columns, one row per case x target x summary
  // row, each figure the median, min and max over the two repetitions' rows.
  Csv suite = read_csv(out / "suite.csv");
  std::vector<std::string> header = {"case", "target", "group", "txn", "stage", "reps"};
  for (const char* m : {"tps", "lat_p50_ms", "lat_p95_ms", "lat_p99_ms", "errors"})
    for (const char* s : {"_median", "_min", "_max", "_spread"}) header.push_back(std::string(m) + s);
  EXPECT_EQ(suite.header, header);
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>,
           std::vector<std::map<std::string, std::string>>>
      reps;
  for (const auto& f : folders(out))
    for (const auto& row : read_csv(f.dir / "summary.csv").records())
      reps[{f.case_name, f.target, row.at("group"), row.at("txn"), row.at("stage")}].push_back(row);
  EXPECT_EQ(suite.rows.size(), reps.size());
  for (const auto& row : suite.records()) {
    const auto key =
        std::make_tuple(row.at("case"), row.at("target"), row.at("group"), row.at("txn"), row.at("stage"));
    ASSERT_TRUE(reps.count(key)) << row.at("case") << " " << row.at("target") << " " << row.at("txn");
    const auto& list = reps[key];
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(row.at("reps"), "2");
    for (const char* m : {"tps", "lat_p50_ms", "lat_p95_ms", "lat_p99_ms", "errors"}) {
      const double a = num(list[0].at(m)), b = num(list[1].at(m));
      const std::string what = row.at("case") + "/" + row.at("target") + "/" + row.at("txn") + " " + m;
      EXPECT_NEAR(num(row.at(std::string(m) + "_median")), (a + b) / 2, 0.051) << what;
      EXPECT_NEAR(num(row.at(std::string(m) + "_min")), std::min(a, b), 1e-9) << what;
      EXPECT_NEAR(num(row.at(std::string(m) + "_max")), std::max(a, b), 1e-9) << what;
      const double median = (a + b) / 2;
      EXPECT_NEAR(num(row.at(std::string(m) + "_spread")), median == 0 ? 0 : std::abs(a - b) / median, 0.002)
          << what;
    }
  }
  // Something was measured: the whole-run rows have throughput.
  for (const auto& row : suite.records())
    if (row.at("txn") == "ALL") {
      EXPECT_GT(num(row.at("tps_median")), 0) << row.at("case") << " " << row.at("target");
    }

  // The order: round 1 wholly before round 2; in a round each case runs on
  // its targets one after the other (pg, then maria), and the cases in the
  // order the progress lines said.
  struct Ran {
    std::string start, end, case_name, target;
    int rep;
  };
  std::vector<Ran> ran;
  for (const auto& f : folders(out)) {
    auto m = meta(f.dir);
    ran.push_back({m["targets"][0]["start_utc"], m["targets"][0]["end_utc"], f.case_name, f.target, f.rep});
  }
  std::sort(ran.begin(), ran.end(), [](const Ran& a, const Ran& b) { return a.start < b.start; });
  ASSERT_EQ(ran.size(), static_cast<size_t>(kRuns));
  for (size_t i = 0; i + 1 < ran.size(); ++i) {
    EXPECT_LE(ran[i].end, ran[i + 1].start);  // one run at a time
    EXPECT_LE(ran[i].rep, ran[i + 1].rep);
  }
  std::vector<std::string> said;  // "case (case on target)" in the progress lines' order
  for (size_t at = r.err.find("suite it: case "); at != std::string::npos;
       at = r.err.find("suite it: case ", at + 1)) {
    const size_t open = r.err.find('(', at), on = r.err.find(" on ", open), close = r.err.find(')', on);
    said.push_back(r.err.substr(open + 1, on - open - 1) + "/" + r.err.substr(on + 4, close - on - 4));
  }
  ASSERT_EQ(said.size(), static_cast<size_t>(kRuns)) << r.err;
  for (size_t i = 0; i < ran.size(); ++i) EXPECT_EQ(said[i], ran[i].case_name + "/" + ran[i].target) << i;
  for (size_t i = 0; i < ran.size(); ++i)
    if (ran[i].target == "pg") {
      ASSERT_LT(i + 1, ran.size());
      EXPECT_EQ(ran[i + 1].case_name, ran[i].case_name);  // A B: the case's other target next
      EXPECT_EQ(ran[i + 1].target, "maria");
    }

  // A second suite run into the same folder is refused without --resume.
  CmdResult again = oltap({"suite", suite_.string(), "--out", out.string()});
  EXPECT_EQ(again.exit_code, 2) << again.describe();
  EXPECT_TRUE(contains(again.err, "--resume")) << again.err;

  // Lose one repetition and mark another incomplete: --resume redoes those two only.
  const fs::path lost = out / "kv-clients=2" / "cache" / "rep-1";
  const fs::path marked = out / "ycsb" / "maria" / "rep-2";
  fs::remove_all(lost);
  auto m = meta(marked);
  m["incomplete"] = true;
  write_file(marked / "meta.json", m.dump(2));
  std::map<std::string, std::string> started;  // a run made again starts later
  for (const auto& f : folders(out))
    if (fs::exists(f.dir)) started[f.dir.string()] = meta(f.dir)["targets"][0]["start_utc"];
  CmdResult resumed =
      oltap({"suite", suite_.string(), "--out", out.string(), "--resume"}, RunOptions().timeout(120));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.describe();
  EXPECT_TRUE(contains(resumed.err, "--resume: 10 of 12 run(s) already complete")) << resumed.err;
  EXPECT_TRUE(contains(resumed.err, "not loaded again")) << resumed.err;
  size_t redone = 0;
  for (const auto& f : folders(out)) {
    EXPECT_TRUE(complete(f.dir)) << f.dir;
    const std::string id = meta(f.dir)["targets"][0]["start_utc"];
    const bool again_ran = f.dir == lost || f.dir == marked;
    if (again_ran) {
      ++redone;
      EXPECT_NE(started[f.dir.string()], id) << f.dir;
    } else {
      EXPECT_EQ(started[f.dir.string()], id) << f.dir << " was run again";
    }
  }
  EXPECT_EQ(redone, 2u);
  for (const auto& row : read_csv(out / "suite.csv").records()) EXPECT_EQ(row.at("reps"), "2");
}

TEST_F(Suite, InterruptKeepsWhatRanAndResumeFinishes) {
  // The data first, so the interrupt falls among the runs.
  for (const auto& [w, t, scale] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"pgbench-tpcb.yaml", pg_, "1"},
           {"pgbench-tpcb.yaml", maria_, "1"},
           {"ycsb-c.yaml", pg_, "0.01"},
           {"ycsb-c.yaml", maria_, "0.01"},
           {"kv-get.yaml", redis_target(), "0.01"}}) {
    CmdResult l = oltap({"load", workload(w), "--target", t, "--scale", scale});
    ASSERT_EQ(l.exit_code, 0) << l.describe();
  }
  const fs::path out = dir_ / "out";
  CmdResult r =
      oltap({"suite", suite_.string(), "--out", out.string()}, RunOptions().sigint_after(5).timeout(120));
  EXPECT_EQ(r.exit_code, 130) << r.describe();
  EXPECT_TRUE(contains(r.err, "--resume")) << r.err;
  EXPECT_TRUE(fs::is_regular_file(out / "suite.csv"));
  std::map<std::string, std::string> done_before;
  int incomplete = 0;
  for (const auto& f : folders(out)) {
    if (complete(f.dir))
      done_before[f.dir.string()] = meta(f.dir)["targets"][0]["start_utc"];
    else if (fs::exists(f.dir / "meta.json"))
      ++incomplete;
  }
  ASSERT_GT(done_before.size(), 0u) << r.describe();
  ASSERT_LT(done_before.size(), static_cast<size_t>(kRuns)) << r.describe();
  EXPECT_LE(incomplete, 1);  // at most the run the interrupt stopped
  // suite.csv holds the repetitions that completed.
  for (const auto& row : read_csv(out / "suite.csv").records()) EXPECT_GE(num(row.at("reps")), 1);

  CmdResult resumed =
      oltap({"suite", suite_.string(), "--out", out.string(), "--resume"}, RunOptions().timeout(120));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.describe();
  EXPECT_TRUE(contains(resumed.err,
                       "--resume: " + std::to_string(done_before.size()) + " of 12 run(s) already complete"))
      << resumed.err;
  for (const auto& f : folders(out)) {
    EXPECT_TRUE(complete(f.dir)) << f.dir;
    if (done_before.count(f.dir.string())) {
      EXPECT_EQ(done_before[f.dir.string()], meta(f.dir)["targets"][0]["start_utc"]) << f.dir;
    }
  }
  for (const auto& row : read_csv(out / "suite.csv").records()) EXPECT_EQ(row.at("reps"), "2");
}

// Without `load: true`, data that does not match stops the suite before
// its first run, with a suite's advice (not a run's --scale).
TEST_F(Suite, DataThatDoesNotMatchStopsTheSuiteBeforeItsFirstRun) {
  ASSERT_EQ(oltap({"load", workload("pgbench-tpcb.yaml"), "--target", pg_, "--scale", "2"}).exit_code, 0);
  const fs::path file = dir_ / "noload.yaml";
  write_file(file, "name: noload\ntargets:\n  pg: " + pg_ +
                       "\ndefaults: {duration: 1s, warmup: 0s, clients: 1}\ncases:\n"
                       "  - name: first\n    workload: " +
                       workload("pgbench-tpcb.yaml") + "\n  - name: tpcb\n    workload: " +
                       workload("pgbench-tpcb.yaml") + "\n    settings: {scale: 1}\n");
  CmdResult r = oltap({"suite", file.string(), "--out", (dir_ / "o").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "case tpcb on pg: ")) << r.err;
  EXPECT_TRUE(contains(r.err, "the data was loaded at scale 2")) << r.err;
  EXPECT_TRUE(contains(r.err, "oltap load " + workload("pgbench-tpcb.yaml") + " --target " + pg_)) << r.err;
  EXPECT_TRUE(contains(r.err, "set `load: true` in " + file.string())) << r.err;
  EXPECT_TRUE(contains(r.err, "--scale 1")) << r.err;
  EXPECT_FALSE(contains(r.err, "run with --scale")) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "o" / "first")) << "no case ran";
}

TEST_F(Suite, BrokenSuiteFileSaysWhere) {
  const fs::path bad = dir_ / "bad.yaml";
  write_file(bad,
             "name: x\n"
             "targets:\n"
             "  pg: " +
                 pg_ +
                 "\n"
                 "cases:\n"
                 "  - name: a\n"
                 "    workload: " +
                 workload("pgbench-tpcb.yaml") +
                 "\n"
                 "    settings: {clients: 2, duraton: 1s}\n");
  CmdResult r = oltap({"suite", bad.string(), "--out", (dir_ / "o").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(
      contains(r.err, bad.string() + ":7:28: unknown key 'duraton' in settings; did you mean 'duration'?"))
      << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "o"));
}

// examples/ci/suite.yaml, as the workflow runs it: its target from PG*
// variables, its workloads relative to the file. Pointed at a refused port
// it gets as far as the first connect, so everything before (the file, its
// ${NAME}s, its workload paths) held; the password is not printed.
TEST_F(Suite, TheCiExampleParsesAndReachesItsTarget) {
  const std::string secret = "ci-example-pw-41c7";
  CmdResult r = oltap(
      {"suite", std::string(OLTAP_SOURCE_DIR) + "/examples/ci/suite.yaml", "--out", (dir_ / "ci").string()},
      RunOptions()
          .setenv("PGHOST", "127.0.0.1")
          .setenv("PGPORT", "1")
          .setenv("PGUSER", "oltap")
          .setenv("PGDATABASE", "oltap")
          .setenv("PGPASSWORD", secret)
          .timeout(30));
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "127.0.0.1:1")) << r.describe();
  EXPECT_FALSE(contains(r.out + r.err, secret)) << r.describe();
}

// A password written in the suite file, or taken from ${NAME}, is in no byte
// the suite writes: not suite.yaml's copy (the literal one is redacted, the
// ${NAME} kept), not the rep folders, not what it prints.
TEST_F(Suite, PasswordsAreInNothingItWrites) {
  const std::string secret = "oltap-right-pw";
  PgUri u = parse_pg_uri(make_scratch_db(kDb + "_pw"));
  ensure_password_role(u.str());
  sql_exec(u.str(), "ALTER DATABASE " + kDb + "_pw OWNER TO oltap_pw");
  sql_exec(u.str(), "ALTER SCHEMA public OWNER TO oltap_pw");
  u.user = "oltap_pw";
  u.password = secret;
  const std::string literal = u.str();
  const std::string host = u.host;
  u.host = "${OLTAP_IT_SUITE_HOST}";
  const std::string literal_beside_env = u.str();  // a literal password in a URI that uses ${NAME} too
  u.host = host;
  u.password = "${OLTAP_IT_SUITE_PW}";
  const std::string from_env = u.str();
  TempDir files;  // the suite file (which holds the password) apart from what is searched
  const fs::path file = files / "pw.yaml";
  write_file(file,
             "name: pw\n"
             "targets:\n"
             "  lit: " +
                 literal +
                 "\n"
                 "  env: " +
                 from_env +
                 "\n"
                 "  mixed: " +
                 literal_beside_env +
                 "\n"
                 "load: true\n"
                 "cases:\n"
                 "  - name: kv\n"
                 "    workload: " +
                 workload("kv-get.yaml") +
                 "\n"
                 "    settings: {scale: 0.01, duration: 1s, warmup: 0s, clients: 1}\n");
  const fs::path out = dir_ / "pw";
  CmdResult r = oltap(
      {"suite", file.string(), "--out", out.string()},
      RunOptions().setenv("OLTAP_IT_SUITE_PW", secret).setenv("OLTAP_IT_SUITE_HOST", host).timeout(120));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(complete(out / "kv" / "lit" / "rep-1"));
  EXPECT_TRUE(complete(out / "kv" / "env" / "rep-1"));
  EXPECT_TRUE(complete(out / "kv" / "mixed" / "rep-1"));
  EXPECT_EQ(files_containing(out, secret), std::vector<std::string>{});
  EXPECT_FALSE(contains(r.out + r.err, secret));
  const std::string copy = read_file(out / "suite.yaml");
  EXPECT_TRUE(contains(copy, "${OLTAP_IT_SUITE_PW}")) << copy;
  EXPECT_TRUE(contains(copy, "lit: postgresql://oltap_pw@")) << copy;
  EXPECT_TRUE(contains(copy, "mixed: postgresql://oltap_pw@${OLTAP_IT_SUITE_HOST}")) << copy;
}

}  // namespace
}  // namespace oltap_it
