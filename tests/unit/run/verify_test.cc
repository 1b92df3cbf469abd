// How answers are made comparable across engines (canonical values and the
// answer checksum) and the query orders of a throughput run's streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "run/run.h"

namespace oltap::run {
namespace {

std::string canon(const Value& v) {
  auto c = canonical_value(v);
  return c ? *c : "<NULL>";
}

Value text(const std::string& s) { return Value::of_text(s); }

// ---------------------------------------------------------------- canonical values

TEST(CanonicalValue, NumbersOfEveryTypeHaveTwoDecimals) {
  EXPECT_EQ(canon(Value::of_int(42)), "42.00");
  EXPECT_EQ(canon(Value::of_int(-7)), "-7.00");
  EXPECT_EQ(canon(Value::of_double(42)), "42.00");
  EXPECT_EQ(canon(text("42")), "42.00");
  EXPECT_EQ(canon(text("42.0000")), "42.00");
  EXPECT_EQ(canon(Value::of_int(9223372036854775807)), "9223372036854775807.00");
}

TEST(CanonicalValue, RoundsHalfAwayFromZero) {
  EXPECT_EQ(canon(text("2.345")), "2.35");
  EXPECT_EQ(canon(text("2.344999")), "2.34");
  EXPECT_EQ(canon(text("-2.345")), "-2.35");
  EXPECT_EQ(canon(text("9.995")), "10.00");
  EXPECT_EQ(canon(text("-999.999")), "-1000.00");
  EXPECT_EQ(canon(Value::of_double(0.125)), "0.13");
  EXPECT_EQ(canon(Value::of_double(-0.125)), "-0.13");
}

TEST(CanonicalValue, BinaryNoiseDoesNotDecideTheRounding) {
  // 0.125 computed in floating point on one engine, exactly in decimal on another.
  EXPECT_EQ(canon(Value::of_double(0.12499999999999999)), canon(text("0.125")));
  EXPECT_EQ(canon(Value::of_double(1.0 / 3 * 3 * 0.145)), canon(text("0.145")));
  EXPECT_EQ(canon(text("0.1249999999999999")), "0.13");
  // A real difference in the sixth decimal still counts.
  EXPECT_EQ(canon(text("0.124999")), "0.12");
}

TEST(CanonicalValue, NumericTextFromOneEngineEqualsANumberFromAnother) {
  EXPECT_EQ(canon(text("155.1750436835891381")), canon(Value::of_double(155.175044)));
  EXPECT_EQ(canon(text("657166.31")), canon(Value::of_double(657166.31)));
  EXPECT_EQ(canon(text("+3.")), "3.00");
  EXPECT_EQ(canon(text(".5")), "0.50");
}

TEST(CanonicalValue, NoMinusZero) {
  EXPECT_EQ(canon(text("-0.001")), "0.00");
  EXPECT_EQ(canon(Value::of_double(-0.0)), "0.00");
  EXPECT_EQ(canon(text("-0")), "0.00");
}

TEST(CanonicalValue, OtherTextStaysAsItIsWithoutTrailingBlanks) {
  EXPECT_EQ(canon(text("JAPAN                    ")), "JAPAN");  // CHAR(25) on PostgreSQL
  EXPECT_EQ(canon(text("  lead")), "  lead");
  EXPECT_EQ(canon(text("1995-03-15")), "1995-03-15");
  EXPECT_EQ(canon(text("1e5")), "1e5");
  EXPECT_EQ(canon(text("12 ")), "12.00");
  EXPECT_EQ(canon(text("1.2.3")), "1.2.3");
  EXPECT_EQ(canon(text("-")), "-");
}

TEST(CanonicalValue, NullIsNotTheEmptyText) {
  EXPECT_FALSE(canonical_value(Value()).has_value());
  ASSERT_TRUE(canonical_value(text("")).has_value());
  EXPECT_EQ(*canonical_value(text("")), "");
  EXPECT_EQ(canon(text("   ")), "");
}

TEST(CanonicalValue, NonFiniteDoubles) {
  EXPECT_EQ(canon(Value::of_double(std::numeric_limits<double>::infinity())), "Infinity");
  EXPECT_EQ(canon(Value::of_double(-std::numeric_limits<double>::infinity())), "-Infinity");
  EXPECT_EQ(canon(Value::of_double(std::numeric_limits<double>::quiet_NaN())), "NaN");
}

// ---------------------------------------------------------------- checksums

engine::ResultBuffer answer(int columns, std::vector<Value> cells) {
  engine::ResultBuffer r;
  r.columns = columns;
  r.rows = static_cast<int>(cells.size()) / columns;
  r.cells = std::move(cells);
  return r;
}

TEST(AnswerChecksum, IsTheSameForTheSameAnswerTypedDifferently) {
  // PostgreSQL: bigint, numeric; MariaDB over ODBC: DECIMAL as double, CHAR without padding.
  auto pg = answer(3, {Value::of_int(1), Value::of_double(10.5), text("A    "),  //
                       Value::of_int(2), Value::of_double(0.125), text("B    ")});
  auto my = answer(3, {Value::of_double(1), text("10.50"), text("A"),  //
                       text("2"), text("0.1250"), text("B")});
  EXPECT_EQ(answer_checksum(pg, true), answer_checksum(my, true));
  EXPECT_EQ(answer_checksum(pg, true).size(), 64u);
}

TEST(AnswerChecksum, OrderedAnswersDifferByOrderUnorderedOnesDoNot) {
  auto a = answer(1, {text("x"), text("y")});
  auto b = answer(1, {text("y"), text("x")});
  EXPECT_NE(answer_checksum(a, true), answer_checksum(b, true));
  EXPECT_EQ(answer_checksum(a, false), answer_checksum(b, false));
}

TEST(AnswerChecksum, TellsNullFromEmptyAndCellsApart) {
  EXPECT_NE(answer_checksum(answer(1, {Value()}), true), answer_checksum(answer(1, {text("")}), true));
  // The same characters split differently between cells.
  EXPECT_NE(answer_checksum(answer(2, {text("ab"), text("c")}), true),
            answer_checksum(answer(2, {text("a"), text("bc")}), true));
  // The same cells in rows of another width.
  EXPECT_NE(answer_checksum(answer(2, {text("a"), text("b"), text("c"), text("d")}), true),
            answer_checksum(answer(4, {text("a"), text("b"), text("c"), text("d")}), true));
}

TEST(AnswerChecksum, ChangesWithAValueBeyondRounding) {
  auto a = answer(1, {Value::of_double(657166.31)});
  auto b = answer(1, {Value::of_double(657166.32)});
  auto c = answer(1, {Value::of_double(657166.3149)});
  EXPECT_NE(answer_checksum(a, true), answer_checksum(b, true));
  EXPECT_EQ(answer_checksum(a, true), answer_checksum(c, true));
}

TEST(AnswerChecksum, OfNoRowsDependsOnlyOnTheColumns) {
  EXPECT_EQ(answer_checksum(answer(2, {}), true), answer_checksum(answer(2, {}), false));
  EXPECT_NE(answer_checksum(answer(2, {}), true), answer_checksum(answer(3, {}), true));
}

TEST(AnswerChecksum, ReadsOnlyTheAnswersRowsFromALargerBuffer) {
  // A buffer reused from a longer answer keeps stale cells past rows.
  auto a = answer(1, {text("x"), text("stale")});
  a.rows = 1;
  EXPECT_EQ(answer_checksum(a, false), answer_checksum(answer(1, {text("x")}), false));
}

// ---------------------------------------------------------------- stream orders

TEST(StreamOrder, StreamZeroRunsTheFileOrder) {
  EXPECT_EQ(stream_order(5, 1, 0), (std::vector<size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(stream_order(5, 99, 0), (std::vector<size_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(stream_order(0, 1, 3).empty());
}

TEST(StreamOrder, OtherStreamsArePermutationsSeededBySeedAndStream) {
  for (int stream = 1; stream <= 20; ++stream) {
    auto order = stream_order(22, 1, stream);
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, stream_order(22, 1, 0)) << "stream " << stream;
    EXPECT_EQ(order, stream_order(22, 1, stream)) << "the same seed and stream give the same order";
  }
  std::set<std::vector<size_t>> distinct;
  for (int stream = 1; stream <= 20; ++stream) distinct.insert(stream_order(22, 1, stream));
  EXPECT_EQ(distinct.size(), 20u);
  EXPECT_NE(stream_order(22, 1, 1), stream_order(22, 2, 1));
  EXPECT_NE(stream_order(22, 1, 1), stream_order(22, 1, 0));
}

TEST(StreamOrder, EveryQueryGetsEveryPlaceAboutEquallyOften) {
  // 4 queries over 4000 streams: each (query, place) about 1000 times.
  int count[4][4] = {};
  for (int stream = 1; stream <= 4000; ++stream) {
    auto order = stream_order(4, 7, stream);
    for (size_t place = 0; place < 4; ++place) ++count[order[place]][place];
  }
  for (auto& q : count)
    for (int c : q) EXPECT_NEAR(c, 1000, 120);
}

}  // namespace
}  // namespace oltap::run
