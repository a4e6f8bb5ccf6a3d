// The filter of an administrator's account list (AccountQuery) in SQL, written once for both
// backends as student_query_sql.h is: conditions with `?` placeholders and their values in order.
#pragma once

#include "store/account_store.h"
#include "store/agreement_query_sql.h"

#include <string>
#include <vector>

namespace sanfang::store {

// filter: "FROM accounts WHERE …".
QuerySql account_query_sql(const AccountQuery& query);

}  // namespace sanfang::store
