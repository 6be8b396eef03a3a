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
      {"TEL:13800138000", "TEL:138****8000"},
      {"电话:13800138000", "电话:138****8000"},
      {"电话：13800138000", "电话：138****8000"},
      {"座机 010-12345678", "座机 010-****5678"},
      {"座机 0755 8888 6666", "座机 075* **** 6666"},
      {"+86 138-0013-8000", "+86 1**-****-8000"},
      {"+86-10-12345678", "+86-1*-****5678"},
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

// However a phone or ID number is grouped or prefixed, it is masked as one
// number: the same digits visible as in its contiguous form.
TEST(MaskingTest, MaskTextMasksGroupedAndPrefixedNumbersWhole) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"回电 138 0013 8000", "回电 138 **** 8000"},
      {"请回电 138-0013-8000 或 Tel13800138000", "请回电 138-****-8000 或 Tel138****8000"},
      {"mobile13800138000", "mobile138****8000"},
      {"Tel88886666", "Tel888*6666"},
      {"QQ12345678", "QQ123*5678"},
      {"No13800138000", "No138****8000"},        // any letters: 11 digits is a phone
      {"13800138000ext12", "138****8000ext12"},  // letters after change nothing
      {"座机 (010) 12345678", "座机 (010) ****5678"},
      {"座机（0755）88886666", "座机(075*)****6666"},  // a masked number is ASCII
      {"身份证 110105 19491231 002X", "身份证 110*** ******** 002X"},
      {"身份证 110105-19491231-002x", "身份证 110***-********-002x"},
      // Full width, as typed on a Chinese keyboard; the rest of the text stays as it is.
      {"电话１３８００１３８０００。", "电话138****8000。"},
      {"电话　１３８－００１３－８０００", "电话　138-****-8000"},
      {"身份证１１０１０５１９４９１２３１００２Ｘ", "身份证110***********002X"},
      {"mail zhang＠example.com", "mail z***@example.com"},
      // Two numbers in a row are one: more masked, never less.
      {"138 0013 8000 139 0013 9000", "138 **** **** *** **** 9000"},
      {"13800138000-13900139000", "138********-*******9000"},
      // Near an e-mail address, each is masked by its own rule.
      {"138 0013 8000 zhang@x.com", "138 **** 8000 z***@x.com"},
      // However it was typed: dots, slashes, underscores, tabs, runs of them.
      {"138.0013.8000", "138.****.8000"},
      {"138/0013/8000", "138/****/8000"},
      {"138_0013_8000", "138_****_8000"},
      {"138 - 0013 - 8000", "138 - **** - 8000"},
      {"138  0013 8000", "138  **** 8000"},
      {"138\t0013\t8000", "138\t****\t8000"},
      // Dictated: speech-to-text writes the digits as Chinese numerals.
      {"电话一三八〇〇一三八〇〇〇", "电话138****8000"},
      {"回电幺三八零零幺三八零零零", "回电138****8000"},
  };
  for (const Case& c : cases) EXPECT_EQ(MaskText(c.in), c.out) << c.in;
}

// Digit-heavy text that is not personal data stays readable; where it
// cannot be told from a phone number, it is masked.
TEST(MaskingTest, MaskTextKeepsCodesDatesAndShortNumbers) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"G101 次 2026-12-05 出发", "G101 次 2026-12-05 出发"},
      {"2026-12-05 10:30 乘 D1234", "2026-12-05 10:30 乘 D1234"},
      {"2026-1-5至2026-01-07", "2026-1-5至2026-01-07"},
      {"2026-12-05 13800138000", "2026-12-05 138****8000"},
      {"12306 客服, 10086, 退款 1280.50 元", "12306 客服, 10086, 退款 1280.50 元"},
      {"订单号E123456789 车票 G1234 13800138000", "订单号E123456789 车票 G1234 138****8000"},
      {"5车12A座", "5车12A座"},
      {"2026.12.05 出发, 2026/12/05 到达", "2026.12.05 出发, 2026/12/05 到达"},
      {"第一次坐三号车厢, 等了二十分钟", "第一次坐三号车厢, 等了二十分钟"},
      {"退款 12.5 元 3.5 小时", "退款 12.5 元 3.5 小时"},
      // Cannot be told from an 8-digit landline or a mobile: masked.
      {"20261205", "202*1205"},
      {"E13800138000", "E138****8000"},
      {"E138-0013-8000", "E138-****-8000"},
      {"2026-13-05", "202*-13-05"},
      {"CMP-13800138-00R1W0X01WA7", "CMP-138***38-00R1W0X01WA7"},
      {"XCMP-20261205-00R1W0X01WA7", "XCMP-202***05-00R1W0X01WA7"},
  };
  for (const Case& c : cases) EXPECT_EQ(MaskText(c.in), c.out) << c.in;
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
  c.audit.push_back({});
  c.audit[1].note = "duplicate of CMP-20261205-00GJSEB267TP";
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
  EXPECT_EQ(m.audit[1].note, "duplicate of CMP-20261205-00GJSEB267TP");
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
  // Any spelling of one number is one caller.
  for (const char* same : {"0086 138 1234 5678", "+8613812345678", "8613812345678"}) {
    c.phone = same;
    EXPECT_EQ(ComplainantIdentity(c), "p:13812345678") << same;
  }
  for (const char* landline : {"010-8888-6666", "+86 10 8888 6666", "0086 10 88886666"}) {
    c.phone = landline;
    EXPECT_EQ(ComplainantIdentity(c), "p:01088886666") << landline;
  }
  c.phone = "+1 415 555 0100";  // another country keeps its code
  EXPECT_EQ(ComplainantIdentity(c), "p:14155550100");
}

}  // namespace
}  // namespace sqms::complaints::domain
