// A run as one shard of several load hosts (Options::shard), on a scripted
// server: the clients split as evenly as possible; N shards draw exactly
// what one run of all their clients draws (each client's random values and
// sequence keys, so inserted keys never collide across shards); each shard
// offers its clients' share of the rate; `shard` and `shards` in a
// parameter's bounds give each shard its own range (TPC-C's warehouses).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "fake_connection.h"
#include "run/plan.h"

namespace oltap::run {
namespace {

using testing::Call;
using testing::fake_options;
using testing::FakeServer;
using testing::run_on;
using testing::spec_of;
using testing::totals_of;

// Two groups, each client drawing a random value and a sequence key per transaction.
const char* const kDraws = R"(name: w
parameters:
  k: {uniform: [1, 1000000000]}
  id: {seq: 1}
transactions:
  - name: put
    steps:
      - sql: INSERT INTO t VALUES (:k, :id)
groups:
  - name: a
    clients: 5
  - name: b
    clients: 2
)";

TEST(ShardRange, ClientsSplitInContiguousRangesThatDifferByOneAtMost) {
  // 7 clients over 3 shards: [0, 2), [2, 4), [4, 7).
  EXPECT_EQ(shard_range(7, {0, 3}).first, 0);
  EXPECT_EQ(shard_range(7, {0, 3}).count, 2);
  EXPECT_EQ(shard_range(7, {1, 3}).first, 2);
  EXPECT_EQ(shard_range(7, {1, 3}).count, 2);
  EXPECT_EQ(shard_range(7, {2, 3}).first, 4);
  EXPECT_EQ(shard_range(7, {2, 3}).count, 3);
  for (int clients : {1, 2, 5, 9, 64})
    for (int n : {1, 2, 3, 4, 7}) {
      int next = 0;
      for (int i = 0; i < n; ++i) {
        const ShardRange r = shard_range(clients, {i, n});
        EXPECT_EQ(r.first, next);
        EXPECT_LE(r.count, (clients + n - 1) / n);
        EXPECT_GE(r.count, clients / n);
        next += r.count;
      }
      EXPECT_EQ(next, clients);
    }
}

// What each connection sent, as one sequence of "k,id" per connection;
// sorted, so runs compare whatever order their clients connected in.
std::vector<std::vector<std::string>> draws(FakeServer& server) {
  std::map<int, std::vector<std::string>> per;
  for (const Call& c : server.log())
    if (c.text.rfind("INSERT", 0) == 0)
      per[c.connection].push_back(std::to_string(c.params[0].as_int()) + "," +
                                  std::to_string(c.params[1].as_int()));
  std::vector<std::vector<std::string>> out;
  for (auto& [conn, seq] : per) out.push_back(std::move(seq));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Shard, ThreeShardsDrawExactlyWhatOneRunOfAllTheirClientsDraws) {
  const workload::Spec spec = spec_of(kDraws);
  FakeServer whole;
  Options o = fake_options(whole, 0);
  o.transactions = 25;
  o.seed = 7;
  run_on(spec, o);
  const auto one = draws(whole);
  ASSERT_EQ(one.size(), 7u);

  std::vector<std::vector<std::string>> sharded;
  std::set<std::string> keys;
  int clients = 0;
  for (int i = 0; i < 3; ++i) {
    FakeServer server;
    Options s = fake_options(server, 0);
    s.transactions = 25;
    s.seed = 7;
    s.shard = {i, 3};
    const RunResult r = run_on(spec, s);
    clients += totals_of(r, "ALL", "a").clients + totals_of(r, "ALL", "b").clients;
    for (auto& seq : draws(server)) {
      for (const auto& d : seq) keys.insert(d.substr(d.find(',') + 1));
      sharded.push_back(std::move(seq));
    }
  }
  std::sort(sharded.begin(), sharded.end());
  EXPECT_EQ(clients, 7);
  EXPECT_EQ(sharded, one);
  EXPECT_EQ(keys.size(), 7u * 25) << "every inserted key once over the shards";
}

TEST(Shard, AShardWithoutClientsIsRefused) {
  FakeServer server;
  Options o = fake_options(server, 2);
  o.transactions = 1;
  o.shard = {0, 3};  // of 2 clients ([2i/3, 2(i+1)/3)), shards 1/3 and 2/3 run one each
  try {
    run_on(spec_of(R"(name: w
transactions:
  - name: t
    steps:
      - sql: SELECT 1
)"),
           o);
    ADD_FAILURE() << "ran";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_NE(std::string(e.what()).find("none of them for this shard"), std::string::npos) << e.what();
  }
}

TEST(Shard, EachShardOffersItsClientsShareOfTheRate) {
  // Group a: 5 clients share 700 tx/s with b's 2 (500 and 200); shard 0/2
  // runs a's clients 0-1 and b's 0, shard 1/2 a's 2-4 and b's 1.
  const workload::Spec spec = spec_of(kDraws);
  Options o;
  o.rate = 700;
  o.duration_s = 1;
  double total = 0;
  for (int i = 0; i < 2; ++i) {
    o.shard = {i, 2};
    Plan plan = compile_plan(spec, "postgres", engine::Kind::kSql, o);
    plan_stages(plan, o);
    const StagePlan& sp = plan.stages.front();
    EXPECT_DOUBLE_EQ(sp.rate[0], 500) << "the schedule runs on the whole run's rate";
    EXPECT_EQ(sp.clients[0], 5);
    EXPECT_EQ(sp.shard_clients[0], i == 0 ? 2 : 3);
    EXPECT_EQ(sp.shard_clients[1], 1);
    EXPECT_DOUBLE_EQ(sp.shard_rate[0], i == 0 ? 200 : 300);
    EXPECT_DOUBLE_EQ(sp.shard_rate[1], 100);
    for (double r : sp.offered) total += r;
  }
  EXPECT_DOUBLE_EQ(total, 700);
}

TEST(Shard, ShardAndShardsInABoundGiveEachShardItsOwnRange) {
  const workload::Spec spec = spec_of(R"yaml(name: w
scale: 10
parameters:
  w_id: {uniform: ["floor(shard * scale / shards) + 1", "max(floor(shard * scale / shards) + 1, floor((shard + 1) * scale / shards))"]}
transactions:
  - name: t
    steps:
      - sql: SELECT :w_id
)yaml");
  Options o;
  o.scale = 10;
  Plan one = compile_plan(spec, "postgres", engine::Kind::kSql, o);
  EXPECT_EQ(one.params[0].lo(), 1);
  EXPECT_EQ(one.params[0].hi(), 10);
  const std::pair<int64_t, int64_t> expect[] = {{1, 3}, {4, 6}, {7, 10}};
  for (int i = 0; i < 3; ++i) {
    o.shard = {i, 3};
    Plan p = compile_plan(spec, "postgres", engine::Kind::kSql, o);
    EXPECT_EQ(p.params[0].lo(), expect[i].first) << i;
    EXPECT_EQ(p.params[0].hi(), expect[i].second) << i;
  }
}

}  // namespace
}  // namespace oltap::run
