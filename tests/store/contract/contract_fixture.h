// What every contract test starts from: a fresh database of one backend, a connection to it, and
// the seed most tests need — college CS, a vetted employer — with the lifecycle steps the store
// keeps (invite, accept, approve, sign) driven through the workflow rules as the service does.
//
// Tests take the backend from EACH_STORE_BACKEND(f) (or EACH_STORE_BACKEND_WITH), which runs the test once per registered
// backend (Catch2 GENERATE) and names the backend in every failure.
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "contract/backend.h"
#include "store/store.h"
#include "store_fixture.h"
#include "workflow/agreement_rules.h"

namespace sanfang::test::contract {

struct ContractFixture {
  explicit ContractFixture(const std::string& backend_name);

  // Another connection to the same database, as another worker or instance would hold.
  std::unique_ptr<store::Store> connect() const;

  // Imports a student (by default of college CS, 软件工程), graduating 2026, with verified
  // source info. The college must exist.
  void add_verified_student(const std::string& student_no, const std::string& college_code = "CS",
                            const std::string& major = "软件工程");
  workflow::Actor student(const std::string& student_no) const {
    return {workflow::Role::Student, 0, student_no, 0, ""};
  }
  workflow::Actor employer() const { return {workflow::Role::Employer, 0, "", employer_id, ""}; }
  workflow::Actor college(const std::string& code = "CS") const { return {workflow::Role::College, 0, "", 0, code}; }
  workflow::Actor school() const { return {workflow::Role::School, 0, "", 0, ""}; }

  workflow::Parties parties(const std::string& student_no, std::int64_t agreement_id = 0);
  // An invitation sent by the fixture's employer.
  workflow::Agreement invite(const std::string& student_no);
  workflow::Agreement accept(const workflow::Agreement& invited);
  workflow::Agreement approve(const workflow::Agreement& in_review, const workflow::Actor& reviewer);
  // invite → accept → the student's college → school.
  workflow::Agreement sign(const std::string& student_no);
  workflow::Agreement apply(const Result<workflow::AgreementChange>& change, const workflow::Agreement& before);
  // An agreement of a new student of college CS waiting for the school's final approval, stored
  // directly for a quick setup.
  std::int64_t awaiting_school(const std::string& student_no, int graduation_year = 2026);

  std::string backend;
  std::unique_ptr<BackendDatabase> database;
  std::unique_ptr<store::Store> db;
  workflow::WorkflowOptions rules;
  std::int64_t employer_id = 0;
};

}  // namespace sanfang::test::contract

// Runs the enclosing test case once per registered backend with a fixture called `name`: a
// ContractFixture, or a fixture type derived from it (constructed from the backend's name).
#define EACH_STORE_BACKEND_WITH(Fixture, name)                                                         \
  const std::string store_backend_name =                                                               \
      GENERATE(from_range(::sanfang::test::contract::backend_names()));                                \
  CAPTURE(store_backend_name);                                                                         \
  Fixture name(store_backend_name)

#define EACH_STORE_BACKEND(name) EACH_STORE_BACKEND_WITH(::sanfang::test::contract::ContractFixture, name)
