// The PostgreSQL backend of the store contract suite (a separate file: its fixture and the SQLite
// one define the same test helpers).
#pragma once

#include <memory>

#include "contract/backend.h"

namespace sanfang::test::contract {

std::unique_ptr<StoreBackend> make_pg_backend();

}  // namespace sanfang::test::contract
