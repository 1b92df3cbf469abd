// The pgbench workloads end to end: `oltap load` builds exactly the tables
// `pgbench -i` builds, deterministically, and `oltap run` counts exactly the
// transactions it made the database commit.
#include <gtest/gtest.h>

#include <string>

#include "harness.h"

using namespace oltap_it;

namespace {

class PgbenchWorkload : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_pgbench_workload");
    uri_ = uri;
  }

  void load(const std::vector<std::string>& extra = {}, const std::string& file = "pgbench-tpcb.yaml") {
    std::vector<std::string> args{"load", workload(file), "--target", uri_, "--scale", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    CmdResult r = oltap(args);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  // A digest of every row of the three loaded tables (and of history).
  std::string checksum() {
    return sql_value(
        uri_,
        "SELECT md5("
        " (SELECT coalesce(string_agg(t::text, '|' ORDER BY bid), '') FROM pgbench_branches t) || '#' ||"
        " (SELECT coalesce(string_agg(t::text, '|' ORDER BY tid), '') FROM pgbench_tellers t) || '#' ||"
        " (SELECT coalesce(string_agg(t::text, '|' ORDER BY aid), '') FROM pgbench_accounts t) || '#' ||"
        " (SELECT count(*)::text FROM pgbench_history))");
  }

  std::string uri_;
};

TEST_F(PgbenchWorkload, LoadScale1CreatesPgbenchTables) {
  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "2"}));
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM pgbench_branches"), 1);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM pgbench_tellers"), 10);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM pgbench_accounts"), 100000);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM pgbench_history"), 0);

  // keys and contents as pgbench -i lays them out
  EXPECT_EQ(sql_int(uri_, "SELECT count(DISTINCT aid) FROM pgbench_accounts WHERE aid BETWEEN 1 AND 100000"),
            100000);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM pgbench_accounts WHERE bid <> 1 OR abalance <> 0"), 0);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM pgbench_tellers WHERE bid <> 1 OR tbalance <> 0"), 0);
  EXPECT_EQ(sql_int(uri_, "SELECT min(tid) * 100 + max(tid) FROM pgbench_tellers"), 110);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM pgbench_branches WHERE bid = 1 AND bbalance = 0"), 1);

  // a primary key on exactly the key column of each of the three tables
  for (auto [table, column] : {std::pair{"pgbench_branches", "bid"}, std::pair{"pgbench_tellers", "tid"},
                               std::pair{"pgbench_accounts", "aid"}}) {
    std::string pk_cols =
        sql_value(uri_,
                  "SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_constraint c"
                  " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
                  " WHERE c.contype = 'p' AND c.conrelid = '" +
                      std::string(table) + "'::regclass");
    EXPECT_EQ(pk_cols, column) << "primary key of " << table;
  }
  EXPECT_EQ(sql_int(uri_,
                    "SELECT count(*) FROM pg_constraint WHERE contype = 'p'"
                    " AND conrelid = 'pgbench_history'::regclass"),
            0);
}

TEST_F(PgbenchWorkload, LoadIsDeterministicAcrossRepeatsAndJobs) {
  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "2"}));
  std::string first = checksum();
  ASSERT_FALSE(first.empty());

  // change the data, then load again: load drops and recreates, same seed same rows
  sql_exec(uri_,
           "UPDATE pgbench_accounts SET abalance = 7 WHERE aid % 1000 = 0;"
           " INSERT INTO pgbench_history VALUES (1, 1, 1, 1, now(), '')");
  ASSERT_NE(checksum(), first);
  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "2"}));
  EXPECT_EQ(checksum(), first) << "a second load with the same seed gave different data";

  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "1"}));
  EXPECT_EQ(checksum(), first) << "--jobs 1 and --jobs 2 gave different data";

  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "2", "--seed", "1"}));
  EXPECT_EQ(checksum(), first) << "--seed 1 (the default) gave different data";
}

TEST_F(PgbenchWorkload, RunCommittedEqualsHistoryRowsAndBalancesAddUp) {
  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "2"}));
  long long history_before = sql_int(uri_, "SELECT count(*) FROM pgbench_history");
  ASSERT_EQ(history_before, 0);

  TempDir out;
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", uri_, "--warmup", "0s", "--duration",
                       "3s", "--clients", "4", "--out", (out / "run").string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_LT(r.elapsed_s, 20) << r.describe();

  long long history_after = sql_int(uri_, "SELECT count(*) FROM pgbench_history");
  Csv summary = read_csv(out / "run" / "summary.csv");
  auto all = summary_all_row(summary);
  long long committed = std::stoll(all.at("committed"));
  EXPECT_GT(committed, 0) << r.describe();
  // every committed tpcb transaction inserted exactly one history row, and
  // every history row comes from a transaction counted as committed
  EXPECT_EQ(committed, history_after - history_before)
      << "summary.csv says " << committed << " committed, pgbench_history grew by "
      << (history_after - history_before);
  EXPECT_EQ(std::stoll(all.at("errors")), 0);

  // the per-transaction row agrees with ALL (one transaction type)
  for (auto& row : summary.records()) {
    if (row["txn"] == "tpcb") {
      EXPECT_EQ(row["committed"], all.at("committed"));
    }
  }

  // from a fresh load (all balances 0) each balance sums to the sum of deltas
  long long delta_sum = sql_int(uri_, "SELECT coalesce(sum(delta), 0) FROM pgbench_history");
  EXPECT_EQ(sql_int(uri_, "SELECT sum(abalance) FROM pgbench_accounts"), delta_sum);
  EXPECT_EQ(sql_int(uri_, "SELECT sum(tbalance) FROM pgbench_tellers"), delta_sum);
  EXPECT_EQ(sql_int(uri_, "SELECT sum(bbalance) FROM pgbench_branches"), delta_sum);
  // and per account: each account's balance is the sum of its own deltas
  EXPECT_EQ(sql_int(uri_,
                    "SELECT count(*) FROM pgbench_accounts a LEFT JOIN"
                    " (SELECT aid, sum(delta) AS d FROM pgbench_history GROUP BY aid) h USING (aid)"
                    " WHERE a.abalance <> coalesce(h.d, 0)"),
            0);
}

// With a warm-up, what the database committed is the measured transactions
// plus the warm-up's, which meta.json states (warmup_committed).
TEST_F(PgbenchWorkload, WarmupTransactionsAreExcludedButAccountedFor) {
  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "2"}));
  TempDir out;
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", uri_, "--warmup", "1s", "--duration",
                       "2s", "--clients", "2", "--out", (out / "run").string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  long long history = sql_int(uri_, "SELECT count(*) FROM pgbench_history");
  auto all = summary_all_row(read_csv(out / "run" / "summary.csv"));
  long long committed = std::stoll(all.at("committed"));
  std::string meta = read_file(out / "run" / "meta.json");
  auto at = meta.find("\"warmup_committed\"");
  ASSERT_NE(at, std::string::npos) << meta;
  long long warmup_committed = std::stoll(meta.substr(meta.find(':', at) + 1));
  EXPECT_GT(warmup_committed, 0) << meta;
  EXPECT_GT(committed, 0);
  EXPECT_EQ(committed + warmup_committed, history)
      << "summary committed " << committed << " + warmup_committed " << warmup_committed
      << " != rows added to pgbench_history " << history;
  EXPECT_NEAR(std::stod(all.at("duration_s")), 2.0, 0.5) << "the warm-up is not measured time";
}

TEST_F(PgbenchWorkload, SelectRunWithTransactionCountCommitsExactly) {
  ASSERT_NO_FATAL_FAILURE(load({"--jobs", "2"}, "pgbench-select.yaml"));
  TempDir out;
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--warmup", "0s",
                       "--transactions", "200", "--clients", "2", "--out", (out / "run").string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  Csv summary = read_csv(out / "run" / "summary.csv");
  auto all = summary_all_row(summary);
  EXPECT_EQ(all.at("committed"), "400") << read_file(out / "run" / "summary.csv");
  EXPECT_EQ(all.at("clients"), "2");
  EXPECT_EQ(all.at("errors"), "0");
  EXPECT_EQ(all.at("aborted"), "0");
}

}  // namespace
