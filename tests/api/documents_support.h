// Test support for the documents area: agreements brought to review, signed and terminated
// through the workflow rules and the store (as the workflow routes do), and accounts with
// session tokens for every role, so that document routes can be exercised over HTTP.
#pragma once

#include "api/app.h"
#include "workflow/entities.h"

#include <catch2/catch.hpp>

#include <string>

namespace sanfang::testing {

template <typename T>
T require_ok(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().describe()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

inline void require_ok(Status status) {
  INFO((status.ok() ? std::string() : status.error().describe()));
  REQUIRE(status.ok());
}

class DocumentsWorld {
 public:
  // College "CS" 计算机与通信学院 and a vetted employer with a complete profile.
  explicit DocumentsWorld(api::App& app);

  // Imports a student of college CS with verified, complete source info.
  void add_verified_student(const std::string& student_no, const std::string& name);
  // An employer's invitation sent to the student (state invited, no snapshot yet).
  workflow::Agreement invited(const std::string& student_no);
  // invite → accept: the agreement is in review, with its snapshot.
  workflow::Agreement in_review(const std::string& student_no);
  // college → school approval; then App::on_signed, as the workflow routes call it.
  workflow::Agreement sign(const workflow::Agreement& in_review);
  // request termination (with both letters) → college → school approval.
  workflow::Agreement terminate(const workflow::Agreement& signed_agreement);

  // A signed-in account of `role` (scope: the student number or the college code) → bearer token.
  std::string token(workflow::Role role, const std::string& scope = {});

  std::int64_t employer_id = 0;

 private:
  workflow::Agreement apply(Result<workflow::AgreementChange> change, const workflow::Agreement& before);
  api::App& m_app;
  int m_accounts = 0;
};

}  // namespace sanfang::testing
