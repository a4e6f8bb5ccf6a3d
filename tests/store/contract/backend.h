// The backends the store contract suite runs against. Every test in tests/store/contract/ is
// written once against the store's area interfaces (src/store/*_store.h) and runs, unchanged,
// against each registered backend, so that a behaviour one backend has and another lacks shows
// up as a failing test of the second.
//
// A backend makes fresh, empty databases (the schema in place, no rows) for the school
// kSchoolCode; a test connects to its database once or, for concurrency, once per thread — each
// connection a store of its own, as several service workers or instances would have.
//
// Registered backends (registered_backends() in backend.cpp): SQLite always (a fresh data folder
// in a temporary directory per database), and PostgreSQL when the environment variable
// SANFANG_TEST_PG_URL names a server the tests may use (scripts/test.sh starts a throwaway one):
// each database is a fresh database of a unique name on it, dropped afterwards (pg_backend.cpp).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace sanfang::test::contract {

// One empty database of a backend, removed when this object is destroyed.
class BackendDatabase {
 public:
  virtual ~BackendDatabase() = default;
  // A new connection (a store of its own) to this database. Safe to call from any thread.
  virtual Result<std::unique_ptr<store::Store>> connect() const = 0;
};

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;
  virtual std::string name() const = 0;
  virtual Result<std::unique_ptr<BackendDatabase>> create_database() const = 0;
};

const std::vector<std::unique_ptr<StoreBackend>>& registered_backends();

// The registered backends' names, for Catch2's GENERATE(from_range(...)).
std::vector<std::string> backend_names();

// The backend called `name`; a test fails when there is none.
const StoreBackend& backend_named(std::string_view name);

}  // namespace sanfang::test::contract
