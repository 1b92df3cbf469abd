// Issue 11 against the stack's PostgreSQL: query runs with samples
// (--repeat), progress lines when stderr is not a terminal (--progress,
// --quiet), and `oltap export` of a real result folder.
//
// The query of the repeat cases counts its own executions in a table and
// sleeps by that count, so the server says how many ran and each sample's
// time is known: the warm-up sleeps 300 ms, the timed ones 20, 60 and 40 ms.
//
// Isolation: database oltap_it_query_repeat, recreated per case that needs it.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

using nlohmann::json;

const std::string kDb = "oltap_it_query_repeat";

const char* kCountingQuery =
    "name: it-repeat\n"
    "queries:\n"
    "  - name: counted\n"
    "    sql: |\n"
    "      INSERT INTO hits VALUES (DEFAULT);\n"
    "      SELECT count(*) AS n, pg_sleep(CASE count(*) WHEN 1 THEN 0.3 WHEN 2 THEN 0.02 WHEN 3 THEN 0.06\n"
    "                                     ELSE 0.04 END)::text AS slept FROM hits\n";

std::map<std::string, std::string> row_of(const Csv& csv, const std::string& txn) {
  for (auto& r : csv.records())
    if (r.at("txn") == txn) return r;
  ADD_FAILURE() << "no row " << txn;
  return {};
}

double num(const std::map<std::string, std::string>& r, const std::string& c) { return std::stod(r.at(c)); }

std::string fixed3(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", v);
  return b;
}

int lines_starting(const std::string& text, const std::string& prefix) {
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.rfind(prefix, 0) == 0;
  return n;
}

TEST(QueryRepeat, NSamplesAfterAWarmUpTheMedianOfThemAndTheWarmUpNotCounted) {
  const std::string pg = make_scratch_db(kDb);
  sql_exec(pg, "CREATE TABLE hits (id serial PRIMARY KEY)");
  TempDir dir;
  write_file(dir / "w.yaml", kCountingQuery);
  CmdResult r = oltap(
      {"run", (dir / "w.yaml").string(), "--target", pg, "--repeat", "3", "--out", (dir / "out").string()},
      RunOptions().in(dir.str()).timeout(60));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.err, "each timed 3 times after 1 warm-up pass")) << r.describe();
  // The server ran it 4 times: the warm-up and 3 timed.
  EXPECT_EQ(sql_int(pg, "SELECT count(*) FROM hits"), 4);
  const auto q = row_of(read_csv(dir / "out" / "summary.csv"), "counted");
  EXPECT_EQ(q.at("committed"), "3");
  EXPECT_EQ(q.at("errors"), "0");
  EXPECT_EQ(q.at("status"), "ok");
  // Samples of 20, 60 and 40 ms (plus the round trips): the median is the
  // 40 ms one, the slowest the 60 ms one, and the 300 ms warm-up is in none.
  EXPECT_GE(num(q, "lat_p50_ms"), 40);
  EXPECT_LT(num(q, "lat_p50_ms"), 60);
  EXPECT_GE(num(q, "lat_max_ms"), 60);
  EXPECT_LT(num(q, "lat_max_ms"), 300);
  EXPECT_NEAR(num(q, "lat_mean_ms"), (20 + 60 + 40) / 3.0, 15);
  EXPECT_GE(num(q, "duration_s"), 0.120);  // the three timed executions
  EXPECT_LT(num(q, "duration_s"), 0.300);
  EXPECT_TRUE(contains(r.out, "median ms")) << r.describe();
  EXPECT_TRUE(contains(r.out, "each query timed 3 times")) << r.describe();

  const json meta = json::parse(read_file(dir / "out" / "meta.json"));
  EXPECT_EQ(meta["settings"]["queries"]["repeat"], 3);
  EXPECT_EQ(meta["settings"]["queries"]["warmup_passes"], 1);
  const json& t = meta["targets"][0]["queries"];
  EXPECT_EQ(t["repeat"], 3);
  EXPECT_EQ(t["completed"], 3);
  EXPECT_EQ(t["streams"][0]["order"], json::array({"counted"}));  // each query once
  // Queries per hour of a median pass: one query in its median time.
  EXPECT_NEAR(t["queries_per_hour"].get<double>(), 3600 / (num(q, "lat_p50_ms") / 1000), 1.0);

  // Exported, the query's figure is its median, with its slowest sample.
  CmdResult x = oltap({"export", (dir / "out").string(), "--format", "bencher"});
  ASSERT_EQ(x.exit_code, 0) << x.describe();
  const json bmf = json::parse(x.out);
  const std::string name =
      row_of(read_csv(dir / "out" / "summary.csv"), "counted").at("target") + " stream0/counted";
  ASSERT_TRUE(bmf.contains(name)) << x.out;
  EXPECT_NEAR(bmf[name]["latency"]["value"].get<double>(), num(q, "lat_p50_ms") * 1e6, 1e3);
  EXPECT_NEAR(bmf[name]["latency"]["upper_value"].get<double>(), num(q, "lat_max_ms") * 1e6, 1e3);
}

TEST(QueryRepeat, OneTimingByDefaultWithoutAWarmUp) {
  const std::string pg = make_scratch_db(kDb);
  sql_exec(pg, "CREATE TABLE hits (id serial PRIMARY KEY)");
  TempDir dir;
  write_file(dir / "w.yaml", kCountingQuery);
  CmdResult r = oltap({"run", (dir / "w.yaml").string(), "--target", pg, "--out", (dir / "out").string()},
                      RunOptions().in(dir.str()).timeout(60));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(sql_int(pg, "SELECT count(*) FROM hits"), 1);
  const auto q = row_of(read_csv(dir / "out" / "summary.csv"), "counted");
  EXPECT_EQ(q.at("committed"), "1");
  EXPECT_GE(num(q, "lat_p50_ms"), 300);  // the first execution is the one timed
  EXPECT_EQ(q.at("lat_p50_ms"), q.at("lat_max_ms"));
}

// --verify with --repeat: the counting query's answer (its count) changes
// from pass to pass, and the run says so; a query whose answer does not
// change is not named, and both keep their checksum.
TEST(QueryRepeat, VerifyNamesAQueryWhoseAnswerChangedBetweenRepetitions) {
  const std::string pg = make_scratch_db(kDb);
  sql_exec(pg, "CREATE TABLE hits (id serial PRIMARY KEY)");
  TempDir dir;
  write_file(dir / "w.yaml",
             std::string(kCountingQuery) + "  - name: steady\n    sql: SELECT 42 AS answer\n");
  CmdResult r = oltap({"run", (dir / "w.yaml").string(), "--target", pg, "--repeat", "3", "--verify", "--out",
                       (dir / "out").string()},
                      RunOptions().in(dir.str()).timeout(60));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(
      contains(r.err, "note: stream 0, counted: the answer changed between repetitions (pass 1: 1 rows"))
      << r.describe();
  EXPECT_FALSE(contains(r.err, "steady: the answer changed")) << r.describe();
  const Csv csv = read_csv(dir / "out" / "summary.csv");
  EXPECT_EQ(row_of(csv, "counted").at("checksum").size(), 64u);
  EXPECT_EQ(row_of(csv, "steady").at("checksum").size(), 64u);
  EXPECT_EQ(row_of(csv, "steady").at("committed"), "3");
}

// `oltap compare A B` of two query runs with --repeat: a query per line with
// both medians and the change, then the target's geometric mean and queries
// per hour; none of the tps and percentile columns of transactions. The
// slept query's delay is read from a table, so the second run is slower by
// a known amount (20 ms, then 40 ms) with the same workload file; the
// other query sleeps 10 ms in both, so that the geometric mean moves by
// about sqrt(2) whatever the machine's noise on a query of no time.
TEST(QueryRepeat, CompareOfTwoQueryRunsShowsEachQuerysMediansAndTheTargetsFigures) {
  const std::string pg = make_scratch_db(kDb);
  sql_exec(pg, "CREATE TABLE delay (d float8); INSERT INTO delay VALUES (0.02)");
  TempDir dir;
  write_file(dir / "w.yaml",
             "name: it-compare\n"
             "queries:\n"
             "  - name: slept\n"
             "    sql: SELECT pg_sleep(d)::text AS slept FROM delay\n"
             "  - name: steady\n"
             "    sql: SELECT pg_sleep(0.01)::text AS steady\n");
  auto run_to = [&](const std::string& out) {
    CmdResult r = oltap(
        {"run", (dir / "w.yaml").string(), "--target", pg, "--repeat", "3", "--out", (dir / out).string()},
        RunOptions().in(dir.str()).timeout(60));
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  };
  run_to("a");
  sql_exec(pg, "UPDATE delay SET d = 0.04");
  run_to("b");
  CmdResult c = oltap({"compare", (dir / "a").string(), (dir / "b").string()}, RunOptions().in(dir.str()));
  ASSERT_EQ(c.exit_code, 0) << c.describe();
  EXPECT_TRUE(contains(c.out, "median base")) << c.out;
  EXPECT_FALSE(contains(c.out, "tps")) << c.out;
  EXPECT_FALSE(contains(c.out, "p99")) << c.out;
  // The query lines come first, then the target's (its name is the URI).
  std::string slept;
  std::vector<std::string> target;
  std::istringstream in(c.out);
  for (std::string line; std::getline(in, line);) {
    if (contains(line, "stream0/slept")) slept = line;
    if (line.rfind("postgresql://", 0) == 0) {
      std::istringstream cells(line);
      for (std::string cell; cells >> cell;) target.push_back(cell);
    }
  }
  ASSERT_FALSE(slept.empty()) << c.out;
  ASSERT_EQ(target.size(), 7u) << c.out;  // target, geomean base/cur/Δ, qph base/cur/Δ
  // Medians of about 20 and 40 ms: a change of about +100%.
  const double base = num(row_of(read_csv(dir / "a" / "summary.csv"), "slept"), "lat_p50_ms");
  const double cur = num(row_of(read_csv(dir / "b" / "summary.csv"), "slept"), "lat_p50_ms");
  EXPECT_GE(base, 20);
  EXPECT_GE(cur, 40);
  EXPECT_TRUE(contains(slept, fixed3(base))) << slept;
  EXPECT_TRUE(contains(slept, fixed3(cur))) << slept;
  const double change = (cur - base) / base * 100;
  EXPECT_GT(change, 50) << slept;
  EXPECT_LT(change, 150) << slept;
  // Slower medians: a larger geometric mean, fewer queries per hour.
  EXPECT_GT(std::stod(target[2]), std::stod(target[1])) << c.out;
  EXPECT_EQ(target[3][0], '+') << c.out;
  EXPECT_LT(std::stod(target[5]), std::stod(target[4])) << c.out;
  EXPECT_EQ(target[6][0], '-') << c.out;
}

TEST(QueryRepeat, RefusedForTransactionsAndOutOfRange) {
  TempDir dir;
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", base_uri(), "--repeat", "3"},
                      RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--repeat applies to workloads of queries")) << r.describe();
  write_file(dir / "w.yaml", kCountingQuery);
  r = oltap({"run", (dir / "w.yaml").string(), "--target", base_uri(), "--repeat", "0"},
            RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--repeat must be within [1, 1000]")) << r.describe();
}

// One load of pgbench-tpcb for the progress and export cases.
class TpcbRuns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pg_ = make_scratch_db(kDb + std::string("_tpcb"));
    CmdResult r = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", pg_, "--scale", "1"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  static std::string pg_;
};
std::string TpcbRuns::pg_;

TEST_F(TpcbRuns, PlainProgressLinesWhenStderrIsNotATerminalAndNoneWithQuiet) {
  TempDir dir;
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", pg_, "--duration", "3s", "--warmup",
                       "0", "--clients", "2", "--progress", "1", "--out", (dir / "a").string()},
                      RunOptions().in(dir.str()).timeout(60));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const int lines = lines_starting(r.err, "progress ");
  EXPECT_GE(lines, 2) << r.err;
  EXPECT_LE(lines, 4) << r.err;
  EXPECT_FALSE(contains(r.err, "\r")) << r.err;  // plain lines, nothing rewritten in place
  EXPECT_FALSE(contains(r.err, "\033")) << r.err;
  // Each says what the terminal's line says: target, elapsed, tps, p99, errors.
  std::istringstream in(r.err);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("progress ", 0) != 0) continue;
    EXPECT_TRUE(contains(line, "postgresql://")) << line;
    EXPECT_TRUE(contains(line, " s, tps ")) << line;
    EXPECT_TRUE(contains(line, " ms, errors 0")) << line;
    EXPECT_TRUE(contains(line, ", p99 ")) << line;
  }

  // The default period under CI is 10 s: a 2 s run prints none; --quiet none whatever the period.
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{}, std::vector<std::string>{"--quiet", "--progress", "1"}}) {
    std::vector<std::string> args = {
        "run",   workload("pgbench-tpcb.yaml"), "--target", pg_, "--duration", "2s", "--warmup", "0",
        "--out", (dir / "b").string(),          "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    CmdResult q = oltap(args, RunOptions().in(dir.str()).timeout(60));
    ASSERT_EQ(q.exit_code, 0) << q.describe();
    EXPECT_EQ(lines_starting(q.err, "progress "), 0) << q.err;
    EXPECT_TRUE(contains(q.err, "running pgbench-tpcb")) << q.err;  // status lines stay
  }

  CmdResult bad = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", pg_, "--progress", "0"},
                        RunOptions().in(dir.str()));
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
}

TEST_F(TpcbRuns, ExportOfARunFolderInEachFormat) {
  TempDir dir;
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", pg_, "--duration", "2s", "--warmup",
                       "0", "--quiet", "--out", (dir / "run").string()},
                      RunOptions().in(dir.str()).timeout(60));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const auto all = summary_all_row(read_csv(dir / "run" / "summary.csv"));
  const std::string name = all.at("target") + " default/ALL";

  CmdResult big = oltap({"export", (dir / "run").string(), "--format", "github-action-benchmark"});
  ASSERT_EQ(big.exit_code, 0) << big.describe();
  const json b = json::parse(big.out);
  ASSERT_TRUE(b.is_array());
  bool found = false;
  for (const auto& e : b) {
    EXPECT_TRUE(e.at("name").is_string() && e.at("unit").is_string() && e.at("value").is_number()) << e;
    if (e["name"] == name) {
      found = true;
      EXPECT_EQ(e["unit"], "tps");
      EXPECT_DOUBLE_EQ(e["value"].get<double>(), std::stod(all.at("tps")));
    }
  }
  EXPECT_TRUE(found) << big.out;

  // To a file with --out: the smaller-is-better p99s.
  CmdResult small = oltap({"export", (dir / "run").string(), "--format", "github-action-benchmark-smaller",
                           "--out", (dir / "small.json").string()});
  ASSERT_EQ(small.exit_code, 0) << small.describe();
  EXPECT_TRUE(small.out.empty()) << small.out;
  const json s = json::parse(read_file(dir / "small.json"));
  ASSERT_TRUE(s.is_array());
  ASSERT_FALSE(s.empty());
  for (const auto& e : s) EXPECT_EQ(e.at("unit"), "ms") << e;

  CmdResult bmf = oltap({"export", (dir / "run").string(), "--format", "bencher"});
  ASSERT_EQ(bmf.exit_code, 0) << bmf.describe();
  const json m = json::parse(bmf.out);
  ASSERT_TRUE(m.contains(name)) << bmf.out;
  EXPECT_DOUBLE_EQ(m[name]["throughput"]["value"].get<double>(), std::stod(all.at("tps")));
  EXPECT_TRUE(m[name]["latency"]["value"].is_number());

  CmdResult wrong = oltap({"export", (dir / "run").string(), "--format", "csv"});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.describe();
}

}  // namespace
}  // namespace oltap_it
