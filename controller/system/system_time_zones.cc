#include "controller/system/system_time_zones.h"

#include <date/tz.h>

#include <exception>
#include <string>

namespace rtm {
namespace {

class DateTimeZone : public TimeZone {
 public:
  explicit DateTimeZone(const date::time_zone* zone) : zone_(zone) {}

  LocalSeconds ToLocal(SysSeconds instant) const override {
    const date::sys_info info = zone_->get_info(instant);
    return LocalSeconds{(instant + info.offset).time_since_epoch()};
  }

  Resolution ToSys(LocalSeconds local) const override {
    const date::local_seconds theirs{local.time_since_epoch()};
    const date::local_info info = zone_->get_info(theirs);
    const auto at = [&](const date::sys_info& rules) {
      return SysSeconds{(theirs - rules.offset).time_since_epoch()};
    };
    switch (info.result) {
      case date::local_info::unique:
        return {.kind = Resolution::Kind::kUnique, .first = at(info.first)};
      case date::local_info::ambiguous:
        return {.kind = Resolution::Kind::kAmbiguous,
                .first = at(info.first),
                .second = at(info.second)};
      case date::local_info::nonexistent:
        break;
    }
    // The gap ends where the rules after it begin.
    return {.kind = Resolution::Kind::kNonexistent,
            .skipped_to = SysSeconds{info.second.begin.time_since_epoch()}};
  }

 private:
  const date::time_zone* zone_;  // owned by date's tz database, never freed
};

}  // namespace

Expected<std::shared_ptr<const TimeZone>> SystemTimeZones::Locate(std::string_view name) {
  try {
    return std::make_shared<DateTimeZone>(date::locate_zone(name));
  } catch (const std::runtime_error& error) {
    const std::string what = error.what();
    if (what.find("not found") != std::string::npos) {
      return std::unexpected(Error{ErrorCode::kInvalidRequest,
                                   "unknown time zone \"" + std::string(name) +
                                       "\" (not in the tz database)"});
    }
    return std::unexpected(Error{ErrorCode::kInternal, "tz database: " + what});
  } catch (const std::exception& error) {
    return std::unexpected(Error{ErrorCode::kInternal, std::string("tz database: ") + error.what()});
  }
}

}  // namespace rtm
