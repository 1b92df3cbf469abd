// A scripted engine::Connection for run/'s unit tests: a test double, not a
// database. Every connection a test opens (through Options::connect) talks
// to one FakeServer, which logs each call and answers it with the test's
// script. The server can be taken down (connects fail, open connections
// are lost) and brought back, and can pipeline (send/receive, and the
// socket, flush and try_receive calls one thread polling many clients uses).
//
// Threading: clients call their own connections from their own threads;
// the server's log and script run under its mutex (a test double may lock).
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "run/run.h"
#include "workload/workload.h"

namespace oltap::run::testing {

// One call a client made: a statement (its prepared text, or a key-value
// command's arguments joined by spaces) with its parameters' values, or a
// transaction call ("BEGIN", "COMMIT", "ROLLBACK").
struct Call {
  int connection = 0;  // which connection, numbered 1, 2, ... as opened
  std::string text;
  std::vector<Value> params;  // in the order prepare() named them
};

// How the server answers a call.
struct Reply {
  engine::Status status = engine::Status::kOk;
  std::vector<std::vector<Value>> rows;
  std::string error = "scripted failure";             // the message when status is not kOk
  engine::Failure failure = engine::Failure::kOther;  // its class (kConnectionLost: always kConnection)
};

class FakeServer {
 public:
  std::string dialect = "postgres";
  engine::Kind kind = engine::Kind::kSql;
  bool pipelines = false;
  // Answers every call; the default commits everything and returns no rows.
  std::function<Reply(const Call&)> script = [](const Call&) { return Reply{}; };
  // Prepared texts containing this are refused with Error(kBadInput), as a
  // server refuses a statement its dialect does not have.
  std::string reject;
  bool keep_log = true;
  // Lean: statements answer without the script, the log or any allocation
  // (every fail_every-th execute fails, when set), so a test can count the
  // allocations of the client's own path.
  bool lean = false;
  int fail_every = 0;

  // Options::connect for this server.
  std::function<std::unique_ptr<engine::Connection>(const engine::Target&)> connector();

  void set_down(bool down) { down_.store(down); }
  bool down() const { return down_.load(); }
  int connects() const { return connects_.load(); }
  int refused_connects() const { return refused_.load(); }
  std::vector<Call> log() {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }
  // Texts of the calls, in the order they came (one connection's, or all: 0).
  std::vector<std::string> texts(int connection = 0) {
    std::vector<std::string> out;
    for (const Call& c : log())
      if (connection == 0 || c.connection == connection) out.push_back(c.text);
    return out;
  }

  Reply answer(Call&& call) {
    std::lock_guard<std::mutex> lock(mu_);
    Reply r = script(call);
    if (keep_log) log_.push_back(std::move(call));
    return r;
  }

 private:
  friend class FakeConnection;
  std::atomic<bool> down_{false};
  std::atomic<int> connects_{0};
  std::atomic<int> refused_{0};
  std::mutex mu_;
  std::vector<Call> log_;
};

class FakeConnection : public engine::Connection {
 public:
  FakeConnection(FakeServer& server, int number)
      : server_(server), number_(number), event_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~FakeConnection() override { close(event_); }

  engine::Kind kind() const noexcept override { return server_.kind; }
  std::string dialect() const override {
    return server_.kind == engine::Kind::kKeyValue ? "redis" : server_.dialect;
  }

  int prepare(const std::string& sql, std::vector<std::string>& names) override {
    if (server_.kind == engine::Kind::kKeyValue) throw Error(ErrorClass::kBadInput, "fake: no SQL here");
    if (!server_.reject.empty() && sql.find(server_.reject) != std::string::npos)
      throw Error(ErrorClass::kBadInput, "fake: cannot prepare: syntax error");
    names.clear();
    for (const auto& p : scan_placeholders(sql)) add_name(names, p.name);
    texts_.push_back(sql);
    params_.push_back(names.size());
    return static_cast<int>(texts_.size()) - 1;
  }
  int prepare_command(const std::vector<std::string>& args, std::vector<std::string>& names) override {
    if (server_.kind != engine::Kind::kKeyValue) throw Error(ErrorClass::kBadInput, "fake: no commands here");
    names.clear();
    std::string text;
    for (const auto& a : args) {
      text += (text.empty() ? "" : " ") + a;
      for (const auto& part : split_template(a))
        if (!part.name.empty()) add_name(names, part.name);
    }
    texts_.push_back(text);
    params_.push_back(names.size());
    return static_cast<int>(texts_.size()) - 1;
  }

  engine::Status execute(int id, const Value* const* params, engine::ResultBuffer* out,
                         int keep_rows) noexcept override {
    if (server_.lean) {
      if (out) out->rows = 0;
      return server_.fail_every && ++executed_ % server_.fail_every == 0 ? engine::Status::kFatal
                                                                         : engine::Status::kOk;
    }
    return finish(call(texts_[id], id, params), out, keep_rows);
  }
  engine::Status begin() noexcept override { return transaction_call("BEGIN"); }
  engine::Status commit() noexcept override { return transaction_call("COMMIT"); }
  engine::Status rollback() noexcept override { return transaction_call("ROLLBACK"); }

  bool can_pipeline() const noexcept override { return server_.pipelines; }
  engine::Status send(int id, const Value* const* params) noexcept override {
    if (server_.down()) return lost();
    queued_.push_back(server_.answer(make_call(texts_[id], id, params)));
    return engine::Status::kOk;
  }
  engine::Status receive(engine::ResultBuffer* out, int keep_rows) noexcept override {
    if (server_.down()) return lost();
    if (queued_.empty()) return engine::Status::kFatal;
    Reply r = std::move(queued_.front());
    queued_.pop_front();
    return finish(std::move(r), out, keep_rows);
  }
  int socket() const noexcept override { return event_; }
  engine::Status flush() noexcept override {
    if (server_.down()) return lost();
    arrived_ += queued_.size();
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(event_, &one, sizeof one);
    return engine::Status::kOk;
  }
  engine::Status read_arrived() noexcept override {
    uint64_t v = 0;
    [[maybe_unused]] ssize_t n = read(event_, &v, sizeof v);
    if (server_.down()) return lost();
    return engine::Status::kOk;
  }
  engine::Status try_receive(engine::ResultBuffer* out, int keep_rows, bool& got) noexcept override {
    got = false;
    if (arrived_ == 0) return engine::Status::kOk;
    got = true;
    --arrived_;
    return receive(out, keep_rows);
  }

  const std::string& last_error() const noexcept override { return error_; }
  engine::Failure last_failure() const noexcept override { return failure_; }
  void run(const std::string&) override {}
  std::string query_value(const std::string&) override { return ""; }
  void bulk_load(const engine::BulkSpec&, const std::function<bool(engine::RowBatch&)>&) override {}
  std::string server_version() override { return "Fake 1.0"; }

 private:
  static void add_name(std::vector<std::string>& names, const std::string& n) {
    for (const auto& m : names)
      if (m == n) return;
    names.push_back(n);
  }
  Call make_call(const std::string& text, int id, const Value* const* params) {
    Call c;
    c.connection = number_;
    c.text = text;
    if (id >= 0)
      for (size_t i = 0; i < params_[id]; ++i) c.params.push_back(*params[i]);
    return c;
  }
  Reply call(const std::string& text, int id, const Value* const* params) {
    if (server_.down()) {
      Reply r;
      r.status = engine::Status::kConnectionLost;
      r.error = "fake: server closed the connection";
      return r;
    }
    return server_.answer(make_call(text, id, params));
  }
  engine::Status transaction_call(const char* what) {
    if (server_.lean) return engine::Status::kOk;
    return finish(call(what, -1, nullptr), nullptr, 0);
  }
  engine::Status lost() {
    error_ = "fake: server closed the connection";
    failure_ = engine::Failure::kConnection;
    return engine::Status::kConnectionLost;
  }
  engine::Status finish(Reply r, engine::ResultBuffer* out, int keep_rows) {
    if (r.status != engine::Status::kOk) {
      error_ = r.error;
      failure_ = r.status == engine::Status::kConnectionLost ? engine::Failure::kConnection : r.failure;
      return r.status;
    }
    if (out) {
      out->rows = static_cast<int>(r.rows.size());
      out->columns = r.rows.empty() ? 0 : static_cast<int>(r.rows[0].size());
      out->cells.clear();
      for (int i = 0; i < out->rows && i < keep_rows; ++i)
        for (const Value& v : r.rows[i]) out->cells.push_back(v);
    }
    return engine::Status::kOk;
  }

  FakeServer& server_;
  int number_;
  int event_;
  std::vector<std::string> texts_;  // by statement id
  std::vector<size_t> params_;      // by statement id: how many parameters
  std::deque<Reply> queued_;        // pipelined replies, in the order sent
  size_t arrived_ = 0;              // of queued_, those flushed (try_receive may take them)
  int64_t executed_ = 0;            // lean: executes so far
  std::string error_ = "lean: scripted failure";
  engine::Failure failure_ = engine::Failure::kOther;
};

inline std::function<std::unique_ptr<engine::Connection>(const engine::Target&)> FakeServer::connector() {
  return [this](const engine::Target&) -> std::unique_ptr<engine::Connection> {
    if (down()) {
      ++refused_;
      throw Error(ErrorClass::kUnreachable, "fake://server: connection refused");
    }
    return std::make_unique<FakeConnection>(*this, ++connects_);
  };
}

// A workload from YAML text, named "w.yaml" in messages.
inline workload::Spec spec_of(const std::string& yaml) { return workload::parse_spec(yaml, "w.yaml"); }

inline engine::Target fake_target() {
  engine::Target t;
  t.uri = "fake://server";
  t.scheme = "fake";
  t.engine = "fake";
  t.host = "server";
  return t;
}

// Options for a run on server: its connector, the given clients, no warm-up.
inline Options fake_options(FakeServer& server, int clients = 1) {
  Options o;
  o.connect = server.connector();
  o.clients = clients;
  o.warmup_s = 0;
  return o;
}

// Keeps every interval (copied: rows are valid during the call only) and progress.
struct Recording : Observer {
  std::vector<std::vector<IntervalRow>> intervals;
  std::vector<Progress> progress;
  void on_progress(const Progress& p) override { progress.push_back(p); }
  void on_interval(const std::vector<IntervalRow>& rows) override { intervals.push_back(rows); }
};

// Prepares and measures spec with o (whose connect says which server).
inline RunResult run_on(const workload::Spec& spec, const Options& o, Observer* observer = nullptr) {
  Recording ignore;
  auto prepared = prepare_run(spec, fake_target(), o);
  return measure(*prepared, observer ? *observer : ignore);
}

// The totals row of (group, txn).
inline const TxnTotals& totals_of(const RunResult& r, const std::string& txn,
                                  const std::string& group = "default") {
  for (const auto& t : r.totals)
    if (t.group == group && t.txn == txn) return t;
  throw std::runtime_error("no totals row " + group + "/" + txn);
}

}  // namespace oltap::run::testing
