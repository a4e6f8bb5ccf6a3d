// The documents area's contract (store/document_store.h): attachments and signed documents kept
// content-addressed, blob bytes and files, and the verification log.
#include <fstream>
#include <sstream>

#include "contract/contract_fixture.h"
#include "core/validate.h"
#include "store/secrets.h"

namespace sanfang::test::contract {
namespace {

std::string jpeg_bytes(std::size_t size, char fill = 'j') {
  std::string bytes("\xFF\xD8\xFF\xE0", 4);
  bytes.resize(size, fill);
  return bytes;
}

std::string file_contents(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

const std::string kPdf = "%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n";

TEST_CASE("an attachment round-trips under the sha256 of its bytes and is stored once", "[contract][documents]") {
  EACH_STORE_BACKEND(f);
  auto stored = ok(f.db->store_attachment(kPdf, workflow::AttachmentPurpose::Proof));
  CHECK(stored.sha256 == store::sha256_hex(kPdf));
  CHECK(stored.media_type == workflow::MediaType::Pdf);
  CHECK(stored.size == static_cast<std::int64_t>(kPdf.size()));
  CHECK(stored.purpose == workflow::AttachmentPurpose::Proof);
  CHECK(ok(f.db->attachment_bytes(stored.sha256)) == kPdf);
  CHECK(ok(f.db->blob_bytes(stored.sha256)) == kPdf);

  auto again = ok(f.db->store_attachment(kPdf, workflow::AttachmentPurpose::Other));
  CHECK(again.sha256 == stored.sha256);
  CHECK(again.purpose == workflow::AttachmentPurpose::Other);
  CHECK(ok(f.connect()->attachment_bytes(stored.sha256)) == kPdf);  // durable, seen by every connection
}

TEST_CASE("attachments that are empty, too large or of another type are refused and nothing is kept",
          "[contract][documents]") {
  EACH_STORE_BACKEND(f);
  const std::string too_large_bytes = jpeg_bytes(10 * 1024 * 1024 + 1);
  auto too_large = f.db->store_attachment(too_large_bytes, workflow::AttachmentPurpose::Proof);
  REQUIRE_FALSE(too_large.ok());
  CHECK(too_large.error().kind == ErrorKind::TooLarge);
  CHECK(too_large.error().field == "file");
  CHECK(f.db->attachment_bytes(store::sha256_hex(too_large_bytes)).error().kind == ErrorKind::NotFound);
  CHECK(f.db->store_attachment(jpeg_bytes(10 * 1024 * 1024), workflow::AttachmentPurpose::Proof).ok());

  const std::string text = "just some text pretending to be a.pdf";
  auto refused = f.db->store_attachment(text, workflow::AttachmentPurpose::Proof);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::InvalidInput);
  CHECK(refused.error().field == "file");
  CHECK(f.db->attachment_bytes(store::sha256_hex(text)).error().kind == ErrorKind::NotFound);
  CHECK(f.db->store_attachment("", workflow::AttachmentPurpose::Proof).error().kind == ErrorKind::InvalidInput);
}

TEST_CASE("a blob that was never stored is not found, and a malformed address is refused", "[contract][documents]") {
  EACH_STORE_BACKEND(f);
  const std::string unknown(64, 'e');
  CHECK(f.db->attachment_bytes(unknown).error().kind == ErrorKind::NotFound);
  CHECK(f.db->blob_bytes(unknown).error().kind == ErrorKind::NotFound);
  CHECK(f.db->blob_file(unknown).error().kind == ErrorKind::NotFound);
  for (const std::string& malformed : std::vector<std::string>{"../../etc/passwd", "ABC", std::string(64, 'G')}) {
    CAPTURE(malformed);
    CHECK(f.db->attachment_bytes(malformed).error().kind == ErrorKind::InvalidInput);
    CHECK(f.db->blob_bytes(malformed).error().kind == ErrorKind::InvalidInput);
  }
}

TEST_CASE("a signed document is recorded once per agreement under its bytes' hash, and its file holds them",
          "[contract][documents]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  const auto agreement = f.sign("2022001");
  CHECK(f.db->signed_document(agreement.id).error().kind == ErrorKind::NotFound);

  const store::SignedDocument document{agreement.id, *agreement.serial, "ignored", std::string(64, 'c'), kStart};
  const auto stored = ok(f.db->put_signed_document(document, kPdf));
  CHECK(stored.agreement_id == agreement.id);
  CHECK(stored.serial == *agreement.serial);
  CHECK(stored.sha256 == store::sha256_hex(kPdf));
  CHECK(stored.content_hash == std::string(64, 'c'));
  CHECK(stored.created_at == kStart);
  CHECK(ok(f.db->signed_document(agreement.id)).sha256 == stored.sha256);
  CHECK(ok(f.db->blob_bytes(stored.sha256)) == kPdf);
  const auto file = ok(f.db->blob_file(stored.sha256));
  CHECK(file_contents(file) == kPdf);

  // Two first downloads may race to store it: the first record stays.
  const std::string other_pdf = "%PDF-1.7\n% another rendering\n%%EOF\n";
  auto later = document;
  later.content_hash = std::string(64, 'd');
  later.created_at = kStart + std::chrono::hours(1);
  const auto kept = ok(f.db->put_signed_document(later, other_pdf));
  CHECK(kept.sha256 == stored.sha256);
  CHECK(kept.content_hash == stored.content_hash);
  CHECK(kept.created_at == kStart);
}

TEST_CASE("the same bytes stored as an attachment and as a document are one blob", "[contract][documents]") {
  EACH_STORE_BACKEND(f);
  f.add_verified_student("2022001");
  const auto agreement = f.sign("2022001");
  const auto attachment = ok(f.db->store_attachment(kPdf, workflow::AttachmentPurpose::Proof));
  const auto document = ok(f.db->put_signed_document(
      {agreement.id, *agreement.serial, "", std::string(64, 'c'), kStart}, kPdf));
  CHECK(document.sha256 == attachment.sha256);
  CHECK(ok(f.db->blob_file(document.sha256)) == ok(f.db->blob_file(attachment.sha256)));
}

// A PDF of `size` bytes that no two sizes share and whose bytes vary across every 1 MiB chunk.
std::string large_pdf(std::size_t size) {
  std::string bytes = "%PDF-1.7\n";
  for (std::size_t i = bytes.size(); i < size; ++i) bytes.push_back(static_cast<char>((i * 131 + i / 4099) & 0xFF));
  return bytes;
}

void write_file(const std::filesystem::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

TEST_CASE("a file larger than one chunk is stored as a blob from disk and reads back byte for byte",
          "[contract][documents][blob_file]") {
  EACH_STORE_BACKEND(f);
  test::TempDir work;
  const std::string pdf = large_pdf(2 * 1024 * 1024 + 12345);  // three chunks, the last one partial
  const std::string sha256 = store::sha256_hex(pdf);
  const auto file = work.path() / "7.pdf";
  write_file(file, pdf);

  const auto stored = ok(f.db->put_blob_file(file, sha256, kStart));
  CHECK(stored.sha256 == sha256);
  CHECK(stored.size == static_cast<std::int64_t>(pdf.size()));
  CHECK(stored.media_type == workflow::MediaType::Pdf);
  CHECK_FALSE(std::filesystem::exists(file));  // taken in, not copied beside
  CHECK(ok(f.db->blob_bytes(sha256)) == pdf);
  // Another connection (another instance) finds it too, as bytes and as a file of its own disk.
  const auto other = f.connect();
  CHECK(ok(other->blob_bytes(sha256)) == pdf);
  CHECK(file_contents(ok(other->blob_file(sha256))) == pdf);

  // The same content again is one blob; the second file goes too.
  write_file(file, pdf);
  CHECK(ok(f.db->put_blob_file(file, sha256, kStart)).size == stored.size);
  CHECK_FALSE(std::filesystem::exists(file));
  CHECK(ok(f.db->blob_bytes(sha256)) == pdf);
}

TEST_CASE("a file that is not what its sha256 says, empty or of another type is refused and nothing is kept",
          "[contract][documents][blob_file]") {
  EACH_STORE_BACKEND(f);
  test::TempDir work;
  const auto file = work.path() / "8.pdf";
  const std::string pdf = large_pdf(1024 * 1024 + 1);
  const std::string sha256 = store::sha256_hex(pdf);

  std::string changed = pdf;
  changed.back() ^= 0x01;  // one bit in the last chunk: found only at the end
  write_file(file, changed);
  auto mismatch = f.db->put_blob_file(file, sha256, kStart);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().kind == ErrorKind::Storage);
  CHECK(file_contents(file) == changed);  // the file stays where it was
  CHECK(f.db->blob_bytes(sha256).error().kind == ErrorKind::NotFound);
  CHECK(f.db->blob_bytes(store::sha256_hex(changed)).error().kind == ErrorKind::NotFound);

  const std::string text = "plain text, not a PDF";
  write_file(file, text);
  CHECK(f.db->put_blob_file(file, store::sha256_hex(text), kStart).error().kind == ErrorKind::InvalidInput);
  CHECK(f.db->blob_bytes(store::sha256_hex(text)).error().kind == ErrorKind::NotFound);
  write_file(file, "");
  CHECK(f.db->put_blob_file(file, store::sha256_hex(""), kStart).error().kind == ErrorKind::InvalidInput);
  CHECK(f.db->put_blob_file(file, "../../etc/passwd", kStart).error().kind == ErrorKind::InvalidInput);
  CHECK(f.db->put_blob_file(work.path() / "missing.pdf", sha256, kStart).error().kind == ErrorKind::Io);
  CHECK(std::filesystem::exists(file));
}

TEST_CASE("verification scans are counted by answer and listed newest first, per serial or all",
          "[contract][documents][verification]") {
  EACH_STORE_BACKEND(f);
  const std::string serial = ok(core::make_serial(kSchoolCode, 2026, 1));
  const std::string other = ok(core::make_serial(kSchoolCode, 2026, 2));
  ok(f.db->record_verification({0, kStart, "t1", serial, "valid", "192.0.2.1"}));
  ok(f.db->record_verification({0, kStart + std::chrono::seconds(1), "t2", serial, "terminated", ""}));
  ok(f.db->record_verification({0, kStart + std::chrono::seconds(2), "t3", other, "valid", "192.0.2.2"}));
  ok(f.db->record_verification({0, kStart + std::chrono::seconds(3), "forged", std::nullopt, "invalid", "198.51.100.7"}));

  const auto of_serial = ok(f.db->verifications(serial, 10));
  CHECK(of_serial.valid == 1);
  CHECK(of_serial.terminated == 1);
  CHECK(of_serial.invalid == 0);
  REQUIRE(of_serial.recent.size() == 2);
  CHECK(of_serial.recent[0].token == "t2");
  CHECK(of_serial.recent[0].at == kStart + std::chrono::seconds(1));
  CHECK(of_serial.recent[1].client_address == "192.0.2.1");

  const auto all = ok(f.db->verifications("", 2));
  CHECK(all.valid == 2);
  CHECK(all.terminated == 1);
  CHECK(all.invalid == 1);
  REQUIRE(all.recent.size() == 2);
  CHECK(all.recent[0].token == "forged");
  CHECK_FALSE(all.recent[0].serial.has_value());
  CHECK(all.recent[0].answer == "invalid");
  CHECK(all.recent[0].id > all.recent[1].id);
  CHECK(all.recent[1].serial == other);

  const auto none = ok(f.db->verifications(ok(core::make_serial(kSchoolCode, 2026, 3)), 10));
  CHECK(none.valid + none.terminated + none.invalid == 0);
  CHECK(none.recent.empty());
}

TEST_CASE("the school's public address is adopted once, changed explicitly, and every setting is audited",
          "[contract][documents][public_base]") {
  EACH_STORE_BACKEND(f);
  CHECK_FALSE(ok(f.db->public_base()).has_value());
  CHECK(ok(f.db->adopt_public_base("https://jy.example.edu.cn", workflow::Actor::system(), kStart)) ==
        "https://jy.example.edu.cn");
  // A later start with another address, here on another connection, keeps the stored one.
  CHECK(ok(f.connect()->adopt_public_base("http://127.0.0.1:9090", workflow::Actor::system(), kStart)) ==
        "https://jy.example.edu.cn");
  CHECK(ok(f.db->public_base()) == std::optional<std::string>("https://jy.example.edu.cn"));

  const auto later = kStart + std::chrono::hours{1};
  CHECK(ok(f.db->change_public_base("https://verify.example.edu.cn", f.school(), later)) == "https://jy.example.edu.cn");
  CHECK(ok(f.connect()->public_base()) == std::optional<std::string>("https://verify.example.edu.cn"));

  const auto trail = ok(f.db->audit_trail("school", "public_base"));
  REQUIRE(trail.size() == 2);
  CHECK(trail[0].event.action == "set_public_base");
  CHECK(trail[0].event.actor_role == workflow::Role::System);
  CHECK(trail[0].event.from_state.empty());
  CHECK(trail[0].event.to_state == "https://jy.example.edu.cn");
  CHECK(trail[1].event.actor_role == workflow::Role::School);
  CHECK(trail[1].event.at == later);
  CHECK(trail[1].event.from_state == "https://jy.example.edu.cn");
  CHECK(trail[1].event.to_state == "https://verify.example.edu.cn");
  CHECK(ok(f.db->verify_audit_chain()).intact());
}

}  // namespace
}  // namespace sanfang::test::contract
