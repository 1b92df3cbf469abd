// `oltap load --shard i/N`: N processes load one workload's data at once and
// leave the tables one process leaves. Each table is digested after a
// one-process load and again after a 3-shard load of the same database:
// on PostgreSQL every column but the timestamps (a load's `load_time` is
// when it ran; the shards' must agree, so each timestamp column holds one
// value), on MariaDB CHECKSUM TABLE, on Redis every key's fields and the
// index. The load record is complete with every shard's rows. A shard whose
// peers never come, or whose peer failed, exits 5.
//
// Isolation: database oltap_it_shard_load on the servers of OLTAP_POSTGRES
// and OLTAP_MYSQL, and database 13 of OLTAP_REDIS's server (no other test
// file uses it; FLUSHDB first).
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

// `oltap load ARGS --shard i/N` for every i at once, as N hosts would; the
// results by shard.
std::vector<CmdResult> load_shards(int n, const std::vector<std::string>& args) {
  std::vector<CmdResult> out(static_cast<size_t>(n));
  std::vector<std::thread> hosts;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--shard", std::to_string(i) + "/" + std::to_string(n), "--shard-wait", "60s"});
    hosts.emplace_back([a, &out, i] { out[static_cast<size_t>(i)] = oltap(a); });
  }
  for (auto& h : hosts) h.join();
  return out;
}

// The columns of table, by ordinal, of the types picked by where (SQL on data_type).
std::vector<std::string> pg_columns(const std::string& pg, const std::string& table,
                                    const std::string& where) {
  const std::string list = sql_value(
      pg,
      "SELECT string_agg(column_name::text, ',' ORDER BY ordinal_position) FROM information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name = '" +
          table + "' AND " + where);
  std::vector<std::string> out;
  for (size_t at = 0; at < list.size();) {
    const size_t comma = std::min(list.find(',', at), list.size());
    out.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

// Rows and a digest of every column but the timestamps.
std::string pg_digest(const std::string& pg, const std::string& table) {
  std::string row;
  for (const auto& c : pg_columns(pg, table, "data_type NOT LIKE 'timestamp%'"))
    row += (row.empty() ? "" : " || '|' || ") + ("coalesce(" + c + "::text, '~')");
  return sql_value(
      pg, "SELECT count(*) || ' ' || md5(coalesce(string_agg(r, '#' ORDER BY r), '')) FROM (SELECT " + row +
              " AS r FROM " + table + ") s");
}

const std::vector<std::string> kTpccTables = {"warehouse", "district",   "customer", "history", "new_order",
                                              "orders",    "order_line", "item",     "stock"};

TEST(ShardLoad, ThreeShardsOnPostgresLoadTheTablesOfOneLoad) {
  const std::string pg = make_scratch_db("oltap_it_shard_load");
  const std::vector<std::string> load = {
      "load", workload("tpcc.yaml"), "--target", pg, "--scale", "1", "--jobs", "2"};
  CmdResult one = oltap(load);
  ASSERT_EQ(one.exit_code, 0) << one.describe();
  std::map<std::string, std::string> whole;
  for (const auto& t : kTpccTables) whole[t] = pg_digest(pg, t);

  const std::vector<CmdResult> shards = load_shards(3, load);
  for (const auto& r : shards) ASSERT_EQ(r.exit_code, 0) << r.describe();
  for (const auto& t : kTpccTables) {
    EXPECT_EQ(pg_digest(pg, t), whole[t]) << t;
    // The shards wrote one load_time, the instant they agreed on.
    for (const auto& c : pg_columns(pg, t, "data_type LIKE 'timestamp%'"))
      EXPECT_EQ(sql_int(pg, "SELECT count(DISTINCT " + c + ") FROM " + t), 1) << t << "." << c;
  }
  // Each shard loaded a share; together, what one load did; shard 0 says so in the record.
  const long long stock = sql_int(pg, "SELECT count(*) FROM stock");
  EXPECT_TRUE(contains(shards[1].out, "the 3 shards loaded")) << shards[1].out;
  EXPECT_FALSE(contains(shards[1].err, "ran after_load")) << "shard 0 alone runs after_load";
  EXPECT_TRUE(contains(shards[0].err, "ran after_load")) << shards[0].err;
  EXPECT_TRUE(contains(sql_value(pg, "SELECT record FROM oltap_load WHERE table_name = 'stock'"),
                       "status=complete;scale=1;seed=1;rows=" + std::to_string(stock) + ";"));
  // A run finds the data a one-process load would.
  CmdResult run = oltap({"run", workload("tpcc.yaml"), "--target", pg, "--clients", "2", "--warmup", "0s",
                         "--duration", "1s", "--quiet", "--out", (TempDir().path() / "run").string()});
  EXPECT_EQ(run.exit_code, 0) << run.describe();
}

TEST(ShardLoad, ThreeShardsOnMariaDbLoadTheTablesOfOneLoad) {
  const std::string my = make_scratch_mariadb("oltap_it_shard_load");
  const std::vector<std::string> load = {"load", workload("pgbench-tpcb.yaml"), "--target", my, "--scale",
                                         "3"};
  auto checksums = [] {
    return mariadb_sql("CHECKSUM TABLE pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history",
                       "oltap_it_shard_load");
  };
  CmdResult one = oltap(load);
  ASSERT_EQ(one.exit_code, 0) << one.describe();
  const std::string whole = checksums();
  for (const auto& r : load_shards(3, load)) ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(checksums(), whole);
  EXPECT_TRUE(contains(whole, "pgbench_accounts")) << whole;
}

TEST(ShardLoad, ThreeShardsOnRedisWriteTheKeysOfOneLoad) {
  const ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  const std::string db = "13";
  const std::string redis = "redis://" + s.host + ":" + s.port + "/" + db;
  // Every record's fields (sorted: a hash's order is the server's) and the index, digested by the server.
  auto digest = [&] {
    const std::string script =
        "local d = {} for _, k in ipairs(redis.call('KEYS', 'user:*')) do local f = redis.call('HGETALL', k) "
        "local p = {} for i = 1, #f, 2 do p[#p + 1] = f[i] .. '=' .. f[i + 1] end table.sort(p) "
        "d[#d + 1] = k .. ':' .. redis.sha1hex(table.concat(p, ';')) end table.sort(d) "
        "return #d .. ' ' .. redis.sha1hex(table.concat(d, '#')) .. ' ' .. "
        "redis.sha1hex(table.concat(redis.call('ZRANGE', 'usertable_index', 0, -1, 'WITHSCORES'), ','))";
    CmdResult r = run_cmd({"redis-cli", "-h", s.host, "-p", s.port, "-n", db, "EVAL", script, "0"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    return r.out;
  };
  run_cmd({"redis-cli", "-h", s.host, "-p", s.port, "-n", db, "FLUSHDB"});
  // 25,000 records: three chunks, one per shard.
  const std::vector<std::string> load = {"load", workload("ycsb-a.yaml"), "--target", redis, "--scale", "25"};
  CmdResult one = oltap(load);
  ASSERT_EQ(one.exit_code, 0) << one.describe();
  const std::string whole = digest();
  EXPECT_TRUE(contains(whole, "25000 ")) << whole;
  const std::vector<CmdResult> shards = load_shards(3, load);
  for (const auto& r : shards) {
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.out, "loaded 10000 rows") || contains(r.out, "loaded 5000 rows")) << r.out;
  }
  EXPECT_EQ(digest(), whole);
}

TEST(ShardLoad, AShardWhosePeersNeverComeOrFailedExits5) {
  const std::string pg = make_scratch_db("oltap_it_shard_load");
  CmdResult alone =
      oltap({"load", workload("pgbench-tpcb.yaml"), "--target", pg, "--shard", "1/2", "--shard-wait", "1s"});
  EXPECT_EQ(alone.exit_code, 5) << alone.describe();
  EXPECT_TRUE(contains(alone.err, "1 of 2 shards checked in")) << alone.err;

  // Shard 0 refuses to drop a table of someone else's; shard 1 hears of it
  // and stops at once instead of waiting for tables that never come.
  sql_exec(pg, "CREATE TABLE pgbench_branches (bid int); INSERT INTO pgbench_branches VALUES (1)");
  const std::vector<CmdResult> r = load_shards(2, {"load", workload("pgbench-tpcb.yaml"), "--target", pg});
  EXPECT_EQ(r[0].exit_code, 2) << r[0].describe();
  EXPECT_TRUE(contains(r[0].err, "refusing to drop")) << r[0].err;
  EXPECT_EQ(r[1].exit_code, 5) << r[1].describe();
  EXPECT_TRUE(contains(r[1].err, "shard 0/2 failed")) << r[1].err;
  EXPECT_EQ(sql_int(pg, "SELECT count(*) FROM pgbench_branches"), 1) << "nothing was dropped";
}

}  // namespace
}  // namespace oltap_it
