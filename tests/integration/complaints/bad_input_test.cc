// Bad input, generated from the proto descriptors: for every request message
// of ComplaintService and ContactEventService, every field (recursing into
// sub-messages; maps by key and value) gets the bad values of its kind,
// starting from a valid request of that method. Each is sent over gRPC to
// the real service and must be INVALID_ARGUMENT with a google.rpc.BadRequest
// violation whose field is exactly the generated path (docs/api.md, "Field
// paths"); nothing is written.
// A field with no check fails here until it gets one or an entry in
// kAcceptsAnyValue, the one allow-list.

#include <functional>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using ::testing::Contains;

// "<exact path>:<case>" → why that value is legitimately accepted.
const std::map<std::string, std::string> kAcceptsAnyValue = {
    {"expected_version:huge", "any version may be expected; a stale one is ABORTED"},
    {"command.expected_version:huge", "any version may be expected; a stale one is ABORTED"},
    {"satisfied:any", "bool: both values are answers"},
    {"filter.sla_breached_only:any", "bool: both values are filters"},
    {"filter.sla_at_risk_only:any", "bool: both values are filters"},
    {"filter.escalated_only:any", "bool: both values are filters"},
    {"call_ended.resolved_first_contact:any", "bool: both values are facts"},
    {"call_ended.dispatched_work_order:any", "bool: both values are facts"},
    {"survey_answered.unsatisfied:any", "bool: both values are answers"},
    {"drill:any", "bool: an event is of a drill or it is not (passed through)"},
    {"consultation_dispatched.dispatched_by:too_long",
     "the gateway's to set: what a client sends is dropped (CompleteContactEvent)"},
};

// Fields a method requires (proto3 cannot say so): each also gets its empty
// value (string "", enum 0) as a bad case. Any method with a command.
const std::map<std::string, std::set<std::string>> kRequired = {
    {"SubmitComplaint", {"channel", "title", "content"}},
    {"StreamComplaints", {"channel", "title", "content"}},
    {"GetComplaint", {"id"}},
    {"AssignComplaint", {"command.id"}},
    {"ResolveComplaint", {"command.id", "findings", "root_cause", "corrective_action"}},
    {"ReplyToComplainant", {"command.id", "message"}},
    {"RecordFollowUp", {"command.id"}},
    {"ReclassifyComplaint", {"command.id"}},
    {"StartHandling", {"id"}},
    {"WaitOnCustomer", {"id"}},
    {"ResumeHandling", {"id"}},
    {"CloseComplaint", {"id"}},
    {"ReopenComplaint", {"id"}},
    {"EscalateComplaint", {"id"}},
    {"AddNote", {"id", "note"}},
    {"StreamContactEvents",
     {"contact_id", "occurred_at", "call_answered.wait_seconds", "call_abandoned.wait_seconds",
      "call_ended.handle_seconds"}},
};

constexpr int64_t kTimestampMax = 253402300799;   // 9999-12-31T23:59:59Z
constexpr int64_t kTimestampMin = -62135596800;   // 0001-01-01T00:00:00Z
constexpr int kTooMany = 33;                      // rpc::kMaxRepeated + 1

struct BadCase {
  std::string path;  // the violation's expected field
  std::string what;  // case name; "<path>:<what>" keys kAcceptsAnyValue
  std::function<void(Message&)> spoil;
};

using Chain = std::vector<const FieldDescriptor*>;

// The (created) sub-message at the end of `chain`; sets oneof members.
Message* Reach(Message& root, const Chain& chain) {
  Message* m = &root;
  for (const FieldDescriptor* f : chain) m = m->GetReflection()->MutableMessage(m, f);
  return m;
}

BadCase Make(const Chain& chain, const FieldDescriptor* f, std::string path, std::string what,
             std::function<void(Message*, const FieldDescriptor*)> set) {
  return {std::move(path), std::move(what), [chain, f, set](Message& root) {
            set(Reach(root, chain), f);
          }};
}

// map<string, int32> (a survey's CSI scores): a bad key names the map, a bad
// value names its entry as "<map>[<key>]" (docs/api.md, "Field paths").
void GenerateMap(const Chain& chain, const FieldDescriptor* f, const std::string& path,
                 std::vector<BadCase>& out) {
  const Descriptor* entry = f->message_type();
  if (entry->map_key()->cpp_type() != FieldDescriptor::CPPTYPE_STRING ||
      entry->map_value()->cpp_type() != FieldDescriptor::CPPTYPE_INT32) {
    out.push_back({path, "no generator for this map kind", nullptr});
    return;
  }
  auto entries = [](std::vector<std::pair<std::string, int32_t>> kvs) {
    return [kvs](Message* m, const FieldDescriptor* f) {
      for (const auto& [key, value] : kvs) {
        Message* e = m->GetReflection()->AddMessage(m, f);
        e->GetReflection()->SetString(e, e->GetDescriptor()->map_key(), key);
        e->GetReflection()->SetInt32(e, e->GetDescriptor()->map_value(), value);
      }
    };
  };
  out.push_back(Make(chain, f, path, "empty_key", entries({{"", 3}})));
  out.push_back(Make(chain, f, path, "long_key", entries({{std::string(9000, 'k'), 3}})));
  out.push_back(Make(chain, f, path, "key_not_an_id", entries({{"服务 态度", 3}})));
  out.push_back(Make(chain, f, path + "[k]", "negative_value", entries({{"k", -7}})));
  out.push_back(Make(chain, f, path + "[k]", "huge_value",
                     entries({{"k", std::numeric_limits<int32_t>::max()}})));
  std::vector<std::pair<std::string, int32_t>> many;
  for (int k = 0; k < kTooMany; ++k) many.emplace_back(absl::StrCat("k", k), 3);
  out.push_back(Make(chain, f, path, "too_many", entries(many)));
}

void Generate(const Descriptor* d, const Chain& chain, const std::string& prefix,
              std::vector<BadCase>& out) {
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string path = prefix + f->name();
    auto refl = [](Message* m) { return m->GetReflection(); };
    if (f->is_map()) {
      GenerateMap(chain, f, path, out);
      continue;
    }
    if (f->is_repeated()) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
        out.push_back({path, "no generator for this repeated kind", nullptr});
        continue;
      }
      const int valid = f->enum_type()->value(1)->number();
      out.push_back(Make(chain, f, path + "[1]", "unknown_element",
                         [valid, refl](Message* m, const FieldDescriptor* f) {
                           refl(m)->AddEnumValue(m, f, valid);
                           refl(m)->AddEnumValue(m, f, 99);
                         }));
      out.push_back(Make(chain, f, path + "[1]", "unspecified_element",
                         [valid, refl](Message* m, const FieldDescriptor* f) {
                           refl(m)->AddEnumValue(m, f, valid);
                           refl(m)->AddEnumValue(m, f, 0);
                         }));
      out.push_back(Make(chain, f, path, "too_many", [valid, refl](Message* m, auto* f) {
        for (int k = 0; k < kTooMany; ++k) refl(m)->AddEnumValue(m, f, valid);
      }));
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Chain next = chain;
        next.push_back(f);
        if (f->message_type()->full_name() != google::protobuf::Timestamp::descriptor()->full_name()) {
          Generate(f->message_type(), next, path + ".", out);
          break;
        }
        const Descriptor* ts = f->message_type();
        const FieldDescriptor* seconds = ts->FindFieldByName("seconds");
        const FieldDescriptor* nanos = ts->FindFieldByName("nanos");
        auto set32 = [refl](int32_t v) {
          return [v, refl](Message* m, const FieldDescriptor* f) { refl(m)->SetInt32(m, f, v); };
        };
        auto set64 = [refl](int64_t v) {
          return [v, refl](Message* m, const FieldDescriptor* f) { refl(m)->SetInt64(m, f, v); };
        };
        out.push_back(Make(next, nanos, path + ".nanos", "nanos_negative", set32(-1)));
        out.push_back(Make(next, nanos, path + ".nanos", "nanos_1e9", set32(1'000'000'000)));
        out.push_back(Make(next, seconds, path + ".seconds", "after_9999", set64(kTimestampMax + 1)));
        out.push_back(Make(next, seconds, path + ".seconds", "before_0001", set64(kTimestampMin - 1)));
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING:
        out.push_back(Make(chain, f, path, "too_long", [refl](Message* m, auto* f) {
          refl(m)->SetString(m, f, std::string(9000, '7'));
        }));
        // Refused by protobuf while parsing, before any handler.
        out.push_back(Make(chain, f, path, "invalid_utf8", [refl](Message* m, auto* f) {
          refl(m)->SetString(m, f, std::string("ok \xff\xfe bad"));
        }));
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        out.push_back(Make(chain, f, path, "unknown", [refl](Message* m, auto* f) {
          refl(m)->SetEnumValue(m, f, 99);
        }));
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        out.push_back(Make(chain, f, path, "negative",
                           [refl](Message* m, auto* f) { refl(m)->SetInt32(m, f, -7); }));
        out.push_back(Make(chain, f, path, "huge", [refl](Message* m, auto* f) {
          refl(m)->SetInt32(m, f, std::numeric_limits<int32_t>::max());
        }));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        out.push_back(Make(chain, f, path, "negative",
                           [refl](Message* m, auto* f) { refl(m)->SetInt64(m, f, -7); }));
        out.push_back(Make(chain, f, path, "huge", [refl](Message* m, auto* f) {
          refl(m)->SetInt64(m, f, std::numeric_limits<int64_t>::max());
        }));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        out.push_back({path, "any", nullptr});
        break;
      default:
        out.push_back({path, std::string("no generator for ") + f->cpp_type_name(), nullptr});
    }
  }
}

const google::protobuf::ServiceDescriptor* Service(const std::string& name) {
  const auto* s = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
  EXPECT_NE(s, nullptr) << name;
  return s;
}
const google::protobuf::ServiceDescriptor* ComplaintService() {
  return Service("sqms.complaints.v1.ComplaintService");
}
const google::protobuf::ServiceDescriptor* ContactService() {
  return Service("sqms.contact.v1.ContactEventService");
}

// google.rpc.Status (stream items, acks) as the grpc::Status it would be.
grpc::Status AsGrpc(const google::rpc::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), s.message(), s.SerializeAsString());
}

class BadInputTest : public StackTest {
 protected:
  using Caller = std::function<grpc::Status(const Message&)>;

  template <typename Req, typename Resp>
  static Caller Unary(grpc::Status (v1::ComplaintService::Stub::*rpc)(grpc::ClientContext*,
                                                                        const Req&, Resp*)) {
    return [rpc](const Message& m) {
      auto ctx = Ctx(Role::kSupervisor);
      Resp out;
      return (stub().*rpc)(ctx.get(), dynamic_cast<const Req&>(m), &out);
    };
  }

  // A complaint for the lifecycle methods, with its version before the cases.
  v1::Complaint Target() {
    if (!target_) target_ = SubmitOk(stub(), ValidSubmission(Unique("target")));
    return *target_;
  }

  size_t ComplaintCount() {
    v1::ListComplaintsRequest list;
    list.set_page_size(500);
    v1::ListComplaintsResponse out;
    auto ctx = Ctx(Role::kSupervisor);
    EXPECT_TRUE(stub().ListComplaints(ctx.get(), list, &out).ok());
    return out.complaints_size();
  }

  // Runs every generated case of `method` (a method of `service`).
  void Run(const google::protobuf::ServiceDescriptor* service, const std::string& method,
           const Message& valid, const Caller& call) {
    const auto* m = service->FindMethodByName(method);
    ASSERT_NE(m, nullptr) << method;
    ASSERT_EQ(m->input_type(), valid.GetDescriptor()) << method;
    std::vector<BadCase> cases;
    Generate(m->input_type(), {}, "", cases);
    auto required = kRequired.find(method);
    for (const std::string& path : required == kRequired.end() ? std::set<std::string>{}
                                                              : required->second) {
      cases.push_back({path, "empty_required", [path](Message& root) {
                         Message* m = &root;
                         std::string rest = path;
                         for (size_t dot; (dot = rest.find('.')) != std::string::npos;) {
                           const auto* f = m->GetDescriptor()->FindFieldByName(rest.substr(0, dot));
                           m = m->GetReflection()->MutableMessage(m, f);
                           rest = rest.substr(dot + 1);
                         }
                         const auto* f = m->GetDescriptor()->FindFieldByName(rest);
                         m->GetReflection()->ClearField(m, f);
                       }});
    }
    ASSERT_FALSE(cases.empty());
    const size_t complaints_before = ComplaintCount();
    for (const BadCase& c : cases) {
      const std::string key = c.path + ":" + c.what;
      SCOPED_TRACE(method + " " + key);
      if (kAcceptsAnyValue.count(key)) continue;
      ASSERT_TRUE(c.spoil) << "a field with no bad-input case: add a generator or an allow-list "
                              "entry with a reason";
      std::unique_ptr<Message> request(valid.New());
      request->CopyFrom(valid);
      c.spoil(*request);
      grpc::Status status = call(*request);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
      EXPECT_THAT(ViolationFields(status), Contains(c.path)) << StatusText(status);
    }
    EXPECT_EQ(ComplaintCount(), complaints_before) << "a refused request created a complaint";
    if (target_) {
      v1::GetComplaintRequest get;
      get.set_id(target_->id());
      v1::Complaint after;
      auto ctx = Ctx(Role::kSupervisor);
      ASSERT_TRUE(stub().GetComplaint(ctx.get(), get, &after).ok());
      EXPECT_EQ(after.version(), target_->version()) << "a refused command changed the complaint";
    }
  }

  void RunComplaints(const std::string& method, const Message& valid, const Caller& call) {
    Run(ComplaintService(), method, valid, call);
  }

  v1::LifecycleRequest Command() { return Cmd(Target().id()); }

  std::optional<v1::Complaint> target_;
};

TEST_F(BadInputTest, EveryMethodHasItsTest) {
  // One TEST below per method; a new method needs one.
  const std::set<std::string> tested = {
      "SubmitComplaint", "StreamComplaints", "GetComplaint", "ListComplaints",
      "AssignComplaint", "StartHandling", "WaitOnCustomer", "ResumeHandling",
      "ResolveComplaint", "ReplyToComplainant", "RecordFollowUp", "CloseComplaint",
      "ReopenComplaint", "EscalateComplaint", "AddNote", "ReclassifyComplaint",
      "ExplainTriage", "WatchComplaints"};
  const auto* service = ComplaintService();
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_TRUE(tested.count(service->method(i)->name())) << service->method(i)->name();
  }
  EXPECT_EQ(static_cast<size_t>(service->method_count()), tested.size());
  EXPECT_EQ(ContactService()->method_count(), 1);
}

TEST_F(BadInputTest, SubmitComplaint) {
  RunComplaints("SubmitComplaint", ValidSubmission(Unique("bad")),
                Unary(&v1::ComplaintService::Stub::SubmitComplaint));
}

TEST_F(BadInputTest, StreamComplaints) {
  RunComplaints("StreamComplaints", ValidSubmission(Unique("bad")), [](const Message& m) {
    auto ctx = Ctx(Role::kSupervisor);
    auto stream = stub().StreamComplaints(ctx.get());
    v1::StreamComplaintsResponse response;
    if (!stream->Write(dynamic_cast<const v1::SubmitComplaintRequest&>(m)) ||
        !stream->WritesDone() || !stream->Read(&response)) {
      return stream->Finish();
    }
    while (stream->Read(&response)) {
    }
    grpc::Status finished = stream->Finish();
    if (!finished.ok()) return finished;
    return AsGrpc(response.error());
  });
}

TEST_F(BadInputTest, GetComplaint) {
  v1::GetComplaintRequest r;
  r.set_id(Target().id());
  RunComplaints("GetComplaint", r, Unary(&v1::ComplaintService::Stub::GetComplaint));
}

TEST_F(BadInputTest, ListComplaints) {
  v1::ListComplaintsRequest r;
  r.set_page_size(10);
  RunComplaints("ListComplaints", r, Unary(&v1::ComplaintService::Stub::ListComplaints));
}

TEST_F(BadInputTest, WatchComplaints) {
  RunComplaints("WatchComplaints", v1::WatchComplaintsRequest(), [](const Message& m) {
    // A valid filter would stream until the deadline: DEADLINE_EXCEEDED.
    auto ctx = Ctx(Role::kSupervisor, absl::Seconds(3));
    auto reader =
        stub().WatchComplaints(ctx.get(), dynamic_cast<const v1::WatchComplaintsRequest&>(m));
    ev::ComplaintEvent event;
    while (reader->Read(&event)) {
    }
    return reader->Finish();
  });
}

TEST_F(BadInputTest, ExplainTriage) {
  v1::ExplainTriageRequest r;
  r.set_title("station toilet broken");
  r.set_content("the toilet at the station has been broken for days");
  RunComplaints("ExplainTriage", r, Unary(&v1::ComplaintService::Stub::ExplainTriage));
}

// Bare LifecycleRequest methods: paths are the request's own ("note"). The
// note makes the AddNote baseline valid; the others take it as a comment.
#define SQMS_BARE_LIFECYCLE_TEST(Method)                                              \
  TEST_F(BadInputTest, Method) {                                                      \
    v1::LifecycleRequest r = Command();                                               \
    r.set_note("checked the station");                                                \
    RunComplaints(#Method, r, Unary(&v1::ComplaintService::Stub::Method));             \
  }
SQMS_BARE_LIFECYCLE_TEST(StartHandling)
SQMS_BARE_LIFECYCLE_TEST(WaitOnCustomer)
SQMS_BARE_LIFECYCLE_TEST(ResumeHandling)
SQMS_BARE_LIFECYCLE_TEST(CloseComplaint)
SQMS_BARE_LIFECYCLE_TEST(ReopenComplaint)
SQMS_BARE_LIFECYCLE_TEST(EscalateComplaint)
SQMS_BARE_LIFECYCLE_TEST(AddNote)
#undef SQMS_BARE_LIFECYCLE_TEST

TEST_F(BadInputTest, AssignComplaint) {
  v1::AssignComplaintRequest r;
  *r.mutable_command() = Command();
  r.set_department("facilities-maintenance");
  r.set_assignee("agent-ann");
  RunComplaints("AssignComplaint", r, Unary(&v1::ComplaintService::Stub::AssignComplaint));
}

TEST_F(BadInputTest, ResolveComplaint) {
  v1::ResolveComplaintRequest r;
  *r.mutable_command() = Command();
  r.set_findings("found");
  r.set_root_cause("cause");
  r.set_corrective_action("fixed");
  RunComplaints("ResolveComplaint", r, Unary(&v1::ComplaintService::Stub::ResolveComplaint));
}

TEST_F(BadInputTest, ReplyToComplainant) {
  v1::ReplyRequest r;
  *r.mutable_command() = Command();
  r.set_message("we fixed it");
  RunComplaints("ReplyToComplainant", r, Unary(&v1::ComplaintService::Stub::ReplyToComplainant));
}

TEST_F(BadInputTest, RecordFollowUp) {
  v1::FollowUpRequest r;
  *r.mutable_command() = Command();
  r.set_satisfied(true);
  r.set_score(4);
  r.set_comment("ok");
  RunComplaints("RecordFollowUp", r, Unary(&v1::ComplaintService::Stub::RecordFollowUp));
}

TEST_F(BadInputTest, ReclassifyComplaint) {
  v1::ReclassifyComplaintRequest r;
  *r.mutable_command() = Command();
  r.set_category(v1::CATEGORY_FACILITIES);
  r.set_priority(v1::PRIORITY_P3);
  RunComplaints("ReclassifyComplaint", r,
                Unary(&v1::ComplaintService::Stub::ReclassifyComplaint));
}

TEST_F(BadInputTest, StreamContactEvents) {
  auto contact = stack().Contact();
  Run(ContactService(), "StreamContactEvents", ValidContactEvent(),
      [&contact](const Message& m) {
        auto ctx = Ctx(Role::kService);
        auto stream = contact->StreamContactEvents(ctx.get());
        contact::v1::ContactEventAck ack;
        if (!stream->Write(dynamic_cast<const ev::ContactEvent&>(m)) || !stream->WritesDone() ||
            !stream->Read(&ack)) {
          return stream->Finish();
        }
        while (stream->Read(&ack)) {
        }
        grpc::Status finished = stream->Finish();
        if (!finished.ok()) return finished;
        return AsGrpc(ack.status());
      });
}

}  // namespace
}  // namespace sqms::complaints::it
