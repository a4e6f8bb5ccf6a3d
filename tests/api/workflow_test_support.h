// Shared set-up for the workflow HTTP tests: a running service with one school, two colleges,
// students, a vetted and an unvetted employer, and a signed-in client per role. Accounts are
// created straight in the store (the login route belongs to another area), and so is the
// verification of source info where a test is about something else.
#pragma once

#include "service_fixture.h"

#include "store/store.h"
#include "workflow/entities.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace sanfang::testing {

// A client that is already signed in as one account.
struct Party {
  std::int64_t account_id = 0;
  std::unique_ptr<HttpClient> client;
  HttpClient& operator*() { return *client; }
  HttpClient* operator->() { return client.get(); }
};

class WorkflowWorld {
 public:
  WorkflowWorld();

  ServiceFixture& fixture() { return m_fixture; }
  store::Store& store() { return *m_fixture.app().store; }

  // A student of `college` ("CS" or "MATH"), graduating 2026, with no source info yet.
  void add_student(const std::string& student_no, const std::string& college = "CS");
  // Source info filled in, submitted and verified by the college, through the workflow rules.
  void verify_source_info(const std::string& student_no);
  Party sign_in(workflow::Role role, const std::string& username, const std::string& student_no = {},
                std::int64_t employer_id = 0, const std::string& college_code = {});
  // A fresh session for the party at the clock's current time (after the clock moved on).
  void renew_session(Party& party);
  Party student(const std::string& student_no) {
    return sign_in(workflow::Role::Student, "s" + student_no, student_no);
  }

  std::int64_t vetted_employer_id = 0;
  std::int64_t unvetted_employer_id = 0;
  Party employer;           // HR of the vetted unit
  Party college;            // reviewer of CS
  Party other_college;      // reviewer of MATH
  Party school;

 private:
  ServiceFixture m_fixture;
};

nlohmann::json valid_sections();        // the four source-info sections, filled in
nlohmann::json valid_employer_profile();  // a unit profile filled in full
nlohmann::json sample_content();        // agreement terms
std::string uscc_with_check(const std::string& first17);  // appends the GB 32100 check character
std::string png_bytes(int width, int height);
std::string jpeg_bytes(int width, int height);

// "/api/v1/agreements/ID" followed by `suffix` ("/pdf", "/review", ...).
std::string at(std::int64_t id, const std::string& suffix = {});
// The answer's JSON, after requiring its status (the body is shown when it differs).
nlohmann::json expect(const HttpResult& result, long status);

// The id of an employer invitation sent to `student_no` by `employer` (state invited).
std::int64_t send_invitation(HttpClient& employer, const std::string& student_no);

// The body of an acceptance of agreement `id` as `reader` sees it now: {"version": N}.
nlohmann::json seen_version(HttpClient& reader, std::int64_t id);

}  // namespace sanfang::testing
