// The native MariaDB driver's server-free parts: how failures are worded and
// classified (the same as the ODBC path's), and which driver ?driver= picks.
#include "engine/mariadb/mariadb_errors.h"

#include <gtest/gtest.h>

namespace oltap::engine::mariadb {
namespace {

TEST(MariaDbErrors, DeadlocksAndLockWaitsAreRetryable) {
  EXPECT_EQ(classify(1213, "40001"), Status::kRetryable);
  EXPECT_EQ(classify(1205, "HY000"), Status::kRetryable);
  EXPECT_EQ(classify(9999, "40001"), Status::kRetryable);
}

TEST(MariaDbErrors, ALostConnectionIsNotFatal) {
  for (unsigned code : {2006u, 2013u, 2055u, 1927u, 1053u, 4031u})
    EXPECT_EQ(classify(code, "HY000"), Status::kConnectionLost) << code;
  EXPECT_EQ(classify(1040, "08004"), Status::kConnectionLost);
}

TEST(MariaDbErrors, TheRestIsFatal) {
  EXPECT_EQ(classify(1146, "42S02"), Status::kFatal);  // no such table
  EXPECT_EQ(classify(1062, "23000"), Status::kFatal);  // duplicate key
  EXPECT_EQ(classify(1317, "70100"), Status::kFatal);  // interrupted (KILL QUERY)
}

TEST(MariaDbErrors, MessagesReadAsTheOdbcPaths) {
  EXPECT_EQ(diagnostic(1146, "42S02", "Table 'x.t' doesn't exist\n"),
            "SQLSTATE 42S02: Table 'x.t' doesn't exist (native code 1146)");
}

TEST(MariaDbTargets, TheDriverOptionPicksTheEngine) {
  EXPECT_EQ(parse_target("mysql://u@h/d").engine, "mariadb");
  EXPECT_EQ(parse_target("mysql://u@h/d?driver=native").engine, "mariadb");
  EXPECT_EQ(parse_target("mariadb://u@h/d?driver=NATIVE").engine, "mariadb");
  EXPECT_EQ(parse_target("mariadb://u@h/d?driver=odbc").engine, "odbc");
  EXPECT_EQ(parse_target("mysql://u@h/d?driver=native").redacted(), "mysql://u@h:3306/d?driver=native");
  EXPECT_THROW(parse_target("mysql://u@h/d?driver=jdbc"), Error);
  // odbc:// targets pass Driver= on to the driver manager, as before.
  EXPECT_EQ(parse_target("odbc://dsn?driver=x").engine, "odbc");
}

}  // namespace
}  // namespace oltap::engine::mariadb
