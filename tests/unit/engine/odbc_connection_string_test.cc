// Pins down the ODBC driver's pure parts (engine/odbc/connection_string.h):
// the connection string each kind of target becomes, which installed driver
// a mysql:// or redshift:// target picks, that a driver which is not
// installed is bad input naming the installed ones, how diagnostics are
// classified (retryable, connection lost, fatal) and worded, and the SQL
// literals of the multi-row INSERT bulk path. No database, no driver manager.
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/odbc/connection_string.h"

namespace oltap::engine::odbc {
namespace {

const std::vector<std::string> kInstalled = {"PostgreSQL ANSI", "PostgreSQL Unicode", "MariaDB Unicode"};

// Parses uri with OLTAP_PASSWORD unset, so only the URI's password counts.
Target target(const std::string& uri) {
  std::optional<std::string> saved;
  if (const char* p = std::getenv("OLTAP_PASSWORD")) saved = p;
  unsetenv("OLTAP_PASSWORD");
  Target t = parse_target(uri);
  if (saved) setenv("OLTAP_PASSWORD", saved->c_str(), 1);
  return t;
}

ErrorClass class_of_build(const std::string& uri, const std::vector<std::string>& installed,
                          std::string& msg) {
  try {
    build_connection_string(target(uri), installed);
  } catch (const Error& e) {
    msg = e.what();
    return e.error_class();
  }
  ADD_FAILURE() << uri << " built a connection string";
  return ErrorClass::kFatal;
}

TEST(OdbcConnectionString, MysqlUriUsesTheMariaDbDriverWithEveryPart) {
  EXPECT_EQ(build_connection_string(target("mysql://bob:s3cret@db.example:3307/shop"), kInstalled),
            "Driver={MariaDB Unicode};Server=db.example;Port=3307;Database=shop;Uid=bob;Pwd=s3cret;");
}

TEST(OdbcConnectionString, MariadbSchemeAndDefaultPortAndNoPassword) {
  EXPECT_EQ(build_connection_string(target("mariadb://oltap@127.0.0.1/oltap"), kInstalled),
            "Driver={MariaDB Unicode};Server=127.0.0.1;Port=3306;Database=oltap;Uid=oltap;");
}

TEST(OdbcConnectionString, DriverOdbcIsOursNotTheDrivers) {
  EXPECT_EQ(build_connection_string(target("mariadb://oltap@127.0.0.1/oltap?driver=odbc&sslca=/ca.pem"),
                                    kInstalled),
            "Driver={MariaDB Unicode};Server=127.0.0.1;Port=3306;Database=oltap;Uid=oltap;sslca=/ca.pem;");
}

TEST(OdbcConnectionString, MysqlPrefersMariaDbUnicodeThenAnyMariaDbOrMysqlDriver) {
  Target t = target("mysql://u@h/d");
  EXPECT_EQ(pick_driver(t, {"MySQL ODBC 8.0 ANSI Driver", "MariaDB Unicode"}), "MariaDB Unicode");
  EXPECT_EQ(pick_driver(t, {"PostgreSQL Unicode", "MySQL ODBC 8.0 Unicode Driver"}),
            "MySQL ODBC 8.0 Unicode Driver");
  EXPECT_EQ(pick_driver(t, {"MariaDB ODBC 3.1 Driver"}), "MariaDB ODBC 3.1 Driver");
}

TEST(OdbcConnectionString, MysqlWithoutAnyFittingDriverIsBadInputListingTheInstalledOnes) {
  std::string msg;
  EXPECT_EQ(class_of_build("mysql://u@h/d", {"PostgreSQL Unicode"}, msg), ErrorClass::kBadInput);
  EXPECT_NE(msg.find("PostgreSQL Unicode"), std::string::npos) << msg;
}

TEST(OdbcConnectionString, RedshiftPrefersAmazonsDriverElsePsqlOdbc) {
  Target t = target("redshift://awsuser:pw123@cluster.example:5439/dev");
  EXPECT_EQ(
      build_connection_string(t, kInstalled),
      "Driver={PostgreSQL Unicode};Server=cluster.example;Port=5439;Database=dev;Uid=awsuser;Pwd=pw123;");
  std::vector<std::string> with_amazon = kInstalled;
  with_amazon.push_back("Amazon Redshift (x64)");
  EXPECT_EQ(pick_driver(t, with_amazon), "Amazon Redshift (x64)");
  EXPECT_EQ(t.dialect, "redshift");
}

TEST(OdbcConnectionString, DsnUriBecomesDsnWithUserAndPassword) {
  EXPECT_EQ(build_connection_string(target("odbc://bob:pw1@WarehouseDSN"), kInstalled),
            "DSN=WarehouseDSN;Uid=bob;Pwd=pw1;");
  EXPECT_EQ(build_connection_string(target("odbc://WarehouseDSN"), kInstalled), "DSN=WarehouseDSN;");
}

TEST(OdbcConnectionString, ConnectionStringPassesAsGivenPlusItsPassword) {
  // The stack's warehouse string: the dialect entry is ours and stripped.
  Target t = target(
      "odbc:Driver={PostgreSQL "
      "Unicode};Server=127.0.0.1;Port=54329;Database=warehouse;Uid=oltap;dialect=redshift");
  EXPECT_EQ(t.dialect, "redshift");
  EXPECT_EQ(build_connection_string(t, kInstalled),
            "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=54329;Database=warehouse;Uid=oltap;");
  Target with_pw = target("odbc:Driver={PostgreSQL Unicode};Server=h;Pwd=p;w{d}");
  EXPECT_EQ(with_pw.password, "p");  // uri.cc splits on ';' before we see it
  EXPECT_EQ(build_connection_string(with_pw, kInstalled), "Driver={PostgreSQL Unicode};Server=h;w{d};PWD=p;");
}

TEST(OdbcConnectionString, DriverNamesMatchWithoutBracesOrCase) {
  EXPECT_NO_THROW(build_connection_string(target("odbc:Driver=postgresql unicode;Server=h"), kInstalled));
  // A path to the driver library is unixODBC's to check.
  EXPECT_NO_THROW(build_connection_string(target("odbc:Driver=/usr/lib/libmaodbc.so;Server=h"), kInstalled));
}

TEST(OdbcConnectionString, UnknownDriverIsBadInputListingTheInstalledDrivers) {
  std::string msg;
  EXPECT_EQ(class_of_build("odbc:Driver={Oracle 21 ODBC driver};Server=h;Pwd=hunter22", kInstalled, msg),
            ErrorClass::kBadInput);
  EXPECT_NE(msg.find("Oracle 21 ODBC driver"), std::string::npos) << msg;
  for (const auto& d : kInstalled) EXPECT_NE(msg.find(d), std::string::npos) << msg;
  EXPECT_EQ(msg.find("hunter22"), std::string::npos) << msg;
}

TEST(OdbcConnectionString, ValuesWithSpecialCharactersAreBraced) {
  EXPECT_EQ(attribute_value("plain"), "plain");
  EXPECT_EQ(attribute_value("a;b"), "{a;b}");
  EXPECT_EQ(attribute_value("x}y"), "{x}}y}");
  EXPECT_EQ(attribute_value("a=b"), "{a=b}");
  EXPECT_EQ(build_connection_string(target("mysql://u:p%3Bq%7D@h:1/d"), kInstalled),
            "Driver={MariaDB Unicode};Server=h;Port=1;Database=d;Uid=u;Pwd={p;q}}};");
}

// Found by fuzzing (fuzz/corpus/target/regression-edge-tab): a value with a
// tab (or a line end) at an edge went unbraced and read back trimmed.
TEST(OdbcConnectionString, EdgeWhiteSpaceOfAnyKindIsBraced) {
  for (const char* v : {"ot\t", "\tx", "x\n", "\ry", " z"}) {
    EXPECT_EQ(attribute_value(v).front(), '{') << v;
    EXPECT_EQ(connection_string_value("K=" + attribute_value(v) + ";", "k"), v);
  }
}

// Braces open only right after '=': "a{b" is text and hides no later entry.
TEST(OdbcConnectionString, BracesOpenOnlyAtTheStartOfAValue) {
  std::vector<std::string> want = {"Driver=a{b", "PWD=x", "Server={h;i}"};
  EXPECT_EQ(split_connection_string("Driver=a{b;PWD=x;Server={h;i}"), want);
  bool unclosed = false;
  want = {"Driver={a", "PWD=x"};
  EXPECT_EQ(split_connection_string("Driver={a;PWD=x", &unclosed), want);
  EXPECT_TRUE(unclosed);
  split_connection_string("Driver={a}};b};PWD=x", &unclosed);
  EXPECT_FALSE(unclosed);
  EXPECT_EQ(unbraced_value("{x}}y}"), "x}y");
  EXPECT_EQ(unbraced_value("x}}y"), "x}}y");
}

TEST(OdbcConnectionString, SplitAndLookUpRespectBraces) {
  std::vector<std::string> want = {"Driver={A;B}", "Pwd={x}};y}", "Port=1"};
  EXPECT_EQ(split_connection_string("Driver={A;B};Pwd={x}};y};;Port=1;"), want);
  EXPECT_EQ(connection_string_value("Driver={A;B};pwd={x}};y}", "PWD"), "x};y");
  EXPECT_EQ(connection_string_value("Driver={A;B}", "Server"), "");
}

TEST(OdbcConnectionString, OptionsPassThroughButOursStayOut) {
  EXPECT_EQ(build_connection_string(target("mysql://u@h:1/d?SSLMODE=REQUIRED&bulk=values&dialect=mysql"),
                                    kInstalled),
            "Driver={MariaDB Unicode};Server=h;Port=1;Database=d;Uid=u;SSLMODE=REQUIRED;");
  EXPECT_EQ(*requested_bulk_method(target("mysql://u@h:1/d?bulk=values")), BulkMethod::kMultiRowInsert);
  EXPECT_EQ(*requested_bulk_method(target("odbc:Driver=x;bulk=array")), BulkMethod::kParamArrays);
  EXPECT_EQ(build_connection_string(target("odbc:DSN=x;bulk=array"), kInstalled), "DSN=x;");
  EXPECT_EQ(requested_bulk_method(target("mysql://u@h:1/d")), nullptr);
  EXPECT_THROW(requested_bulk_method(target("mysql://u@h:1/d?bulk=copy")), Error);
}

TEST(OdbcDialect, ComesFromTheDbmsName) {
  EXPECT_EQ(dialect_of_dbms("PostgreSQL"), "postgres");
  EXPECT_EQ(dialect_of_dbms("MariaDB"), "mysql");
  EXPECT_EQ(dialect_of_dbms("MySQL"), "mysql");
  EXPECT_EQ(dialect_of_dbms("SQLite"), "sqlite");
  EXPECT_EQ(dialect_of_dbms("Redshift"), "redshift");
  EXPECT_EQ(dialect_of_dbms("Amazon Redshift"), "redshift");
  EXPECT_EQ(dialect_of_dbms("Oracle"), "oracle");
}

TEST(OdbcClassify, SerializationFailuresAndDeadlocksAreRetryable) {
  EXPECT_EQ(classify("40001", 0, false), Status::kRetryable);
  EXPECT_EQ(classify("40P01", 7, false), Status::kRetryable);
  EXPECT_EQ(classify("40001", 1213, true), Status::kRetryable);  // MariaDB deadlock
  EXPECT_EQ(classify("HY000", 1205, true), Status::kRetryable);  // lock wait timeout
}

TEST(OdbcClassify, MysqlNativeCodesCountOnlyForMysql) {
  EXPECT_EQ(classify("HY000", 1205, false), Status::kFatal);
  EXPECT_EQ(classify("HY000", 2013, false), Status::kFatal);
  EXPECT_EQ(classify("HY000", 2013, true), Status::kConnectionLost);
  EXPECT_EQ(classify("HY000", 2006, true), Status::kConnectionLost);
}

TEST(OdbcClassify, ConnectionClassIsConnectionLostAndTheRestFatal) {
  EXPECT_EQ(classify("08S01", 0, true), Status::kConnectionLost);
  EXPECT_EQ(classify("08001", 0, false), Status::kConnectionLost);
  EXPECT_EQ(classify("57P01", 0, false), Status::kConnectionLost);
  EXPECT_EQ(classify("42000", 1064, true), Status::kFatal);
  EXPECT_EQ(classify("23505", 1, false), Status::kFatal);
  EXPECT_EQ(classify("", 0, false), Status::kFatal);
}

TEST(OdbcDiagnostic, NamesSqlstateMessageAndNativeCode) {
  EXPECT_EQ(format_diagnostic("42S02", " [ma-3.1.15]Table 'x.t' doesn't exist ", 1146),
            "SQLSTATE 42S02: [ma-3.1.15]Table 'x.t' doesn't exist (native code 1146)");
}

TEST(OdbcSqlLiteral, QuotesTextPerDialect) {
  std::string out;
  append_sql_literal(out, Value::of_text("it's a\\b"), "mysql");
  EXPECT_EQ(out, "'it''s a\\\\b'");
  out.clear();
  append_sql_literal(out, Value::of_text("it's a\\b"), "postgres");
  EXPECT_EQ(out, "'it''s a\\b'");
  out.clear();
  append_sql_literal(out, Value(), "postgres");
  out += ',';
  append_sql_literal(out, Value::of_int(-42), "postgres");
  out += ',';
  append_sql_literal(out, Value::of_double(0.5), "mysql");
  EXPECT_EQ(out, "NULL,-42,0.5");
}

}  // namespace
}  // namespace oltap::engine::odbc
