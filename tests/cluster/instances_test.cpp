// Three `sanfang serve` processes on one PostgreSQL database (issue "Several instances on
// PostgreSQL: one database, one print queue, any instance answers"): a session opened on one is
// honoured by the others, concurrent signings on all three share one gap-free serial sequence and
// one audit chain, a race on one agreement has exactly one winner, and what one instance stored
// (signed PDF, attachment, the QR code's proof) is the same through any other.
#include "cluster.h"

#include "pdf_probe.h"
#include "workflow_test_support.h"

#include "core/validate.h"
#include "core/verification_token.h"

#include <latch>
#include <mutex>
#include <set>
#include <thread>

using namespace sanfang;
using sanfang::cluster::Cluster;
using sanfang::testing::HttpClient;
using sanfang::test::ok;
using workflow::Role;

namespace {

std::string review_path(std::int64_t id) { return "/api/v1/agreements/" + std::to_string(id) + "/review"; }

const nlohmann::json kApprove = {{"decision", "approve"}};

}  // namespace

TEST_CASE("a login on one instance is a session on every instance, and a logout on one ends it everywhere",
          "[cluster][postgresql]") {
  Cluster cluster;
  cluster.add_account("centre", "correct-horse-7", Role::School);
  cluster.start(3);

  HttpClient first(cluster.base_url(0));
  const auto login = first.post_json("/api/v1/auth/login", {{"username", "centre"}, {"password", "correct-horse-7"}});
  REQUIRE(login.status == 200);
  const std::string token = login.json()["token"];
  for (int i = 1; i < 3; ++i) {
    HttpClient other(cluster.base_url(i));
    other.set_token(token);
    const auto me = other.get("/api/v1/auth/me");
    INFO("instance " << i);
    REQUIRE(me.status == 200);
    CHECK(me.json()["username"] == "centre");
  }

  HttpClient second(cluster.base_url(1));
  second.set_token(token);
  CHECK(second.post_json("/api/v1/auth/logout", nlohmann::json::object()).status / 100 == 2);
  HttpClient third(cluster.base_url(2));
  third.set_token(token);
  CHECK(third.get("/api/v1/auth/me").status == 401);
}

TEST_CASE("300 signings spread over three instances at once get 300 distinct serials without a gap, and the audit chain verifies",
          "[cluster][postgresql]") {
  constexpr int kAgreements = 300;
  Cluster cluster;
  std::vector<std::int64_t> ids;
  for (const auto& agreement : cluster.awaiting_school(kAgreements)) ids.push_back(agreement.id);
  const std::string school = cluster.token(Role::School);
  cluster.start(3);

  // Two clients per instance, each approving every sixth agreement.
  constexpr int kClients = 6;
  std::mutex answers_mutex;
  std::map<long, int> statuses;
  std::set<std::string> serials;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpClient client(cluster.base_url(c % cluster.size()));
      client.set_token(school);
      for (int i = c; i < kAgreements; i += kClients) {
        const auto answer = client.post_json(review_path(ids[static_cast<std::size_t>(i)]), kApprove);
        const std::lock_guard lock(answers_mutex);
        ++statuses[answer.status];
        if (answer.status == 200) serials.insert(answer.json()["serial"].get<std::string>());
      }
    });
  }
  for (auto& client : clients) client.join();

  CHECK(statuses == std::map<long, int>{{200, kAgreements}});
  std::set<std::string> expected;
  for (int sequence = 1; sequence <= kAgreements; ++sequence)
    expected.insert(ok(core::make_serial(test::kSchoolCode, 2026, sequence)));
  CHECK(serials == expected);

  // What the database holds agrees with what was answered.
  auto store = cluster.open_store();
  std::set<std::string> stored;
  for (std::int64_t id : ids) {
    const auto agreement = ok(store->agreement(id));
    CHECK(agreement.state == workflow::AgreementState::Signed);
    if (agreement.serial) stored.insert(*agreement.serial);
  }
  CHECK(stored == expected);

  CHECK(testing::run_process({SANFANG_BIN, "audit", "verify", "--db", cluster.database_url()}) == 0);
}

TEST_CASE("the same agreement approved on two instances at once: exactly one signing, the other answers 409",
          "[cluster][postgresql]") {
  constexpr int kRaces = 5;
  Cluster cluster;
  std::vector<std::int64_t> ids;
  for (const auto& agreement : cluster.awaiting_school(kRaces)) ids.push_back(agreement.id);
  const std::string school = cluster.token(Role::School);
  cluster.start(2);

  for (std::int64_t id : ids) {
    std::latch ready(2);
    long answers[2] = {0, 0};
    std::vector<std::thread> racers;
    for (int i = 0; i < 2; ++i) {
      racers.emplace_back([&, i] {
        HttpClient client(cluster.base_url(i));
        client.set_token(school);
        ready.arrive_and_wait();
        answers[i] = client.post_json(review_path(id), kApprove).status;
      });
    }
    for (auto& racer : racers) racer.join();
    INFO("agreement " << id);
    CHECK(std::multiset<long>{answers[0], answers[1]} == std::multiset<long>{200, 409});
  }

  auto store = cluster.open_store();
  std::set<std::string> serials;
  for (std::int64_t id : ids) serials.insert(ok(store->agreement(id)).serial.value_or(""));
  CHECK(serials.size() == kRaces);
  CHECK_FALSE(serials.count(""));
  CHECK(testing::run_process({SANFANG_BIN, "audit", "verify", "--db", cluster.database_url()}) == 0);
}

TEST_CASE("a signed PDF, its QR code and an attachment stored through one instance are the same through the others",
          "[cluster][postgresql]") {
  Cluster cluster;
  const workflow::Agreement agreement = cluster.awaiting_school(1).front();
  const std::int64_t id = agreement.id;
  const std::string school = cluster.token(Role::School);
  const std::string student = cluster.token(Role::Student, agreement.student_no);
  cluster.start(3);

  HttpClient first(cluster.base_url(0));
  first.set_token(school);
  const auto signed_answer = first.post_json(review_path(id), kApprove);
  REQUIRE(signed_answer.status == 200);
  REQUIRE(signed_answer.json()["state"] == "signed");

  // The PDF the first instance rendered and stored, served by each of the others.
  const std::string pdf_path = "/api/v1/agreements/" + std::to_string(id) + "/pdf";
  first.set_token(student);
  const auto original = first.get(pdf_path);
  REQUIRE(original.status == 200);
  for (int i = 1; i < 3; ++i) {
    HttpClient other(cluster.base_url(i));
    other.set_token(student);
    const auto copy = other.get(pdf_path);
    INFO("instance " << i);
    REQUIRE(copy.status == 200);
    CHECK(copy.header("etag") == original.header("etag"));
    CHECK(copy.body == original.body);
  }

  // Its first copy's QR code (cover and signature panel), read from the page as a phone would,
  // verifies on another instance.
  const testing::PdfProbe probe(original.body);
  const auto codes = probe.decode_qr(1);
  REQUIRE_FALSE(codes.empty());
  for (const auto& code : codes) CHECK(code == codes[0]);
  // The instances print the proxy's address (their public_base), as the QR codes of a cluster do.
  const std::string prefix = core::verification_url(cluster.proxy_url(), "");
  INFO("QR code: " << codes[0]);
  REQUIRE(codes[0].rfind(prefix, 0) == 0);
  HttpClient stranger(cluster.base_url(2));
  const auto verified = stranger.get("/V/" + codes[0].substr(prefix.size()), {{"Accept", "application/json"}});
  REQUIRE(verified.status == 200);
  CHECK(verified.json()["status"] == "valid");
  CHECK(verified.json()["status_label"] == "有效");
  CHECK(verified.json()["serial"] == signed_answer.json()["serial"]);

  // An attachment uploaded through one instance; no route serves attachments, so it is read back
  // as another instance reads it: through the database, with an empty blob cache.
  const std::string letter = testing::png_bytes(64, 48);
  HttpClient uploader(cluster.base_url(1));
  uploader.set_token(student);
  const auto uploaded = uploader.request("POST", "/api/v1/agreements/" + std::to_string(id) + "/attachments?purpose=release_letter",
                                         letter, {{"Content-Type", "image/png"}});
  REQUIRE(uploaded.status == 201);
  auto store = cluster.open_store();
  CHECK(ok(store->attachment_bytes(uploaded.json()["sha256"].get<std::string>())) == letter);
}
