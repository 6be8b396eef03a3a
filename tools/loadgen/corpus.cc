#include "tools/loadgen/corpus.h"

#include <cctype>
#include <string>

namespace sqms::loadgen {

namespace {

namespace cv1 = ::sqms::complaints::v1;

constexpr IssueTemplate kIssues[] = {
    {cv1::CATEGORY_SAFETY, true, "车厢内有烟味",
     "{train}次列车5号车厢内有明显烟味，担心有火灾隐患，请尽快处理。", "Smoke in carriage",
     "There is a smell of smoke in coach 5 of train {train}; possible fire hazard."},
    {cv1::CATEGORY_SAFETY, true, "站台安全隐患", "{station}站台边缘防护栏松动，存在安全隐患。",
     "Safety hazard on platform", "The platform barrier at {station} is loose, a safety hazard."},
    {cv1::CATEGORY_TIMELINESS, true, "列车晚点两小时",
     "{train}次列车晚点两小时，车站没有任何广播说明。", "Train delayed two hours",
     "Train {train} was delayed two hours with no announcement at {station}."},
    {cv1::CATEGORY_TIMELINESS, true, "列车晚点未通知",
     "{train}次晚点，在{station}候车室等了很久，没有通知。", "Delay without notice",
     "Train {train} delay was not announced; we waited at {station}."},
    {cv1::CATEGORY_TICKETING, true, "12306退票失败",
     "在12306退票失败，{train}次车票款项一直未退回。", "Refund failed on 12306",
     "Ticket refund for train {train} failed on 12306, money not returned."},
    {cv1::CATEGORY_TICKETING, true, "售票窗口排队太久",
     "{station}售票窗口只开一个，排队一个多小时，改签困难。", "Ticket counter queue",
     "Only one ticket window open at {station}; rebooking took over an hour."},
    {cv1::CATEGORY_SERVICE_ATTITUDE, true, "乘务员态度恶劣",
     "{train}次列车乘务员态度恶劣，对乘客大声呵斥。", "Rude attendant",
     "The attendant on train {train} was rude and shouted at passengers."},
    {cv1::CATEGORY_SERVICE_ATTITUDE, false, "客服态度差",
     "拨打客服热线，客服态度差，问题没有解决就挂断电话。", "Rude hotline agent",
     "The hotline agent was rude and hung up before solving my problem."},
    {cv1::CATEGORY_HYGIENE, true, "车厢厕所很脏",
     "{train}次列车车厢厕所很脏，没有人清理，气味难闻。", "Dirty toilet",
     "The toilet on train {train} is very dirty and smells, nobody cleans it."},
    {cv1::CATEGORY_HYGIENE, true, "候车室卫生差", "{station}候车室地面有垃圾，卫生很差。",
     "Dirty waiting hall", "The waiting hall at {station} is dirty with litter on the floor."},
    {cv1::CATEGORY_CATERING, true, "餐车饭菜价格高", "{train}次餐车盒饭价格太高且饭菜是凉的。",
     "Catering overpriced", "Meals in the dining car of {train} are overpriced and served cold."},
    {cv1::CATEGORY_LUGGAGE, true, "行李丢失", "在{station}托运的行李丢失，至今没有找到。",
     "Lost luggage", "My checked luggage at {station} was lost and has not been found."},
    {cv1::CATEGORY_FACILITIES, true, "空调故障", "{train}次列车8号车厢空调故障，车厢内闷热。",
     "Air conditioning broken",
     "Air conditioning in coach 8 of {train} is broken, very hot inside."},
    {cv1::CATEGORY_FACILITIES, true, "自动售票机故障", "{station}自动售票机故障，无法取票。",
     "Ticket machine out of order", "The ticket machines at {station} are out of order."},
    {cv1::CATEGORY_NETWORK_FAULT, false, "手机信号中断",
     "{station}附近手机信号中断，无法拨打电话和上网。", "No signal",
     "No signal near {station}; cannot make calls or use mobile data."},
    {cv1::CATEGORY_NETWORK_FAULT, false, "宽带断网", "家里宽带频繁断网，报修后一直没人上门。",
     "Broadband outage",
     "Home broadband keeps disconnecting and no technician came after my report."},
    {cv1::CATEGORY_BILLING, false, "话费扣费异常",
     "本月话费扣费异常，多扣了一百多元，未订购任何增值业务。", "Unexpected charges",
     "My phone bill has unexpected charges for services I never ordered."},
    {cv1::CATEGORY_BILLING, false, "流量扣费错误", "套餐内流量被额外扣费，要求退还。",
     "Data billing error", "I was billed extra for data included in my plan; please refund."},
    {cv1::CATEGORY_SERVICE_QUALITY, true, "服务质量差",
     "{station}服务台无人值守，咨询问题没人回答。", "Poor service",
     "Nobody at the service desk at {station} to answer questions."},
    {cv1::CATEGORY_OTHER, true, "建议增加车次", "建议增加{station}往返的车次，节假日一票难求。",
     "Suggest more trains", "Please add more trains from {station}; tickets sell out on holidays."},
};

constexpr Station kRailwayStations[] = {
    {"北京南", "北京", "京沪高铁"},
    {"上海虹桥", "上海", "京沪高铁"},
    {"南京南", "江苏", "京沪高铁"},
    {"广州南", "广东", "京广高铁"},
    {"武汉", "湖北", "京广高铁"},
    {"杭州东", "浙江", "沪昆高铁"},
    {"深圳北", "广东", "广深港高铁"},
    {"西安北", "陕西", "徐兰高铁"},
    {"成都东", "四川", "成渝高铁"},
    {"郑州东", "河南", "京广高铁"},
    {"Beijing South", "Beijing", "Beijing-Shanghai HSR"},
    {"Shanghai Hongqiao", "Shanghai", "Beijing-Shanghai HSR"},
    {"Guangzhou South", "Guangdong", "Beijing-Guangzhou HSR"},
};

constexpr Station kTelecomOutlets[] = {
    {"中关村营业厅", "北京", "北京移动"},
    {"徐家汇营业厅", "上海", "上海电信"},
    {"天河营业厅", "广东", "广东联通"},
    {"西湖营业厅", "浙江", "浙江移动"},
    {"Pudong cell 0412", "Shanghai", "Shanghai Mobile"},
};

constexpr std::string_view kSurnames[] = {"张", "王", "李", "刘", "陈", "杨",    "赵",
                                          "黄", "周", "吴", "徐", "孙", "Smith", "Lee"};
constexpr std::string_view kGivenNames[] = {"伟", "芳", "娜", "敏", "静", "磊",
                                            "洋", "勇", "艳", "杰", "婷", "强"};
constexpr std::string_view kPhonePrefixes[] = {"138", "139", "137", "135", "136", "150",
                                               "151", "158", "186", "187", "188", "177"};
constexpr std::string_view kTrainPrefixes[] = {"G", "G", "G", "D", "D", "C", "K", "Z", "T"};

constexpr WeightedChannel kChannelMix[] = {
    {cv1::CHANNEL_HOTLINE, 35}, {cv1::CHANNEL_APP, 20},  {cv1::CHANNEL_WEB, 15},
    {cv1::CHANNEL_COUNTER, 10}, {cv1::CHANNEL_EMAIL, 8}, {cv1::CHANNEL_CHAT, 7},
    {cv1::CHANNEL_SOCIAL, 5},
};

// services/complaints/config/triage.yaml, routing: the default and the
// department of each category (generator_test checks they are routed there).
constexpr std::string_view kDefaultDepartment = "customer-service";
constexpr RoutedCategory kRouting[] = {
    {cv1::CATEGORY_SAFETY, "safety-office"},
    {cv1::CATEGORY_TICKETING, "ticketing-center"},
    {cv1::CATEGORY_TIMELINESS, "dispatch-center"},
    {cv1::CATEGORY_NETWORK_FAULT, "network-operations"},
    {cv1::CATEGORY_BILLING, "billing-center"},
    {cv1::CATEGORY_HYGIENE, "onboard-services"},
    {cv1::CATEGORY_CATERING, "onboard-services"},
    {cv1::CATEGORY_LUGGAGE, "luggage-services"},
    {cv1::CATEGORY_FACILITIES, "facilities-maintenance"},
    {cv1::CATEGORY_SERVICE_ATTITUDE, "service-quality"},
    {cv1::CATEGORY_SERVICE_QUALITY, "service-quality"},
};
constexpr std::string_view kQueues[] = {"12306", "95598", "10086", "vip"};
constexpr ConsultationTopic kTopics[] = {
    {"退改签规则", cv1::CATEGORY_TICKETING},   {"列车时刻", cv1::CATEGORY_TIMELINESS},
    {"话费查询", cv1::CATEGORY_BILLING},        {"宽带办理", cv1::CATEGORY_NETWORK_FAULT},
    {"设施报修", cv1::CATEGORY_FACILITIES},     {"遗失物品", cv1::CATEGORY_LUGGAGE},
    {"服务咨询", cv1::CATEGORY_SERVICE_QUALITY}, {"其他问题", cv1::CATEGORY_OTHER},
};
constexpr std::string_view kCsiDimensions[] = {"attitude", "speed", "accuracy",
                                               "professionalism"};

}  // namespace

std::span<const IssueTemplate> IssueTemplates() { return kIssues; }
std::span<const Station> RailwayStations() { return kRailwayStations; }
std::span<const Station> TelecomOutlets() { return kTelecomOutlets; }
std::span<const std::string_view> Surnames() { return kSurnames; }
std::span<const std::string_view> GivenNames() { return kGivenNames; }
std::span<const std::string_view> PhonePrefixes() { return kPhonePrefixes; }
std::span<const std::string_view> TrainPrefixes() { return kTrainPrefixes; }
std::span<const WeightedChannel> ChannelMix() { return kChannelMix; }
std::span<const RoutedCategory> CategoryRouting() { return kRouting; }
std::string_view DefaultDepartment() { return kDefaultDepartment; }
std::string_view DepartmentOf(cv1::Category category) {
  for (const RoutedCategory& r : kRouting) {
    if (r.category == category) return r.department;
  }
  return kDefaultDepartment;
}
std::string CategoryId(cv1::Category category) {
  std::string name = cv1::Category_Name(category);
  name.erase(0, std::string_view("CATEGORY_").size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}
std::span<const std::string_view> Queues() { return kQueues; }
std::span<const ConsultationTopic> ConsultationTopics() { return kTopics; }
std::span<const std::string_view> CsiDimensions() { return kCsiDimensions; }

}  // namespace sqms::loadgen
