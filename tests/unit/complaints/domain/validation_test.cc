#include "services/complaints/domain/validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/field_violation.h"
#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

const absl::Time kNow = test_support::At(2026, 11, 16, 9);

Submission Valid() {
  Submission s;
  s.idempotency_key = "req-0001";
  s.channel = Channel::kWeb;
  s.title = "列车晚点";
  s.content = "G101 晚点两小时，没有广播通知";
  s.complainant.name = "张三";
  s.complainant.phone = "13812345678";
  s.complainant.email = "zhang@example.com";
  s.complainant.id_number = "11010519491231002X";
  s.location.station = "北京南";
  s.occurred_at = kNow - absl::Hours(3);
  return s;
}

std::set<std::string> Fields(const absl::Status& status) {
  std::set<std::string> out;
  for (const auto& v : runtime::FieldViolations(status)) out.insert(v.field);
  return out;
}

TEST(ValidationTest, ValidSubmissionPasses) {
  EXPECT_TRUE(ValidateSubmission(Valid(), kNow).ok());
  Submission minimal;
  minimal.channel = Channel::kHotline;
  minimal.title = "t";
  minimal.content = "c";
  minimal.complainant.email = "a@b.cn";
  EXPECT_TRUE(ValidateSubmission(minimal, kNow).ok());
}

TEST(ValidationTest, EachBadFieldIsNamed) {
  const std::string bad_utf8 = "abc\xff";
  struct Case {
    std::string field;
    std::function<void(Submission&)> mutate;
  } cases[] = {
      {"channel", [](Submission& s) { s.channel = Channel::kUnspecified; }},
      {"channel", [](Submission& s) { s.channel = static_cast<Channel>(99); }},
      {"title", [](Submission& s) { s.title = "   "; }},
      {"title", [](Submission& s) { s.title = std::string(201, 'a'); }},
      {"title", [&](Submission& s) { s.title = bad_utf8; }},
      {"content", [](Submission& s) { s.content.clear(); }},
      {"content", [](Submission& s) { s.content = std::string(8001, 'a'); }},
      {"complainant.phone", [](Submission& s) { s.complainant.phone = "12ab"; }},
      {"complainant.phone", [](Submission& s) { s.complainant.phone = "12345"; }},
      {"complainant.email", [](Submission& s) { s.complainant.email = "zhang.example.com"; }},
      {"complainant.email", [](Submission& s) { s.complainant.email = "zhang@example"; }},
      {"complainant.id_number", [](Submission& s) { s.complainant.id_number = "1101051949"; }},
      {"complainant.id_number", [](Submission& s) { s.complainant.id_number = "X1010519491231002"; }},
      {"complainant.name", [](Submission& s) { s.complainant.name = std::string(129, 'a'); }},
      {"complainant", [](Submission& s) {
         s.complainant.phone.clear();
         s.complainant.email.clear();
         s.complainant.id_number.clear();
       }},
      {"location.station", [](Submission& s) { s.location.station = std::string(129, 'a'); }},
      {"location.station", [&](Submission& s) { s.location.station = bad_utf8; }},
      {"occurred_at", [](Submission& s) { s.occurred_at = kNow + absl::Hours(1); }},
      {"occurred_at", [](Submission& s) { s.occurred_at = kNow - absl::Hours(24 * 400); }},
      {"idempotency_key", [](Submission& s) { s.idempotency_key = std::string(129, 'k'); }},
      {"idempotency_key", [](Submission& s) { s.idempotency_key = "has space"; }},
      {"category", [](Submission& s) { s.category = static_cast<Category>(13); }},
      {"urgency", [](Submission& s) { s.urgency = static_cast<Level>(4); }},
      {"importance", [](Submission& s) { s.importance = static_cast<Level>(-1); }},
  };
  for (const Case& c : cases) {
    Submission s = Valid();
    c.mutate(s);
    absl::Status status = ValidateSubmission(s, kNow);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(Fields(status), std::set<std::string>{c.field}) << status;
  }
}

TEST(ValidationTest, CollectsAllViolations) {
  Submission s;
  s.title = "";
  absl::Status status = ValidateSubmission(s, kNow);
  EXPECT_EQ(Fields(status),
            (std::set<std::string>{"channel", "title", "content", "complainant"}));
}

TEST(ValidationTest, LengthCountsCharactersNotBytes) {
  Submission s = Valid();
  s.title.clear();
  for (int i = 0; i < 200; ++i) s.title += "投";  // 600 bytes, 200 characters
  EXPECT_TRUE(ValidateSubmission(s, kNow).ok());
}

TEST(ValidationTest, PhoneFormats) {
  for (const char* phone : {"13812345678", "+8613812345678", "010-12345678", "+86 138 1234 5678"}) {
    Submission s = Valid();
    s.complainant.phone = phone;
    EXPECT_TRUE(ValidateSubmission(s, kNow).ok()) << phone;
  }
  for (const char* phone : {"+", "138--12345678", "-13812345678", "138123456789012345678"}) {
    Submission s = Valid();
    s.complainant.phone = phone;
    EXPECT_FALSE(ValidateSubmission(s, kNow).ok()) << phone;
  }
}

Command Cmd(CommandKind kind) {
  Command c;
  c.kind = kind;
  return c;
}

TEST(ValidationTest, CommandPayloads) {
  struct Case {
    Command command;
    std::set<std::string> fields;
  } cases[] = {
      {Cmd(CommandKind::kAssign), {"department"}},
      {Cmd(CommandKind::kResolve), {"findings", "root_cause", "corrective_action"}},
      {Cmd(CommandKind::kReply), {"message"}},
      {Cmd(CommandKind::kFollowUp), {"score"}},
      {Cmd(CommandKind::kAddNote), {"command.note"}},
      {Cmd(CommandKind::kStartHandling), {}},
      {Cmd(CommandKind::kClose), {}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Fields(ValidateCommand(c.command)), c.fields)
        << CommandName(c.command.kind);
  }
  Command follow_up = Cmd(CommandKind::kFollowUp);
  follow_up.score = 6;
  EXPECT_EQ(Fields(ValidateCommand(follow_up)), std::set<std::string>{"score"});
  follow_up.score = 1;
  EXPECT_TRUE(ValidateCommand(follow_up).ok());
  Command assign = Cmd(CommandKind::kAssign);
  assign.assignee = "agent-3";
  EXPECT_TRUE(ValidateCommand(assign).ok());
  Command note = Cmd(CommandKind::kEscalate);
  note.note = std::string(8001, 'n');
  EXPECT_EQ(Fields(ValidateCommand(note)), std::set<std::string>{"command.note"});
  note.note = "\xc0\xaf";  // overlong
  EXPECT_EQ(Fields(ValidateCommand(note)), std::set<std::string>{"command.note"});
}

TEST(ValidationTest, AnAssignedDepartmentIsADepartmentId) {
  Command assign = Cmd(CommandKind::kAssign);
  for (const char* good : {"ticketing-center", "9x", "beijing-south-station"}) {
    assign.department = good;
    EXPECT_TRUE(ValidateCommand(assign).ok()) << good;
  }
  assign.department = std::string(64, 'a');
  EXPECT_TRUE(ValidateCommand(assign).ok());
  for (const std::string& bad :
       {std::string("Not A Dept!"), std::string("票务中心"), std::string("Ticketing-Center"),
        std::string("ticketing_center"), std::string("-ticketing"), std::string(65, 'a')}) {
    assign.department = bad;
    EXPECT_EQ(Fields(ValidateCommand(assign)), std::set<std::string>{"department"}) << bad;
  }
}

TEST(ValidationTest, DepartmentIds) {
  EXPECT_TRUE(IsDepartmentId("ticketing-center"));
  EXPECT_TRUE(IsDepartmentId(std::string(64, 'a')));
  EXPECT_FALSE(IsDepartmentId(std::string(65, 'a')));
  EXPECT_FALSE(IsDepartmentId(""));
  EXPECT_FALSE(IsDepartmentId("a b"));
  std::vector<runtime::FieldViolation> out;
  CheckDepartmentId(out, "department", "");  // not given: not this check's business
  EXPECT_TRUE(out.empty());
  CheckDepartmentId(out, "filter.department", "Ops");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].field, "filter.department");
}

TEST(ValidationTest, AListedDepartmentIsOneOfTheTriageConfigsDepartments) {
  const Triage triage(test_support::TestTriageConfig());
  std::vector<runtime::FieldViolation> out;
  CheckListedDepartment(out, "department", "ticketing-center", triage);
  CheckListedDepartment(out, "department", "", triage);  // not given: not this check's business
  EXPECT_TRUE(out.empty());
  // Exact ids: a well-formed id is not enough, nor a prefix of a listed one.
  for (const char* unlisted : {"no-such-dept", "ticketing", "ticketing-center-2"}) {
    out.clear();
    CheckListedDepartment(out, "department", unlisted, triage);
    ASSERT_EQ(out.size(), 1u) << unlisted;
    EXPECT_EQ(out[0].field, "department");
    EXPECT_NE(out[0].description.find(absl::StrCat("\"", unlisted, "\"")), std::string::npos)
        << out[0].description;
  }
}

TEST(ValidationTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello 北京南 😀"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xe5\x8c"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong
}

}  // namespace
}  // namespace sqms::complaints::domain
