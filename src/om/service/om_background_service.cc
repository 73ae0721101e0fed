#include "om/service/om_background_service.h"

#include <spdlog/spdlog.h>

namespace ozone::om {

std::shared_ptr<ha::BackgroundService> MakeOmBackgroundService(
    std::string name, std::chrono::milliseconds interval, const ha::HaContext* context,
    const Clock* clock, std::function<Result<uint64_t>()> run_once, std::string verb,
    std::string objects) {
  ha::BackgroundServiceOptions o;
  o.name = name;
  o.interval = interval;
  o.run_in_safe_mode = true;  // the OM has no safe mode
  return std::make_shared<ha::BackgroundService>(
      o, context,
      [name, run_once = std::move(run_once), verb = std::move(verb),
       objects = std::move(objects)] {
        Result<uint64_t> n = run_once();
        if (!n.ok()) {
          spdlog::warn("{}: {}", name, n.status().ToString());
        } else if (*n > 0) {
          spdlog::info("{}: {} {} {}", name, verb, *n, objects);
        }
      },
      clock);
}

}  // namespace ozone::om
