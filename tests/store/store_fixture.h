// A real SQLite store in a fresh temporary data folder, seeded with one college, verified students,
// a vetted employer and the actors of the lifecycle. The folder is removed afterwards.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "store/sqlite_store.h"
#include "workflow/agreement_rules.h"

namespace sanfang::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

template <typename T>
T ok(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().describe()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

inline void ok(Status status) {
  INFO((status.ok() ? std::string() : status.error().describe()));
  REQUIRE(status.ok());
}

inline constexpr const char* kSchoolCode = "10731";
inline const workflow::Timestamp kStart = workflow::from_unix_seconds(1'780'000'000);

struct StoreFixture {
  StoreFixture();

  store::SqliteStoreOptions options() const;
  std::unique_ptr<store::SqliteStore> open_another() const;

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

  TempDir dir;
  std::unique_ptr<store::SqliteStore> db;
  workflow::WorkflowOptions rules;
  std::int64_t employer_id = 0;
};

}  // namespace sanfang::test
