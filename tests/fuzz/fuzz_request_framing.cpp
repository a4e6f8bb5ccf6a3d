// The bytes of a connection (api/request_framing.h): the first input byte says where the rest is
// cut into two reads. Whatever arrives, the framer hands on the same requests and the same
// refusal however the bytes were cut, never a body over the limit, refuses only with the statuses
// it documents, adds nothing after a refusal, and asks for a 100 (Continue) only for a request
// that is still arriving.
#include "fuzz_support.h"

#include "api/request_framing.h"

#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace {

// Small, so that inputs reach the body limit.
constexpr std::size_t kMaxBody = 4096;

struct Framed {
  std::vector<sanfang::api::FramedRequest> requests;
  std::optional<sanfang::api::FramingRefusal> refusal;
};

bool same(const Framed& a, const Framed& b) {
  if (a.requests.size() != b.requests.size() || a.refusal.has_value() != b.refusal.has_value()) return false;
  if (a.refusal && a.refusal->status != b.refusal->status) return false;
  for (std::size_t i = 0; i < a.requests.size(); ++i) {
    const auto& x = a.requests[i];
    const auto& y = b.requests[i];
    if (x.method != y.method || x.target != y.target || x.headers != y.headers || x.body != y.body ||
        x.keep_alive != y.keep_alive)
      return false;
  }
  return true;
}

void check_read(sanfang::api::RequestFramer& framer, const std::optional<sanfang::api::FramingRefusal>& refusal) {
  static const std::set<int> documented{400, 413, 417, 431};
  if (refusal) sanfang::fuzz::require(documented.count(refusal->status) == 1, "a refusal has a documented status");
  const bool arriving = framer.in_request();
  if (framer.take_continue()) {
    sanfang::fuzz::require(arriving && !refusal, "100 (Continue) only for a request still arriving");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  if (size < 1) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t cut = bytes.empty() ? 0 : data[0] % (bytes.size() + 1);

  Framed whole;
  {
    api::RequestFramer framer(kMaxBody);
    whole.refusal = framer.feed(bytes, whole.requests);
    check_read(framer, whole.refusal);
  }
  Framed in_two;
  {
    api::RequestFramer framer(kMaxBody);
    in_two.refusal = framer.feed(bytes.substr(0, cut), in_two.requests);
    check_read(framer, in_two.refusal);
    if (!in_two.refusal) {
      in_two.refusal = framer.feed(bytes.substr(cut), in_two.requests);
      check_read(framer, in_two.refusal);
    }
    if (in_two.refusal) {
      const std::size_t handed_on = in_two.requests.size();
      const auto again = framer.feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n", in_two.requests);
      fuzz::require(again && again->status == in_two.refusal->status && in_two.requests.size() == handed_on,
                    "nothing is read after a refusal");
    }
  }
  fuzz::require(same(whole, in_two), "the same requests and refusal however the bytes are cut");
  for (const api::FramedRequest& request : whole.requests) {
    fuzz::require(request.body.size() <= kMaxBody, "no body over the limit is handed on");
    fuzz::require(!request.method.empty(), "every request has a method");
  }
  return 0;
}
