// Value's numeric views at the edges: as_int of a double beyond int64's
// range (or NaN) is a bound (0), never the undefined behaviour of a cast.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "common/common.h"

namespace oltap {
namespace {

TEST(Value, AsIntTruncatesDoublesTowardZero) {
  EXPECT_EQ(Value::of_double(2.9).as_int(), 2);
  EXPECT_EQ(Value::of_double(-2.9).as_int(), -2);
  EXPECT_EQ(Value::of_double(9007199254740993.0).as_int(), 9007199254740992);  // the double's own value
}

TEST(Value, AsIntClampsWhatInt64CannotHold) {
  EXPECT_EQ(Value::of_double(1e19).as_int(), INT64_MAX);
  EXPECT_EQ(Value::of_double(9223372036854775808.0).as_int(), INT64_MAX);
  EXPECT_EQ(Value::of_double(-1e19).as_int(), INT64_MIN);
  EXPECT_EQ(Value::of_double(-9223372036854775808.0).as_int(), INT64_MIN);
  EXPECT_EQ(Value::of_double(std::numeric_limits<double>::infinity()).as_int(), INT64_MAX);
  EXPECT_EQ(Value::of_double(-std::numeric_limits<double>::infinity()).as_int(), INT64_MIN);
  EXPECT_EQ(Value::of_double(std::nan("")).as_int(), 0);
  EXPECT_EQ(Value::of_text("99999999999999999999").as_int(), INT64_MAX);
  EXPECT_EQ(Value::of_text("-99999999999999999999").as_int(), INT64_MIN);
  EXPECT_EQ(Value::of_text("12abc").as_int(), 12);
}

}  // namespace
}  // namespace oltap
