// A bounded pool of PostgreSQL connections and the transaction helper every PgStore method uses.
//
// The pool opens connections lazily up to `size` and hands each to one caller at a time; a caller
// that finds all of them taken waits until `acquire_timeout` and then gets Busy (503 with
// Retry-After upstream), so a burst queues briefly instead of opening connections without limit.
// A connection that comes back broken or inside a transaction is closed rather than reused.
//
// transact() runs a piece of work in one transaction and runs it again, a bounded number of times,
// when the server aborted it for a serialization failure or a deadlock, or when its pooled
// connection turned out to be closed before anything was sent: such work must therefore
// only touch the database (anything else it does may happen more than once). While a thread is
// inside bind_thread() (Store::in_one_transaction) all its calls use that thread's connection and
// nested transactions become savepoints; they are not retried on their own, the outer one is not
// retried either (its caller decides).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/pg/pg_connection.h"

namespace sanfang::store::pg {

struct PoolOptions {
  std::string conninfo;  // libpq URI, e.g. postgresql://user@host/db
  int size = 8;
  std::chrono::milliseconds acquire_timeout{5'000};
  int transaction_attempts = 5;  // for serialization failures and deadlocks
};

class ConnectionPool;

// One connection taken from the pool; given back when this goes away.
class PooledConnection {
 public:
  PooledConnection(ConnectionPool* pool, std::unique_ptr<Connection> connection)
      : m_pool(pool), m_connection(std::move(connection)) {}
  PooledConnection(PooledConnection&& other) noexcept = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();
  Connection& operator*() const { return *m_connection; }
  Connection* operator->() const { return m_connection.get(); }
  explicit operator bool() const { return m_connection != nullptr; }
  // Closes the connection now instead of giving it back.
  void discard();

 private:
  ConnectionPool* m_pool;
  std::unique_ptr<Connection> m_connection;
};

// A session-level advisory lock, held on its own connection until this goes away.
class AdvisoryLock {
 public:
  AdvisoryLock(PooledConnection connection, std::string name)
      : m_connection(std::move(connection)), m_name(std::move(name)) {}
  AdvisoryLock(AdvisoryLock&&) noexcept = default;
  AdvisoryLock& operator=(AdvisoryLock&&) = delete;
  ~AdvisoryLock();
  const std::string& name() const { return m_name; }

 private:
  std::optional<PooledConnection> m_connection;
  std::string m_name;
};

class ConnectionPool {
 public:
  // Opens the first connection at once, so that a wrong URL or password is reported at start.
  static Result<std::shared_ptr<ConnectionPool>> open(PoolOptions options);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Result<PooledConnection> acquire();

  // `work(connection)` with a connection of its own (the thread's bound one inside bind_thread).
  template <typename Work>
  auto with_connection(Work&& work) -> decltype(work(std::declval<Connection&>()));

  // `work(connection)` inside BEGIN … COMMIT, retried on serialization failure or deadlock; a
  // savepoint inside bind_thread().
  template <typename Work>
  auto transact(Work&& work) -> decltype(work(std::declval<Connection&>()));

  // Runs `work` as one transaction on one connection that every call of this thread uses meanwhile.
  Status bind_thread(const std::function<Status()>& work);

  // A lock that one process of the cluster holds at a time; nullopt when another holds it.
  Result<std::optional<AdvisoryLock>> try_advisory_lock(const std::string& name);

  const PoolOptions& options() const { return m_options; }

 private:
  friend class PooledConnection;
  explicit ConnectionPool(PoolOptions options) : m_options(std::move(options)) {}
  void give_back(std::unique_ptr<Connection> connection, bool reuse);
  Connection* bound_connection();
  void backoff(int attempt);

  PoolOptions m_options;
  std::mutex m_mutex;
  std::condition_variable m_returned;
  std::vector<std::unique_ptr<Connection>> m_idle;
  int m_open = 0;
  std::unordered_map<std::thread::id, Connection*> m_bound;
};

template <typename Work>
auto ConnectionPool::with_connection(Work&& work) -> decltype(work(std::declval<Connection&>())) {
  if (Connection* bound = bound_connection()) return work(*bound);
  auto connection = TRY(acquire());
  return work(*connection);
}

template <typename Work>
auto ConnectionPool::transact(Work&& work) -> decltype(work(std::declval<Connection&>())) {
  if (Connection* bound = bound_connection()) {
    TRY(bound->run("SAVEPOINT sanfang_nested"));
    auto outcome = work(*bound);
    if (outcome.ok())
      TRY(bound->run("RELEASE SAVEPOINT sanfang_nested"));
    else
      TRY(bound->run("ROLLBACK TO SAVEPOINT sanfang_nested"));
    return outcome;
  }
  for (int attempt = 1;; ++attempt) {
    auto connection = TRY(acquire());
    if (auto begun = connection->run("BEGIN"); !begun.ok()) {
      // A pooled connection the server closed meanwhile (a restart): it is dropped on return,
      // and the next attempt opens a fresh one.
      if (connection->reusable() || attempt >= m_options.transaction_attempts) return begun.take_error();
      continue;
    }
    auto outcome = work(*connection);
    std::string failed_state = connection->last_sqlstate();
    if (outcome.ok()) {
      auto committed = connection->run("COMMIT");
      if (committed.ok()) return outcome;
      failed_state = connection->last_sqlstate();
      if (!is_retryable(failed_state) || attempt >= m_options.transaction_attempts)
        return committed.take_error();
    } else {
      (void)connection->run("ROLLBACK");
      if (!is_retryable(failed_state) || attempt >= m_options.transaction_attempts) return outcome;
    }
    backoff(attempt);
  }
}

}  // namespace sanfang::store::pg
