// Pins down the workload format as parse_spec reads it: a valid file fills
// every part of the Spec, and each kind of mistake is refused with the exact
// "file:line:col:" of the offending node and a message naming the problem
// (with a did-you-mean where a typo is likely). Also Spec::tables and
// make_distribution, which read what the parser kept.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

constexpr const char* kFile = "w.yaml";

Spec parse(const std::string& text) { return parse_spec(text, kFile); }

// Parses text expecting a bad-input error whose message starts with
// "w.yaml:<line>:<col>: " and contains each of words.
void expect_error_at(const std::string& text, int line, int col, std::initializer_list<std::string> words) {
  const std::string prefix =
      std::string(kFile) + ":" + std::to_string(line) + ":" + std::to_string(col) + ": ";
  try {
    parse(text);
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << msg;
    EXPECT_EQ(msg.substr(0, prefix.size()), prefix) << "message: " << msg;
    for (const auto& w : words) EXPECT_NE(msg.find(w), std::string::npos) << "'" << w << "' not in: " << msg;
    return;
  }
  ADD_FAILURE() << "parsed without error; expected one at " << prefix;
}

// The smallest valid workload; error cases below change one thing in it.
const char* const kMinimal =
    "name: w\n"
    "transactions:\n"
    "  - name: t\n"
    "    steps:\n"
    "      - sql: SELECT 1\n";

const char* const kFull = R"(name: shop
description: a small shop
scale: 2
schema:
  default: |
    CREATE TABLE IF NOT EXISTS items (id int primary key, price int);
    create unlogged table orders (id int, item int);
  mysql: |
    CREATE TABLE items (id int primary key, price int) ENGINE=InnoDB;
after_load:
  default: ANALYZE items
  postgres: VACUUM ANALYZE items
data:
  - table: items
    rows: 1000 * scale
    columns:
      id: {seq: 1}
      price: {uniform: [1, 100]}
      half: {expr: id / 2}
      note: ~
      kind: fixed
parameters:
  item: {uniform: [1, 1000 * scale]}
  hot: {zipfian: [1, 100], theta: 0.5}
  cust: {nurand: [255, 1, 3000]}
  word: {string: [4, 8], charset: abc}
  color: {choice: [red, green], weights: [3, 1]}
  ratio: {uniform: [0.5, 1.5]}
  next_id: {seq: 10, step: 5}
transactions:
  - name: lookup
    weight: 3
    steps:
      - sql: SELECT price FROM items WHERE id = :item
        into: [price]
      - sql:
          default: UPDATE items SET price = :price + 1 WHERE id = :item
          mysql: UPDATE items SET price = :price + 1 WHERE id = :item LIMIT 1
  - name: browse
    transaction: true
    steps:
      - sql: SELECT * FROM items WHERE id = :hot
        into: found
groups:
  - name: readers
    clients: 4
    mix: [browse]
  - name: mixed
    mix: {lookup: 2, browse: 1}
run:
  clients: 8
  duration: 1m
  warmup: 500ms
  transactions: 100
)";

// ---------------------------------------------------------------- a valid file

TEST(ParseSpec, ValidWorkloadFillsNameDescriptionAndScale) {
  Spec s = parse(kFull);
  EXPECT_EQ(s.file, "w.yaml");
  EXPECT_EQ(s.name, "shop");
  EXPECT_EQ(s.description, "a small shop");
  EXPECT_DOUBLE_EQ(s.scale, 2);
}

TEST(ParseSpec, ValidWorkloadKeepsParametersWithTheirKindsAndOptions) {
  Spec s = parse(kFull);
  ASSERT_EQ(s.parameters.size(), 7u);
  const std::vector<std::string> names = {"item", "hot", "cust", "word", "color", "ratio", "next_id"};
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(s.parameters[i].name, names[i]);
  using K = Distribution::Kind;
  EXPECT_EQ(s.find_parameter("item")->dist.kind, K::kUniform);
  EXPECT_EQ(s.find_parameter("item")->dist.args.size(), 2u);
  EXPECT_EQ(s.find_parameter("item")->dist.args[1].text(), "1000 * scale");
  EXPECT_EQ(s.find_parameter("hot")->dist.kind, K::kZipfian);
  EXPECT_DOUBLE_EQ(s.find_parameter("hot")->dist.theta, 0.5);
  EXPECT_EQ(s.find_parameter("cust")->dist.kind, K::kNURand);
  EXPECT_EQ(s.find_parameter("cust")->dist.args.size(), 3u);
  EXPECT_EQ(s.find_parameter("word")->dist.kind, K::kString);
  EXPECT_EQ(s.find_parameter("word")->dist.charset, "abc");
  const DistSpec& color = s.find_parameter("color")->dist;
  EXPECT_EQ(color.kind, K::kChoice);
  ASSERT_EQ(color.options.size(), 2u);
  EXPECT_EQ(color.options[0].s, "red");
  EXPECT_EQ(color.options[1].s, "green");
  EXPECT_EQ(color.weights, (std::vector<double>{3, 1}));
  EXPECT_EQ(s.find_parameter("ratio")->dist.kind, K::kUniformReal);
  EXPECT_EQ(s.find_parameter("next_id")->dist.kind, K::kSequence);
  EXPECT_EQ(s.find_parameter("missing"), nullptr);
}

TEST(ParseSpec, ParameterMarkPointsAtItsName) {
  Spec s = parse(kFull);
  const Parameter* p = s.find_parameter("hot");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->mark.file, "w.yaml");
  EXPECT_EQ(p->mark.line, 24);
  EXPECT_EQ(p->mark.column, 3);
}

TEST(ParseSpec, ValidWorkloadKeepsTransactionsStepsAndInto) {
  Spec s = parse(kFull);
  ASSERT_EQ(s.transactions.size(), 2u);
  const Transaction& lookup = s.transactions[0];
  EXPECT_EQ(lookup.name, "lookup");
  EXPECT_DOUBLE_EQ(lookup.weight, 3);
  EXPECT_FALSE(lookup.transaction.has_value());
  ASSERT_EQ(lookup.steps.size(), 2u);
  EXPECT_EQ(*lookup.steps[0].sql.for_dialect("postgres"), "SELECT price FROM items WHERE id = :item");
  EXPECT_EQ(lookup.steps[0].into, (std::vector<std::string>{"price"}));
  EXPECT_TRUE(lookup.steps[1].into.empty());
  EXPECT_EQ(lookup.steps[0].mark.line, 34);

  const Transaction& browse = s.transactions[1];
  EXPECT_EQ(browse.name, "browse");
  EXPECT_DOUBLE_EQ(browse.weight, 1);  // the default
  EXPECT_EQ(browse.transaction, std::optional<bool>(true));
  ASSERT_EQ(browse.steps.size(), 1u);
  EXPECT_EQ(browse.steps[0].into, (std::vector<std::string>{"found"}));  // a single name without a list
  EXPECT_EQ(s.find_transaction("browse"), &s.transactions[1]);
  EXPECT_EQ(s.find_transaction("nope"), nullptr);
}

TEST(ParseSpec, DialectTextPicksTheDialectAndFallsBackToDefault) {
  Spec s = parse(kFull);
  const Dialected& update = s.transactions[0].steps[1].sql;
  EXPECT_EQ(update.by_dialect.size(), 2u);
  EXPECT_EQ(*update.for_dialect("mysql"), "UPDATE items SET price = :price + 1 WHERE id = :item LIMIT 1");
  EXPECT_EQ(*update.for_dialect("postgres"), "UPDATE items SET price = :price + 1 WHERE id = :item");
  EXPECT_EQ(*update.for_dialect("redshift"), "UPDATE items SET price = :price + 1 WHERE id = :item");

  Dialected only_mysql;
  only_mysql.by_dialect["mysql"] = "SELECT 1";
  EXPECT_EQ(only_mysql.for_dialect("postgres"), nullptr);
}

TEST(ParseSpec, AfterLoadIsDialectedText) {
  Spec s = parse(kFull);
  ASSERT_NE(s.after_load.for_dialect("postgres"), nullptr);
  EXPECT_EQ(*s.after_load.for_dialect("postgres"), "VACUUM ANALYZE items");
  EXPECT_EQ(*s.after_load.for_dialect("mysql"), "ANALYZE items");
  EXPECT_TRUE(parse(kMinimal).after_load.empty());
}

TEST(ParseSpec, GroupsKeepClientsAndMixWithWeights) {
  Spec s = parse(kFull);
  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_EQ(s.groups[0].name, "readers");
  EXPECT_EQ(s.groups[0].clients, 4);
  // A list mix takes each transaction's own weight.
  ASSERT_EQ(s.groups[0].mix.size(), 1u);
  EXPECT_EQ(s.groups[0].mix[0], (std::pair<std::string, double>{"browse", 1}));
  EXPECT_EQ(s.groups[1].name, "mixed");
  EXPECT_EQ(s.groups[1].clients, 0);  // takes the run's clients
  ASSERT_EQ(s.groups[1].mix.size(), 2u);
  EXPECT_EQ(s.groups[1].mix[0], (std::pair<std::string, double>{"lookup", 2}));
  EXPECT_EQ(s.groups[1].mix[1], (std::pair<std::string, double>{"browse", 1}));
}

TEST(ParseSpec, WithoutGroupsThereIsOneDefaultGroupOfEveryTransaction) {
  Spec s = parse(kMinimal);
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].name, "default");
  EXPECT_TRUE(s.groups[0].mix.empty());
}

TEST(ParseSpec, RunDefaultsAreRead) {
  Spec s = parse(kFull);
  EXPECT_EQ(s.run.clients, 8);
  EXPECT_DOUBLE_EQ(s.run.duration_s, 60);
  EXPECT_DOUBLE_EQ(s.run.warmup_s, 0.5);
  EXPECT_EQ(s.run.transactions, 100);
}

TEST(ParseSpec, RunDefaultsWhenTheFileHasNoRun) {
  Spec s = parse(kMinimal);
  EXPECT_EQ(s.run.clients, 1);
  EXPECT_DOUBLE_EQ(s.run.duration_s, 30);
  EXPECT_DOUBLE_EQ(s.run.warmup_s, 0);
  EXPECT_EQ(s.run.transactions, 0);
  EXPECT_DOUBLE_EQ(s.scale, 1);
}

TEST(ParseSpec, DataColumnsKeepTheirKindsInOrder) {
  Spec s = parse(kFull);
  ASSERT_EQ(s.data.size(), 1u);
  const TableData& t = s.data[0];
  EXPECT_EQ(t.table, "items");
  EXPECT_EQ(t.rows.text(), "1000 * scale");
  Value scale = Value::of_int(3);
  EXPECT_EQ(t.rows.eval(&scale).as_int(), 3000);  // rows is bound to slot 0 = scale
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_EQ(t.columns[0].name, "id");
  EXPECT_EQ(t.columns[0].kind, Column::Kind::kSequence);
  EXPECT_EQ(t.columns[0].seq_start, 1);
  EXPECT_EQ(t.columns[1].name, "price");
  EXPECT_EQ(t.columns[1].kind, Column::Kind::kDist);
  EXPECT_EQ(t.columns[1].dist.kind, Distribution::Kind::kUniform);
  EXPECT_EQ(t.columns[2].name, "half");
  EXPECT_EQ(t.columns[2].kind, Column::Kind::kExpr);
  EXPECT_EQ(t.columns[3].name, "note");
  EXPECT_EQ(t.columns[3].kind, Column::Kind::kNull);
  EXPECT_EQ(t.columns[4].name, "kind");
  EXPECT_EQ(t.columns[4].kind, Column::Kind::kExpr);
  EXPECT_TRUE(t.columns[4].expr.is_constant());
  EXPECT_EQ(t.columns[4].expr.eval(nullptr).s, "fixed");
}

TEST(ParseSpec, ColumnExpressionsSeeScaleRowAndEarlierColumns) {
  Spec s = parse(kFull);
  const Column& half = s.data[0].columns[2];
  // Slots: scale, row, item, load_time, then the columns in order (id, price, ...).
  std::vector<Value> slots = {Value::of_int(1),   Value::of_int(0),  Value::of_int(1),
                              Value::of_text(""), Value::of_int(41), Value::of_int(7)};
  EXPECT_EQ(half.expr.eval(slots.data()).as_int(), 20);
}

TEST(ParseSpec, ColumnExpressionUsingALaterColumnIsRefused) {
  expect_error_at(
      "name: w\n"
      "data:\n"
      "  - table: t\n"
      "    rows: 10\n"
      "    columns:\n"
      "      a: {expr: b + 1}\n"
      "      b: {seq: 1}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      6, 17, {"unknown name 'b'"});
}

TEST(ParseSpec, IntoNameFromAnEarlierStepIsAcceptedAsPlaceholder) {
  EXPECT_NO_THROW(
      parse("name: w\n"
            "transactions:\n"
            "  - name: t\n"
            "    steps:\n"
            "      - sql: SELECT 1\n"
            "        into: [one]\n"
            "      - sql: SELECT :one, 'x:y', now()::date -- :nope\n"));
}

// ---------------------------------------------------------------- mistakes

TEST(ParseSpecErrors, YamlSyntaxErrorHasLineAndColumn) {
  expect_error_at(
      "name: w\n"
      "transactions: [a, b\n"
      "run:\n",
      3, 4, {"end of sequence"});
}

TEST(ParseSpecErrors, TabIndentationIsASyntaxErrorWithPlace) {
  expect_error_at("name: w\ntransactions:\n\t- name: t\n", 3, 2, {"illegal block entry"});
}

TEST(ParseSpecErrors, StrayIndentationIsASyntaxErrorWithPlace) {
  expect_error_at("name: w\n  bad: indent\n", 2, 6, {"illegal map value"});
}

TEST(ParseSpecErrors, NotAMappingIsRefusedAtTheStart) {
  expect_error_at("- a\n- b\n", 1, 1, {"must be a mapping", "name", "transactions"});
  expect_error_at("", 1, 1, {"must be a mapping"});
}

TEST(ParseSpecErrors, UnknownTopLevelKeySuggestsTheClosest) {
  expect_error_at(
      "name: w\n"
      "transactons:\n"
      "  - name: t\n",
      2, 1, {"unknown key 'transactons'", "did you mean 'transactions'?"});
}

TEST(ParseSpecErrors, UnknownKeyFarFromAnyListsTheKnownOnes) {
  expect_error_at("name: w\nzzzzzzzzzzzz: 1\n", 2, 1,
                  {"unknown key 'zzzzzzzzzzzz'", "expected one of:", "transactions"});
}

TEST(ParseSpecErrors, UnknownKeyInAStep) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT 1\n"
      "        intoo: [x]\n",
      6, 9, {"unknown key 'intoo' in a step", "did you mean 'into'?"});
}

TEST(ParseSpecErrors, UnknownKeyInATransaction) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    wieght: 2\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      4, 5, {"unknown key 'wieght' in a transaction", "did you mean 'weight'?"});
}

TEST(ParseSpecErrors, StepWithoutSql) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - into: [x]\n",
      5, 9, {"a step needs 'sql'"});
}

TEST(ParseSpecErrors, UnknownDialectSuggestsTheClosest) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql:\n"
      "          default: SELECT 1\n"
      "          postgress: SELECT 2\n",
      7, 11, {"unknown dialect 'postgress' in sql", "did you mean 'postgres'?"});
}

TEST(ParseSpecErrors, UnknownDialectInSchemaListsTheKnownOnes) {
  expect_error_at(
      "name: w\n"
      "schema:\n"
      "  oracle: CREATE TABLE t (a int)\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      3, 3, {"unknown dialect 'oracle' in schema", "known: default, postgres, mysql, redshift, sqlite"});
}

TEST(ParseSpecErrors, UnknownDistributionKeySuggestsTheClosest) {
  expect_error_at(std::string("name: w\nparameters:\n  a: {unifrom: [1, 10]}\n") + (kMinimal + 8), 3, 6,
                  {"parameter a needs a distribution", "did you mean 'uniform'?"});
}

TEST(ParseSpecErrors, TwoDistributionsOnOneParameter) {
  expect_error_at(
      std::string("name: w\nparameters:\n  a: {uniform: [1, 10], zipfian: [1, 10]}\n") + (kMinimal + 8), 3,
      25, {"parameter a has two distributions", "'uniform'", "'zipfian'"});
}

TEST(ParseSpecErrors, UnknownOptionBesideADistribution) {
  expect_error_at(std::string("name: w\nparameters:\n  a: {uniform: [1, 10], theta: 0.5}\n") + (kMinimal + 8),
                  3, 25, {"unknown key 'theta' in parameter a"});
}

TEST(ParseSpecErrors, WrongNumberOfBounds) {
  expect_error_at(std::string("name: w\nparameters:\n  a: {uniform: [1, 2, 3]}\n") + (kMinimal + 8), 3, 16,
                  {"uniform takes a list of 2 values"});
  expect_error_at(std::string("name: w\nparameters:\n  c: {nurand: [1, 2]}\n") + (kMinimal + 8), 3, 15,
                  {"nurand", "takes a list of 3 values"});
}

TEST(ParseSpecErrors, ZeroThetaIsRefused) {
  expect_error_at(std::string("name: w\nparameters:\n  a: {zipfian: [1, 10], theta: 0}\n") + (kMinimal + 8),
                  3, 32, {"theta must be above 0"});
}

TEST(ParseSpecErrors, NegativeTransactionWeight) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    weight: -1\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      4, 13, {"weight must not be negative"});
}

TEST(ParseSpecErrors, NegativeChoiceWeight) {
  expect_error_at(
      std::string("name: w\nparameters:\n  c: {choice: [a, b], weights: [1, -2]}\n") + (kMinimal + 8), 3, 36,
      {"a weight must not be negative"});
}

TEST(ParseSpecErrors, ChoiceWeightsCountMustMatchOptions) {
  expect_error_at(std::string("name: w\nparameters:\n  c: {choice: [a, b], weights: [1]}\n") + (kMinimal + 8),
                  3, 32, {"weights has 1 entries but choice has 2"});
}

TEST(ParseSpecErrors, NegativeWeightInAGroupMix) {
  expect_error_at(std::string(kMinimal) +
                      "groups:\n"
                      "  - name: g\n"
                      "    mix: {t: -1}\n",
                  8, 14, {"a weight must not be negative"});
}

TEST(ParseSpecErrors, AllWeightsZeroLeavesAGroupWithNothingToRun) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    weight: 0\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      1, 1, {"group 'default' has no transaction with a weight above 0"});
}

TEST(ParseSpecErrors, UnknownPlaceholderSuggestsAParameter) {
  expect_error_at(
      "name: w\n"
      "parameters:\n"
      "  item: {uniform: [1, 10]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT * FROM items WHERE id = :iten\n",
      7, 14,
      {"':iten' in transaction 't'",
       "neither a parameter nor bound by an earlier step (into, let or a loop index)",
       "did you mean ':item'?"});
}

TEST(ParseSpecErrors, PlaceholderBoundOnlyByALaterStepIsRefused) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT :price\n"
      "      - sql: SELECT 1\n"
      "        into: [price]\n",
      5, 14, {"':price'", "neither a parameter nor bound"});
}

TEST(ParseSpecErrors, PlaceholderBoundByTheSameStepsIntoIsRefused) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT :price\n"
      "        into: [price]\n",
      5, 14, {"':price'"});
}

TEST(ParseSpecErrors, IntoOfAnotherTransactionDoesNotBindAPlaceholder) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: a\n"
      "    steps:\n"
      "      - sql: SELECT 1\n"
      "        into: [price]\n"
      "  - name: b\n"
      "    steps:\n"
      "      - sql: SELECT :price\n",
      9, 14, {"':price' in transaction 'b'"});
}

TEST(ParseSpecErrors, BadDurationInRun) {
  expect_error_at(std::string(kMinimal) + "run:\n  duration: 10 parsecs\n", 7, 13,
                  {"'10 parsecs' is not a duration"});
  expect_error_at(std::string(kMinimal) + "run:\n  warmup: soon\n", 7, 11, {"'soon' is not a duration"});
}

TEST(ParseSpecErrors, ZeroClientsInRun) {
  expect_error_at(std::string(kMinimal) + "run:\n  clients: 0\n", 7, 12, {"clients must be at least 1"});
}

TEST(ParseSpecErrors, NonIntegerClientsInRun) {
  expect_error_at(std::string(kMinimal) + "run:\n  clients: 2.5\n", 7, 12,
                  {"clients must be a whole number", "'2.5'"});
}

TEST(ParseSpecErrors, GroupNamingAnUnknownTransactionSuggestsTheClosest) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: browse\n"
      "    steps:\n"
      "      - sql: SELECT 1\n"
      "groups:\n"
      "  - name: g\n"
      "    mix: [browse, brwose]\n",
      8, 19, {"group 'g' names an unknown transaction 'brwose'", "did you mean 'browse'?"});
}

TEST(ParseSpecErrors, GroupMixMapNamingAnUnknownTransaction) {
  expect_error_at(std::string(kMinimal) +
                      "groups:\n"
                      "  - name: g\n"
                      "    mix: {t: 1, payment: 2}\n",
                  8, 17, {"group 'g' names an unknown transaction 'payment'"});
}

TEST(ParseSpecErrors, GroupDefinedTwice) {
  expect_error_at(std::string(kMinimal) +
                      "groups:\n"
                      "  - name: g\n"
                      "  - name: g\n",
                  8, 11, {"group 'g' is defined twice"});
}

TEST(ParseSpecErrors, MissingName) {
  expect_error_at(
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      1, 1, {"needs a 'name'"});
}

TEST(ParseSpecErrors, MissingTransactions) { expect_error_at("name: w\n", 1, 1, {"needs 'transactions'"}); }

TEST(ParseSpecErrors, EmptyTransactions) {
  expect_error_at("name: w\ntransactions: []\n", 2, 15, {"transactions must not be empty"});
}

TEST(ParseSpecErrors, TransactionWithoutName) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - steps:\n"
      "      - sql: SELECT 1\n",
      3, 5, {"a transaction needs a 'name'"});
}

TEST(ParseSpecErrors, TransactionWithoutSteps) {
  expect_error_at("name: w\ntransactions:\n  - name: t\n", 3, 5, {"transaction 't' needs 'steps'"});
}

TEST(ParseSpecErrors, EmptySteps) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps: []\n",
      4, 12, {"steps must not be empty"});
}

TEST(ParseSpecErrors, StepsMustBeAList) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps: SELECT 1\n",
      4, 12, {"steps must be a list"});
}

TEST(ParseSpecErrors, ExpressionSyntaxErrorPointsInsideTheExpression) {
  // "10 * * scale" starts at column 20; the second '*' is 5 further on.
  expect_error_at(std::string("name: w\nparameters:\n  a: {uniform: [1, 10 * * scale]}\n") + (kMinimal + 8),
                  3, 25, {"in expression '10 * * scale'", "unexpected '*'"});
}

TEST(ParseSpecErrors, ExpressionSyntaxErrorInAQuotedScalarCountsTheQuote) {
  // The scalar's mark is its opening quote; the text starts one column later.
  expect_error_at(
      "name: w\n"
      "data:\n"
      "  - table: t\n"
      "    rows: \"100 * (scale\"\n"
      "    columns:\n"
      "      a: {seq: 1}\n" +
          std::string(kMinimal + 8),
      4, 24, {"in expression '100 * (scale'", "missing ')'"});
}

TEST(ParseSpecErrors, UnknownNameInAParameterBound) {
  expect_error_at(std::string("name: w\nparameters:\n  a: {uniform: [1, 10 * scal]}\n") + (kMinimal + 8), 3,
                  20, {"unknown name 'scal'", "'10 * scal'"});
}

TEST(ParseSpecErrors, ParameterBoundMayNotUseAnotherParameter) {
  expect_error_at(std::string("name: w\n"
                              "parameters:\n"
                              "  a: {uniform: [1, 10]}\n"
                              "  b: {uniform: [1, a]}\n") +
                      (kMinimal + 8),
                  4, 20, {"unknown name 'a'"});
}

TEST(ParseSpecErrors, DuplicateParameter) {
  expect_error_at(std::string("name: w\n"
                              "parameters:\n"
                              "  a: {uniform: [1, 10]}\n"
                              "  a: {uniform: [1, 20]}\n") +
                      (kMinimal + 8),
                  4, 3, {"parameter 'a' is defined twice"});
}

TEST(ParseSpecErrors, DuplicateTransaction) {
  expect_error_at(std::string(kMinimal) +
                      "  - name: t\n"
                      "    steps:\n"
                      "      - sql: SELECT 2\n",
                  6, 11, {"transaction 't' is defined twice"});
}

TEST(ParseSpecErrors, TransactionNamedAllIsReserved) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: ALL\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      3, 11, {"'ALL' is reserved"});
}

TEST(ParseSpecErrors, NonPositiveScale) {
  expect_error_at(std::string("name: w\nscale: 0\n") + (kMinimal + 8), 2, 8, {"scale must be above 0"});
}

TEST(ParseSpecErrors, NonNumericScale) {
  expect_error_at(std::string("name: w\nscale: big\n") + (kMinimal + 8), 2, 8,
                  {"scale must be a number", "'big'"});
}

TEST(ParseSpecErrors, DataEntryWithoutRows) {
  expect_error_at(std::string("name: w\n"
                              "data:\n"
                              "  - table: t\n"
                              "    columns:\n"
                              "      a: {seq: 1}\n") +
                      (kMinimal + 8),
                  3, 5, {"data for t needs 'rows'"});
}

TEST(ParseSpecErrors, TransactionFlagMustBeBoolean) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    transaction: maybe\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      4, 18, {"transaction must be true or false", "'maybe'"});
}

TEST(ParseSpecErrors, NonScalarDistributionKeyIsAnErrorWithPlace) {
  expect_error_at(std::string("name: w\nparameters:\n  a: {[uniform]: [1, 10]}\n") + (kMinimal + 8), 3, 7,
                  {"must be text"});
}

TEST(ParseSpecErrors, DuplicateKeyIsRefused) {
  // yaml-cpp keeps both; reading only the first would drop the second silently.
  expect_error_at(std::string(kMinimal) + "run:\n  clients: 2\nrun:\n  clients: 4\n", 8, 1,
                  {"'run'", "twice"});
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT 1\n"
      "        sql: SELECT 2\n",
      6, 9, {"'sql'", "twice"});
}

TEST(ParseSpecErrors, DuplicateColumnIsRefused) {
  expect_error_at(std::string("name: w\n"
                              "data:\n"
                              "  - table: t\n"
                              "    rows: 10\n"
                              "    columns:\n"
                              "      a: {seq: 1}\n"
                              "      a: 5\n") +
                      (kMinimal + 8),
                  7, 7, {"column 'a'", "twice"});
}

TEST(ParseSpecErrors, NegativeTransactionsPerClientIsRefused) {
  expect_error_at(std::string(kMinimal) + "run:\n  transactions: -5\n", 7, 17,
                  {"transactions must not be negative"});
}

// ---------------------------------------------------------------- headline

TEST(ParseHeadline, ReadsNameTransactionAndPerScaleMax) {
  Spec s = parse(std::string(kMinimal) +
                 "headline:\n"
                 "  name: tpmC\n"
                 "  transaction: t\n"
                 "  per_scale_max: 12.86\n");
  ASSERT_TRUE(s.headline.has_value());
  EXPECT_EQ(s.headline->name, "tpmC");
  EXPECT_EQ(s.headline->transaction, "t");
  EXPECT_DOUBLE_EQ(s.headline->per_scale_max, 12.86);
  EXPECT_EQ(s.headline->mark.line, 7);
}

TEST(ParseHeadline, IsOptionalAndPerScaleMaxDefaultsToNone) {
  EXPECT_FALSE(parse(kMinimal).headline.has_value());
  Spec s = parse(std::string(kMinimal) + "headline: {name: tpmC, transaction: t}\n");
  ASSERT_TRUE(s.headline.has_value());
  EXPECT_EQ(s.headline->per_scale_max, 0);
}

TEST(ParseHeadline, AMisspelledTopLevelKeyGetsADidYouMean) {
  expect_error_at(std::string(kMinimal) + "headlin: {name: tpmC, transaction: t}\n", 6, 1,
                  {"unknown key 'headlin'", "did you mean 'headline'?"});
}

TEST(ParseHeadline, UnknownKeyIsRefusedAtItsPlace) {
  expect_error_at(std::string(kMinimal) +
                      "headline:\n"
                      "  name: tpmC\n"
                      "  transaction: t\n"
                      "  per_scale_mx: 12.86\n",
                  9, 3, {"unknown key 'per_scale_mx' in headline", "did you mean 'per_scale_max'?"});
}

TEST(ParseHeadline, UnknownTransactionIsRefusedWithADidYouMean) {
  expect_error_at(std::string(kMinimal) +
                      "  - name: new_order\n"
                      "    steps:\n"
                      "      - sql: SELECT 2\n"
                      "headline:\n"
                      "  name: tpmC\n"
                      "  transaction: new_ordr\n",
                  11, 16, {"unknown transaction 'new_ordr'", "did you mean 'new_order'?"});
}

TEST(ParseHeadline, NonPositivePerScaleMaxIsRefused) {
  for (const char* v : {"0", "-12.86"})
    expect_error_at(std::string(kMinimal) +
                        "headline:\n"
                        "  name: tpmC\n"
                        "  transaction: t\n"
                        "  per_scale_max: " +
                        v + "\n",
                    9, 18, {"per_scale_max must be above 0"});
  expect_error_at(std::string(kMinimal) +
                      "headline:\n"
                      "  name: tpmC\n"
                      "  transaction: t\n"
                      "  per_scale_max: lots\n",
                  9, 18, {"per_scale_max must be a number"});
}

TEST(ParseHeadline, NameAndTransactionAreRequired) {
  expect_error_at(std::string(kMinimal) + "headline:\n  transaction: t\n", 7, 3, {"headline needs 'name'"});
  expect_error_at(std::string(kMinimal) + "headline:\n  name: tpmC\n", 7, 3,
                  {"headline needs 'transaction'"});
  expect_error_at(std::string(kMinimal) + "headline:\n  name: ' '\n  transaction: t\n", 7, 9,
                  {"name must not be empty"});
  expect_error_at(std::string(kMinimal) + "headline: tpmC\n", 6, 11, {"headline must be a mapping"});
}

TEST(ParseHeadline, TheTransactionMustBeRunByAGroup) {
  expect_error_at(std::string(kMinimal) +
                      "  - name: u\n"
                      "    steps:\n"
                      "      - sql: SELECT 2\n"
                      "groups:\n"
                      "  - name: g\n"
                      "    mix: [t]\n"
                      "headline: {name: tpmC, transaction: u}\n",
                  12, 37, {"'u' is in no group's mix"});
}

// ---------------------------------------------------------------- keying and think times

TEST(ParseThinkTimes, KeyingAndThinkTimesAreDurations) {
  Spec s = parse(
      "name: w\n"
      "transactions:\n"
      "  - name: new_order\n"
      "    keying_time: 18s\n"
      "    think_time: 12\n"
      "    steps:\n"
      "      - sql: SELECT 1\n"
      "  - name: stock_level\n"
      "    think_time: 500ms\n"
      "    steps:\n"
      "      - sql: SELECT 2\n");
  EXPECT_DOUBLE_EQ(s.transactions[0].keying_time_s, 18);
  EXPECT_DOUBLE_EQ(s.transactions[0].think_time_s, 12);
  EXPECT_DOUBLE_EQ(s.transactions[1].keying_time_s, 0);  // none unless given
  EXPECT_DOUBLE_EQ(s.transactions[1].think_time_s, 0.5);
}

TEST(ParseThinkTimes, AWrongDurationIsRefusedAtItsPlace) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    keying_time: 18 secs\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      4, 18, {"keying_time", "'18 secs' is not a duration"});
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    think_time: -12s\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      4, 17, {"think_time", "not a duration"});
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    think_tme: 12s\n"
      "    steps:\n"
      "      - sql: SELECT 1\n",
      4, 5, {"unknown key 'think_tme'", "did you mean 'think_time'?"});
}

// ---------------------------------------------------------------- Spec::tables

Spec with_schema(const std::string& schema_yaml) { return parse("name: w\n" + schema_yaml + (kMinimal + 8)); }

TEST(SpecTables, ListsCreatedTablesInOrderWithIfNotExistsAndModifiers) {
  Spec s = parse(kFull);
  EXPECT_EQ(s.tables("postgres"), (std::vector<std::string>{"items", "orders"}));
}

TEST(SpecTables, UsesTheDialectsOwnSchema) {
  Spec s = parse(kFull);
  EXPECT_EQ(s.tables("mysql"), (std::vector<std::string>{"items"}));
}

TEST(SpecTables, FallsBackToTheDefaultSchema) {
  Spec s = parse(kFull);
  EXPECT_EQ(s.tables("redshift"), (std::vector<std::string>{"items", "orders"}));
}

TEST(SpecTables, EmptyWithoutASchemaForTheDialect) {
  EXPECT_TRUE(parse(kMinimal).tables("postgres").empty());
  Spec s = with_schema("schema:\n  mysql: CREATE TABLE a (x int)\n");
  EXPECT_TRUE(s.tables("postgres").empty());
  EXPECT_EQ(s.tables("mysql"), (std::vector<std::string>{"a"}));
}

TEST(SpecTables, IgnoresStatementsThatCreateNoTable) {
  Spec s = with_schema(
      "schema: |\n"
      "  CREATE TABLE public.a (x int);\n"
      "  CREATE INDEX a_x ON a (x);\n"
      "  create temp table b (y int);\n"
      "  INSERT INTO a VALUES (1);\n");
  EXPECT_EQ(s.tables("postgres"), (std::vector<std::string>{"public.a", "b"}));
}

TEST(SpecTables, FindsTablesWhoseStatementStartsWithAComment) {
  Spec s = with_schema(
      "schema: |\n"
      "  -- one row per account\n"
      "  CREATE TABLE accounts (id int);\n"
      "  /* history, append only */ CREATE TABLE history (id int);\n");
  EXPECT_EQ(s.tables("postgres"), (std::vector<std::string>{"accounts", "history"}));
}

// ---------------------------------------------------------------- make_distribution

TEST(MakeDistribution, EvaluatesBoundsWithScale) {
  Spec s = parse(kFull);
  Distribution d = make_distribution(s.find_parameter("item")->dist, {{"scale", Value::of_int(3)}});
  EXPECT_EQ(d.kind(), Distribution::Kind::kUniform);
  EXPECT_EQ(d.lo(), 1);
  EXPECT_EQ(d.hi(), 3000);
  Distribution d1 = make_distribution(s.find_parameter("item")->dist, {{"scale", Value::of_int(1)}});
  EXPECT_EQ(d1.hi(), 1000);
}

TEST(MakeDistribution, RealScaleGivesIntegerBoundsForIntegerKinds) {
  Spec s = parse(kFull);
  Distribution d = make_distribution(s.find_parameter("item")->dist, {{"scale", Value::of_double(0.5)}});
  EXPECT_EQ(d.hi(), 500);
}

TEST(MakeDistribution, DrawsStayWithinTheScaledBounds) {
  Spec s = parse(kFull);
  Distribution d = make_distribution(s.find_parameter("item")->dist, {{"scale", Value::of_int(2)}});
  Rng rng(7);
  SequenceCursor seq;
  Value v;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int i = 0; i < 20000; ++i) {
    d.draw(rng, seq, v);
    ASSERT_EQ(v.kind, Value::Kind::kInt);
    lo = std::min(lo, v.i);
    hi = std::max(hi, v.i);
  }
  EXPECT_EQ(lo, 1);
  EXPECT_GT(hi, 1000);  // beyond the unscaled bound
  EXPECT_LE(hi, 2000);
}

TEST(MakeDistribution, SequenceStartsAtItsStartWithItsStep) {
  Spec s = parse(kFull);
  Distribution d = make_distribution(s.find_parameter("next_id")->dist, {{"scale", Value::of_int(1)}});
  EXPECT_EQ(d.kind(), Distribution::Kind::kSequence);
  Rng rng(1);
  SequenceCursor seq;
  Value v;
  d.draw(rng, seq, v);
  EXPECT_EQ(v.i, 10);
  d.draw(rng, seq, v);
  EXPECT_EQ(v.i, 15);
}

TEST(MakeDistribution, NURandKeepsItsRange) {
  Spec s = parse(kFull);
  Distribution d = make_distribution(s.find_parameter("cust")->dist, {{"scale", Value::of_int(1)}}, 42);
  EXPECT_EQ(d.kind(), Distribution::Kind::kNURand);
  EXPECT_EQ(d.lo(), 1);
  EXPECT_EQ(d.hi(), 3000);
}

TEST(MakeDistribution, BoundWithoutAValueIsAnErrorAtTheBound) {
  Spec s =
      parse(std::string("name: w\nparameters:\n  a: {uniform: [1, 10 / (scale - 1)]}\n") + (kMinimal + 8));
  try {
    make_distribution(s.find_parameter("a")->dist, {{"scale", Value::of_int(1)}});
    FAIL() << "a bound dividing by zero was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_EQ(std::string(e.what()).rfind("w.yaml:3:20: ", 0), 0u) << e.what();
    EXPECT_NE(std::string(e.what()).find("has no value"), std::string::npos) << e.what();
  }
}

TEST(MakeDistribution, FactoryErrorsGainThePlaceOfTheDistribution) {
  Spec s = parse(std::string("name: w\nparameters:\n  a: {uniform: [10 * scale, 5]}\n") + (kMinimal + 8));
  try {
    make_distribution(s.find_parameter("a")->dist, {{"scale", Value::of_int(1)}});
    FAIL() << "lo > hi was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_EQ(std::string(e.what()).rfind("w.yaml:3:6: ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace oltap::workload

namespace oltap::workload {
namespace {

TEST(ParseControlFlow, IfAndRollbackIfAreReadAsExpressions) {
  Spec s = parse(
      "name: w\n"
      "parameters:\n"
      "  x: {uniform: [1, 10]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT :x\n"
      "        into: [y]\n"
      "        if: x > 5\n"
      "        rollback_if: y = 7\n");
  const Step& step = s.transactions[0].steps[0];
  ASSERT_TRUE(step.when.has_value());
  ASSERT_TRUE(step.rollback_if.has_value());
  EXPECT_EQ(step.when->names(), std::vector<std::string>{"x"});
  EXPECT_EQ(step.rollback_if->names(), std::vector<std::string>{"y"});
}

TEST(ParseControlFlow, IfCannotSeeWhatItsOwnStepBinds) {
  // `if` decides whether the step runs, so the step's own into is not bound yet.
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT 1\n"
      "        into: [y]\n"
      "        if: y > 5\n",
      7, 13, {"'y' in if", "transaction 't'", "neither a parameter"});
}

TEST(ParseControlFlow, RollbackIfNamesAreCheckedWithADidYouMean) {
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT 1\n"
      "        into: [flag]\n"
      "        rollback_if: flga = 1\n",
      7, 22, {"'flga' in rollback_if", "did you mean 'flag'?"});
}

TEST(Truthy, NumbersTextAndNull) {
  EXPECT_TRUE(truthy(Value::of_int(2)));
  EXPECT_FALSE(truthy(Value::of_int(0)));
  EXPECT_TRUE(truthy(Value::of_double(0.5)));
  EXPECT_FALSE(truthy(Value::of_text("")));
  EXPECT_TRUE(truthy(Value::of_text("BC")));
  EXPECT_FALSE(truthy(Value()));
}

}  // namespace
}  // namespace oltap::workload

namespace oltap::workload {
namespace {

TEST(ParseLoop, BodyMaySeeTheIndexAndRedrawsMustBeParameters) {
  Spec s = parse(
      "name: w\n"
      "parameters:\n"
      "  n: {uniform: [5, 15]}\n"
      "  item: {uniform: [1, 100]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - loop: {count: n, index: line, redraw: [item]}\n"
      "        steps:\n"
      "          - sql: SELECT :line, :item\n");
  const Step& loop = s.transactions[0].steps[0];
  ASSERT_TRUE(loop.loop.has_value());
  EXPECT_EQ(loop.loop->index, "line");
  EXPECT_EQ(loop.loop->redraw, std::vector<std::string>{"item"});
  ASSERT_EQ(loop.body.size(), 1u);

  expect_error_at(
      "name: w\n"
      "parameters:\n"
      "  n: {uniform: [5, 15]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - loop: {count: n, redraw: [itme]}\n"
      "        steps:\n"
      "          - sql: SELECT 1\n",
      7, 34, {"redraw names 'itme'", "not a parameter"});
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - loop: {count: nn}\n"
      "        steps:\n"
      "          - sql: SELECT 1\n",
      5, 23, {"'nn' in the count of a loop"});
}

}  // namespace
}  // namespace oltap::workload

namespace oltap::workload {
namespace {

TEST(ParseSyllables, NestedNumberDistributionAndTheTpccSyllablesByDefault) {
  Spec s = parse(
      "name: w\n"
      "parameters:\n"
      "  c_last: {syllables: {nurand: [255, 0, 999]}}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT :c_last\n");
  const DistSpec& d = s.parameters[0].dist;
  EXPECT_EQ(d.kind, Distribution::Kind::kSyllables);
  ASSERT_EQ(d.inner.size(), 1u);
  EXPECT_EQ(d.inner[0].kind, Distribution::Kind::kNURand);
  ASSERT_EQ(d.syllables.size(), 10u);
  EXPECT_EQ(d.syllables[3], "PRI");
  expect_error_at(
      "name: w\n"
      "parameters:\n"
      "  c_last: {syllables: {nurand: [255, 0, 999]}, from: [A, B]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT :c_last\n",
      3, 54, {"ten syllables"});
}

TEST(ParseSpec, LetStepBindsNamesForLaterStepsAndRefusesUnknownOnes) {
  Spec s = parse(
      "name: w\n"
      "parameters:\n"
      "  q: {uniform: [1, 10]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - let: {double_q: q * 2, total: double_q + 1}\n"
      "      - sql: SELECT :total\n");
  ASSERT_EQ(s.transactions[0].steps[0].let.size(), 2u);
  EXPECT_EQ(s.transactions[0].steps[0].let[1].first, "total");
  expect_error_at(
      "name: w\n"
      "parameters:\n"
      "  q: {uniform: [1, 10]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - let: {x: q + later}\n"
      "      - sql: SELECT :x\n",
      7, 18, {"'later' in let x"});
  expect_error_at(
      "name: w\n"
      "parameters:\n"
      "  q: {uniform: [1, 10]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - let: {q: 1}\n"
      "      - sql: SELECT :q\n",
      7, 14, {"which is a parameter"});
}

TEST(ParseSpec, IfBlockHasStepsAndElseAndNeedsItsCondition) {
  Spec s = parse(
      "name: w\n"
      "parameters:\n"
      "  q: {uniform: [1, 10]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - if: q > 5\n"
      "        steps:\n"
      "          - sql: SELECT 1\n"
      "            into: [a]\n"
      "        else:\n"
      "          - sql: SELECT 2\n"
      "            into: [b]\n"
      "      - sql: SELECT :a, :b\n");
  const Step& block = s.transactions[0].steps[0];
  EXPECT_TRUE(block.block);
  EXPECT_EQ(block.body.size(), 1u);
  EXPECT_EQ(block.else_body.size(), 1u);
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - steps:\n"
      "          - sql: SELECT 1\n",
      5, 9, {"needs 'if'"});
  expect_error_at(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - if: 1\n"
      "        steps:\n"
      "          - sql: SELECT :nope\n",
      7, 18, {"':nope'"});
}

// ---------------------------------------------------------------- queries

const char* const kQueries = R"(name: dash
data:
  - table: t
    rows: 10
    columns: {id: {seq: 1}}
queries:
  - name: Q1
    sql:
      default: |
        SELECT COUNT(*) FROM t;
      mysql: SELECT COUNT(*) FROM t
  - name: Q15
    sql: |
      CREATE VIEW revenue:stream AS SELECT id FROM t;
      SELECT * FROM revenue:stream ORDER BY id;
      DROP VIEW revenue:stream
    ordered: false
run:
  streams: 3
  query_timeout: 90s
)";

TEST(Queries, AreReadInFileOrderWithTheirDialectsAndRunSettings) {
  Spec s = parse(kQueries);
  ASSERT_EQ(s.queries.size(), 2u);
  EXPECT_EQ(s.queries[0].name, "Q1");
  EXPECT_EQ(*s.queries[0].sql.for_dialect("postgres"), "SELECT COUNT(*) FROM t;\n");
  EXPECT_EQ(*s.queries[0].sql.for_dialect("mysql"), "SELECT COUNT(*) FROM t");
  EXPECT_FALSE(s.queries[0].ordered.has_value());
  EXPECT_EQ(s.queries[1].name, "Q15");
  EXPECT_EQ(s.queries[1].ordered, std::optional<bool>(false));
  EXPECT_EQ(s.queries[1].mark.line, 12);
  EXPECT_EQ(s.find_query("Q15"), &s.queries[1]);
  EXPECT_EQ(s.find_query("Q2"), nullptr);
  EXPECT_TRUE(s.transactions.empty());
  EXPECT_TRUE(s.groups.empty());
  EXPECT_EQ(s.run.streams, 3);
  EXPECT_DOUBLE_EQ(s.run.query_timeout_s, 90);
}

TEST(Queries, RunDefaultsAreAPowerRunWithoutTimeout) {
  Spec s = parse("name: w\nqueries:\n  - name: a\n    sql: SELECT 1\n");
  EXPECT_EQ(s.run.streams, 1);
  EXPECT_EQ(s.run.query_timeout_s, 0);
}

TEST(Queries, AndTransactionsTogetherAreRefusedAtTheSecondKey) {
  expect_error_at(std::string(kMinimal) + "queries:\n  - name: a\n    sql: SELECT 1\n", 2, 1,
                  {"'transactions'", "not both"});
}

TEST(Queries, RefuseParametersGroupsAndHeadline) {
  const std::string q = "name: w\nqueries:\n  - name: a\n    sql: SELECT 1\n";
  expect_error_at(q + "parameters:\n  x: {uniform: [1, 2]}\n", 5, 1, {"'parameters'", "transactional"});
  expect_error_at(q + "groups:\n  - name: g\n", 5, 1, {"'groups'"});
  expect_error_at(q + "headline: {name: x, transaction: t}\n", 5, 1, {"'headline'"});
}

TEST(Queries, NeedANameAndSqlAndUniqueNames) {
  expect_error_at("name: w\nqueries:\n  - sql: SELECT 1\n", 3, 5, {"needs a 'name'"});
  expect_error_at("name: w\nqueries:\n  - name: a\n", 3, 5, {"'a' needs 'sql'"});
  expect_error_at("name: w\nqueries:\n  - name: a\n    sql: SELECT 1\n  - name: a\n    sql: SELECT 2\n", 5,
                  11, {"'a' is defined twice"});
  expect_error_at("name: w\nqueries:\n  - name: ALL\n    sql: SELECT 1\n", 3, 11, {"reserved"});
  expect_error_at("name: w\nqueries: []\n", 2, 10, {"must not be empty"});
  expect_error_at("name: w\nqueries:\n  - name: a\n    sql: SELECT 1\n    order: true\n", 5, 5,
                  {"unknown key 'order'", "ordered"});
}

TEST(Queries, TakeNoParametersButStreamAndScale) {
  expect_error_at("name: w\nqueries:\n  - name: a\n    sql: SELECT * FROM t WHERE id = :id\n", 4, 10,
                  {"':id'", "no parameters", ":stream", ":scale"});
  // TPC-H Q11's fraction, 0.0001 / SF.
  EXPECT_NO_THROW(parse("name: w\nqueries:\n  - name: a\n    sql: SELECT 0.0001 / :scale\n"));
  // Casts, quotes and comments are not placeholders.
  EXPECT_NO_THROW(parse("name: w\nqueries:\n  - name: a\n    sql: \"SELECT '1:x'::text -- :y\"\n"));
}

TEST(Queries, RefuseATextWithoutStatementAndUnknownDialects) {
  expect_error_at("name: w\nqueries:\n  - name: a\n    sql: {default: SELECT 1, mysql: ' ; '}\n", 4, 10,
                  {"no statement for dialect mysql"});
  expect_error_at("name: w\nqueries:\n  - name: a\n    sql: {postgress: SELECT 1}\n", 4, 11,
                  {"unknown dialect 'postgress'", "did you mean 'postgres'"});
}

TEST(Queries, RunSettingsBelongToTheirKindOfWorkload) {
  const std::string q = "name: w\nqueries:\n  - name: a\n    sql: SELECT 1\n";
  expect_error_at(q + "run: {clients: 4}\n", 5, 7, {"'clients' applies to transactions", "streams"});
  expect_error_at(q + "run: {streams: 0}\n", 5, 16, {"streams must be within [1, 1000]"});
  expect_error_at(q + "run: {query_timeout: soon}\n", 5, 22, {"query_timeout"});
  expect_error_at(std::string(kMinimal) + "run: {streams: 2}\n", 6, 7,
                  {"'streams' applies to workloads of queries"});
}

TEST(Queries, AWorkloadWithNeitherNamesBoth) {
  expect_error_at("name: w\n", 1, 1, {"'transactions'", "'queries'"});
}

// Data forms for TPC-H's tables: values by position, text templates, dates
// and sums over items; each mistake is refused where it was written.
std::string with_data(const std::string& columns) {
  return "name: w\ndata:\n  - table: t\n    rows: 10\n    columns:\n" + columns +
         std::string(kMinimal).substr(8);
}

TEST(DataForms, AreReadWithTheirParts) {
  Spec s =
      parse(with_data("      k: {seq: 1}\n"
                      "      name: {values: [A, B], index: k}\n"
                      "      label: {format: 'No.{k:05} {name}'}\n"
                      "      since: {date: '1992-01-01', add_days: k * 2}\n"
                      "      total: {sum: 'item * k', count: 3, let: {x: {uniform: [1, 5], key: item}}}\n"
                      "      words: {sample: [a, b, c], count: 2, separator: '-'}\n"
                      "      comment: {text: [10, 20], embed: [{text: ab, share: 0.1}]}\n"));
  const auto& c = s.data.at(0).columns;
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c[1].kind, Column::Kind::kValues);
  EXPECT_EQ(c[1].values.size(), 2u);
  EXPECT_EQ(c[2].kind, Column::Kind::kFormat);
  ASSERT_EQ(c[2].format.size(), 2u);  // a literal before each name; none after the last
  EXPECT_EQ(c[2].format[0].literal, "No.");
  EXPECT_EQ(c[2].format[0].name, "k");
  EXPECT_EQ(c[2].format[0].width, 5);
  EXPECT_EQ(c[2].format[1].literal, " ");
  EXPECT_EQ(c[2].format[1].name, "name");
  EXPECT_EQ(c[3].kind, Column::Kind::kDate);
  EXPECT_EQ(c[3].date_from, 8035);
  EXPECT_EQ(c[4].kind, Column::Kind::kSum);
  EXPECT_EQ(c[4].sum_lets.size(), 1u);
  EXPECT_EQ(c[5].dist.kind, Distribution::Kind::kSample);
  EXPECT_EQ(c[5].dist.count, 2);
  EXPECT_EQ(c[5].dist.separator, "-");
  EXPECT_EQ(c[6].dist.kind, Distribution::Kind::kText);
  ASSERT_EQ(c[6].dist.embeds.size(), 1u);
  EXPECT_EQ(c[6].dist.embeds[0].text, "ab");
}

TEST(DataForms, MistakesAreRefusedWhereTheyAreWritten) {
  expect_error_at(with_data("      k: {format: 'No.{k:5}'}\n"), 6, 19, {"a width is written :0N"});
  expect_error_at(with_data("      k: {format: 'No.{nope}'}\n"), 6, 10,
                  {"unknown name 'nope'", "format of k"});
  expect_error_at(with_data("      k: {date: '1993-02-29'}\n"), 6, 17, {"YYYY-MM-DD", "1993-02-29"});
  expect_error_at(with_data("      k: {sum: item}\n"), 6, 10, {"sum needs 'count'"});
  expect_error_at(with_data("      k: {values: []}\n"), 6, 19, {"at least one value"});
  expect_error_at(with_data("      k: {sample: [a, b], count: 3}\n"), 6, 34,
                  {"count must be 1 to the number"});
  expect_error_at(
      with_data("      k: {text: [10, 20], embed: [{text: a, share: 0.6}, {text: b, share: 0.6}]}\n"), 6, 34,
      {"add up to more than 1"});
  // A sum's own names are seen inside it only.
  expect_error_at(with_data("      k: {sum: x, count: 2, let: {x: {expr: item}}}\n      j: {expr: x}\n"), 7,
                  17, {"unknown name 'x'"});
  expect_error_at(with_data("      k: {sum: x, count: 2, let: {x: {seq: 1}}}\n"), 6, 38, {"cannot be a seq"});
}

// ---------------------------------------------------------------- every problem of a file

// The problems of text, one per line of the error's message.
std::vector<std::string> problems_of(const std::string& text) {
  try {
    parse(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    std::vector<std::string> lines = split(e.what(), '\n');
    return lines;
  }
  ADD_FAILURE() << "parsed without error";
  return {};
}

TEST(ParseSpecProblems, EveryBrokenEntryIsReportedOnePerLineInFileOrder) {
  const std::string text =
      "name: w\n"                                          // 1
      "schema: CREATE TABLE t (a int)\n"                   // 2
      "data:\n"                                            // 3
      "  - table: t\n"                                     // 4
      "    rows: 10\n"                                     // 5
      "    columns: {a: {unifrom: [1, 2]}}\n"              // 6
      "parameters:\n"                                      // 7
      "  good: {uniform: [1, 10]}\n"                       // 8
      "  bad: {uniform: [1]}\n"                            // 9
      "transactions:\n"                                    // 10
      "  - name: one\n"                                    // 11
      "    steps: [{sql: 'SELECT :good', into_rwo: x}]\n"  // 12
      "  - name: two\n"                                    // 13
      "    steps: [{sql: 'SELECT :nope'}]\n"               // 14
      "  - name: three\n"                                  // 15
      "    steps: [{sql: 'SELECT :good'}]\n"               // 16
      "groups:\n"                                          // 17
      "  - {name: g, clients: 0}\n";                       // 18
  std::vector<std::string> p = problems_of(text);
  ASSERT_EQ(p.size(), 5u) << testing::PrintToString(p);
  EXPECT_EQ(p[0].rfind("w.yaml:6:", 0), 0u) << p[0];
  EXPECT_NE(p[0].find("did you mean 'uniform'"), std::string::npos) << p[0];
  EXPECT_EQ(p[1].rfind("w.yaml:9:", 0), 0u) << p[1];
  EXPECT_NE(p[1].find("takes a list of 2 values"), std::string::npos) << p[1];
  EXPECT_EQ(p[2].rfind("w.yaml:12:", 0), 0u) << p[2];
  EXPECT_NE(p[2].find("unknown key 'into_rwo'"), std::string::npos) << p[2];
  EXPECT_EQ(p[3].rfind("w.yaml:14:", 0), 0u) << p[3];
  EXPECT_NE(p[3].find("':nope'"), std::string::npos) << p[3];
  EXPECT_EQ(p[4].rfind("w.yaml:18:", 0), 0u) << p[4];
  EXPECT_NE(p[4].find("clients must be at least 1"), std::string::npos) << p[4];
}

TEST(ParseSpecProblems, ABrokenParameterIsNotReportedAgainWhereItIsUsed) {
  std::vector<std::string> p = problems_of(
      "name: w\n"
      "parameters:\n"
      "  id: {uniform: [1]}\n"
      "transactions:\n"
      "  - name: t\n"
      "    steps:\n"
      "      - sql: SELECT :id\n"
      "      - loop: {count: 2, redraw: [id]}\n"
      "        steps: [{sql: SELECT :id}]\n");
  ASSERT_EQ(p.size(), 1u) << testing::PrintToString(p);
  EXPECT_EQ(p[0].rfind("w.yaml:3:", 0), 0u) << p[0];
}

TEST(ParseSpecProblems, ABrokenTransactionIsNotReportedAgainByItsGroupOrHeadline) {
  std::vector<std::string> p = problems_of(
      "name: w\n"
      "transactions:\n"
      "  - name: t\n"
      "    weight: heavy\n"
      "    steps: [{sql: SELECT 1}]\n"
      "groups:\n"
      "  - {name: g, mix: {t: 1}}\n"
      "headline: {name: tpm, transaction: t}\n");
  ASSERT_EQ(p.size(), 1u) << testing::PrintToString(p);
  EXPECT_EQ(p[0].rfind("w.yaml:4:", 0), 0u) << p[0];
  EXPECT_NE(p[0].find("weight must be a number"), std::string::npos) << p[0];
}

TEST(ParseSpecProblems, AnUnreadableTransactionListIsOneProblem) {
  std::vector<std::string> p = problems_of(
      "name: w\n"
      "transactions: {name: t}\n"
      "groups:\n"
      "  - {name: g, mix: [t]}\n"
      "headline: {name: tpm, transaction: t}\n");
  ASSERT_EQ(p.size(), 1u) << testing::PrintToString(p);
  EXPECT_NE(p[0].find("transactions must be a list"), std::string::npos) << p[0];
}

TEST(ParseSpecProblems, AMisspeltTopLevelKeyIsOneProblemNotTwo) {
  std::vector<std::string> p = problems_of("name: w\ntransactons: []\n");
  ASSERT_EQ(p.size(), 1u) << testing::PrintToString(p);
  EXPECT_NE(p[0].find("did you mean 'transactions'"), std::string::npos) << p[0];
}

// ---------------------------------------------------------------- data and schema

// A workload with the schema and one data entry for `table`.
std::string with_schema(const std::string& schema, const std::string& table) {
  return "name: w\n"
         "schema:\n" +
         schema +
         "data:\n"
         "  - table: " +
         table +
         "\n"
         "    rows: 1\n"
         "    columns: {a: 1}\n"
         "transactions:\n"
         "  - name: t\n"
         "    steps: [{sql: SELECT 1}]\n";
}

TEST(DataTables, ATableTheSchemaNeverCreatesIsRefusedAtItsEntry) {
  expect_error_at(
      with_schema("  default: CREATE TABLE items (a int); CREATE TABLE orders (a int)\n", "itemz"), 5, 5,
      {"data for 'itemz'", "creates no such table", "items, orders"});
  // each dialect's schema must create it
  expect_error_at(
      with_schema("  default: CREATE TABLE items (a int)\n  mysql: CREATE TABLE other (a int)\n", "items"), 6,
      5, {"data for 'items'", "for dialect mysql", "(it creates other)"});
  expect_error_at(with_schema("  default: CREATE INDEX i ON items (a)\n", "items"), 5, 5,
                  {"(it creates none)"});
}

TEST(DataTables, NamesMatchAsSqlFoldsThemAndWithTheirSchema) {
  EXPECT_NO_THROW(parse(with_schema("  default: CREATE TABLE Items (a int)\n", "ITEMS")));
  EXPECT_NO_THROW(parse(with_schema("  default: CREATE TABLE public.items (a int)\n", "items")));
  EXPECT_NO_THROW(parse(with_schema("  default: CREATE TABLE IF NOT EXISTS items (a int)\n", "items")));
}

TEST(DataTables, KeyValueDataWithoutASchemaIsNotChecked) {
  EXPECT_NO_THROW(
      parse("name: w\n"
            "data:\n"
            "  - table: users\n"
            "    redis: {key: 'user:{id}'}\n"
            "    rows: 1\n"
            "    columns: {id: {seq: 1}}\n"
            "transactions:\n"
            "  - name: t\n"
            "    steps: [{redis: [GET, x]}]\n"));
}

// ---------------------------------------------------------------- open loop

// run: rate, arrival, latency_limit and stages, and a group's own rate: each
// accepted form fills the Spec, each mistake is refused where it was written.
TEST(OpenLoop, IsOffByDefault) {
  Spec s = parse(kMinimal);
  EXPECT_EQ(s.run.rate, 0);
  EXPECT_EQ(s.run.arrival, Arrival::kPoisson);
  EXPECT_EQ(s.run.latency_limit_s, 0);
  EXPECT_TRUE(s.run.stages.empty());
  ASSERT_EQ(s.groups.size(), 1u);
  EXPECT_EQ(s.groups[0].rate, 0);
}

TEST(OpenLoop, RunReadsRateArrivalAndLatencyLimit) {
  Spec s = parse(std::string(kMinimal) + "run:\n  rate: 2500.5\n  arrival: uniform\n  latency_limit: 50ms\n");
  EXPECT_DOUBLE_EQ(s.run.rate, 2500.5);
  EXPECT_EQ(s.run.arrival, Arrival::kUniform);
  EXPECT_DOUBLE_EQ(s.run.latency_limit_s, 0.05);
  EXPECT_TRUE(s.run.stages.empty());
  EXPECT_DOUBLE_EQ(s.run.duration_s, RunDefaults{}.duration_s);
  s = parse(std::string(kMinimal) +
            "run: {arrival: poisson, latency_limit: 2s, duration: 10s, transactions: 5}\n");
  EXPECT_EQ(s.run.arrival, Arrival::kPoisson);
  EXPECT_DOUBLE_EQ(s.run.latency_limit_s, 2);
  EXPECT_EQ(s.run.rate, 0);
}

TEST(OpenLoop, StagesTakeTheRunsRateWhenTheyHaveNoneAndSumToTheDuration) {
  Spec s = parse(std::string(kMinimal) +
                 "run:\n"
                 "  rate: 100\n"
                 "  warmup: 5s\n"
                 "  stages:\n"
                 "    - {duration: 10s, rate: 1000}\n"
                 "    - {duration: 500ms, clients: 4}\n"
                 "    - duration: 1m\n"
                 "      rate: 2000.5\n"
                 "      clients: 8\n");
  ASSERT_EQ(s.run.stages.size(), 3u);
  EXPECT_DOUBLE_EQ(s.run.stages[0].duration_s, 10);
  EXPECT_DOUBLE_EQ(s.run.stages[0].rate, 1000);
  EXPECT_EQ(s.run.stages[0].clients, 0);
  EXPECT_DOUBLE_EQ(s.run.stages[1].duration_s, 0.5);
  EXPECT_DOUBLE_EQ(s.run.stages[1].rate, 100);
  EXPECT_EQ(s.run.stages[1].clients, 4);
  EXPECT_DOUBLE_EQ(s.run.stages[2].duration_s, 60);
  EXPECT_DOUBLE_EQ(s.run.stages[2].rate, 2000.5);
  EXPECT_EQ(s.run.stages[2].clients, 8);
  EXPECT_EQ(s.run.stages[0].mark.line, 10);
  EXPECT_EQ(s.run.stages[0].mark.column, 7);
  EXPECT_EQ(s.run.stages[2].mark.line, 12);
  EXPECT_DOUBLE_EQ(s.run.duration_s, 70.5);
  EXPECT_DOUBLE_EQ(s.run.warmup_s, 5);
  EXPECT_DOUBLE_EQ(s.run.rate, 100);
}

TEST(OpenLoop, StagesWithoutAnyRateAreClosedLoops) {
  // The run's rate is read wherever it is written, also after the stages.
  Spec s = parse(std::string(kMinimal) + "run:\n  stages: [{duration: 2s, clients: 1}, {duration: 3s}]\n");
  ASSERT_EQ(s.run.stages.size(), 2u);
  EXPECT_EQ(s.run.stages[0].rate, 0);
  EXPECT_EQ(s.run.stages[1].rate, 0);
  EXPECT_EQ(s.run.stages[1].clients, 0);
  EXPECT_DOUBLE_EQ(s.run.duration_s, 5);
  s = parse(std::string(kMinimal) + "run:\n  stages: [{duration: 2s}]\n  rate: 40\n");
  EXPECT_DOUBLE_EQ(s.run.stages[0].rate, 40);
}

TEST(OpenLoop, AGroupReadsItsOwnRate) {
  Spec s = parse(std::string(kMinimal) +
                 "groups:\n  - name: paced\n    rate: 250\n  - name: free\n    clients: 2\n");
  ASSERT_EQ(s.groups.size(), 2u);
  EXPECT_DOUBLE_EQ(s.groups[0].rate, 250);
  EXPECT_EQ(s.groups[1].rate, 0);
}

TEST(OpenLoopErrors, RateMustBeAFiniteNumberAboveZero) {
  const std::string run = std::string(kMinimal) + "run:\n  rate: ";
  expect_error_at(run + "0\n", 7, 9, {"rate must be a number of transactions per second above 0"});
  expect_error_at(run + "-5\n", 7, 9, {"rate must be", "above 0"});
  expect_error_at(run + "inf\n", 7, 9, {"rate must be", "above 0"});
  expect_error_at(run + "nan\n", 7, 9, {"rate must be", "above 0"});
  expect_error_at(run + "fast\n", 7, 9, {"rate must be a number", "'fast'"});
}

TEST(OpenLoopErrors, ArrivalIsPoissonOrUniform) {
  expect_error_at(std::string(kMinimal) + "run:\n  arrival: burst\n", 7, 12,
                  {"arrival must be poisson or uniform", "'burst'"});
  expect_error_at(std::string(kMinimal) + "run:\n  arrival: Poisson\n", 7, 12, {"poisson or uniform"});
}

TEST(OpenLoopErrors, LatencyLimitIsADurationAboveZero) {
  expect_error_at(std::string(kMinimal) + "run:\n  latency_limit: soon\n", 7, 18,
                  {"latency_limit", "'soon' is not a duration"});
  expect_error_at(std::string(kMinimal) + "run:\n  latency_limit: 0ms\n", 7, 18,
                  {"latency_limit must be above 0"});
}

TEST(OpenLoopErrors, StagesAreANonEmptyListOfMappings) {
  const std::string run = std::string(kMinimal) + "run:\n  stages: ";
  expect_error_at(run + "[]\n", 7, 11, {"stages must not be empty"});
  expect_error_at(run + "{duration: 1s}\n", 7, 11, {"stages must be a list"});
  expect_error_at(run + "[5]\n", 7, 12, {"a stage must be a mapping"});
}

TEST(OpenLoopErrors, AStageNeedsADurationAboveZero) {
  const std::string run = std::string(kMinimal) + "run:\n  stages:\n    - ";
  expect_error_at(run + "{rate: 5}\n", 8, 7, {"a stage needs a 'duration'"});
  expect_error_at(run + "{duration: 0}\n", 8, 18, {"duration must be above 0"});
  expect_error_at(run + "{duration: soon}\n", 8, 18, {"'soon' is not a duration"});
  // The second stage is the broken one.
  expect_error_at(run + "{duration: 1s}\n    - {duration: 0s}\n", 9, 18, {"duration must be above 0"});
}

TEST(OpenLoopErrors, AStagesRateAndClientsAreChecked) {
  const std::string run = std::string(kMinimal) + "run:\n  stages:\n    - {duration: 1s, ";
  expect_error_at(run + "rate: 0}\n", 8, 28, {"rate must be", "above 0"});
  expect_error_at(run + "rate: many}\n", 8, 28, {"rate must be a number", "'many'"});
  expect_error_at(run + "clients: 0}\n", 8, 31, {"clients must be at least 1"});
  expect_error_at(run + "clients: 1.5}\n", 8, 31, {"clients must be a whole number", "'1.5'"});
  expect_error_at(run + "rates: 5}\n", 8, 22, {"unknown key 'rates' in a stage", "did you mean 'rate'"});
}

TEST(OpenLoopErrors, StagesSetTheDurationSoDurationAndTransactionsAreRefused) {
  expect_error_at(std::string(kMinimal) + "run:\n  duration: 10s\n  stages: [{duration: 1s}]\n", 7, 3,
                  {"'duration' does not go with 'stages'"});
  expect_error_at(std::string(kMinimal) + "run:\n  stages: [{duration: 1s}]\n  duration: 10s\n", 8, 3,
                  {"'duration' does not go with 'stages'"});
  expect_error_at(std::string(kMinimal) + "run:\n  transactions: 5\n  stages: [{duration: 1s}]\n", 7, 3,
                  {"'transactions' does not go with 'stages'"});
}

TEST(OpenLoopErrors, SettingsOfTransactionsAreRefusedOnWorkloadsOfQueries) {
  const std::string q = "name: w\nqueries:\n  - name: a\n    sql: SELECT 1\n";
  expect_error_at(q + "run: {rate: 10}\n", 5, 7, {"'rate' applies to transactions", "streams"});
  expect_error_at(q + "run: {arrival: uniform}\n", 5, 7, {"'arrival' applies to transactions"});
  expect_error_at(q + "run: {latency_limit: 1s}\n", 5, 7, {"'latency_limit' applies to transactions"});
  expect_error_at(q + "run: {stages: [{duration: 1s}]}\n", 5, 7, {"'stages' applies to transactions"});
}

TEST(OpenLoopErrors, AGroupsRateMustBeAboveZero) {
  expect_error_at(std::string(kMinimal) + "groups:\n  - name: g\n    rate: 0\n", 8, 11,
                  {"rate must be", "above 0"});
  expect_error_at(std::string(kMinimal) + "groups:\n  - name: g\n    rates: 5\n", 8, 5,
                  {"unknown key 'rates' in a group", "did you mean 'rate'"});
}

}  // namespace
}  // namespace oltap::workload
