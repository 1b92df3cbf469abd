// Analytical runs against the real stack: workloads/analytics-mini.yaml's
// power run on PostgreSQL, MariaDB (ODBC) and the warehouse (psqlODBC) in
// one `oltap run --verify` whose answers agree, and stop agreeing when one
// engine's data is changed; a throughput run of 2 streams with per-stream,
// per-query times; several statements per query with per-stream names
// (TPC-H Q15's view); a query time-out that cancels the query on the server
// (checked with the server's own view of its sessions) while the run goes
// on; and what is refused (a Redis target, options of the other kind).
//
// Isolation: database oltap_it_olap_analytics on the PostgreSQL server and
// on MariaDB, oltap_it_olap_analytics_wh on the warehouse's server,
// recreated before each case.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

using nlohmann::json;

const std::string kDb = "oltap_it_olap_analytics";
const std::string kWarehouseDb = "oltap_it_olap_analytics_wh";
const std::vector<std::string> kQueries = {"revenue_by_month", "top_products", "region_running_revenue",
                                           "region_category_q2", "category_catalogue"};

// Each case creates the databases it uses, on first use (creating one takes a
// second or so).
class Analytics : public ::testing::Test {
 protected:
  const std::string& pg() {
    if (pg_.empty()) pg_ = make_scratch_db(kDb);
    return pg_;
  }
  const std::string& mysql() {
    if (mysql_.empty()) mysql_ = make_scratch_mariadb(kDb);
    return mysql_;
  }
  const std::string& warehouse() {
    if (warehouse_.empty()) warehouse_ = make_scratch_warehouse(kWarehouseDb);
    return warehouse_;
  }

  void load(const std::string& target) {
    CmdResult r = oltap({"load", workload("analytics-mini.yaml"), "--target", target});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  // Runs args in a fresh folder; the result folder is dir/out.
  CmdResult run(const TempDir& dir, std::vector<std::string> args) {
    args.insert(args.begin(), "run");
    args.insert(args.end(), {"--out", (dir / "out").string(), "--force"});
    return oltap(args, RunOptions().in(dir.str()).timeout(60));
  }

  // A workload file of the given queries: name -> SQL text (a YAML flow scalar or block).
  static std::string write_workload(const TempDir& dir, const std::string& body) {
    std::string path = (dir / "w.yaml").string();
    write_file(path, "name: it-queries\nqueries:\n" + body);
    return path;
  }

 private:
  std::string pg_, mysql_, warehouse_;
};

// summary.csv's query rows (not ALL) by (target, stream, query).
std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, std::string>> query_rows(
    const Csv& csv) {
  std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, std::string>> out;
  for (auto& r : csv.records())
    if (r.at("txn") != "ALL") out[{r.at("target"), r.at("group"), r.at("txn")}] = r;
  return out;
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST_F(Analytics, PowerRunOnThreeEnginesGivesTheSameAnswersAndADataChangeDiffers) {
  for (const auto& t : {pg(), mysql(), warehouse()}) load(t);
  TempDir dir;
  CmdResult r = run(dir, {workload("analytics-mini.yaml"), "--target", pg(), "--target", mysql(), "--target",
                          warehouse(), "--verify"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "answers: all 5 queries agree across 3 target(s)")) << r.describe();
  EXPECT_FALSE(contains(r.out, "DIFFERS")) << r.describe();
  EXPECT_TRUE(contains(r.out, "power run, 5 of 5 queries completed")) << r.describe();

  Csv csv = read_csv(dir / "out" / "summary.csv");
  ASSERT_EQ(csv.header.back(), "status");
  auto rows = query_rows(csv);
  ASSERT_EQ(rows.size(), 15u) << write_csv(csv);
  std::set<std::string> targets;
  for (auto& rec : csv.records()) targets.insert(rec.at("target"));
  ASSERT_EQ(targets.size(), 3u);
  // The answers' sizes, as the database itself counts them.
  const std::map<std::string, long long> expected_rows = {
      {"revenue_by_month", 12},
      {"top_products", 10},
      {"region_running_revenue",
       sql_int(pg(),
               "SELECT COUNT(DISTINCT (st.region, EXTRACT(MONTH FROM DATE '2024-01-01' + s.sale_day))) "
               "FROM sales s JOIN stores st USING (store_id)")},
      {"region_category_q2",
       sql_int(pg(),
               "SELECT COUNT(DISTINCT (st.region, p.category)) FROM sales s JOIN stores st "
               "USING (store_id) JOIN products p USING (product_id) WHERE sale_day "
               "BETWEEN 91 AND 181")},
      {"category_catalogue", sql_int(pg(), "SELECT COUNT(DISTINCT category) FROM products")}};
  for (const auto& q : kQueries) {
    std::set<std::string> checksums;
    for (const auto& t : targets) {
      auto it = rows.find({t, "stream0", q});
      ASSERT_NE(it, rows.end()) << t << " " << q;
      const auto& row = it->second;
      EXPECT_EQ(row.at("status"), "ok") << t << " " << q;
      EXPECT_EQ(row.at("committed"), "1");
      EXPECT_EQ(row.at("errors"), "0");
      EXPECT_EQ(std::stoll(row.at("rows")), expected_rows.at(q)) << t << " " << q;
      EXPECT_TRUE(is_hex64(row.at("checksum"))) << row.at("checksum");
      EXPECT_GT(std::stod(row.at("lat_mean_ms")), 0);
      EXPECT_EQ(row.at("lat_mean_ms"), row.at("lat_max_ms"));
      checksums.insert(row.at("checksum"));
    }
    EXPECT_EQ(checksums.size(), 1u) << q << ": the engines' answers differ";
  }
  json meta = json::parse(read_file(dir / "out" / "meta.json"));
  EXPECT_EQ(meta["settings"]["queries"]["verify"], true);
  EXPECT_EQ(meta["answers"]["differ"].size(), 0u);
  EXPECT_EQ(meta["answers"]["agree"].size(), 5u);
  for (const auto& t : meta["targets"]) {
    const json& q = t["queries"];
    EXPECT_EQ(q["mode"], "power");
    EXPECT_EQ(q["completed"], 5);
    EXPECT_GT(q["geomean_s"].get<double>(), 0);
    EXPECT_LT(q["geomean_s"].get<double>(), 5);
    EXPECT_NEAR(q["queries_per_hour"].get<double>(), 5 * 3600 / q["elapsed_s"].get<double>(), 1e-6);
    EXPECT_EQ(q["streams"][0]["order"], json(kQueries));
  }
  // `oltap report` prints the same table from the files.
  CmdResult rep = oltap({"report", (dir / "out").string()});
  ASSERT_EQ(rep.exit_code, 0) << rep.describe();
  EXPECT_TRUE(
      contains(r.out, rep.out.substr(rep.out.find("query"), rep.out.find("results") - rep.out.find("query"))))
      << "run:\n"
      << r.out << "report:\n"
      << rep.out;

  // One sale's amount changed on MariaDB: the queries that read amounts differ there, the catalogue does not.
  mariadb_sql("UPDATE sales SET amount = amount + 1 WHERE sale_id = 1", kDb);
  TempDir again;
  CmdResult d = run(again, {workload("analytics-mini.yaml"), "--target", pg(), "--target", mysql(),
                            "--target", warehouse(), "--verify"});
  ASSERT_EQ(d.exit_code, 0) << "a difference is a result, not an error\n" << d.describe();
  EXPECT_TRUE(contains(d.out, "DIFFERS revenue_by_month:")) << d.out;
  EXPECT_TRUE(contains(d.out, "DIFFERS region_running_revenue:")) << d.out;
  EXPECT_FALSE(contains(d.out, "DIFFERS category_catalogue")) << d.out;
  json meta2 = json::parse(read_file(again / "out" / "meta.json"));
  std::set<std::string> differ;
  for (const auto& x : meta2["answers"]["differ"]) differ.insert(x["query"]);
  EXPECT_TRUE(differ.count("revenue_by_month"));
  EXPECT_FALSE(differ.count("category_catalogue"));
}

TEST_F(Analytics, WithoutVerifyRowsAreCountedButNotChecksummed) {
  load(pg());
  TempDir dir;
  CmdResult r = run(dir, {workload("analytics-mini.yaml"), "--target", pg()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  for (auto& [key, row] : query_rows(read_csv(dir / "out" / "summary.csv"))) {
    EXPECT_EQ(row.at("checksum"), "") << std::get<2>(key);
    EXPECT_NE(row.at("rows"), "") << std::get<2>(key);
  }
  EXPECT_FALSE(contains(r.out, "answers:")) << r.out;
}

TEST_F(Analytics, ThroughputRunOfTwoStreamsRecordsEachStreamsQueryTimes) {
  load(pg());
  TempDir dir;
  CmdResult r = run(dir, {workload("analytics-mini.yaml"), "--target", pg(), "--streams", "2", "--verify"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "throughput run, 2 streams, 10 of 10 queries completed")) << r.out;
  EXPECT_TRUE(contains(r.out, "answers: all 5 queries agree across 1 target(s) and 2 streams")) << r.out;
  Csv csv = read_csv(dir / "out" / "summary.csv");
  json meta = json::parse(read_file(dir / "out" / "meta.json"));
  const json& q = meta["targets"][0]["queries"];
  EXPECT_EQ(q["mode"], "throughput");
  ASSERT_EQ(q["streams"].size(), 2u);
  for (int s = 0; s < 2; ++s) {
    const std::string stream = "stream" + std::to_string(s);
    // The stream's rows, in the order it ran the queries, then its ALL row.
    std::vector<std::string> ran;
    std::map<std::string, std::string> all;
    for (auto& rec : csv.records()) {
      if (rec.at("group") != stream) continue;
      if (rec.at("txn") == "ALL") {
        all = rec;
        continue;
      }
      ran.push_back(rec.at("txn"));
      EXPECT_EQ(rec.at("status"), "ok");
      EXPECT_GT(std::stod(rec.at("lat_mean_ms")), 0);
    }
    EXPECT_EQ(json(ran), q["streams"][s]["order"]) << stream;
    std::vector<std::string> sorted = ran, expected = kQueries;
    std::sort(sorted.begin(), sorted.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(sorted, expected) << stream << " runs every query once";
    ASSERT_FALSE(all.empty()) << stream << " has an ALL row";
    EXPECT_EQ(all.at("committed"), "5");
    EXPECT_NEAR(std::stod(all.at("duration_s")), q["streams"][s]["elapsed_s"].get<double>(), 0.0006);
  }
  EXPECT_EQ(q["streams"][0]["order"], json(kQueries)) << "stream 0 runs the file's order";
  EXPECT_NE(q["streams"][1]["order"], json(kQueries)) << "stream 1 runs its own order (seed 1)";
  EXPECT_NEAR(q["queries_per_hour"].get<double>(), 10 * 3600 / q["elapsed_s"].get<double>(), 1e-6);
  EXPECT_FALSE(q.contains("geomean_s")) << "the geometric mean is a power run's figure";
}

TEST_F(Analytics, SeveralStatementsRunInOrderWithTheStreamsNumberInTheirNames) {
  TempDir dir;
  // TPC-H Q15's shape: a view per stream, the query over it, the view dropped.
  std::string w = write_workload(dir,
                                 "  - name: q15\n"
                                 "    sql: |\n"
                                 "      CREATE VIEW rev:stream AS SELECT 7 AS v, :stream AS s;\n"
                                 "      SELECT v, s FROM rev:stream;\n"
                                 "      DROP VIEW rev:stream\n");
  for (const auto& target : {pg(), mysql()}) {
    CmdResult r = run(dir, {w, "--target", target, "--streams", "3", "--verify"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    auto rows = query_rows(read_csv(dir / "out" / "summary.csv"));
    ASSERT_EQ(rows.size(), 3u);
    std::set<std::string> checksums;
    for (auto& [key, row] : rows) {
      EXPECT_EQ(row.at("status"), "ok") << target;
      EXPECT_EQ(row.at("rows"), "1") << "the rows of the statement that returned rows";
      checksums.insert(row.at("checksum"));
    }
    EXPECT_EQ(checksums.size(), 3u) << "each stream's view holds its own number";
    EXPECT_TRUE(contains(r.out, "DIFFERS q15")) << r.out;
  }
  EXPECT_EQ(sql_int(pg(), "SELECT COUNT(*) FROM pg_views WHERE viewname LIKE 'rev%'"), 0) << "dropped";
  EXPECT_EQ(mariadb_sql("SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + kDb + "'"),
            "0");
}

// `:scale` is the run's scale written with a decimal point, so a division by
// it is not an integer division on either engine.
TEST_F(Analytics, ScaleInAQueryIsTheRunsScaleAsADecimal) {
  TempDir dir;
  std::string w = write_workload(dir,
                                 "  - name: per_scale\n"
                                 "    sql: SELECT 1 / :scale AS a, 0.0001 / :scale AS b\n");
  TempDir expect_dir;
  std::string e = write_workload(expect_dir,
                                 "  - name: per_scale\n"
                                 "    sql: SELECT 0.25 AS a, 0.000025 AS b\n");
  for (const auto& target : {pg(), mysql()}) {
    CmdResult r = run(dir, {w, "--target", target, "--scale", "4", "--verify"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.err, "at scale 4")) << r.describe();
    CmdResult x = run(expect_dir, {e, "--target", target, "--verify"});
    ASSERT_EQ(x.exit_code, 0) << x.describe();
    auto got = query_rows(read_csv(dir / "out" / "summary.csv"));
    auto want = query_rows(read_csv(expect_dir / "out" / "summary.csv"));
    ASSERT_EQ(got.size(), 1u);
    ASSERT_EQ(want.size(), 1u);
    EXPECT_EQ(got.begin()->second.at("checksum"), want.begin()->second.at("checksum")) << target;
  }
}

// ---------------------------------------------------------------- time-outs

// Sessions on the PostgreSQL server at uri still running a statement that contains marker.
long long pg_running(const std::string& uri, const std::string& marker) {
  return sql_int(uri,
                 "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() "
                 "AND query LIKE '%" +
                     marker + "%'");
}

// Checks a run of a 5 s sleep (time-out 1 s) followed by a fast query: the
// sleep timed out after about 1 s, the run went on, and returned exit 4.
void expect_timed_out_and_went_on(const CmdResult& r, const fs::path& out) {
  EXPECT_EQ(r.exit_code, 4) << "a timed-out query is an error above --max-error-rate 0%\n" << r.describe();
  EXPECT_LT(r.elapsed_s, 4) << "the sleep was not cut short\n" << r.describe();
  auto rows = query_rows(read_csv(out / "summary.csv"));
  ASSERT_EQ(rows.size(), 2u) << r.describe();
  const auto& slow = rows.begin()->second.at("txn") == "slow" ? rows.begin()->second : rows.rbegin()->second;
  const auto& after =
      rows.begin()->second.at("txn") == "after" ? rows.begin()->second : rows.rbegin()->second;
  EXPECT_EQ(slow.at("status"), "timeout");
  EXPECT_EQ(slow.at("errors"), "1");
  EXPECT_EQ(slow.at("committed"), "0");
  EXPECT_EQ(slow.at("rows"), "");
  EXPECT_GE(std::stod(slow.at("lat_mean_ms")), 1000);
  EXPECT_LT(std::stod(slow.at("lat_mean_ms")), 2500);
  EXPECT_EQ(after.at("status"), "ok") << "the run went on after the time-out";
  EXPECT_EQ(after.at("rows"), "1");
  json meta = json::parse(read_file(out / "meta.json"));
  const json& failures = meta["targets"][0]["queries"]["failures"];
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]["query"], "slow");
  EXPECT_EQ(failures[0]["status"], "timeout");
  EXPECT_TRUE(contains(r.out, "timeout")) << r.out;
}

TEST_F(Analytics, PostgresQueryTimeOutCancelsOnTheServerAndTheRunGoesOn) {
  TempDir dir;
  std::string w = write_workload(dir,
                                 "  - name: slow\n    sql: SELECT pg_sleep(5) AS oltap_it_olap_pg\n"
                                 "  - name: after\n    sql: SELECT 1\n");
  CmdResult r = run(dir, {w, "--target", pg(), "--query-timeout", "1s"});
  expect_timed_out_and_went_on(r, dir / "out");
  // Without the cancel, the server would be sleeping for 4 s more.
  EXPECT_EQ(pg_running(pg(), "oltap_it_olap_pg"), 0);
}

TEST_F(Analytics, WarehouseQueryTimeOutCancelsThroughOdbcOnTheServer) {
  TempDir dir;
  std::string w = write_workload(dir,
                                 "  - name: slow\n    sql: SELECT pg_sleep(5) AS oltap_it_olap_wh\n"
                                 "  - name: after\n    sql: SELECT 1\n");
  CmdResult r = run(dir, {w, "--target", warehouse(), "--query-timeout", "1s"});
  expect_timed_out_and_went_on(r, dir / "out");
  EXPECT_EQ(pg_running(warehouse_pg_uri(kWarehouseDb), "oltap_it_olap_wh"), 0);
}

TEST_F(Analytics, MariaDbQueryTimeOutKillsTheQueryOnTheServer) {
  TempDir dir;
  std::string w = write_workload(dir,
                                 "  - name: slow\n    sql: SELECT SLEEP(5) AS oltap_it_olap_my\n"
                                 "  - name: after\n    sql: SELECT 1\n");
  CmdResult r = run(dir, {w, "--target", mysql(), "--query-timeout", "1s"});
  expect_timed_out_and_went_on(r, dir / "out");
  EXPECT_EQ(mariadb_sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
                        "'SELECT SLEEP(5) AS oltap_it_olap_my%'"),
            "0");
}

TEST_F(Analytics, AFailingQueryIsAnErrorAndTheStreamGoesOn) {
  TempDir dir;
  std::string w = write_workload(dir,
                                 "  - name: broken\n    sql: SELECT * FROM no_such_table\n"
                                 "  - name: after\n    sql: SELECT 1\n");
  CmdResult r = run(dir, {w, "--target", pg(), "--max-error-rate", "50%"});
  EXPECT_EQ(r.exit_code, 0) << "1 of 2 failed, within 50%\n" << r.describe();
  auto rows = query_rows(read_csv(dir / "out" / "summary.csv"));
  ASSERT_EQ(rows.size(), 2u);
  for (auto& [key, row] : rows)
    EXPECT_EQ(row.at("status"), std::get<2>(key) == "broken" ? "error" : "ok") << std::get<2>(key);
  json meta = json::parse(read_file(dir / "out" / "meta.json"));
  EXPECT_TRUE(
      contains(meta["targets"][0]["queries"]["failures"][0]["message"].get<std::string>(), "no_such_table"));
}

TEST_F(Analytics, AnInterruptCancelsTheRunningQueriesAndKeepsWhatRan) {
  TempDir dir;
  std::string w = write_workload(dir,
                                 "  - name: slow\n    sql: SELECT pg_sleep(10) AS oltap_it_olap_sigint\n"
                                 "  - name: fast\n    sql: SELECT 1\n");
  CmdResult r = oltap({"run", w, "--target", pg(), "--streams", "2", "--out", (dir / "out").string()},
                      RunOptions().in(dir.str()).sigint_after(1.5).timeout(30));
  EXPECT_EQ(r.exit_code, 130) << r.describe();
  EXPECT_LT(r.exited_after_signal_s, 2) << r.describe();
  EXPECT_EQ(pg_running(pg(), "oltap_it_olap_sigint"), 0);
  auto rows = query_rows(read_csv(dir / "out" / "summary.csv"));
  // Stream 0 was in its first query, slow; stream 1 (seed 1: fast, then slow) ran fast.
  for (auto& [key, row] : rows) {
    EXPECT_EQ(row.at("incomplete"), "true");
    EXPECT_EQ(row.at("status"), std::get<2>(key) == "slow" ? "error" : "ok") << std::get<1>(key);
  }
  EXPECT_FALSE(rows.count({pg(), "stream0", "fast"})) << "not run: the run stopped";
}

// ---------------------------------------------------------------- refused

TEST_F(Analytics, ARedisTargetAndOptionsOfTheOtherKindAreBadInput) {
  TempDir dir;
  CmdResult redis = run(dir, {workload("analytics-mini.yaml"), "--target", stack_env("OLTAP_REDIS")});
  EXPECT_EQ(redis.exit_code, 2) << redis.describe();
  EXPECT_TRUE(contains(redis.err, "runs no SQL queries")) << redis.describe();
  CmdResult clients = run(dir, {workload("analytics-mini.yaml"), "--target", pg(), "--clients", "4"});
  EXPECT_EQ(clients.exit_code, 2) << clients.describe();
  EXPECT_TRUE(contains(clients.err, "--clients applies to workloads of transactions")) << clients.describe();
  CmdResult streams = run(dir, {workload("pgbench-tpcb.yaml"), "--target", pg(), "--streams", "2"});
  EXPECT_EQ(streams.exit_code, 2) << streams.describe();
  EXPECT_TRUE(contains(streams.err, "--streams applies to workloads of queries")) << streams.describe();
  CmdResult timeout = run(dir, {workload("analytics-mini.yaml"), "--target", pg(), "--query-timeout", "0s"});
  EXPECT_EQ(timeout.exit_code, 2) << timeout.describe();
}

}  // namespace
}  // namespace oltap_it
