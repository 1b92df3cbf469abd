// Engines: the one interface through which oltap talks to a database, and
// one implementation per engine in a subfolder (postgres/ today). A Target is
// a parsed URI; connect() picks the driver by its scheme. Statements are
// prepared once and executed many times with typed parameters; execute()
// reports failures as a return value so the per-transaction path does not
// unwind exceptions for expected outcomes (a serialization failure).
//
// This module knows nothing of YAML, threads or histograms.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/common.h"

namespace oltap::engine {

// Seconds a connect may take (TCP, TLS, login, the first round trip) before
// it fails with Error(kUnreachable); a target changes it with
// ?connect_timeout=N (or a connect_timeout=N entry of an odbc: string).
inline constexpr int kDefaultConnectTimeoutS = 10;
inline constexpr std::string_view kConnectTimeoutOption = "connect_timeout";
// mysql:// and mariadb:// targets: ?driver=native (MariaDB Connector/C, the
// default) or ?driver=odbc (MariaDB Connector/ODBC).
inline constexpr std::string_view kDriverOption = "driver";

// A parsed target URI. Its password is kept apart and never printed:
// redacted() is the form for messages, logs and result files.
struct Target {
  std::string uri;      // as given (may hold a password: never print it)
  std::string scheme;   // postgresql, mysql, redshift, odbc, redis
  std::string engine;   // postgres, odbc, mariadb, redis: the driver that serves it
  std::string dialect;  // postgres, mysql, redshift, sqlite
  std::string user;
  std::string password;
  std::string host;
  int port = 0;
  std::string database;
  std::map<std::string, std::string> options;  // ?key=value
  std::string dsn;                             // odbc://DSN, or DSN= of a connection string
  std::string connection_string;               // odbc:<connection string>, without its password and dialect
  int connect_timeout_s = kDefaultConnectTimeoutS;  // whole seconds, at least 1
  // A name given with LABEL=URI: what results key the target's rows by, so
  // the same role on another host or URI still matches. Empty: none.
  std::string label;
  std::string redacted() const;
  // What rows and messages call the target: its label, else redacted().
  std::string name() const { return label.empty() ? redacted() : label; }
  // For messages that say where a run goes: "pg (postgresql://...)", or redacted().
  std::string shown() const { return label.empty() ? redacted() : label + " (" + redacted() + ")"; }
};

// Parses a target URI; throws Error(kBadInput) naming what is wrong.
Target parse_target(std::string_view uri);
// The form of a target text that may be printed, whether it parses or not:
// parse_target(text).redacted(), or else the text without anything that may
// be a password (a URI's user part and query, an odbc: string's PWD,
// Password and Pass entries). Never throws for a bad target.
std::string redact_target(std::string_view text);
// A target argument that may be named: "LABEL=URI", LABEL of
// [A-Za-z0-9_.-] only. It is named when an '=' comes before the URI's
// scheme (before any ':'), so a URI's own '=' (?sslmode=, an odbc: string's
// entries) never reads as a label. Throws Error(kBadInput) for a bad label or URI.
Target parse_named_target(std::string_view text);
// redact_target() of a target argument that may be named: "LABEL=" kept,
// the URI redacted. Never throws.
std::string redact_named_target(std::string_view text);
// Whether text may be a label: non-empty, [A-Za-z0-9_.-] only.
bool valid_target_label(std::string_view text);

// Schemes connect() understands, for messages and `oltap list`.
std::vector<std::string> known_schemes();

// How a statement or transaction ended.
enum class Status : uint8_t {
  kOk,
  kRetryable,       // serialization failure, deadlock: the transaction may be retried
  kConnectionLost,  // the connection is gone; reconnect before going on
  kFatal,           // any other error: a bad statement, a constraint violation
};

// Rows a statement returned, copied into reusable Values so that reading a
// result does not allocate once the buffers have grown.
struct ResultBuffer {
  int rows = 0;  // rows the statement returned (all of them, even past max_rows)
  int columns = 0;
  int64_t affected = 0;      // rows changed by an INSERT/UPDATE/DELETE
  std::vector<Value> cells;  // the first kept rows, row-major: cells[r * columns + c]
  const Value& at(int row, int col) const { return cells[static_cast<size_t>(row) * columns + col]; }
};

// What a bulk load fills. SQL engines load `table`'s `columns`; key-value
// engines (Redis) write one key per row, named by `key` (a template such as
// "user:{id}" over the columns): a hash of every column, or a plain string
// holding `value_column` when that is set.
struct BulkSpec {
  std::string table;
  std::vector<std::string> columns;
  std::string key;           // key-value engines only
  std::string value_column;  // key-value engines only; empty: a hash per row
  // Key-value engines only: a sorted set that also gets every key, scored by
  // the row's first column, for ordered scans (YCSB's workload E).
  std::string index;
  // This call loads the whole (empty) table alone: an engine may empty it in
  // the same transaction and write the rows already frozen (PostgreSQL:
  // TRUNCATE + COPY FREEZE, which with wal_level=minimal also skips the WAL).
  bool whole_table = false;
};

// What kind of commands an engine takes.
enum class Kind : uint8_t { kSql, kKeyValue };

// A batch of rows for bulk loading, row-major like ResultBuffer.
struct RowBatch {
  int columns = 0;
  size_t rows = 0;
  std::vector<Value> cells;
  void clear() { rows = 0; }
};

// One session with a database. Not thread-safe: each client owns one.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual Kind kind() const noexcept { return Kind::kSql; }
  // The SQL dialect this session speaks (postgres, mysql, redshift, sqlite),
  // or the engine's name for key-value engines ("redis").
  virtual std::string dialect() const = 0;

  // Prepares sql, whose parameters are :name placeholders, on the server.
  // Returns its id for execute(); param_names receives the names in the
  // order execute() wants their values. Throws Error on failure.
  // Key-value engines throw Error(kBadInput).
  virtual int prepare(const std::string& sql, std::vector<std::string>& param_names) = 0;
  // Prepares a key-value command: args such as {"HGETALL", "user:{id}"},
  // where {name} stands for a parameter's value. Same contract as prepare();
  // SQL engines throw Error(kBadInput).
  virtual int prepare_command(const std::vector<std::string>& args, std::vector<std::string>& param_names);
  // Runs prepared statement id with params (as many as param_names had).
  // Keeps up to keep_rows rows in out when out is not null.
  virtual Status execute(int id, const Value* const* params, ResultBuffer* out, int keep_rows) noexcept = 0;
  // Pipelining (key-value engines): send() queues a prepared statement
  // without waiting; receive() reads the replies in the order sent. An engine
  // that does not pipeline returns false from can_pipeline().
  virtual bool can_pipeline() const noexcept { return false; }
  virtual Status send(int id, const Value* const* params) noexcept;
  virtual Status receive(ResultBuffer* out, int keep_rows) noexcept;
  // The same without blocking, so one thread can serve many connections
  // with poll(): socket() to wait on, flush() writes what send() queued,
  // read_arrived() takes in what the socket holds (call it when readable),
  // try_receive() returns a reply already read, or sets got = false.
  // can_share_thread(): these work, with one command in flight at a time
  // when the engine does not pipeline (MariaDB's non-blocking API).
  // reply_ready(): a reply came in while sending (Connector/C reads as soon
  // as it has written), so try_receive() has it with nothing to poll for.
  virtual bool can_share_thread() const noexcept { return can_pipeline(); }
  virtual bool reply_ready() const noexcept { return false; }
  virtual int socket() const noexcept { return -1; }
  virtual Status flush() noexcept { return Status::kFatal; }
  virtual Status read_arrived() noexcept { return Status::kFatal; }
  virtual Status try_receive(ResultBuffer* out, int keep_rows, bool& got) noexcept;

  // Runs sql once as it is: one statement, unprepared and without parameters
  // (an analytical query, or a statement that creates what the next one uses,
  // as TPC-H Q15's view). Reads every row the statement returns; out gets
  // their count and keeps up to keep_rows of them, and columns = 0 when the
  // statement returns no rows at all (DDL). Autocommit. Key-value engines
  // return kFatal.
  virtual Status execute_text(const std::string& sql, ResultBuffer* out, int keep_rows) noexcept;
  // Asks the server to stop the statement this connection is running (the
  // running call then fails). The one method another thread may call while
  // the connection is in use; meant for execute_text(). Returns false when
  // the engine cannot cancel or the request could not be sent.
  virtual bool cancel() noexcept { return false; }

  // Transactions: BEGIN/COMMIT/ROLLBACK on SQL engines, MULTI/EXEC/DISCARD on Redis.
  virtual Status begin() noexcept = 0;
  virtual Status commit() noexcept = 0;
  virtual Status rollback() noexcept = 0;
  // The message of the last failure, for error reports (not on the hot path).
  virtual const std::string& last_error() const noexcept = 0;

  // Runs one statement outside any prepared path (DDL, checks); throws Error.
  // Key-value engines take a command with space-separated arguments.
  virtual void run(const std::string& sql) = 0;
  // Runs a query and returns its first column of its first row as text
  // ("" when there is none); throws Error. Key-value engines: a command, and
  // its reply as text (an integer reply as its digits).
  virtual std::string query_value(const std::string& sql) = 0;
  // Loads rows through the engine's bulk path (COPY for PostgreSQL, parameter
  // arrays for ODBC, pipelined writes for Redis). next fills a batch and
  // returns false when no rows are left.
  virtual void bulk_load(const BulkSpec& spec, const std::function<bool(RowBatch&)>& next) = 0;
  // Whether whole-table loads (BulkSpec::whole_table), one table per
  // connection, beat loading each table with every connection at once.
  virtual bool prefers_whole_tables() const noexcept { return false; }
  // Removes what a previous load of spec left (key-value engines: every key
  // the template can make; SQL engines drop tables through their schema
  // instead and do nothing here).
  virtual void clear(const BulkSpec& spec) { (void)spec; }
  // "PostgreSQL 15.18", say.
  virtual std::string server_version() = 0;
  // Non-empty when the session adapts what it runs to a server that only
  // stands in for the dialect it speaks, saying how (a PostgreSQL told to
  // speak Redshift runs CREATE TABLE without Redshift's attributes).
  virtual std::string stand_in_note() const { return ""; }
  // The dialect of the server actually there: dialect(), but for a stand-in
  // (the PostgreSQL speaking Redshift says postgres). A load's after_load
  // statements (keys, indexes: the server's own physical design) are chosen by it.
  virtual std::string server_dialect() const { return dialect(); }
};

// Opens a connection to target; throws Error(kUnreachable) when it cannot,
// with a message naming the redacted target and why (a target that does not
// answer: "timed out after N s", N its connect_timeout_s). Thread-safe.
std::unique_ptr<Connection> connect(const Target& target);

// Makes connect() watch stop (oltap's Ctrl-C flag, run::stop_requested):
// once it returns true, a connect in progress is left to end on its own and
// connect() throws Error(kInterrupted) within about kConnectPollMs. Without
// it (nullptr, the default) a connect ends only by itself, within its
// time-out. Call before connecting; stop must be callable from any thread.
inline constexpr int kConnectPollMs = 50;
void interrupt_connects_when(bool (*stop)() noexcept) noexcept;

}  // namespace oltap::engine
