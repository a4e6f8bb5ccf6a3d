#include "core/field_labels.h"

#include "core/field_rules.h"

#include <array>
#include <charconv>

namespace sanfang::core {

namespace {

// A request member and what people call it: its own label, or the render-input path of the
// printed field it fills (whose label is the field rule's).
struct MemberLabel {
  std::string_view name;
  std::string_view label;
  std::string_view printed_path = {};
};

constexpr std::array kMembers = std::to_array<MemberLabel>({
    {"$", "请求内容"},
    // agreements
    {"content", "协议内容"},
    {"version", "版本号"},
    {"employer_id", "用人单位"},
    {"student_no", "", "student.student_no"},
    {"reason", "原因"},
    {"decision", "审核结论"},
    {"explanation", "解约说明"},
    {"attachment_ids", "附件"},
    {"attachments", "附件"},
    {"attachment_id", "附件编号"},
    {"purpose", "附件用途"},
    {"state", "状态"},
    {"origin", "协议来源"},
    {"limit", "每页条数"},
    {"offset", "起始位置"},
    {"page", "页码"},
    // The query parameters of lists and reports.
    {"year", "毕业年份"},
    {"source_state", "生源核查状态"},
    {"waiting_for", "待办范围"},
    {"entity", "记录类别"},
    {"entity_id", "记录编号"},
    {"actor_account_id", "操作账户"},
    {"from", "开始日期"},
    {"to", "结束日期"},
    {"job", "工作信息"},
    {"hukou", "户口迁移信息"},
    {"employer_opinion", "", "employer.opinion"},
    {"student_opinion", "", "student.opinion"},
    // source info 生源核查 (SPEC: basic 基本信息, contact 联系方式, enrolment 学籍信息, archive 档案信息)
    {"sections", "生源信息"},
    {"source_info", "生源信息"},
    {"basic", "基本信息"},
    {"contact", "联系方式"},
    {"enrolment", "学籍信息"},
    {"archive", "档案信息"},
    // employers
    {"name", "", "employer.name"},
    {"uscc", "", "employer.uscc"},
    {"profile", "单位信息"},
    {"q", "搜索词"},
    {"vetted", "单位库审核"},
    {"account", "账户"},
    // accounts
    {"username", "用户名"},
    {"password", "密码"},
    {"old_password", "原密码"},
    {"new_password", "新密码"},
    {"captcha_id", "验证码编号"},
    {"captcha_answer", "验证码"},
    {"binding_token", "绑定码"},
    {"openid", "微信用户标识"},
    {"timestamp", "时间戳"},
    {"nonce", "随机串"},
    {"wechat_binding", "微信绑定"},
    // print room
    {"id", "编号"},
    {"college", "学院代码"},
    {"major", "", "student.major"},
    {"signed_from", "签约日期（起）"},
    {"signed_to", "签约日期（止）"},
    {"serials", "协议编号"},
    {"serial", "协议编号"},
    {"sort", "排序方式"},
    {"query", "查询条件"},
    {"copies", "联次"},
    {"separator_sheets", "分隔页"},
    // webhooks
    {"url", "回调地址"},
    {"events", "订阅事件"},
    {"secret", "签名密钥"},
    {"description", "说明"},
    {"delivery_id", "投递编号"},
    // uploads and imports
    {"body", "上传的文件"},
    {"file", "上传的文件"},
    {"header", "表头"},
    // The student list's columns (app/student_import.cpp) not printed on the form.
    {"college_code", "学院代码"},
    {"college_name", "学院名称"},
    {"degree", "学历层次"},
    {"graduation_year", "毕业年份"},
});

// The sections whose members fill the student's printed fields (basic.birth_date → 出生日期).
constexpr std::array<std::string_view, 4> kStudentSections = {"basic", "contact", "enrolment", "archive"};

std::optional<std::string> printed_label(std::string_view path) {
  if (const FieldRule* rule = field_rule(path)) return std::string(rule->label);
  return std::nullopt;
}

std::optional<std::string> member_label(std::string_view name) {
  for (const MemberLabel& member : kMembers) {
    if (member.name != name) continue;
    if (!member.printed_path.empty()) return printed_label(member.printed_path);
    return std::string(member.label);
  }
  return printed_label(name);  // a printed field named by its path ("remarks", "job.salary")
}

std::optional<std::string> dotted_label(std::string_view field) {
  if (auto direct = member_label(field)) return direct;
  const auto dot = field.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view section = field.substr(0, dot);
  const std::string member(field.substr(dot + 1));
  if (section == "profile") return printed_label("employer." + member);
  for (std::string_view student_section : kStudentSections)
    if (section == student_section) return printed_label("student." + member);
  return std::nullopt;
}

}  // namespace

std::string field_label(std::string_view field) {
  // "copies[1]": the second item of the list "copies".
  if (!field.empty() && field.back() == ']') {
    const auto open = field.rfind('[');
    std::size_t index = 0;
    if (open != std::string_view::npos) {
      const std::string_view digits = field.substr(open + 1, field.size() - open - 2);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty())
        return field_label(field.substr(0, open)) + "第 " + std::to_string(index + 1) + " 项";
    }
  }
  return dotted_label(field).value_or(std::string(field));
}

Error required_member(std::string_view field, std::string_view hint) {
  std::string message = field_label(field) + "为必填项";
  if (!hint.empty()) message += "：" + std::string(hint);
  return Error::invalid(std::string(field), std::move(message));
}

Error member_of_wrong_type(std::string_view field, std::string_view what) {
  return Error::invalid(std::string(field), field_label(field) + "应为" + std::string(what));
}

Error labelled(Error error) {
  const std::string label = field_label(error.field);
  if (!error.message.starts_with(label)) error.message = label + "：" + error.message;
  return error;
}

Error unknown_member(std::string_view field, std::string_view within) {
  const std::string where = within.empty() ? std::string("本表单") : field_label(within);
  return Error::invalid(std::string(field), where + "中没有这一项，请检查后删除");
}

}  // namespace sanfang::core
