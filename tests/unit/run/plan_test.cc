// How a workload is compiled for one target (run/plan.h): slots for names,
// statement ids in the order clients prepare them, the dialect's text of
// each step, the steps a kind of engine has no text for left out, what a
// transaction draws, and where each step is written (for error messages).
#include "run/plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "workload/workload.h"

namespace oltap::run {
namespace {

workload::Spec spec_of(const std::string& yaml) { return workload::parse_spec(yaml, "dir/w.yaml"); }

Plan compile(const std::string& yaml, const std::string& dialect = "postgres",
             engine::Kind kind = engine::Kind::kSql, const Options& o = {}) {
  return compile_plan(spec_of(yaml), dialect, kind, o);
}

const char* const kShop = R"(name: shop
parameters:
  item: {uniform: [1, 100]}
  qty: {uniform: [1, 5]}
  unused: {uniform: [1, 5]}
  rare: {uniform: [1, 10]}
transactions:
  - name: buy
    steps:
      - sql: SELECT price FROM items WHERE id = :item
        into: [price]
      - let: {total: price * qty}
      - loop: {count: qty, index: n, redraw: [item]}
        steps:
          - sql: INSERT INTO lines (n, item) VALUES (:n, :item)
      - if: rare = 1
        steps:
          - sql: UPDATE items SET hot = 1 WHERE id = :item
        else:
          - sql:
              default: UPDATE items SET cold = 1 WHERE id = :item
              mysql: UPDATE items SET cold = TRUE WHERE id = :item
  - name: look
    steps:
      - sql: SELECT 1
)";

TEST(CompilePlan, ParametersTakeTheFirstSlotsThenTheNamesStepsBind) {
  Plan p = compile(kShop);
  EXPECT_EQ(p.slot_of.at("item"), 0);
  EXPECT_EQ(p.slot_of.at("qty"), 1);
  EXPECT_EQ(p.slot_of.at("unused"), 2);
  EXPECT_EQ(p.slot_of.at("rare"), 3);
  // into, let and the loop index, in the order the steps bind them.
  EXPECT_EQ(p.slot_of.at("price"), 4);
  EXPECT_EQ(p.slot_of.at("total"), 5);
  EXPECT_EQ(p.slot_of.at("n"), 6);
  EXPECT_EQ(p.slot_of.size(), 7u);
  EXPECT_EQ(p.params.size(), 4u);
}

TEST(CompilePlan, StatementIdsRunDepthFirstThroughLoopsAndBlocks) {
  Plan p = compile(kShop);
  ASSERT_EQ(p.txns.size(), 2u);
  const TxnPlan& buy = p.txns[0];
  ASSERT_EQ(buy.steps.size(), 4u);
  EXPECT_EQ(buy.steps[0].statement, 0);
  EXPECT_EQ(buy.steps[1].statement, -1) << "a let is no statement";
  ASSERT_TRUE(buy.steps[2].is_loop);
  EXPECT_EQ(buy.steps[2].body.at(0).statement, 1);
  ASSERT_TRUE(buy.steps[3].is_block);
  EXPECT_EQ(buy.steps[3].body.at(0).statement, 2);
  EXPECT_EQ(buy.steps[3].else_body.at(0).statement, 3);
  EXPECT_EQ(p.txns[1].steps[0].statement, 4) << "ids run on across the group's transactions";
  EXPECT_EQ(buy.steps[0].into_slots, std::vector<int>{p.slot_of.at("price")});
  EXPECT_EQ(buy.steps[2].index_slot, p.slot_of.at("n"));
  EXPECT_EQ(buy.steps[2].redraw, std::vector<int>{p.slot_of.at("item")});
}

TEST(CompilePlan, EachGroupCompilesItsTransactionsWithItsOwnIds) {
  Plan p = compile(std::string(kShop) + R"(groups:
  - name: readers
    clients: 3
    mix: [look]
  - name: buyers
    mix: {buy: 3, look: 1}
)");
  ASSERT_EQ(p.groups.size(), 2u);
  ASSERT_EQ(p.txns.size(), 3u) << "look is compiled once per group";
  EXPECT_EQ(p.txns[p.groups[0].txns[0]].steps[0].statement, 0);
  EXPECT_EQ(p.txns[p.groups[1].txns[1]].name, "look");
  EXPECT_EQ(p.txns[p.groups[1].txns[1]].steps[0].statement, 4);
  EXPECT_EQ(p.groups[0].clients, 3);
  EXPECT_EQ(p.groups[1].clients, 1) << "the run's clients";
  EXPECT_EQ(p.groups[1].cumulative, (std::vector<double>{3, 4}));
}

TEST(CompilePlan, ClientsComeFromOptionsThenPerGroupOverrides) {
  Options o;
  o.clients = 5;
  o.group_clients["readers"] = 2;
  Plan p = compile(std::string(kShop) + R"(groups:
  - name: readers
    clients: 3
    mix: [look]
  - name: buyers
    mix: [buy]
)",
                   "postgres", engine::Kind::kSql, o);
  EXPECT_EQ(p.groups[0].clients, 2);
  EXPECT_EQ(p.groups[1].clients, 5);
}

TEST(CompilePlan, EachStepGetsItsDialectsTextOrTheDefault) {
  Plan pg = compile(kShop, "postgres");
  Plan my = compile(kShop, "mysql");
  EXPECT_EQ(pg.txns[0].steps[3].else_body[0].sql, "UPDATE items SET cold = 1 WHERE id = :item");
  EXPECT_EQ(my.txns[0].steps[3].else_body[0].sql, "UPDATE items SET cold = TRUE WHERE id = :item");
  EXPECT_EQ(my.txns[0].steps[0].sql, "SELECT price FROM items WHERE id = :item");
}

TEST(CompilePlan, AStepWithoutTextForTheDialectIsRefusedAtItsLine) {
  const char* yaml = R"(name: w
transactions:
  - name: t
    steps:
      - sql: SELECT 1
      - sql:
          mysql: SELECT 2
)";
  try {
    compile(yaml, "postgres");
    FAIL() << "compiled a step without postgres text";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("dir/w.yaml:6:", 0), 0u) << msg;
    EXPECT_NE(msg.find("no SQL for dialect 'postgres'"), std::string::npos) << msg;
  }
  EXPECT_EQ(compile(yaml, "mysql").txns[0].steps.size(), 2u);
}

const std::string kRead = R"(name: kv
parameters:
  key: {uniform: [1, 10]}
  sqlonly: {uniform: [1, 10]}
transactions:
  - name: read
    steps:
      - sql: SELECT v FROM kv WHERE k = :key AND x = :sqlonly
        redis: [GET, "k:{key}"]
      - sql: UPDATE stats SET n = n + 1
)";
// The same with a transaction key-value targets have no step for.
const std::string kBoth = kRead + R"(  - name: sqlonly
    steps:
      - sql: SELECT 1
)";

TEST(CompilePlan, KeyValueTargetsKeepOnlyTheRedisStepsAndDrawOnlyWhatTheyUse) {
  Plan kv = compile(kRead, "redis", engine::Kind::kKeyValue);
  ASSERT_EQ(kv.txns[0].steps.size(), 1u);
  EXPECT_EQ(kv.txns[0].steps[0].command, (std::vector<std::string>{"GET", "k:{key}"}));
  EXPECT_TRUE(kv.txns[0].steps[0].sql.empty());
  EXPECT_EQ(kv.txns[0].draw, std::vector<int>{kv.slot_of.at("key")});
  EXPECT_FALSE(kv.txns[0].wrapped) << "one step: autocommit";

  Plan sql = compile(kBoth);
  ASSERT_EQ(sql.txns[0].steps.size(), 2u);
  EXPECT_TRUE(sql.txns[0].steps[0].command.empty());
  EXPECT_EQ(sql.txns[0].draw, (std::vector<int>{sql.slot_of.at("key"), sql.slot_of.at("sqlonly")}));
  EXPECT_TRUE(sql.txns[0].wrapped) << "two steps: BEGIN/COMMIT";
}

TEST(CompilePlan, ATransactionLeftWithoutAStepForTheKindIsRefused) {
  try {
    compile_plan(spec_of(kBoth), "redis", engine::Kind::kKeyValue, {});
    FAIL() << "compiled a transaction with no redis step for a key-value target";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("dir/w.yaml:11:", 0), 0u) << msg;
    EXPECT_NE(msg.find("'sqlonly' has no step"), std::string::npos) << msg;
    EXPECT_NE(msg.find("redis:"), std::string::npos) << msg;
  }
}

TEST(CompilePlan, ParametersOnlyConditionsUseAreDrawnAndUnusedOnesAreNot) {
  Plan p = compile(kShop);
  const std::vector<int>& draw = p.txns[0].draw;
  auto drawn = [&](const char* n) {
    return std::find(draw.begin(), draw.end(), p.slot_of.at(n)) != draw.end();
  };
  EXPECT_TRUE(drawn("item"));
  EXPECT_TRUE(drawn("qty")) << "used by a let and a loop count only";
  EXPECT_TRUE(drawn("rare")) << "used by an if only";
  EXPECT_FALSE(drawn("unused"));
}

TEST(CompilePlan, TransactionFalseRunsSeveralStepsInAutocommit) {
  Plan p = compile(R"(name: w
transactions:
  - name: t
    transaction: false
    steps:
      - sql: SELECT 1
      - sql: SELECT 2
  - name: u
    transaction: true
    steps:
      - sql: SELECT 3
)");
  EXPECT_FALSE(p.txns[0].wrapped);
  EXPECT_TRUE(p.txns[1].wrapped);
}

TEST(CompilePlan, EachStatementKnowsWhereItIsWritten) {
  Plan p = compile(kShop);
  EXPECT_EQ(p.txns[0].steps[0].where, "step at w.yaml:10");
  EXPECT_EQ(p.txns[0].steps[2].body[0].where, "step at w.yaml:15");
  EXPECT_EQ(p.txns[0].steps[3].else_body[0].where, "step at w.yaml:20");
}

TEST(CompilePlan, ThinkTimesAreKeptOnlyWhenTheRunAsksForThem) {
  const char* yaml = R"(name: w
transactions:
  - name: t
    keying_time: 2s
    think_time: 3s
    steps:
      - sql: SELECT 1
)";
  Plan off = compile(yaml);
  EXPECT_EQ(off.txns[0].keying_ns, 0);
  EXPECT_EQ(off.txns[0].think_mean_ns, 0);
  Options o;
  o.think_times = true;
  Plan on = compile(yaml, "postgres", engine::Kind::kSql, o);
  EXPECT_EQ(on.txns[0].keying_ns, 2'000'000'000);
  EXPECT_EQ(on.txns[0].think_mean_ns, 3e9);
}

}  // namespace
}  // namespace oltap::run
