// The data generator without a database: rows are a function of the seed and
// the source row, whatever the split; lets, repeat, keyed columns and
// syllables spelled from an expression.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "datagen/datagen.h"

using oltap::Value;
using oltap::datagen::kChunkRows;
using oltap::datagen::TableGenerator;
using oltap::engine::RowBatch;
using oltap::workload::parse_spec;
using oltap::workload::Spec;

namespace {

Spec parse(const std::string& data) {
  return parse_spec(
      "name: t\ndata:\n" + data + "transactions:\n  - name: x\n    steps:\n      - sql: SELECT 1\n",
      "t.yaml");
}

// Rows [first, first + count) as text lines "a|b|c".
std::vector<std::string> rows_of(const TableGenerator& g, int64_t first, int64_t count) {
  RowBatch b;
  g.generate(first, count, b);
  std::vector<std::string> out;
  for (size_t r = 0; r < b.rows; ++r) {
    std::string line;
    for (int c = 0; c < b.columns; ++c) {
      const Value& v = b.cells[r * b.columns + c];
      line += (c ? "|" : "") + (v.kind == Value::Kind::kText ? v.s : std::to_string(v.as_int()));
    }
    out.push_back(line);
  }
  return out;
}

const char* kOrders =
    "  - table: orders\n"
    "    rows: 3 * scale * 10000\n"
    "    columns:\n"
    "      o_id: {expr: row + 1}\n"
    "      o_ol_cnt: {uniform: [5, 15], key: row}\n"
    "      o_note: {string: 4}\n"
    "  - table: order_line\n"
    "    rows: 3 * scale * 10000\n"
    "    let:\n"
    "      o_ol_cnt: {uniform: [5, 15], key: row}\n"
    "    repeat: {count: o_ol_cnt, let: {cents: {uniform: [1, 9999]}}}\n"
    "    columns:\n"
    "      ol_o_id: {expr: row + 1}\n"
    "      ol_number: {expr: item}\n"
    "      ol_amount: {expr: cents}\n";

}  // namespace

TEST(Generator, RowsDoNotDependOnHowTheyAreSplit) {
  Spec s = parse(kOrders);
  TableGenerator g(s.data[1], 1, 42, 1);
  auto whole = rows_of(g, kChunkRows, kChunkRows);
  // Starting mid-chunk replays the chunk's stream up to that row.
  auto tail = rows_of(g, kChunkRows + 7, kChunkRows - 7);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(std::vector<std::string>(whole.end() - static_cast<long>(tail.size()), whole.end()), tail);
  // Across a chunk boundary, the second chunk's rows are its own stream's.
  TableGenerator orders(s.data[0], 1, 42, 0);
  auto across = rows_of(orders, kChunkRows - 1, 2);
  EXPECT_EQ(across.at(1), rows_of(orders, kChunkRows, 3).at(0));
}

TEST(Generator, RepeatMakesAsManyRowsAsTheKeyedColumnOfTheParentSays) {
  Spec s = parse(kOrders);
  TableGenerator orders(s.data[0], 1, 7, 0), lines(s.data[1], 1, 7, 1);
  // Only the loaded columns are columns; the let is not.
  EXPECT_EQ(lines.columns(), (std::vector<std::string>{"ol_o_id", "ol_number", "ol_amount"}));
  RowBatch ob, lb;
  orders.generate(0, 2000, ob);
  lines.generate(0, 2000, lb);
  std::map<int64_t, int64_t> count_of, max_number;
  std::set<int64_t> seen;
  for (size_t r = 0; r < lb.rows; ++r) {
    int64_t o = lb.cells[r * 3].as_int(), n = lb.cells[r * 3 + 1].as_int();
    ++count_of[o];
    max_number[o] = std::max(max_number[o], n);
  }
  int64_t total = 0;
  std::set<int64_t> counts;
  for (size_t r = 0; r < ob.rows; ++r) {
    int64_t o = ob.cells[r * 3].as_int(), cnt = ob.cells[r * 3 + 1].as_int();
    EXPECT_EQ(count_of[o], cnt) << "order " << o;
    EXPECT_EQ(max_number[o], cnt) << "order " << o;  // numbered 1..cnt
    counts.insert(cnt);
    total += cnt;
  }
  EXPECT_EQ(static_cast<int64_t>(lb.rows), total);
  // The per-item let is drawn for each line, not once per order.
  std::set<int64_t> amounts;
  for (size_t r = 0; r < 15; ++r) amounts.insert(lb.cells[r * 3 + 2].as_int());
  EXPECT_GT(amounts.size(), 10u);
  EXPECT_EQ(*counts.begin(), 5);
  EXPECT_EQ(*counts.rbegin(), 15);
}

TEST(Generator, KeyedColumnsFollowTheSeed) {
  Spec s = parse(kOrders);
  TableGenerator a(s.data[0], 1, 1, 0), b(s.data[0], 1, 2, 0);
  RowBatch x, y;
  a.generate(0, 200, x);
  b.generate(0, 200, y);
  int same = 0;
  for (size_t r = 0; r < 200; ++r) same += x.cells[r * 3 + 1].as_int() == y.cells[r * 3 + 1].as_int();
  EXPECT_LT(same, 60);  // 1 in 11 expected by chance
}

TEST(Generator, SyllablesSpelledFromAnExpressionAndIfPicksABranch) {
  Spec s = parse(
      "  - table: customer\n"
      "    rows: 3000\n"
      "    let:\n"
      "      drawn: {nurand: [255, 0, 999]}\n"
      "    columns:\n"
      "      c_id: {expr: row % 3000 + 1}\n"
      "      c_last: {syllables: {expr: 'if(c_id <= 1000, c_id - 1, drawn)'}}\n");
  TableGenerator g(s.data[0], 1, 3, 0);
  auto rows = rows_of(g, 0, 3000);
  ASSERT_EQ(rows.size(), 3000u);
  EXPECT_EQ(rows[0], "1|BARBARBAR");
  EXPECT_EQ(rows[371], "372|PRICALLYOUGHT");
  EXPECT_EQ(rows[999], "1000|EINGEINGEING");
  std::set<std::string> later;
  for (size_t i = 1000; i < rows.size(); ++i) later.insert(rows[i].substr(rows[i].find('|') + 1));
  EXPECT_GT(later.size(), 200u);  // drawn, not the c_id's spelling
}

TEST(Generator, NURandLoadAndRunConstantsKeepTheirDistance) {
  using oltap::workload::nurand_load_constant;
  using oltap::workload::nurand_run_constant;
  for (uint64_t seed = 1; seed < 200; ++seed) {
    int64_t d = std::abs(nurand_run_constant(seed, 255) - nurand_load_constant(255));
    EXPECT_GE(d, 65);
    EXPECT_LE(d, 119);
    EXPECT_NE(d, 96);
    EXPECT_NE(d, 112);
    int64_t c = nurand_run_constant(seed, 1023);
    EXPECT_GE(c, 0);
    EXPECT_LE(c, 1023);
  }
}

TEST(Generator, PermutationColumnsHoldEachValueOncePerKey) {
  Spec s = parse(
      "  - table: orders\n"
      "    rows: 3 * 3000\n"
      "    columns:\n"
      "      o_c_id: {permutation: [1, 3000], index: row % 3000, key: row / 3000}\n");
  TableGenerator g(s.data[0], 1, 5, 0);
  RowBatch b;
  g.generate(0, 9000, b);
  ASSERT_EQ(b.rows, 9000u);
  for (int district = 0; district < 3; ++district) {
    std::set<int64_t> seen;
    int in_place = 0;
    for (int i = 0; i < 3000; ++i) {
      int64_t v = b.cells[district * 3000 + i].as_int();
      seen.insert(v);
      in_place += v == i + 1;
    }
    EXPECT_EQ(seen.size(), 3000u);
    EXPECT_EQ(*seen.begin(), 1);
    EXPECT_EQ(*seen.rbegin(), 3000);
    EXPECT_LT(in_place, 20);  // shuffled: about one fixed point expected
  }
  // Another key gives another permutation.
  EXPECT_NE(rows_of(g, 0, 20), rows_of(g, 3000, 20));
}

TEST(Generator, StringsEmbedATextInTheirShareAndEndWithTheSuffix) {
  Spec s = parse(
      "  - table: item\n"
      "    rows: 10000\n"
      "    columns:\n"
      "      i_data: {string: [26, 50], embed: {text: ORIGINAL, share: 0.1}}\n"
      "      zip: {string: 4, charset: '0123456789', suffix: '11111'}\n"
      "      at: {expr: load_time}\n"
      "      nothing: {expr: 'if(row < 0, 1, null)'}\n");
  TableGenerator g(s.data[0], 1, 9, 0);
  RowBatch b;
  g.generate(0, 10000, b);
  int original = 0;
  for (size_t r = 0; r < b.rows; ++r) {
    const std::string& d = b.cells[r * 4].s;
    EXPECT_GE(d.size(), 26u);
    EXPECT_LE(d.size(), 50u);
    original += d.find("ORIGINAL") != std::string::npos;
    const std::string& zip = b.cells[r * 4 + 1].s;
    ASSERT_EQ(zip.size(), 9u);
    EXPECT_EQ(zip.substr(4), "11111");
    EXPECT_EQ(zip.find_first_not_of("0123456789"), std::string::npos);
    EXPECT_EQ(b.cells[r * 4 + 2].s.size(), 19u);  // YYYY-MM-DD HH:MM:SS
    EXPECT_EQ(b.cells[r * 4 + 3].kind, Value::Kind::kNull);
  }
  EXPECT_GT(original, 900);  // 1000 expected, sd 30
  EXPECT_LT(original, 1100);
}

TEST(Generator, ValuesFormatAndDateColumns) {
  Spec s = parse(
      "  - table: nation\n"
      "    rows: 5\n"
      "    let:\n"
      "      days: {expr: row * 30}\n"
      "      minus: {expr: 0 - row}\n"
      "    columns:\n"
      "      n_key: {seq: 0}\n"
      "      n_name: {values: [ALGERIA, ARGENTINA, BRAZIL]}\n"  // row mod 3
      "      n_region: {values: [0, 1, 1], index: 'n_key + 1'}\n"
      "      n_label: {format: 'Nation#{n_key:03}/{n_name}/{minus:04}/{{x}}'}\n"
      "      n_since: {date: '1992-01-01', add_days: days}\n"
      "      n_none: {date: '1992-01-01', add_days: 'if(row < 0, 1, null)'}\n");
  TableGenerator g(s.data[0], 1, 3, 0);
  EXPECT_EQ(rows_of(g, 0, 5), (std::vector<std::string>{
                                  "0|ALGERIA|1|Nation#000/ALGERIA/0000/{x}|1992-01-01|0",
                                  "1|ARGENTINA|1|Nation#001/ARGENTINA/-0001/{x}|1992-01-31|0",
                                  "2|BRAZIL|0|Nation#002/BRAZIL/-0002/{x}|1992-03-01|0",
                                  "3|ALGERIA|1|Nation#003/ALGERIA/-0003/{x}|1992-03-31|0",
                                  "4|ARGENTINA|1|Nation#004/ARGENTINA/-0004/{x}|1992-04-30|0",
                              }));
  RowBatch b;
  g.generate(0, 1, b);
  EXPECT_EQ(b.cells[5].kind, Value::Kind::kNull);  // no days: no date
  EXPECT_EQ(b.cells[2].kind, Value::Kind::kInt);   // values keep their type
}

// An order's total is a sum over its lines; the lines, made by another table
// with repeat, draw the same keyed values, so the two agree line for line.
TEST(Generator, SumOverItemsAgreesWithTheRowsAnotherTableRepeats) {
  Spec s = parse(
      "  - table: orders\n"
      "    rows: 30000\n"
      "    let:\n"
      "      lines: {uniform: [1, 7], key: row}\n"
      "      total:\n"
      "        sum: quantity * price\n"
      "        count: lines\n"
      "        let:\n"
      "          line: {expr: row * 8 + item}\n"
      "          quantity: {uniform: [1, 50], key: line}\n"
      "          price: {uniform: [100, 999], key: line}\n"
      "      half: {sum: item / 2.0, count: lines}\n"
      "    columns:\n"
      "      o_id: {expr: row}\n"
      "      o_lines: {expr: lines}\n"
      "      o_total: {expr: total}\n"
      "      o_half: {expr: half}\n"
      "  - table: lineitem\n"
      "    rows: 30000\n"
      "    let:\n"
      "      lines: {uniform: [1, 7], key: row}\n"
      "    repeat:\n"
      "      count: lines\n"
      "      let:\n"
      "        line: {expr: row * 8 + item}\n"
      "        quantity: {uniform: [1, 50], key: line}\n"
      "        price: {uniform: [100, 999], key: line}\n"
      "    columns:\n"
      "      l_order: {expr: row}\n"
      "      l_number: {expr: item}\n"
      "      l_amount: {expr: quantity * price}\n");
  TableGenerator orders(s.data[0], 1, 5, 0), lines(s.data[1], 1, 5, 1);
  RowBatch ob, lb;
  orders.generate(kChunkRows - 100, 200, ob);  // across a chunk boundary
  lines.generate(kChunkRows - 100, 200, lb);
  std::map<int64_t, int64_t> sum, count;
  for (size_t r = 0; r < lb.rows; ++r) {
    sum[lb.cells[r * 3].i] += lb.cells[r * 3 + 2].i;
    ++count[lb.cells[r * 3].i];
  }
  ASSERT_EQ(ob.rows, 200u);
  for (size_t r = 0; r < ob.rows; ++r) {
    const int64_t id = ob.cells[r * 4].i;
    EXPECT_EQ(ob.cells[r * 4 + 1].i, count[id]) << id;
    ASSERT_EQ(ob.cells[r * 4 + 2].kind, Value::Kind::kInt);
    EXPECT_EQ(ob.cells[r * 4 + 2].i, sum[id]) << id;
    // A real summand makes a real sum: 1/2 + 2/2 + ... + n/2.
    const int64_t n = count[id];
    ASSERT_EQ(ob.cells[r * 4 + 3].kind, Value::Kind::kDouble);
    EXPECT_DOUBLE_EQ(ob.cells[r * 4 + 3].d, n * (n + 1) / 4.0);
  }
}

TEST(Generator, RowsAtAFractionalScaleAreRounded) {
  Spec s = parse(
      "  - table: lineitem\n"
      "    rows: 1500000 * scale\n"
      "    columns:\n"
      "      k: {seq: 1}\n");
  EXPECT_EQ(TableGenerator(s.data[0], 0.01, 1, 0).rows(), 15000);
  EXPECT_EQ(TableGenerator(s.data[0], 0.001, 1, 0).rows(), 1500);
  EXPECT_EQ(TableGenerator(s.data[0], 0.3, 1, 0).rows(), 450000);
}
