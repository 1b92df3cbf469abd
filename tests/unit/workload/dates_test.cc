// Pins down the day numbers of `date:` columns: text and days convert both
// ways across leap years and centuries, and what is not a date is refused.
#include <gtest/gtest.h>

#include <string>

#include "workload/workload.h"

namespace oltap::workload {
namespace {

std::string date_of(int64_t days) {
  std::string s;
  write_date(days, s);
  return s;
}

TEST(Dates, DaysCountFrom1970) {
  EXPECT_EQ(parse_date_days("1970-01-01"), 0);
  EXPECT_EQ(parse_date_days("1970-01-02"), 1);
  EXPECT_EQ(parse_date_days("1969-12-31"), -1);
  EXPECT_EQ(parse_date_days("1992-01-01"), 8035);
  // TPC-H's CURRENTDATE and ENDDATE, 1263 and 2556 days after STARTDATE.
  EXPECT_EQ(*parse_date_days("1995-06-17") - *parse_date_days("1992-01-01"), 1263);
  EXPECT_EQ(*parse_date_days("1998-12-31") - *parse_date_days("1992-01-01"), 2556);
}

TEST(Dates, TextAndDaysRoundTripAcrossLeapDays) {
  for (const char* d : {"1992-02-29", "1992-03-01", "1996-12-31", "2000-02-29", "2100-03-01", "1900-02-28",
                        "0001-01-01", "9999-12-31"})
    EXPECT_EQ(date_of(*parse_date_days(d)), d);
  for (int64_t days = -719000; days < 2900000; days += 997) {  // years 1 to 9999
    const std::string text = date_of(days);
    ASSERT_EQ(parse_date_days(text), days) << text;
  }
  EXPECT_EQ(date_of(8035 + 2405), "1998-08-02");
}

TEST(Dates, WhatIsNotADateIsRefused) {
  for (const char* bad : {"1993-02-29", "1900-02-29", "1992-13-01", "1992-00-10", "1992-04-31", "1992-1-01",
                          "92-01-01", "1992/01/01", "", "1992-01-01 00:00:00"})
    EXPECT_FALSE(parse_date_days(bad).has_value()) << bad;
}

}  // namespace
}  // namespace oltap::workload
