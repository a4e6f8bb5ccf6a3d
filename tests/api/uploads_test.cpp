// Uploads and quantity limits over a real server: decompression bombs (a small file declaring a
// huge image) refused from the header before decoding, with nothing stored; progressive JPEGs
// with too many scans and PDFs with too many pages refused; the attachment limit per agreement
// and the limit on units a student registers.
#include "workflow_test_support.h"

#include "api/upload_check.h"
#include "workflow/limits.h"

#include <catch2/catch.hpp>
#include <cairo-pdf.h>
#include <cairo.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

// libjpeg's header needs FILE and size_t declared first.
#include <jpeglib.h>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

void put_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

void put_chunk(std::string& out, const char* type, const std::string& data) {
  put_be32(out, static_cast<std::uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out += typed;
  put_be32(out, static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()),
                                                 static_cast<uInt>(typed.size()))));
}

// A PNG bomb: a header declaring width × height RGBA pixels, followed by a deflate stream of
// 8 MB of zeros (a few KB compressed) — the start of that image, as a real bomb would carry.
std::string png_bomb(std::uint32_t width, std::uint32_t height) {
  std::string png("\x89PNG\r\n\x1A\n", 8);
  std::string header;
  put_be32(header, width);
  put_be32(header, height);
  header += std::string("\x08\x06\x00\x00\x00", 5);  // 8 bits, RGBA, deflate, no filter, no interlace
  put_chunk(png, "IHDR", header);
  const std::vector<Bytef> zeros(8 * 1024 * 1024, 0);
  uLongf size = compressBound(zeros.size());
  std::vector<Bytef> deflated(size);
  REQUIRE(compress2(deflated.data(), &size, zeros.data(), zeros.size(), 9) == Z_OK);
  put_chunk(png, "IDAT", std::string(reinterpret_cast<const char*>(deflated.data()), size));
  put_chunk(png, "IEND", {});
  return png;
}

// A grey JPEG written by libjpeg; `scans` (when given) is its progressive scan script.
std::string grey_jpeg(int width, int height, bool progressive, const std::vector<jpeg_scan_info>& scans = {}) {
  jpeg_compress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&info, &buffer, &size);
  info.image_width = static_cast<JDIMENSION>(width);
  info.image_height = static_cast<JDIMENSION>(height);
  info.input_components = 1;
  info.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&info);
  if (progressive) jpeg_simple_progression(&info);
  if (!scans.empty()) {
    info.scan_info = scans.data();
    info.num_scans = static_cast<int>(scans.size());
  }
  jpeg_start_compress(&info, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(width));
  while (info.next_scanline < info.image_height) {
    for (int x = 0; x < width; ++x) row[static_cast<std::size_t>(x)] = static_cast<unsigned char>((x * 7 + info.next_scanline * 3) & 0xFF);
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&info, rows, 1);
  }
  jpeg_finish_compress(&info);
  std::string bytes(reinterpret_cast<const char*>(buffer), size);
  jpeg_destroy_compress(&info);
  std::free(buffer);
  return bytes;
}

// The same file with the frame header (SOF0 baseline / SOF2 progressive) declaring another size.
std::string with_declared_size(std::string jpeg, std::uint16_t width, std::uint16_t height) {
  for (std::size_t i = 2; i + 9 < jpeg.size(); ++i) {
    const auto marker = static_cast<unsigned char>(jpeg[i + 1]);
    if (static_cast<unsigned char>(jpeg[i]) == 0xFF && (marker == 0xC0 || marker == 0xC2)) {
      jpeg[i + 5] = static_cast<char>(height >> 8);
      jpeg[i + 6] = static_cast<char>(height & 0xFF);
      jpeg[i + 7] = static_cast<char>(width >> 8);
      jpeg[i + 8] = static_cast<char>(width & 0xFF);
      return jpeg;
    }
  }
  FAIL("no frame header");
  return jpeg;
}

cairo_status_t append_bytes(void* out, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(out)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string pdf_with_pages(int pages, double width = 595, double height = 842) {
  std::string bytes;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append_bytes, &bytes, width, height);
  cairo_t* cr = cairo_create(surface);
  for (int i = 0; i < pages; ++i) {
    cairo_rectangle(cr, 10, 10, 20, 20);
    cairo_fill(cr);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return bytes;
}

struct Draft {
  std::int64_t id = 0;
  Party student;
};

// A student-initiated draft: its student may upload files to it.
Draft draft_agreement(WorkflowWorld& world, const std::string& student_no) {
  world.add_student(student_no);
  world.verify_source_info(student_no);
  Party student = world.student(student_no);
  json draft = expect(student->post_json("/api/v1/agreements",
                                         {{"employer_id", world.vetted_employer_id}, {"content", sample_content()}}),
                      201);
  return {draft["id"].get<std::int64_t>(), std::move(student)};
}

HttpResult upload(HttpClient& client, std::int64_t id, const std::string& bytes, const std::string& type) {
  return client.request("POST", at(id, "/attachments?purpose=proof"), bytes, {{"Content-Type", type}});
}

std::size_t blob_files(const std::filesystem::path& data_dir) {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir / "blobs"))
    count += entry.is_regular_file() ? 1 : 0;
  return count;
}

// The bomb is refused with a problem naming the body, quickly, and leaves no trace.
void expect_refused(WorkflowWorld& world, Draft& draft, const std::string& bytes, const std::string& type,
                    long status, const std::string& reason) {
  const std::size_t blobs_before = blob_files(world.fixture().data_dir());
  const auto start = std::chrono::steady_clock::now();
  auto result = upload(*draft.student, draft.id, bytes, type);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(result.body);
  CHECK(result.status == status);
  CHECK(result.header("content-type") == "application/problem+json");
  CHECK(result.json()["field"] == "body");
  CHECK(result.json()["detail"].get<std::string>().find(reason) != std::string::npos);
  // Decoding such a file took 7–10 s and gigabytes; read from its header it takes milliseconds.
  CHECK(seconds < 2.0);
  CHECK(blob_files(world.fixture().data_dir()) == blobs_before);
  CHECK(expect(draft.student->get(at(draft.id)), 200)["attachments"].empty());
  CHECK(world.store().uploads_of(draft.id).value().empty());
}

}  // namespace

TEST_CASE("a small PNG declaring a huge image is refused from its header with 413 and nothing stored",
          "[api][uploads][bombs]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025001");
  const std::string bomb = png_bomb(100'000, 100'000);
  REQUIRE(bomb.size() < 64 * 1024);
  expect_refused(world, draft, bomb, "image/png", 413, "100000×100000 像素");
  // Within the side limit but over the pixel budget.
  expect_refused(world, draft, png_bomb(10'000, 10'000), "image/png", 413, "4000 万像素");
}

TEST_CASE("a JPEG whose frame header declares a huge image is refused before decoding, baseline or progressive",
          "[api][uploads][bombs]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025002");
  expect_refused(world, draft, with_declared_size(grey_jpeg(64, 64, false), 60'000, 60'000), "image/jpeg", 413,
                 "60000×60000 像素");
  expect_refused(world, draft, with_declared_size(grey_jpeg(64, 64, true), 65'000, 65'000), "image/jpeg", 413,
                 "65000×65000 像素");
}

TEST_CASE("a progressive JPEG with more scans than the limit is refused", "[api][uploads][bombs]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025003");
  // DC in two steps of successive approximation, then each of the 63 AC coefficients alone.
  std::vector<jpeg_scan_info> scans;
  scans.push_back({1, {0}, 0, 0, 0, 1});
  scans.push_back({1, {0}, 0, 0, 1, 0});
  for (int k = 1; k < 64; ++k) scans.push_back({1, {0}, k, k, 0, 0});
  REQUIRE(static_cast<int>(scans.size()) > api::kMaxJpegScans);
  expect_refused(world, draft, grey_jpeg(64, 64, false, scans), "image/jpeg", 400, "扫描层数过多");
  // The same picture with the usual scans is accepted.
  expect(upload(*draft.student, draft.id, grey_jpeg(64, 64, true), "image/jpeg"), 201);
}

TEST_CASE("PDFs with too many pages or an absurd page size are refused, an ordinary one is stored",
          "[api][uploads][pdf]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025004");
  expect_refused(world, draft, pdf_with_pages(api::kMaxPdfPages + 1), "application/pdf", 413, "最多 50 页");
  expect_refused(world, draft, pdf_with_pages(1, 20'000, 842), "application/pdf", 400, "页面尺寸异常");
  json stored = expect(upload(*draft.student, draft.id, pdf_with_pages(3), "application/pdf"), 201);
  CHECK(stored["media_type"] == "application/pdf");
}

TEST_CASE("ordinary photos and scans within the budget are still accepted", "[api][uploads]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025005");
  CHECK(expect(upload(*draft.student, draft.id, png_bytes(1200, 900), "image/png"), 201)["media_type"] == "image/png");
  CHECK(expect(upload(*draft.student, draft.id, jpeg_bytes(1600, 1200), "image/jpeg"), 201)["media_type"] == "image/jpeg");
  // A truncated image is damaged, not a bomb.
  const std::string photo = jpeg_bytes(320, 240);
  json damaged = expect(upload(*draft.student, draft.id, photo.substr(0, photo.size() / 2), "image/jpeg"), 400);
  CHECK(damaged["detail"].get<std::string>().find("损坏") != std::string::npos);
}

TEST_CASE("an agreement takes at most 10 attachments, the 11th is refused and not stored",
          "[api][uploads][limits]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025006");
  for (int i = 0; i < workflow::kMaxAttachmentsPerAgreement; ++i)
    expect(upload(*draft.student, draft.id, png_bytes(20 + i, 20), "image/png"), 201);
  const std::size_t blobs_before = blob_files(world.fixture().data_dir());
  json refused = expect(upload(*draft.student, draft.id, png_bytes(99, 20), "image/png"), 409);
  CHECK(refused["field"] == "attachments");
  CHECK(refused["detail"].get<std::string>().find("最多上传 10 个附件") != std::string::npos);
  CHECK(blob_files(world.fixture().data_dir()) == blobs_before);
  CHECK(world.store().uploads_of(draft.id).value().size() == 10);
}

TEST_CASE("a student registers at most 5 units, the 6th is refused and not stored", "[api][employers][limits]") {
  WorkflowWorld world;
  world.add_student("2025007");
  Party student = world.student("2025007");
  const auto unit = [](int i) {
    return json{{"name", "自主联系单位第" + std::to_string(i) + "分公司"},
                {"uscc", uscc_with_check("91110108MA01ABC" + std::to_string(10 + i))},
                {"profile", valid_employer_profile()}};
  };
  for (int i = 0; i < workflow::kMaxEmployersPerStudent; ++i) expect(student->post_json("/api/v1/employers", unit(i)), 201);
  json refused = expect(student->post_json("/api/v1/employers", unit(9)), 409);
  CHECK(refused["field"] == "employer");
  CHECK(refused["detail"].get<std::string>().find("最多登记 5 家用人单位") != std::string::npos);
  json found = expect(student->get("/api/v1/employers?q=%E8%87%AA%E4%B8%BB%E8%81%94%E7%B3%BB"), 200);
  CHECK(found["items"].size() == 5);
  // The limit is the student's: the school still registers units.
  expect(world.school->post_json("/api/v1/employers", unit(8)), 201);
}

TEST_CASE("a running service keeps its data folder private: files 0600, folders 0700", "[api][files]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025008");
  json stored = expect(upload(*draft.student, draft.id, png_bytes(40, 30), "image/png"), 201);
  const std::string sha256 = stored["sha256"];
  const auto data = world.fixture().data_dir();
  const auto mode = [](const std::filesystem::path& path) {
    INFO(path.string());
    REQUIRE(std::filesystem::exists(path));
    return static_cast<int>(std::filesystem::status(path).permissions()) & 0777;
  };
  CHECK(mode(data) == 0700);
  CHECK(mode(data / "sanfang.sqlite3") == 0600);
  CHECK(mode(data / "sanfang.sqlite3-wal") == 0600);
  CHECK(mode(data / "sanfang.sqlite3-shm") == 0600);
  CHECK(mode(data / "verification.key") == 0600);
  CHECK(mode(data / "wechat.secret") == 0600);
  CHECK(mode(data / "print-jobs") == 0700);
  CHECK(mode(data / "blobs") == 0700);
  CHECK(mode(data / "blobs" / sha256.substr(0, 2)) == 0700);
  CHECK(mode(data / "blobs" / sha256.substr(0, 2) / sha256) == 0600);
}

TEST_CASE("reviewers in scope and the uploader open the evidence as uploaded, another college's reviewer gets 404",
          "[api][uploads][evidence]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025007");
  const std::string png = png_bytes(40, 30);
  const std::string pdf = pdf_with_pages(1);
  const json first = expect(upload(*draft.student, draft.id, png, "image/png"), 201);
  const json second = expect(upload(*draft.student, draft.id, pdf, "application/pdf"), 201);
  const std::string first_url = first["url"], second_url = second["url"];
  CHECK(first_url == at(draft.id, "/attachments/" + first["id"].dump()));
  expect(draft.student->post_json(at(draft.id, "/submit"), json::object()), 200);

  for (HttpClient* reader : {draft.student.client.get(), world.college.client.get(), world.school.client.get()}) {
    const json listed = expect(reader->get(at(draft.id, "/attachments")), 200);
    REQUIRE(listed["items"].size() == 2);
    CHECK(listed["items"][0]["id"] == first["id"]);
    CHECK(listed["items"][1]["media_type"] == "application/pdf");
    const auto image = reader->get(first_url);
    REQUIRE(image.status == 200);
    CHECK(image.body == png);
    CHECK(image.header("content-type") == "image/png");
    CHECK(image.header("content-disposition").rfind("inline", 0) == 0);
    CHECK(image.header("x-content-type-options") == "nosniff");
    CHECK(image.header("etag") == "\"" + first["sha256"].get<std::string>() + "\"");
    CHECK(reader->get(first_url, {{"If-None-Match", image.header("etag")}}).status == 304);
    const auto document = reader->get(second_url);
    REQUIRE(document.status == 200);
    CHECK(document.body == pdf);
    CHECK(document.header("content-type") == "application/pdf");
  }

  // Another college's reviewer, another student: as if neither the agreement nor the file existed.
  world.add_student("2025008");
  Party other_student = world.student("2025008");
  for (HttpClient* outsider : {world.other_college.client.get(), other_student.client.get()}) {
    CHECK(outsider->get(at(draft.id, "/attachments")).status == 404);
    CHECK(outsider->get(first_url).status == 404);
  }
  // An id that is not an upload of this agreement, and one that is not a number.
  CHECK(world.college->get(at(draft.id, "/attachments/999999")).status == 404);
  CHECK(world.college->get(at(draft.id, "/attachments/abc")).status == 404);
}

namespace {

struct PngRead {
  std::string_view bytes;
  std::size_t offset = 0;
};

cairo_status_t read_png_bytes(void* closure, unsigned char* data, unsigned int length) {
  auto* input = static_cast<PngRead*>(closure);
  if (input->bytes.size() - input->offset < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, input->bytes.data() + input->offset, length);
  input->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

struct Picture {
  int width = 0;
  int height = 0;
  std::uint32_t centre = 0;  // 0x00RRGGBB
};

// The thumbnail read back with cairo: its size and the colour at its centre.
Picture read_png(const std::string& png) {
  PngRead input{png};
  cairo_surface_t* image = cairo_image_surface_create_from_png_stream(read_png_bytes, &input);
  REQUIRE(cairo_surface_status(image) == CAIRO_STATUS_SUCCESS);
  Picture picture{cairo_image_surface_get_width(image), cairo_image_surface_get_height(image)};
  const unsigned char* data = cairo_image_surface_get_data(image);
  const int stride = cairo_image_surface_get_stride(image);
  picture.centre = reinterpret_cast<const std::uint32_t*>(data + (picture.height / 2) * stride)[picture.width / 2] &
                   0xFFFFFF;
  cairo_surface_destroy(image);
  return picture;
}

// Each of the three channels within 2 of the expected colour's (scaling rounds).
bool close_colour(std::uint32_t colour, std::uint32_t expected) {
  for (int shift : {16, 8, 0}) {
    const int got = static_cast<int>((colour >> shift) & 0xFF), want = static_cast<int>((expected >> shift) & 0xFF);
    if (std::abs(got - want) > 2) return false;
  }
  return true;
}

// The body of an answer that must have `status`.
std::string expect_body(const HttpResult& result, long status) {
  INFO(result.body);
  REQUIRE(result.status == status);
  return result.body;
}

}  // namespace

TEST_CASE("reviewers see a photo scaled to a 200-pixel thumbnail and a PDF as its first page, others get 404",
          "[api][uploads][thumbnails]") {
  WorkflowWorld world;
  Draft draft = draft_agreement(world, "2025009");
  const json photo = expect(upload(*draft.student, draft.id, png_bytes(800, 400), "image/png"), 201);
  const json scan = expect(upload(*draft.student, draft.id, jpeg_bytes(1600, 1200), "image/jpeg"), 201);
  const json letter = expect(upload(*draft.student, draft.id, pdf_with_pages(2), "application/pdf"), 201);
  expect(draft.student->post_json(at(draft.id, "/submit"), json::object()), 200);
  const std::string photo_url = photo["thumbnail_url"];
  CHECK(photo_url == photo["url"].get<std::string>() + "/thumbnail.png");

  const HttpResult photo_thumbnail = world.college->get(photo_url);
  REQUIRE(photo_thumbnail.status == 200);
  CHECK(photo_thumbnail.header("content-type") == "image/png");
  const Picture red = read_png(photo_thumbnail.body);
  CHECK(red.width == 200);
  CHECK(red.height == 100);
  CHECK(close_colour(red.centre, 0xE63333));  // png_bytes paints (0.9, 0.2, 0.2)

  const Picture grey = read_png(expect_body(world.school->get(scan["thumbnail_url"].get<std::string>()), 200));
  CHECK(grey.width == 200);
  CHECK(grey.height == 150);
  CHECK(close_colour(grey.centre, 0xC8C8C8));  // jpeg_bytes writes 200 in every channel

  const Picture page = read_png(expect_body(draft.student->get(letter["thumbnail_url"].get<std::string>()), 200));
  CHECK(page.height == 200);  // A4 portrait: the longer side
  CHECK(page.width == 141);
  CHECK(close_colour(page.centre, 0xFFFFFF));  // paper: the page's square is in its corner

  // Unchanged: the ETag comes from the file's hash, nothing is drawn for a 304.
  CHECK(world.college->get(photo_url, {{"If-None-Match", photo_thumbnail.header("etag")}}).status == 304);

  world.add_student("2025010");
  Party other_student = world.student("2025010");
  for (HttpClient* outsider : {world.other_college.client.get(), other_student.client.get()})
    CHECK(outsider->get(photo_url).status == 404);
  CHECK(world.college->get(at(draft.id, "/attachments/999999/thumbnail.png")).status == 404);
}
