#include "services/complaints/domain/masking.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace sqms::complaints::domain {
namespace {

TEST(MaskingTest, Fields) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("+8613812345678"), "+861******5678");  // digits counted
  EXPECT_EQ(MaskPhone("1234567"), "*******");
  EXPECT_EQ(MaskPhone(""), "");
  EXPECT_EQ(MaskEmail("zhang@x.com"), "z***@x.com");
  EXPECT_EQ(MaskEmail("张三@例子.cn"), "张***@例子.cn");
  EXPECT_EQ(MaskEmail("nonsense"), "***");
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110***********002X");
  EXPECT_EQ(MaskIdNumber("110105491231002"), "110********1002");
  EXPECT_EQ(MaskIdNumber("12345"), "*****");
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("欧阳娜娜"), "欧***");
  EXPECT_EQ(MaskName("John Smith"), "J*** S****");
}

TEST(MaskingTest, MaskTextFindsPersonalData) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"我的电话13812345678请回电", "我的电话138****5678请回电"},
      {"mail zhang.san@example.com.", "mail z***@example.com."},
      {"身份证11010519491231002X", "身份证110***********002X"},
      {"旧证 110105491231002 号", "旧证 110********1002 号"},
      {"座机010-12345678", "座机010-****5678"},
      {"call +86 138 1234 5678 now", "call +86 1** **** 5678 now"},
      {"2026-10-01 乘 G1234 次, 12306 客服", "2026-10-01 乘 G1234 次, 12306 客服"},
      {"订单号E1234567890", "订单号E1234567890"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(MaskText(c.in), c.out) << c.in;
}

// Complaint ids (CMP-YYYYMMDD-<12 of 0-9A-Z>, see RedisKeys::NewId) are
// what an agent copies to look a case up: their date is not a phone number.
TEST(MaskingTest, MaskTextKeepsComplaintIds) {
  for (const char* id : {"CMP-20261205-00R1W0X01WA7", "CMP-20261205-00GJSEB267TP",
                         "CMP-20261205-031380013800", "cmp-20261205-00r1w0x01wa7"}) {
    const std::string note = absl::StrCat("same as ", id, ", 见", id, "。");
    EXPECT_EQ(MaskText(note), note) << id;
  }
  EXPECT_EQ(MaskText("duplicate of CMP-20261205-00GJSEB267TP"),
            "duplicate of CMP-20261205-00GJSEB267TP");
  // Only the exact shape is an id: anything else is judged as free text.
  EXPECT_EQ(MaskText("CMP-13800138000"), "CMP-138****8000");
}

TEST(MaskingTest, MaskForAgent) {
  Complaint c;
  c.complainant.name = "张三";
  c.complainant.phone = "13812345678";
  c.complainant.email = "zhang@x.com";
  c.complainant.id_number = "11010519491231002X";
  c.complainant.ticket_number = "E123";
  c.title = "联系13812345678";
  c.content = "邮件 zhang@x.com";
  c.reply = "已回电13812345678";
  c.audit.push_back({});
  c.audit[0].note = "customer said 13912345678";
  Complaint m = MaskForAgent(c);
  EXPECT_EQ(m.complainant.name, "张*");
  EXPECT_EQ(m.complainant.phone, "138****5678");
  EXPECT_EQ(m.complainant.email, "z***@x.com");
  EXPECT_EQ(m.complainant.id_number, "110***********002X");
  EXPECT_EQ(m.complainant.ticket_number, "E123");
  EXPECT_EQ(m.title, "联系138****5678");
  EXPECT_EQ(m.content, "邮件 z***@x.com");
  EXPECT_EQ(m.reply, "已回电138****5678");
  EXPECT_EQ(m.audit[0].note, "customer said 139****5678");
  EXPECT_EQ(c.complainant.phone, "13812345678");  // the original is untouched
}

TEST(MaskingTest, ComplainantIdentity) {
  Complainant c;
  EXPECT_EQ(ComplainantIdentity(c), "");
  c.id_number = "11010519491231002x";
  EXPECT_EQ(ComplainantIdentity(c), "i:11010519491231002X");
  c.email = "Zhang@Example.COM";
  EXPECT_EQ(ComplainantIdentity(c), "e:zhang@example.com");
  c.phone = "+86 138-1234-5678";
  EXPECT_EQ(ComplainantIdentity(c), "p:13812345678");
  c.phone = "13812345678";
  EXPECT_EQ(ComplainantIdentity(c), "p:13812345678");
}

}  // namespace
}  // namespace sqms::complaints::domain
