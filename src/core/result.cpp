#include "core/result.h"

namespace sanfang {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidInput: return "invalid_input";
    case ErrorKind::FontCoverage: return "font_coverage";
    case ErrorKind::Overflow: return "overflow";
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::Conflict: return "conflict";
    case ErrorKind::Unauthorized: return "unauthorized";
    case ErrorKind::Forbidden: return "forbidden";
    case ErrorKind::TooLarge: return "too_large";
    case ErrorKind::Storage: return "storage";
    case ErrorKind::Io: return "io";
    case ErrorKind::Render: return "render";
    case ErrorKind::Busy: return "busy";
    case ErrorKind::TooManyRequests: return "too_many_requests";
    case ErrorKind::Internal: return "internal";
  }
  return "internal";
}

}  // namespace sanfang
