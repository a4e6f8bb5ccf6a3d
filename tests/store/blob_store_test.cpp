// The blob folder of a SQLite data folder: one file per content hash, no temporaries left, and the
// type sniffed from the bytes. What every backend shares is in contract/documents_contract_test.cpp.
#include "store/blob_store.h"
#include "store/secrets.h"
#include "store_fixture.h"

using namespace sanfang;
using namespace sanfang::test;

namespace {

std::string jpeg_bytes(std::size_t size) {
  std::string bytes("\xFF\xD8\xFF\xE0", 4);
  bytes.resize(size, 'j');
  return bytes;
}

}  // namespace

TEST_CASE("an attachment is kept as one file named by its sha256, with no temporary left behind", "[store][blob]") {
  StoreFixture f;
  const std::string pdf = "%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n";
  auto stored = ok(f.db->store_attachment(pdf, workflow::AttachmentPurpose::Proof));
  CHECK(stored.sha256 == store::sha256_hex(pdf));
  CHECK(stored.media_type == workflow::MediaType::Pdf);
  CHECK(stored.size == static_cast<std::int64_t>(pdf.size()));
  CHECK(ok(f.db->attachment_bytes(stored.sha256)) == pdf);

  auto again = ok(f.db->store_attachment(pdf, workflow::AttachmentPurpose::Other));
  CHECK(again.sha256 == stored.sha256);
  const auto blob_file = f.options().data_dir / "blobs" / stored.sha256.substr(0, 2) / stored.sha256;
  CHECK(std::filesystem::exists(blob_file));
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(f.options().data_dir / "blobs"))
    files += entry.is_regular_file() ? 1 : 0;
  CHECK(files == 1);  // no temporary left behind, no duplicate
}

TEST_CASE("the type is sniffed from the bytes: JPEG, PNG and PDF only", "[store][blob]") {
  CHECK(ok(store::sniff_media_type(jpeg_bytes(10))) == workflow::MediaType::Jpeg);
  CHECK(ok(store::sniff_media_type(std::string("\x89PNG\r\n\x1A\n....", 12))) == workflow::MediaType::Png);
  CHECK(ok(store::sniff_media_type("%PDF-1.4")) == workflow::MediaType::Pdf);
  for (std::string_view not_allowed : {std::string_view("GIF89a...."), std::string_view("<html>%PDF-"),
                                       std::string_view("PK\x03\x04 docx", 9), std::string_view("\xFF\xD8", 2)}) {
    auto sniffed = store::sniff_media_type(not_allowed);
    REQUIRE_FALSE(sniffed.ok());
    CHECK(sniffed.error().kind == ErrorKind::InvalidInput);
    CHECK(sniffed.error().field == "file");
  }
}

TEST_CASE("uploads that are empty, too large or of another type are refused and nothing is written", "[store][blob]") {
  StoreFixture f;
  auto too_large = f.db->store_attachment(jpeg_bytes(10 * 1024 * 1024 + 1), workflow::AttachmentPurpose::Proof);
  REQUIRE_FALSE(too_large.ok());
  CHECK(too_large.error().kind == ErrorKind::TooLarge);
  CHECK(too_large.error().field == "file");
  CHECK(f.db->store_attachment(jpeg_bytes(10 * 1024 * 1024), workflow::AttachmentPurpose::Proof).ok());

  auto text = f.db->store_attachment("just some text pretending to be a.pdf", workflow::AttachmentPurpose::Proof);
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().kind == ErrorKind::InvalidInput);
  CHECK(f.db->store_attachment("", workflow::AttachmentPurpose::Proof).error().kind == ErrorKind::InvalidInput);

  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(f.options().data_dir / "blobs"))
    files += entry.is_regular_file() ? 1 : 0;
  CHECK(files == 1);
}
