// workloads/tpcc.yaml on PostgreSQL (native) and MariaDB (native, Connector/C): the initial
// population of clause 4.3 at one warehouse, then after a run the
// consistency conditions 1-4 of clause 3.3.2, the 45/43/4/4/4 mix and the
// 1% of New-Orders rolled back on purpose. The database is checked with
// each server's own client, not through oltap.
// Databases: oltap_it_tpcc on both servers.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_tpcc";

struct Engine {
  std::string name;
  std::function<std::string()> make_db;  // returns the target
  std::function<long long(const std::string& target, const std::string& sql)> count;
};

Engine postgres() {
  return {"Postgres", [] { return make_scratch_db(kDb); },
          [](const std::string& t, const std::string& sql) { return sql_int(t, sql); }};
}

Engine mariadb() {
  return {"MariaDb", [] { return make_scratch_mariadb(kDb); },
          [](const std::string&, const std::string& sql) { return std::stoll(mariadb_sql(sql, kDb)); }};
}

// Each returns the number of districts (or warehouses) that break the condition.
const std::map<std::string, std::string> kConsistency = {
    {"1: W_YTD = sum(D_YTD)",
     "SELECT COUNT(*) FROM warehouse WHERE w_ytd <> (SELECT SUM(d_ytd) FROM district WHERE d_w_id = w_id)"},
    {"2: D_NEXT_O_ID - 1 = max(O_ID) = max(NO_O_ID)",
     "SELECT COUNT(*) FROM district WHERE d_next_o_id - 1 <> (SELECT MAX(o_id) FROM orders WHERE o_w_id = "
     "d_w_id "
     "AND o_d_id = d_id) OR d_next_o_id - 1 <> (SELECT MAX(no_o_id) FROM new_order WHERE no_w_id = d_w_id "
     "AND "
     "no_d_id = d_id)"},
    {"3: NEW-ORDER rows contiguous",
     "SELECT COUNT(*) FROM (SELECT no_w_id, no_d_id FROM new_order GROUP BY no_w_id, no_d_id "
     "HAVING MAX(no_o_id) - MIN(no_o_id) + 1 <> COUNT(*)) x"},
    {"4: sum(O_OL_CNT) = ORDER-LINE rows",
     "SELECT COUNT(*) FROM (SELECT o_w_id, o_d_id, SUM(o_ol_cnt) AS s FROM orders GROUP BY o_w_id, o_d_id) o "
     "JOIN (SELECT ol_w_id, ol_d_id, COUNT(*) AS c FROM order_line GROUP BY ol_w_id, ol_d_id) l "
     "ON o.o_w_id = l.ol_w_id AND o.o_d_id = l.ol_d_id WHERE o.s <> l.c"},
};

class Tpcc : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    target_ = GetParam().make_db();
    CmdResult load = oltap({"load", workload("tpcc.yaml"), "--target", target_, "--jobs", "2"});
    ASSERT_EQ(load.exit_code, 0) << load.describe();
  }
  long long count(const std::string& sql) { return GetParam().count(target_, sql); }
  // Runs per_client transactions on each of `clients` clients; returns the
  // summary rows by txn.
  std::map<std::string, std::map<std::string, std::string>> run(const TempDir& dir, int clients,
                                                                int per_client) {
    CmdResult r = oltap({"run", workload("tpcc.yaml"), "--target", target_, "--clients",
                         std::to_string(clients), "--transactions", std::to_string(per_client), "--warmup",
                         "0", "--seed", "1", "--out", (dir / "out").string(), "--force"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    std::map<std::string, std::map<std::string, std::string>> by_txn;
    if (r.exit_code != 0) return by_txn;
    Csv csv = read_csv(dir / "out" / "summary.csv");
    for (const auto& row : csv.rows) {
      std::map<std::string, std::string> m;
      for (size_t i = 0; i < csv.header.size() && i < row.size(); ++i) m[csv.header[i]] = row[i];
      by_txn[m.at("txn")] = m;
    }
    return by_txn;
  }
  std::string target_;
};

void PrintTo(const Engine& e, std::ostream* os) { *os << e.name; }

// The load is checked before the run in one test: each load takes seconds.
TEST_P(Tpcc, LoadFollowsClause4_3ThenARunKeepsConsistencyWithTheStandardMix) {
  EXPECT_EQ(count("SELECT COUNT(*) FROM item"), 100000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM warehouse WHERE w_ytd = 300000"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM district WHERE d_ytd = 30000 AND d_next_o_id = 3001"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customer"), 30000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM history"), 30000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 30000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM new_order WHERE no_o_id BETWEEN 2101 AND 3000"), 9000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM stock"), 100000);
  // 5 to 15 lines per order, numbered from 1; delivered orders have a carrier.
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE o_ol_cnt < 5 OR o_ol_cnt > 15"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE (o_id < 2101) <> (o_carrier_id IS NOT NULL)"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM order_line WHERE (ol_o_id < 2101) <> (ol_delivery_d IS NOT NULL)"),
            0);
  // Each district's orders name each of its customers once.
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM (SELECT o_d_id, COUNT(DISTINCT o_c_id) AS n FROM orders GROUP BY o_d_id) x "
            "WHERE n <> 3000"),
      0);
  // The first 1000 customers carry the names of their numbers (clause 4.3.2.3).
  EXPECT_EQ(count("SELECT COUNT(*) FROM customer WHERE c_id = 1 AND c_last = 'BARBARBAR'"), 10);
  EXPECT_EQ(count("SELECT COUNT(*) FROM customer WHERE c_id = 372 AND c_last = 'PRICALLYOUGHT'"), 10);
  // 10% bad credit and 10% ORIGINAL: binomial, within 4 standard deviations.
  long long bc = count("SELECT COUNT(*) FROM customer WHERE c_credit = 'BC'");
  EXPECT_NEAR(bc, 3000, 4 * std::sqrt(30000 * 0.1 * 0.9));
  long long original = count("SELECT COUNT(*) FROM item WHERE i_data LIKE '%ORIGINAL%'");
  EXPECT_NEAR(original, 10000, 4 * std::sqrt(100000 * 0.1 * 0.9));
  for (const auto& [name, sql] : kConsistency)
    EXPECT_EQ(count(sql), 0) << "before the run, condition " << name;

  TempDir dir;
  // 10000 transactions by 8 clients on one warehouse (contention, so
  // retries happen): a 45% share then has a standard deviation of 0.5 points.
  auto rows = run(dir, 8, 1250);
  ASSERT_EQ(rows.count("ALL"), 1u);
  EXPECT_EQ(rows["ALL"].at("errors"), "0");
  long long total = std::stoll(rows["ALL"].at("committed")) + std::stoll(rows["ALL"].at("aborted"));
  EXPECT_EQ(total, 10000);
  const std::map<std::string, double> mix = {
      {"new_order", 45}, {"payment", 43}, {"order_status", 4}, {"delivery", 4}, {"stock_level", 4}};
  for (const auto& [txn, pct] : mix) {
    ASSERT_EQ(rows.count(txn), 1u) << txn;
    long long n = std::stoll(rows[txn].at("committed")) + std::stoll(rows[txn].at("aborted"));
    EXPECT_NEAR(100.0 * n / total, pct, 1.0) << txn;
    if (txn != "new_order") {
      EXPECT_EQ(rows[txn].at("aborted"), "0") << txn;
    }
  }
  // About 1% of New-Orders name an unused item and roll back: of ~4500,
  // 45 expected, standard deviation 6.7; the bounds are 3.7 of them.
  long long no_committed = std::stoll(rows["new_order"].at("committed"));
  long long no_aborted = std::stoll(rows["new_order"].at("aborted"));
  EXPECT_GE(no_aborted, 20);
  EXPECT_LE(no_aborted, 70);
  // The database agrees with the counts: each committed New-Order added an
  // order, each committed Payment a history row.
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 30000 + no_committed);
  EXPECT_EQ(count("SELECT COUNT(*) FROM history"), 30000 + std::stoll(rows["payment"].at("committed")));
  // Each Delivery delivered one order in each of the 10 districts.
  EXPECT_EQ(count("SELECT COUNT(*) FROM new_order"),
            9000 + no_committed - 10 * std::stoll(rows["delivery"].at("committed")));
  for (const auto& [name, sql] : kConsistency)
    EXPECT_EQ(count(sql), 0) << "after the run, condition " << name;
}

INSTANTIATE_TEST_SUITE_P(Engines, Tpcc, ::testing::Values(postgres(), mariadb()),
                         [](const ::testing::TestParamInfo<Engine>& p) { return p.param.name; });

}  // namespace
}  // namespace oltap_it
