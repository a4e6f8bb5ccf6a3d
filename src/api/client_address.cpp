#include "api/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace sanfang::api {

namespace {

using Address = std::array<unsigned char, 16>;

constexpr std::size_t kMaxAddressLength = 64;

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// inet_pton for either family; IPv4 becomes IPv4-mapped IPv6.
std::optional<Address> parse_address(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string terminated(text);
  Address address{};
  in_addr v4{};
  if (inet_pton(AF_INET, terminated.c_str(), &v4) == 1) {
    address[10] = 0xff;
    address[11] = 0xff;
    std::memcpy(address.data() + 12, &v4, 4);
    return address;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, terminated.c_str(), &v6) == 1) {
    std::memcpy(address.data(), &v6, 16);
    return address;
  }
  return std::nullopt;
}

bool is_v4(std::string_view text) { return text.find(':') == std::string_view::npos; }

bool same_prefix(const Address& a, const Address& b, int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const unsigned char mask = bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries, const std::string& field) {
  TrustedProxies proxies;
  for (const std::string& entry : entries) {
    const std::size_t slash = entry.find('/');
    const std::string_view host = std::string_view(entry).substr(0, slash);
    const auto network = parse_address(host);
    if (!network) return Error::invalid(field, "\"" + entry + "\" is not an IP address or CIDR range");
    Range range;
    range.network = *network;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      const int family_bits = is_v4(host) ? 32 : 128;
      if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          std::stoi(bits) > family_bits) {
        return Error::invalid(field, "\"" + entry + "\" has an invalid prefix length");
      }
      range.prefix_bits = std::stoi(bits) + (128 - family_bits);
    }
    proxies.m_ranges.push_back(range);
  }
  return proxies;
}

bool TrustedProxies::contains(std::string_view address) const {
  const auto parsed = parse_address(trimmed(address));
  if (!parsed) return false;
  return std::any_of(m_ranges.begin(), m_ranges.end(),
                     [&](const Range& range) { return same_prefix(*parsed, range.network, range.prefix_bits); });
}

std::string client_address(const HttpRequest& request, const TrustedProxies& trusted) {
  std::string_view client = request.peer_address;
  const auto forwarded = request.header("x-forwarded-for");
  if (forwarded && trusted.contains(client)) {
    std::string_view hops = *forwarded;
    while (!hops.empty()) {
      const std::size_t comma = hops.rfind(',');
      const std::string_view hop = trimmed(comma == std::string_view::npos ? hops : hops.substr(comma + 1));
      hops = comma == std::string_view::npos ? std::string_view() : hops.substr(0, comma);
      if (!parse_address(hop)) break;
      client = hop;
      if (!trusted.contains(hop)) break;
    }
  }
  return std::string(client.substr(0, kMaxAddressLength));
}

}  // namespace sanfang::api
