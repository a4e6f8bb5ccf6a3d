// Who is asking: the client address recorded in the verification scan log and used to
// rate-limit public checks. A request's TCP peer is the client unless it is a reverse proxy the
// configuration trusts (`trusted_proxies`: addresses and CIDR ranges, IPv4 or IPv6); only then is
// X-Forwarded-For read. Trade-off: the header is walked from the right and the first hop that is
// not itself a trusted proxy is the client, so a client cannot choose its own address by sending
// a forged header through the proxy (the proxy appends what it saw); behind a proxy chain every
// hop must be listed.
#pragma once

#include "api/http.h"
#include "core/result.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::api {

class TrustedProxies {
 public:
  // Each entry is an address ("10.0.0.5", "::1") or a CIDR range ("10.0.0.0/8", "fd00::/8").
  // InvalidInput naming `field` for anything else.
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries, const std::string& field);

  bool contains(std::string_view address) const;
  bool empty() const { return m_ranges.empty(); }

 private:
  // IPv4 is kept as IPv4-mapped IPv6 (::ffff:a.b.c.d), so one comparison covers both.
  struct Range {
    std::array<unsigned char, 16> network{};
    int prefix_bits = 128;
  };
  std::vector<Range> m_ranges;
};

// The client's address, printable and at most 64 characters: the peer, or — when the peer is a
// trusted proxy — the nearest untrusted hop of X-Forwarded-For (an entry that is not an address
// ends the walk at the hop that reported it).
std::string client_address(const HttpRequest& request, const TrustedProxies& trusted);

}  // namespace sanfang::api
