#include "tools/freon/freon_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "client/om_client.h"
#include "om/request/replication_config_util.h"
#include "tools/freon/freon_interrupt.h"
#include "tools/freon/freon_objects.h"
#include "tools/freon/freon_runner.h"
#include "tools/freon/random_key_generator.h"

namespace ozone::tools {

namespace {

using freon::FreonOptions;
using freon::FreonRunner;
using freon::FreonTimer;

Result<std::unique_ptr<client::OmClient>> ConnectOm(CommandContext& ctx,
                                                    const std::string& service_id) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  client::OmClientOptions o;
  if (!service_id.empty()) o.service_id = service_id;
  return client::OmClient::Create(*conf, o);
}

// Creates the volume (and bucket) unless they exist, as Ozone's freon does.
Status EnsureVolume(client::OmClient& om, const std::string& volume) {
  auto v = om.InfoVolume(volume);
  if (v.ok()) return Status::OK();
  if (!v.status().IsNotFound()) return v.status();
  Status s = om.CreateVolume(freon::NewVolume(volume, om.user_name()));
  return s.IsAlreadyExists() ? Status::OK() : s;
}

Status EnsureBucket(client::OmClient& om, const std::string& volume, const std::string& bucket) {
  OZ_RETURN_IF_ERROR(EnsureVolume(om, volume));
  auto b = om.InfoBucket(volume, bucket);
  if (b.ok()) return Status::OK();
  if (!b.status().IsNotFound()) return b.status();
  Status s = om.CreateBucket(freon::NewBucket(volume, bucket, om.user_name()));
  return s.IsAlreadyExists() ? Status::OK() : s;
}

bool Interactive() { return ::isatty(STDOUT_FILENO) == 1; }

void RegisterOmKeyGenerator(CLI::App& freon, ActionSlot& slot) {
  struct A {
    FreonOptions base;
    std::string volume = "vol1", bucket = "bucket1", type, replication, om_service_id;
  };
  auto a = std::make_shared<A>();
  CLI::App* c = freon.add_subcommand("omkg", "Create keys to the om metadata table.");
  c->alias("om-key-generator");
  freon::AddFreonOptions(*c, a->base);
  c->add_option("-v,--volume", a->volume,
                "Name of the volume which contains the test data. Will be created if missing.")
      ->capture_default_str();
  c->add_option("-b,--bucket", a->bucket,
                "Name of the bucket which contains the test data. Will be created if missing.")
      ->capture_default_str();
  c->add_option("--type", a->type, "Replication type of the keys (RATIS, EC)");
  c->add_option("--replication", a->replication, "Replication of the keys (ONE, THREE, ...)");
  c->add_option("--om-service-id", a->om_service_id, "OM Service ID");
  OnInvoke(c, &slot, [a](CommandContext& ctx) -> Status {
    return freon::RunInterruptible(ctx, [&](const std::atomic<bool>& interrupted) -> Status {
      FreonRunner runner(a->base, ctx.out(), Interactive());
      OZ_RETURN_IF_ERROR(runner.Init());
      std::optional<om::DefaultReplicationConfig> replication;
      if (!a->type.empty() || !a->replication.empty()) {
        OZ_ASSIGN_OR_RETURN(replication, om::ParseReplicationConfig(a->type, a->replication));
      }
      OZ_ASSIGN_OR_RETURN(auto om, ConnectOm(ctx, a->om_service_id));
      OZ_RETURN_IF_ERROR(EnsureBucket(*om, a->volume, a->bucket));
      FreonTimer& timer = runner.AddTimer("key-create");
      client::OmClient* client = om.get();
      return runner.Run(
          [&](uint64_t counter) -> Status {
            const om::KeyArgs args = freon::NewEmptyKey(
                a->volume, a->bucket, runner.ObjectName(counter), client->user_name(), replication);
            const auto start = FreonTimer::Clock::now();
            OZ_ASSIGN_OR_RETURN(om::CreateKeyResponse session, client->OpenKey(args));
            OZ_RETURN_IF_ERROR(client->CommitKey(args, session.id()));
            timer.Record(FreonTimer::Clock::now() - start);
            return Status::OK();
          },
          interrupted);
    });
  });
}

void RegisterOmBucketGenerator(CLI::App& freon, ActionSlot& slot) {
  struct A {
    FreonOptions base;
    std::string volume = "vol1", om_service_id;
  };
  auto a = std::make_shared<A>();
  CLI::App* c = freon.add_subcommand("ombg", "Generate ozone buckets on OM side.");
  c->alias("om-bucket-generator");
  freon::AddFreonOptions(*c, a->base, /*allow_duration=*/false);
  c->add_option("-v,--volume", a->volume,
                "Name of the volume which contains the test data. Will be created if missing.")
      ->capture_default_str();
  c->add_option("--om-service-id", a->om_service_id, "OM Service ID");
  OnInvoke(c, &slot, [a](CommandContext& ctx) -> Status {
    return freon::RunInterruptible(ctx, [&](const std::atomic<bool>& interrupted) -> Status {
      FreonRunner runner(a->base, ctx.out(), Interactive());
      OZ_RETURN_IF_ERROR(runner.Init());
      OZ_ASSIGN_OR_RETURN(auto om, ConnectOm(ctx, a->om_service_id));
      OZ_RETURN_IF_ERROR(EnsureVolume(*om, a->volume));
      FreonTimer& timer = runner.AddTimer("bucket-create");
      client::OmClient* client = om.get();
      return runner.Run(
          [&](uint64_t counter) -> Status {
            const om::BucketInfo b =
                freon::NewBucket(a->volume, runner.BucketName(counter), client->user_name());
            const auto start = FreonTimer::Clock::now();
            OZ_RETURN_IF_ERROR(client->CreateBucket(b));
            timer.Record(FreonTimer::Clock::now() - start);
            return Status::OK();
          },
          interrupted);
    });
  });
}

void RegisterRandomKeyGenerator(CLI::App& freon, ActionSlot& slot, const std::string& revision) {
  auto o = std::make_shared<freon::RandomKeysOptions>();
  CLI::App* c =
      freon.add_subcommand("randomkeys", "Generate volumes/buckets and put generated keys.");
  c->alias("rk");
  freon::AddRandomKeysOptions(*c, *o);
  OnInvoke(c, &slot, [o, revision](CommandContext& ctx) -> Status {
    OZ_RETURN_IF_ERROR(freon::CheckRandomKeysOptions(*o));
    return freon::RunInterruptible(ctx, [&](const std::atomic<bool>& interrupted) -> Status {
      OZ_ASSIGN_OR_RETURN(auto om, ConnectOm(ctx, o->om_service_id));
      return freon::RunRandomKeys(*o, *om, ctx.out(), Interactive(), revision, interrupted);
    });
  });
}

}  // namespace

void RegisterFreonCommand(CLI::App& app, ActionSlot& slot, const std::string& revision) {
  CLI::App* freon = app.add_subcommand("freon", "Load generator and tester tool for ozone");
  freon->require_subcommand(1);
  RegisterOmKeyGenerator(*freon, slot);
  RegisterOmBucketGenerator(*freon, slot);
  RegisterRandomKeyGenerator(*freon, slot, revision);
}

}  // namespace ozone::tools
