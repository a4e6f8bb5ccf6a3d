#include "store/pg/pg_pool.h"

#include <random>

namespace sanfang::store::pg {

PooledConnection::~PooledConnection() {
  if (m_connection) m_pool->give_back(std::move(m_connection), true);
}

void PooledConnection::discard() {
  if (m_connection) m_pool->give_back(std::move(m_connection), false);
}

AdvisoryLock::~AdvisoryLock() {
  if (!m_connection || !*m_connection) return;
  // When the unlock fails the connection is closed instead of pooled: ending the session ends
  // its locks, and a pooled connection must not hold one.
  if (!(*m_connection)->run("SELECT pg_advisory_unlock(hashtextextended($1, 0))", Params().add(m_name)).ok())
    m_connection->discard();
}

Result<std::shared_ptr<ConnectionPool>> ConnectionPool::open(PoolOptions options) {
  if (options.size < 1) return Error::invalid("pool_size", "数据库连接池大小至少为 1");
  std::shared_ptr<ConnectionPool> pool(new ConnectionPool(std::move(options)));
  auto first = TRY(Connection::open(pool->m_options.conninfo));
  pool->m_idle.push_back(std::make_unique<Connection>(std::move(first)));
  pool->m_open = 1;
  return pool;
}

Result<PooledConnection> ConnectionPool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + m_options.acquire_timeout;
  std::unique_lock lock(m_mutex);
  for (;;) {
    if (!m_idle.empty()) {
      auto connection = std::move(m_idle.back());
      m_idle.pop_back();
      return PooledConnection(this, std::move(connection));
    }
    if (m_open < m_options.size) {
      ++m_open;  // reserved before connecting, so that others do not overshoot meanwhile
      lock.unlock();
      auto opened = Connection::open(m_options.conninfo);
      if (!opened.ok()) {
        lock.lock();
        --m_open;
        m_returned.notify_one();
        return opened.take_error();
      }
      return PooledConnection(this, std::make_unique<Connection>(std::move(opened).value()));
    }
    if (m_returned.wait_until(lock, deadline) == std::cv_status::timeout && m_idle.empty() &&
        m_open >= m_options.size)
      return Error::make(ErrorKind::Busy, "数据库连接已全部占用，请稍后重试");
  }
}

void ConnectionPool::give_back(std::unique_ptr<Connection> connection, bool reuse) {
  const bool keep = reuse && connection->reusable();
  if (!keep) connection.reset();  // closes it outside the pool's lock
  std::lock_guard lock(m_mutex);
  if (keep)
    m_idle.push_back(std::move(connection));
  else
    --m_open;
  m_returned.notify_one();
}

Connection* ConnectionPool::bound_connection() {
  std::lock_guard lock(m_mutex);
  const auto found = m_bound.find(std::this_thread::get_id());
  return found == m_bound.end() ? nullptr : found->second;
}

void ConnectionPool::backoff(int attempt) {
  // Randomised so that the transactions that collided do not collide again in step.
  thread_local std::minstd_rand random(std::random_device{}());
  std::uniform_int_distribution<int> spread(1, 5 * attempt);
  std::this_thread::sleep_for(std::chrono::milliseconds(spread(random)));
}

Status ConnectionPool::bind_thread(const std::function<Status()>& work) {
  if (bound_connection()) return work();  // already one transaction: simply part of it
  auto connection = TRY(acquire());
  TRY(connection->run("BEGIN"));
  {
    std::lock_guard lock(m_mutex);
    m_bound[std::this_thread::get_id()] = &*connection;
  }
  Status outcome = work();
  {
    std::lock_guard lock(m_mutex);
    m_bound.erase(std::this_thread::get_id());
  }
  if (!outcome.ok()) {
    (void)connection->run("ROLLBACK");
    return outcome;
  }
  return connection->run("COMMIT");
}

Result<std::optional<AdvisoryLock>> ConnectionPool::try_advisory_lock(const std::string& name) {
  auto connection = TRY(acquire());
  auto taken = TRY(connection->exec("SELECT pg_try_advisory_lock(hashtextextended($1, 0))", Params().add(name)));
  if (!taken.boolean(0, 0)) return std::optional<AdvisoryLock>();
  return std::optional<AdvisoryLock>(std::in_place, std::move(connection), name);
}

}  // namespace sanfang::store::pg
