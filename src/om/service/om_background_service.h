// The OM's leader-only background services (KeyDeletingService, OpenKeyCleanupService,
// KeyLifecycleService) as ha::BackgroundServices: each run calls `run_once`, which returns how
// many objects it handled. A failure is logged as a warning and left to the next run; work done
// is logged as "<name>: <verb> <n> <objects>". The OM has no safe mode: they run whatever the
// context says of it.
//
// Thread-safety: as ha::BackgroundService.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "ha/ha_context.h"
#include "ha/ha_service.h"

namespace ozone::om {

std::shared_ptr<ha::BackgroundService> MakeOmBackgroundService(
    std::string name, std::chrono::milliseconds interval, const ha::HaContext* context,
    const Clock* clock, std::function<Result<uint64_t>()> run_once, std::string verb,
    std::string objects);

}  // namespace ozone::om
