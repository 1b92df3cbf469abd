// workloads/tpch.yaml against the real stack: the data oltap generates
// follows clause 4.2.3 (row counts, keys, the order's total and status from
// its lines, date and flag rules), checked in SQL on PostgreSQL; a power run
// with --verify at SF 0.01 gives the same 22 answers on PostgreSQL, MariaDB
// (native, Connector/C) and the warehouse (psqlODBC, the Redshift DDL's stand-in); at SF 0.1
// every query returns rows; a throughput run of two streams records each
// stream's 22 queries and leaves none of Q15's views behind.
//
// Isolation: database oltap_it_tpch on the PostgreSQL server and on MariaDB,
// oltap_it_tpch_wh on the warehouse's server, recreated before each case.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

using nlohmann::json;

const std::string kDb = "oltap_it_tpch";
const std::string kWarehouseDb = "oltap_it_tpch_wh";
constexpr int kQueries = 22;

class Tpch : public ::testing::Test {
 protected:
  void load(const std::string& target, const std::string& scale, std::string* out = nullptr) {
    CmdResult r = oltap({"load", workload("tpch.yaml"), "--target", target, "--scale", scale, "--jobs", "2"},
                        RunOptions().timeout(300));
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    if (out) *out = r.out + r.err;
  }
  CmdResult run(const TempDir& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {"run", workload("tpch.yaml")});
    args.insert(args.end(), {"--out", (dir / "out").string(), "--force"});
    return oltap(args, RunOptions().in(dir.str()).timeout(300));
  }
};

// summary.csv's query rows (not ALL) of one target: query -> row.
std::map<std::string, std::map<std::string, std::string>> rows_of(const Csv& csv, const std::string& target) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (auto& r : csv.records())
    if (r.at("txn") != "ALL" && contains(r.at("target"), target)) out[r.at("txn")] = r;
  return out;
}

TEST_F(Tpch, GeneratedDataFollowsClause4) {
  const std::string pg = make_scratch_db(kDb);
  load(pg, "0.01");
  auto count = [&](const std::string& sql) { return sql_int(pg, sql); };
  // Clause 4.2.5's cardinalities at SF 0.01; orders have 1 to 7 lines (4 on average).
  EXPECT_EQ(count("SELECT COUNT(*) FROM region"), 5);
  EXPECT_EQ(count("SELECT COUNT(*) FROM nation"), 25);
  EXPECT_EQ(count("SELECT COUNT(*) FROM part"), 2000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM supplier"), 100);
  EXPECT_EQ(count("SELECT COUNT(*) FROM partsupp"), 8000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customer"), 1500);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 15000);
  const long long lines = count("SELECT COUNT(*) FROM lineitem");
  EXPECT_GT(lines, 15000 * 3.9);
  EXPECT_LT(lines, 15000 * 4.1);
  // Five nations per region; the regions and nations by name.
  EXPECT_EQ(count("SELECT COUNT(*) FROM nation n JOIN region r ON r.r_regionkey = n.n_regionkey "
                  "WHERE r.r_name = 'EUROPE' AND n.n_name IN ('FRANCE','GERMANY','ROMANIA','RUSSIA','UNITED "
                  "KINGDOM')"),
            5);
  // Keys: sparse order keys (the first 8 of every 32), customers not multiples of 3.
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE (o_orderkey - 1) % 32 >= 8"), 0);
  EXPECT_EQ(count("SELECT MAX(o_orderkey) FROM orders"), (15000 - 1) / 8 * 32 + (15000 - 1) % 8 + 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE o_custkey % 3 = 0 OR o_custkey NOT BETWEEN 1 AND 1500"),
            0);
  // Every line's supplier is one of its part's four (clause 4.2.3's formula).
  EXPECT_EQ(count("SELECT COUNT(*) FROM lineitem WHERE NOT EXISTS (SELECT 1 FROM partsupp "
                  "WHERE ps_partkey = l_partkey AND ps_suppkey = l_suppkey)"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM (SELECT ps_partkey FROM partsupp GROUP BY ps_partkey "
                  "HAVING COUNT(DISTINCT ps_suppkey) <> 4) x"),
            0);
  // An order's total and status come from its lines.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM orders o WHERE o_totalprice <> (SELECT SUM(TRUNC(TRUNC(l_extendedprice "
            "* (1 - l_discount), 2) * (1 + l_tax), 2)) FROM lineitem WHERE l_orderkey = o_orderkey)"),
      0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM orders o WHERE o_orderstatus <> (SELECT CASE WHEN bool_and(l_linestatus "
            "= 'F') THEN 'F' WHEN bool_and(l_linestatus = 'O') THEN 'O' ELSE 'P' END FROM lineitem "
            "WHERE l_orderkey = o_orderkey)"),
      0);
  EXPECT_GT(count("SELECT COUNT(*) FROM orders WHERE o_orderstatus = 'P'"), 0);
  // Prices: the retail price formula, and the extended price from it.
  EXPECT_EQ(count("SELECT COUNT(*) FROM part WHERE p_retailprice * 100 <> 90000 + (p_partkey / 10) % 20001 "
                  "+ 100 * (p_partkey % 1000)"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM lineitem JOIN part ON p_partkey = l_partkey "
                  "WHERE l_extendedprice <> l_quantity * p_retailprice"),
            0);
  // Dates and flags around CURRENTDATE (1995-06-17).
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE o_orderdate NOT BETWEEN '1992-01-01' AND '1998-08-02'"),
            0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM lineitem JOIN orders ON o_orderkey = l_orderkey WHERE "
            "l_shipdate - o_orderdate NOT BETWEEN 1 AND 121 OR l_commitdate - o_orderdate NOT BETWEEN 30 "
            "AND 90 OR l_receiptdate - l_shipdate NOT BETWEEN 1 AND 30"),
      0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM lineitem WHERE (l_returnflag = 'N') <> (l_receiptdate > '1995-06-17') "
            "OR (l_linestatus = 'O') <> (l_shipdate > '1995-06-17')"),
      0);
  EXPECT_GT(count("SELECT COUNT(*) FROM lineitem WHERE l_returnflag = 'R'"), lines / 5);
  // Text: five distinct colours per part name, comments of their lengths,
  // phone numbers starting with the nation's code.
  EXPECT_EQ(count("SELECT COUNT(*) FROM part WHERE array_length(string_to_array(p_name, ' '), 1) <> 5 OR "
                  "(SELECT COUNT(DISTINCT w) FROM unnest(string_to_array(p_name, ' ')) w) <> 5"),
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE length(o_comment) NOT BETWEEN 19 AND 78"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customer WHERE substring(c_phone, 1, 2)::int <> c_nationkey + 10 "
                  "OR c_phone !~ '^[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{4}$'"),
            0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM supplier WHERE s_name <> 'Supplier#' || lpad(s_suppkey::text, 9, '0')"), 0);
  EXPECT_GT(count("SELECT COUNT(*) FROM orders WHERE o_comment LIKE '%special%requests%'"), 0);
}

TEST_F(Tpch, PowerRunOnThreeEnginesGivesTheSameAnswers) {
  const std::string pg = make_scratch_db(kDb), mysql = make_scratch_mariadb(kDb),
                    warehouse = make_scratch_warehouse(kWarehouseDb);
  std::string said;
  load(pg, "0.01");
  load(mysql, "0.01");
  load(warehouse, "0.01", &said);
  EXPECT_TRUE(contains(said, "not Redshift: CREATE TABLE statements run without Redshift's DISTSTYLE"))
      << said;
  TempDir dir;
  CmdResult r =
      run(dir, {"--target", pg, "--target", mysql, "--target", warehouse, "--scale", "0.01", "--verify"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "answers: all 22 queries agree across 3 target(s)")) << r.out;
  EXPECT_FALSE(contains(r.out, "DIFFERS")) << r.out;
  Csv csv = read_csv(dir / "out" / "summary.csv");
  for (const std::string t : {"postgresql://", "mysql://", "odbc:"}) {
    auto rows = rows_of(csv, t);
    ASSERT_EQ(rows.size(), static_cast<size_t>(kQueries)) << t;
    for (auto& [q, row] : rows) {
      EXPECT_EQ(row.at("status"), "ok") << t << " " << q;
      // At SF 0.01 the specification's own distributions leave Q18 (no order
      // of more than 300 items: 0.6 expected) and Q20 (a Canadian supplier of
      // a "forest" part with 1994 shipments: about 1.5 expected) often empty.
      if (q != "Q18" && q != "Q20") {
        EXPECT_GT(std::stoll(row.at("rows")), 0) << t << " " << q;
      }
    }
  }
  // Aggregates answer with one row; Q1 has its four (returnflag, linestatus) groups.
  auto pg_rows = rows_of(csv, "postgresql://");
  EXPECT_EQ(pg_rows.at("Q1").at("rows"), "4");
  EXPECT_EQ(pg_rows.at("Q6").at("rows"), "1");
  EXPECT_EQ(pg_rows.at("Q3").at("rows"), "10");
  EXPECT_EQ(pg_rows.at("Q10").at("rows"), "20");
  json meta = json::parse(read_file(dir / "out" / "meta.json"));
  EXPECT_EQ(meta["answers"]["agree"].size(), static_cast<size_t>(kQueries));
  EXPECT_EQ(meta["settings"]["scale"], 0.01);
}

TEST_F(Tpch, EveryQueryReturnsRowsAtScale01) {
  const std::string pg = make_scratch_db(kDb);
  load(pg, "0.1");
  TempDir dir;
  CmdResult r = run(dir, {"--target", pg, "--scale", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto rows = rows_of(read_csv(dir / "out" / "summary.csv"), "postgresql://");
  ASSERT_EQ(rows.size(), static_cast<size_t>(kQueries));
  for (auto& [q, row] : rows) {
    EXPECT_EQ(row.at("status"), "ok") << q;
    EXPECT_GT(std::stoll(row.at("rows")), 0) << q;
  }
  // Q11's fraction is 0.0001 / SF (`:scale`): at SF 0.1 a part must hold
  // more than 0.1% of Germany's stock value.
  const long long q11 = sql_int(
      pg,
      "SELECT COUNT(*) FROM (SELECT ps_partkey FROM partsupp, supplier, nation WHERE ps_suppkey = s_suppkey "
      "AND "
      "s_nationkey = n_nationkey AND n_name = 'GERMANY' GROUP BY ps_partkey HAVING SUM(ps_supplycost * "
      "ps_availqty) > (SELECT SUM(ps_supplycost * ps_availqty) * 0.001 FROM partsupp, supplier, nation WHERE "
      "ps_suppkey = s_suppkey AND s_nationkey = n_nationkey AND n_name = 'GERMANY')) x");
  EXPECT_EQ(std::stoll(rows.at("Q11").at("rows")), q11);
}

TEST_F(Tpch, ThroughputRunOfTwoStreamsRecordsEachStreamsQueries) {
  const std::string pg = make_scratch_db(kDb);
  load(pg, "0.01");
  TempDir dir;
  CmdResult r = run(dir, {"--target", pg, "--scale", "0.01", "--streams", "2", "--verify"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.out, "throughput run, 2 streams, 44 of 44 queries completed")) << r.out;
  EXPECT_TRUE(contains(r.out, "answers: all 22 queries agree across 1 target(s) and 2 streams")) << r.out;
  Csv csv = read_csv(dir / "out" / "summary.csv");
  std::map<std::string, std::set<std::string>> ran;
  for (auto& rec : csv.records()) {
    if (rec.at("txn") == "ALL") continue;
    EXPECT_EQ(rec.at("status"), "ok") << rec.at("group") << " " << rec.at("txn");
    EXPECT_GT(std::stod(rec.at("lat_mean_ms")), 0);
    ran[rec.at("group")].insert(rec.at("txn"));
  }
  ASSERT_EQ(ran.size(), 2u);
  EXPECT_EQ(ran["stream0"].size(), static_cast<size_t>(kQueries));
  EXPECT_EQ(ran["stream1"].size(), static_cast<size_t>(kQueries));
  // Each stream made and dropped its own Q15 view.
  EXPECT_EQ(sql_int(pg, "SELECT COUNT(*) FROM pg_views WHERE viewname LIKE 'revenue%'"), 0);
}

}  // namespace
}  // namespace oltap_it
