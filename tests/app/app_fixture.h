// The use cases over real parts and nothing else: a SQLite store in a fresh temporary folder, a
// manual clock, the real code lists, the real print check on a one-thread render pool and the
// real upload check. Seeded with two colleges, a vetted employer and verified students (made
// through the use cases themselves). Signed documents are recorded, not rendered: the PDF itself
// is the HTTP tests' subject (tests/api/documents_test.cpp).
#pragma once

#include "app/context.h"
#include "core/code_lists.h"
#include "jobs/agreement_documents.h"
#include "jobs/render_pool.h"
#include "store/sqlite_store.h"
#include "workflow/clock.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sanfang::apptest {

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

// The refusal of `result`, which must be one of `kind`.
template <typename T>
Error refused(Result<T> result, ErrorKind kind) {
  REQUIRE_FALSE(result.ok());
  INFO(result.error().describe());
  CHECK(result.error().kind == kind);
  return result.error();
}

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

class AppWorld {
 public:
  AppWorld();

  app::Context& context() { return *m_context; }
  store::Store& store() { return *m_store; }
  workflow::ManualClock& clock() { return m_clock; }

  // A student of `college`, graduating 2026, without source info.
  void add_student(const std::string& student_no, const std::string& college = "CS");
  // ... with source info saved, submitted and verified by the college.
  void add_verified_student(const std::string& student_no, const std::string& college = "CS");

  static workflow::Actor student(const std::string& student_no) { return {workflow::Role::Student, 0, student_no, 0, ""}; }
  workflow::Actor employer() const { return {workflow::Role::Employer, 0, "", employer_id, ""}; }
  static workflow::Actor college(const std::string& code = "CS") { return {workflow::Role::College, 0, "", 0, code}; }
  static workflow::Actor school() { return {workflow::Role::School, 0, "", 0, ""}; }
  static workflow::Actor print_room() { return {workflow::Role::Print, 0, "", 0, ""}; }

  // An invitation from the vetted employer to `student_no`, sent (state invited).
  workflow::Agreement invite(const std::string& student_no);
  // invite → accept → college → school.
  workflow::Agreement sign(const std::string& student_no);

  std::int64_t employer_id = 0;
  // The agreements the signed-document maker was called for, in order, with their serials.
  std::vector<workflow::Agreement> documents_made;
  // When set, the maker fails with this error instead.
  std::optional<Error> document_failure;

 private:
  TempDir m_dir;
  std::unique_ptr<store::SqliteStore> m_store;
  workflow::ManualClock m_clock;
  workflow::WorkflowOptions m_workflow;
  core::CodeLists m_codes;
  std::unique_ptr<jobs::RenderPool> m_renders;
  std::unique_ptr<jobs::RendererPrintCheck> m_print_check;
  std::vector<int> m_copy_numbers;
  std::unique_ptr<app::Context> m_context;
};

nlohmann::json sample_content();
workflow::SourceSections sample_sections(const std::string& student_no);
std::string png_bytes();

}  // namespace sanfang::apptest
