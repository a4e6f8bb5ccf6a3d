#include "api/problem.h"

#include <nlohmann/json.hpp>

namespace sanfang::api {

int http_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidInput: return 400;
    case ErrorKind::FontCoverage:
    case ErrorKind::Overflow: return 422;
    case ErrorKind::Unauthorized: return 401;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::TooLarge: return 413;
    case ErrorKind::Busy: return 503;
    case ErrorKind::TooManyRequests: return 429;
    case ErrorKind::Storage:
    case ErrorKind::Io:
    case ErrorKind::Render:
    case ErrorKind::Internal: return 500;
  }
  return 500;
}

namespace {

const char* title_for(int status) {
  switch (status) {
    case 400: return "请求有误";
    case 401: return "未登录或登录已失效";
    case 403: return "无权进行此操作";
    case 404: return "未找到";
    case 405: return "不支持的请求方法";
    case 408: return "请求超时";
    case 409: return "状态冲突";
    case 413: return "请求内容过大";
    case 415: return "不支持的内容类型";
    case 417: return "无法满足请求的期望";
    case 422: return "内容无法打印";
    case 429: return "请求过于频繁";
    case 431: return "请求头过大";
    case 503: return "服务繁忙";
    default: return "服务器内部错误";
  }
}

}  // namespace

HttpResponse problem_response(int status, const std::string& type, const std::string& detail,
                              const std::string& field) {
  nlohmann::json body = {{"type", type}, {"title", title_for(status)}, {"status", status}, {"detail", detail}};
  if (!field.empty()) body["field"] = field;
  HttpResponse response;
  response.status = status;
  response.content_type = "application/problem+json";
  response.body = body.dump();
  // RFC 9110 §10.2.3: a busy service tells the client when to come back.
  if (status == 503) response.with_header("Retry-After", "1");
  return response;
}

HttpResponse problem_response(const Error& error, const nlohmann::json& extensions) {
  HttpResponse response = problem_response(error);
  nlohmann::json body = nlohmann::json::parse(response.body);
  for (const auto& [key, value] : extensions.items()) body[key] = value;
  response.body = body.dump();
  return response;
}

HttpResponse problem_response(const Error& error) {
  const int status = http_status(error.kind);
  // Internal details (SQL, file paths, library messages) stay in the server log.
  const std::string detail = status == 500 ? "服务器内部错误，请稍后重试" : error.message;
  return problem_response(status, to_string(error.kind), detail, status == 500 ? std::string() : error.field);
}

HttpResponse with_request_id(HttpResponse response, const std::string& request_id) {
  if (response.content_type == "application/problem+json") {
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object()) {
      body["request_id"] = request_id;
      response.body = body.dump();
    }
  }
  return response.with_header("X-Request-Id", request_id);
}

}  // namespace sanfang::api
