// The parts of the ODBC driver that need no driver manager: building the
// connection string a Target stands for, naming the SQL dialect of a DBMS,
// classifying diagnostics into Status, and writing SQL literals for the
// multi-row INSERT bulk path. Private to the engine module; kept apart from
// odbc_driver.cc so that unit tests pin them down without a database.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/engine.h"

namespace oltap::engine::odbc {

// The driver a mysql:// or mariadb:// target prefers, if unixODBC has it.
inline constexpr std::string_view kPreferredMysqlDriver = "MariaDB Unicode";
// The driver a redshift:// target falls back to without Amazon's own.
inline constexpr std::string_view kPostgresDriver = "PostgreSQL Unicode";
// Target option (?bulk= or bulk= in a connection string) that overrides the
// bulk path the driver would use: "array" or "values". Ours, never sent to
// the driver.
inline constexpr std::string_view kBulkOption = "bulk";

// How bulk_load sends rows.
enum class BulkMethod {
  kParamArrays,     // one prepared INSERT executed with SQL_ATTR_PARAMSET_SIZE rows of parameters
  kMultiRowInsert,  // INSERT ... VALUES (...),(...) built as one text
};

// A connection-string value as the driver reads it: in braces (with '}'
// doubled) when it holds ';', '{', '}', '=' or edge spaces, else as it is.
std::string attribute_value(std::string_view v);

// The entries of a connection string, split on ';' outside braces; each as
// written ("Driver={PostgreSQL Unicode}"); blank entries dropped. A value is
// in braces only when its '{' comes right after the '=' ("Driver=a{b" is
// text, as the driver reads it), '}}' inside is a '}'. A '{' never closed
// quotes nothing (the entry ends at the next ';'), and sets *unclosed_brace.
std::vector<std::string> split_connection_string(std::string_view s, bool* unclosed_brace = nullptr);

// A value as written ("{x}}y}") as the driver reads it ("x}y"): the braces
// removed and '}}' undoubled; a value not in braces as it is.
std::string unbraced_value(std::string_view v);

// The value of key (case-insensitive) in a connection string, braces
// removed ("" when absent).
std::string connection_string_value(std::string_view s, std::string_view key);

// The driver for a mysql/mariadb (MariaDB Unicode, else any name with
// MariaDB or MySQL) or redshift (a name with Redshift, else PostgreSQL
// Unicode) target among the installed ones; throws Error(kBadInput) listing
// them when none fits.
std::string pick_driver(const Target& t, const std::vector<std::string>& installed);

// The connection string target stands for, password included: never print
// it. installed: the driver names unixODBC lists (SQLDrivers). Throws
// Error(kBadInput), listing the installed drivers, when the string names a
// driver that is not installed.
std::string build_connection_string(const Target& t, const std::vector<std::string>& installed);

// The bulk path the target asks for with ?bulk=array|values; nullptr when it
// does not. Throws Error(kBadInput) for any other value.
const BulkMethod* requested_bulk_method(const Target& t);

// The dialect of a DBMS by its SQL_DBMS_NAME: postgres, mysql, sqlite,
// redshift; else the name in lower case.
std::string dialect_of_dbms(std::string_view dbms_name);

// The class of a failure by its SQLSTATE and native error code. mysql: the
// native codes are MySQL/MariaDB error numbers (1213 deadlock, 1205 lock wait
// timeout: retryable; 2006, 2013: connection gone); other drivers' native
// codes mean nothing portable and are not looked at.
Status classify(std::string_view sqlstate, long native_code, bool mysql);

// "SQLSTATE 42000: <message> (native code 1064)", the form every ODBC
// failure is reported in.
std::string format_diagnostic(std::string_view sqlstate, std::string_view message, long native_code);

// Appends v as an SQL literal of dialect (mysql doubles backslashes too) for
// INSERT ... VALUES text.
void append_sql_literal(std::string& out, const Value& v, std::string_view dialect);

}  // namespace oltap::engine::odbc
