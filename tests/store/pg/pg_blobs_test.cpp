// Blobs in the database in chunks, and the local read-through cache that blob_file() serves.
#include <fstream>
#include <random>
#include <sstream>

#include "pg_fixture.h"
#include "store/secrets.h"

using namespace sanfang;
using namespace sanfang::test;

namespace {

// A multi-megabyte "PDF": the magic, then random bytes (every byte value, NULs included).
std::string large_pdf(std::size_t size) {
  std::string bytes = "%PDF-1.7\n";
  std::mt19937 random(7);
  while (bytes.size() < size) bytes.push_back(static_cast<char>(random() & 0xFF));
  return bytes;
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

}  // namespace

TEST_CASE("a 5.5 MB blob is stored in 1 MiB chunks and read back byte for byte, also through the cache file",
          "[store][pg][blobs]") {
  PgFixture f;
  auto options = f.options();
  options.max_attachment_bytes = 16 * 1024 * 1024;
  auto store = ok(store::PgStore::open(options));
  const std::string pdf = large_pdf(5 * 1024 * 1024 + 512 * 1024);

  const auto attachment = ok(store->store_attachment(pdf, workflow::AttachmentPurpose::Other));
  CHECK(attachment.sha256 == store::sha256_hex(pdf));
  CHECK(attachment.size == static_cast<std::int64_t>(pdf.size()));
  CHECK(attachment.media_type == workflow::MediaType::Pdf);

  auto c = f.database.connect();
  auto chunks = ok(c.exec("SELECT COUNT(*), MAX(length(bytes)) FROM blob_chunks WHERE sha256 = $1",
                          store::pg::Params().add(attachment.sha256)));
  CHECK(chunks.int64(0, 0) == 6);
  CHECK(chunks.int64(0, 1) == 1024 * 1024);

  CHECK(ok(store->blob_bytes(attachment.sha256)) == pdf);

  auto another_instance = f.open_another();  // its own cache folder is empty
  const auto path = ok(another_instance->blob_file(attachment.sha256));
  CHECK(path.parent_path().parent_path() == options.blob_cache_dir);
  CHECK(path.filename() == attachment.sha256);
  CHECK(file_bytes(path) == pdf);
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read) ==
        std::filesystem::perms::none);

  std::filesystem::remove(path);  // the cache may be emptied at any time
  CHECK(file_bytes(ok(another_instance->blob_file(attachment.sha256))) == pdf);

  // The same content again is stored once.
  ok(store->store_attachment(pdf, workflow::AttachmentPurpose::Other));
  CHECK(ok(c.exec("SELECT COUNT(*) FROM blob_chunks")).int64(0, 0) == 6);
}

TEST_CASE("a signed PDF recorded on one instance is served by another", "[store][pg][blobs]") {
  PgFixture f;
  const std::int64_t id = f.awaiting_school(*f.db, "S50000");
  const auto agreement = ok(f.approve_by_school(*f.db, id));
  const std::string pdf = large_pdf(300 * 1024);
  const store::SignedDocument document{id, *agreement.serial, "", std::string(64, 'e'), kStart};
  const auto stored = ok(f.db->put_signed_document(document, pdf));
  CHECK(stored.sha256 == store::sha256_hex(pdf));
  // A second call keeps the first record.
  CHECK(ok(f.db->put_signed_document(document, large_pdf(200 * 1024))).sha256 == stored.sha256);

  auto other = f.open_another();
  const auto found = ok(other->signed_document(id));
  CHECK(found.serial == *agreement.serial);
  CHECK(file_bytes(ok(other->blob_file(found.sha256))) == pdf);
}

TEST_CASE("blob names that are not a sha256, unknown blobs and refused uploads change nothing", "[store][pg][blobs]") {
  PgFixture f;
  auto bad_name = f.db->blob_file("../../etc/passwd");
  REQUIRE_FALSE(bad_name.ok());
  CHECK(bad_name.error().kind == ErrorKind::InvalidInput);
  auto unknown = f.db->blob_file(std::string(64, '0'));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().kind == ErrorKind::NotFound);
  CHECK(f.db->blob_bytes(std::string(64, '0')).error().kind == ErrorKind::NotFound);
  CHECK(f.db->store_attachment("not a known type", workflow::AttachmentPurpose::Other).error().kind ==
        ErrorKind::InvalidInput);
  CHECK(f.db->store_attachment(large_pdf(11 * 1024 * 1024), workflow::AttachmentPurpose::Other).error().kind ==
        ErrorKind::TooLarge);

  auto c = f.database.connect();
  CHECK(ok(c.exec("SELECT COUNT(*) FROM blobs")).int64(0, 0) == 0);
  CHECK(ok(c.exec("SELECT COUNT(*) FROM blob_chunks")).int64(0, 0) == 0);
  const auto cache = f.options().blob_cache_dir;
  CHECK(std::filesystem::is_empty(cache));
}
