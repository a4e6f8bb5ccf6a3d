// Several `sanfang serve` instances on one PostgreSQL database (issue "Several instances on
// PostgreSQL"): any instance answers for what another stored, and an instance whose verification
// key differs from the one the database recorded refuses to start.
#include "documents_support.h"
#include "service_fixture.h"

#include "pg/pg_fixture.h"

#include "api/documents.h"
#include "api/service.h"
#include "core/verification_token.h"

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::HttpClient;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;
using sanfang::testing::ServiceFixtureOptions;
using workflow::Role;

namespace {

std::string printed_token(api::App& app, const workflow::Agreement& agreement, int copy) {
  const auto document = require_ok(app.store->signed_document(agreement.id));
  const auto hash = require_ok(api::hex_decode_hash(document.content_hash));
  return core::make_verification_token(app.key, *agreement.serial, copy, hash);
}

}  // namespace

TEST_CASE("two instances on one PostgreSQL database share sessions, signed PDFs and QR verification",
          "[api][postgresql]") {
  test::TestDatabase database;
  ServiceFixtureOptions first_options;
  first_options.db = database.url();
  ServiceFixture first(first_options);
  ServiceFixtureOptions second_options = first_options;
  second_options.verification_key_from = first.data_dir() / "verification.key";
  ServiceFixture second(second_options);

  DocumentsWorld world(first.app());
  world.add_verified_student("2201300001", "欧阳明");
  const workflow::Agreement signed_agreement = world.sign(world.in_review("2201300001"));
  REQUIRE(signed_agreement.serial);
  const std::string student = world.token(Role::Student, "2201300001");

  HttpClient on_first(first.base_url()), on_second(second.base_url());
  on_first.set_token(student);
  on_second.set_token(student);
  // A session opened through one instance is accepted by the other.
  CHECK(on_second.get("/api/v1/auth/me").json()["username"].is_string());

  // The signed PDF stored through the first is served, byte for byte, by the second.
  const std::string path = "/api/v1/agreements/" + std::to_string(signed_agreement.id) + "/pdf";
  const auto from_first = on_first.get(path);
  const auto from_second = on_second.get(path);
  REQUIRE(from_first.status == 200);
  REQUIRE(from_second.status == 200);
  CHECK(from_second.header("content-type") == "application/pdf");
  CHECK(from_second.body == from_first.body);

  // A QR code printed through the first reads 有效 on the second.
  HttpClient stranger(second.base_url());
  const auto page = stranger.get("/V/" + printed_token(first.app(), signed_agreement, 1),
                                 {{"Accept", "application/json"}});
  CHECK(page.json()["status"] == "valid");
}

TEST_CASE("an instance whose verification key differs from the database's is refused at start, naming the key file",
          "[api][postgresql]") {
  test::TestDatabase database;
  ServiceFixtureOptions options;
  options.db = database.url();
  ServiceFixture first(options);

  test::TempFolder other;
  api::ServiceOptions second;
  second.db = database.url();
  second.data_dir = other.path();
  second.share_dir = SANFANG_SOURCE_DIR;
  second.port = 0;
  second.render_threads = 1;
  auto started = api::Service::start(second);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().kind == ErrorKind::Conflict);
  CHECK(started.error().describe().find("verification.key") != std::string::npos);
}

TEST_CASE("an unreachable PostgreSQL is a clear error at start", "[api][postgresql]") {
  test::TempFolder folder;
  api::ServiceOptions options;
  options.db = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
  options.data_dir = folder.path();
  options.share_dir = SANFANG_SOURCE_DIR;
  options.port = 0;
  options.render_threads = 1;
  auto started = api::Service::start(options);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().kind == ErrorKind::Io);
}
