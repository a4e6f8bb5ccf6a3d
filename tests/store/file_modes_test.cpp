// Files that hold personal data are the service user's alone: the database and its -wal and -shm
// 0600, blobs 0600, their folders 0700 — also when the process umask would allow more, and also
// for a data folder an older version left readable.
#include "store/private_files.h"
#include "store_fixture.h"

#include <sys/stat.h>

#include <fstream>

using namespace sanfang;
using namespace sanfang::test;

namespace {

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// Sets the umask for one scope, as a service started from a permissive shell would have it.
class Umask {
 public:
  explicit Umask(mode_t mask) : m_previous(::umask(mask)) {}
  ~Umask() { ::umask(m_previous); }

 private:
  mode_t m_previous;
};

}  // namespace

TEST_CASE("the database, its WAL files, blobs and their folders are readable by the owner only", "[store][files]") {
  Umask permissive(0);
  TempDir temp;
  store::SqliteStoreOptions options;
  options.data_dir = temp.path() / "data";
  options.school_code = kSchoolCode;
  auto db = ok(store::SqliteStore::open(options));
  const auto attachment = ok(db->store_attachment("%PDF-1.7\n%%EOF\n", workflow::AttachmentPurpose::Proof));

  const auto database = store::SqliteStore::database_path(options.data_dir);
  CHECK(mode_of(options.data_dir) == 0700);
  CHECK(mode_of(database) == 0600);
  // WAL mode keeps both companions while the connection is open.
  CHECK(mode_of(database.string() + "-wal") == 0600);
  CHECK(mode_of(database.string() + "-shm") == 0600);
  const auto blobs = options.data_dir / "blobs";
  CHECK(mode_of(blobs) == 0700);
  CHECK(mode_of(blobs / attachment.sha256.substr(0, 2)) == 0700);
  CHECK(mode_of(blobs / attachment.sha256.substr(0, 2) / attachment.sha256) == 0600);
}

TEST_CASE("a data folder left readable by an older version is tightened when it is opened", "[store][files]") {
  TempDir temp;
  store::SqliteStoreOptions options;
  options.data_dir = temp.path() / "data";
  options.school_code = kSchoolCode;
  ok(store::SqliteStore::open(options));  // creates the schema, then is closed
  const auto database = store::SqliteStore::database_path(options.data_dir);
  std::filesystem::permissions(options.data_dir, std::filesystem::perms(0755));
  std::filesystem::permissions(database, std::filesystem::perms(0644));
  std::filesystem::permissions(options.data_dir / "blobs", std::filesystem::perms(0755));

  auto reopened = ok(store::SqliteStore::open(options));
  CHECK(mode_of(options.data_dir) == 0700);
  CHECK(mode_of(database) == 0600);
  CHECK(mode_of(options.data_dir / "blobs") == 0700);
  CHECK(ok(reopened->agreements_in_state(workflow::AgreementState::Signed)).empty());
}
