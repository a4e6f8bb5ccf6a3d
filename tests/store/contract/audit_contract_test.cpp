// The audit area's contract (store/audit_store.h): every change appends its events to one chain,
// each entity's trail reads back in order, and the chain verifies — also after writers on several
// connections (the serial and print tests end by verifying it too).
#include "contract/contract_fixture.h"

namespace sanfang::test::contract {
namespace {

std::int64_t chain_length(store::Store& db) { return ok(db.verify_audit_chain()).rows_checked; }

TEST_CASE("an empty store has an empty, intact chain and no trails", "[contract][audit]") {
  EACH_STORE_BACKEND(f);
  const auto fresh = ok(f.connect()->verify_audit_chain());
  CHECK(fresh.intact());
  CHECK(ok(f.db->audit_trail("agreement", "1")).empty());
}

TEST_CASE("each change appends its events to the chain and to its entity's trail, in order", "[contract][audit]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  const std::int64_t before = chain_length(*f.db);
  const auto invited = f.invite("2022001");  // create, then send
  CHECK(chain_length(*f.db) == before + 2);
  const auto accepted = f.accept(invited);  // accept, then submit for review
  CHECK(chain_length(*f.db) == before + 4);

  const auto trail = ok(f.db->audit_trail("agreement", std::to_string(accepted.id)));
  REQUIRE(trail.size() == 4);
  for (std::size_t i = 1; i < trail.size(); ++i) CHECK(trail[i].id > trail[i - 1].id);
  CHECK(trail[0].event.entity == "agreement");
  CHECK(trail[0].event.entity_id == std::to_string(accepted.id));
  CHECK(trail[1].event.actor_role == workflow::Role::Employer);
  CHECK(trail[1].event.at == kStart);
  CHECK(trail[2].event.actor_role == workflow::Role::Student);
  CHECK(trail[2].event.from_state == "invited");
  CHECK(trail[2].event.to_state == "accepted");
  for (const auto& record : trail) {
    CHECK(record.hash.size() == 64);
    CHECK(record.prev_hash.size() == 64);
    CHECK(record.hash != record.prev_hash);
  }

  // A refused change appends nothing.
  CHECK_FALSE(f.db->apply_agreement_change(ok(workflow::withdraw(invited, f.employer(), kStart)), invited.version).ok());
  CHECK(chain_length(*f.db) == before + 4);
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

TEST_CASE("the audit chain of a busy log verifies from every connection", "[contract][audit]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  f.add_verified_student("2022002");
  f.sign("2022001");
  f.invite("2022002");
  auto report = ok(f.db->verify_audit_chain());
  CHECK(report.intact());
  CHECK(report.rows_checked > 10);
  auto elsewhere = ok(f.connect()->verify_audit_chain());
  CHECK(elsewhere.intact());
  CHECK(elsewhere.rows_checked == report.rows_checked);
}

}  // namespace
}  // namespace sanfang::test::contract
