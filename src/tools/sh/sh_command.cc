#include "tools/sh/sh_command.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <vector>
#include <ostream>

#include "client/om_client.h"
#include "common/config/units.h"
#include "om/request/replication_config_util.h"
#include "tools/sh/ozone_address.h"
#include "tools/sh/sh_json.h"

namespace ozone::tools {

namespace {

using sh::OzoneAddress;

// Options every `ozone sh` command has.
struct ShArgs {
  std::string om_service_id;
};

struct ListArgs {
  int length = 100;
  std::string prefix;
  std::string start;
  bool all = false;
};

void AddListOptions(CLI::App* cmd, ListArgs* a) {
  cmd->add_option("-l,--length", a->length, "Maximum number of items to list")
      ->capture_default_str();
  cmd->add_option("-p,--prefix", a->prefix, "Prefix to filter the items");
  cmd->add_option("-s,--start", a->start, "The item to start the listing from (exclusive)");
  cmd->add_flag("-a,--all", a->all, "List all results");
}

// One page of a listing: the items as JSON and the name to start the next page after.
struct ListPage {
  std::vector<json::Json> items;
  std::string last;
};

// Ozone's list paging: one page of --length items, or with --all every page (1000 at a time),
// each starting after the previous page's last item. `fetch(start, count)` asks for one page.
Result<json::Json> ListAll(
    const ListArgs& list,
    const std::function<Result<ListPage>(const std::string& start, uint32_t count)>& fetch) {
  if (list.length < 1) return Status::InvalidArgument("List length should be a positive number");
  json::Json out = json::Json::array();
  std::string start = list.start;
  while (true) {
    OZ_ASSIGN_OR_RETURN(ListPage page,
                        fetch(start, list.all ? 1000u : static_cast<uint32_t>(list.length)));
    for (auto& item : page.items) out.push_back(std::move(item));
    if (!list.all || page.items.empty()) break;
    start = page.last;
  }
  return out;
}

Result<std::unique_ptr<client::OmClient>> Connect(CommandContext& ctx, const ShArgs& args,
                                                  const OzoneAddress& address) {
  OZ_ASSIGN_OR_RETURN(const config::Configuration* conf, ctx.conf());
  OZ_ASSIGN_OR_RETURN(sh::OmTarget target, address.ResolveOm(*conf, args.om_service_id));
  client::OmClientOptions o;
  if (target.service_id.empty()) {
    o.address = target.address;
  } else {
    o.service_id = target.service_id;
  }
  return client::OmClient::Create(*conf, o);
}

void PrintJson(CommandContext& ctx, const json::Json& j) {
  ctx.out() << json::PrettyPrint(j) << "\n";
}

std::string PrimaryGroup() {
  if (const passwd* pw = ::getpwuid(::geteuid()); pw) {
    if (const group* g = ::getgrgid(pw->pw_gid); g && g->gr_name) return g->gr_name;
  }
  return "users";
}

// The ACLs Ozone's client puts on a new volume or bucket: ALL for the user and the user's group.
void AddDefaultAcls(const std::string& user,
                    google::protobuf::RepeatedPtrField<om::OzoneAclInfo>* acls) {
  const std::string all(1, static_cast<char>(1 << 7));  // bit 7: ALL
  om::OzoneAclInfo* u = acls->Add();
  u->set_type(om::OzoneAclInfo::USER);
  u->set_name(user);
  u->set_rights(all);
  u->set_aclscope(om::OzoneAclInfo::ACCESS);
  om::OzoneAclInfo* g = acls->Add();
  g->set_type(om::OzoneAclInfo::GROUP);
  g->set_name(PrimaryGroup());
  g->set_rights(all);
  g->set_aclscope(om::OzoneAclInfo::ACCESS);
}

Result<int64_t> ParseSpaceQuota(const std::string& text) {
  auto bytes = config::ParseStorageSize(text, config::StorageUnit::kBytes);
  if (!bytes.ok() || *bytes == 0) {
    return Status::InvalidArgument("Invalid value for space quota: " + text);
  }
  return static_cast<int64_t>(*bytes);
}

Result<int64_t> ParseNamespaceQuota(const std::string& text) {
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used == text.size() && v > 0) return static_cast<int64_t>(v);
  } catch (...) {
  }
  return Status::InvalidArgument("Invalid value for namespace quota: " + text);
}

struct QuotaArgs {
  std::string space;
  std::string count;
};

void AddQuotaOptions(CLI::App* cmd, QuotaArgs* q) {
  cmd->add_option("--space-quota,--quota", q->space,
                  "The maximum space quota this volume/bucket can use (eg. 1GB)");
  cmd->add_option("--namespace-quota", q->count,
                  "The maximum number of namespace (buckets or keys) it can hold");
}

void RegisterVolumeCommands(CLI::App& sh, ActionSlot& slot, std::shared_ptr<ShArgs> args) {
  CLI::App* volume = sh.add_subcommand("volume", "Volume specific operations");
  volume->alias("vol");
  volume->require_subcommand(1);

  {
    struct A {
      std::string address, user;
      QuotaArgs quota;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = volume->add_subcommand("create", "Creates a volume for the specified user");
    c->add_option("address", a->address, "URI of the volume")->required();
    c->add_option("-u,--user", a->user, "Owner of the volume");
    AddQuotaOptions(c, &a->quota);
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureVolumeAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      om::VolumeInfo v;
      v.set_volume(addr.volume());
      v.set_adminname(om->user_name());
      v.set_ownername(a->user.empty() ? om->user_name() : a->user);
      if (!a->quota.space.empty()) {
        OZ_ASSIGN_OR_RETURN(int64_t q, ParseSpaceQuota(a->quota.space));
        v.set_quotainbytes(q);
      }
      if (!a->quota.count.empty()) {
        OZ_ASSIGN_OR_RETURN(int64_t q, ParseNamespaceQuota(a->quota.count));
        v.set_quotainnamespace(q);
      }
      AddDefaultAcls(v.ownername(), v.mutable_volumeacls());
      return om->CreateVolume(v);
    });
  }
  {
    auto address = std::make_shared<std::string>();
    CLI::App* c = volume->add_subcommand("info", "Returns information about a specific volume");
    c->add_option("address", *address, "URI of the volume")->required();
    OnInvoke(c, &slot, [address, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(*address));
      OZ_RETURN_IF_ERROR(addr.EnsureVolumeAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      OZ_ASSIGN_OR_RETURN(om::VolumeInfo v, om->InfoVolume(addr.volume()));
      PrintJson(ctx, sh::VolumeJson(v));
      return Status::OK();
    });
  }
  {
    auto address = std::make_shared<std::string>();
    CLI::App* c = volume->add_subcommand("delete", "Deletes a volume if it is empty");
    c->add_option("address", *address, "URI of the volume")->required();
    OnInvoke(c, &slot, [address, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(*address));
      OZ_RETURN_IF_ERROR(addr.EnsureVolumeAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      OZ_RETURN_IF_ERROR(om->DeleteVolume(addr.volume()));
      ctx.out() << "Volume " << addr.volume() << " is deleted\n";
      return Status::OK();
    });
  }
  {
    struct A {
      std::string address = "/", user;
      ListArgs list;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = volume->add_subcommand("list", "List the volumes of a given user");
    c->alias("ls");
    c->add_option("address", a->address, "URI of the OM (o3://svc/ or /)");
    c->add_option("-u,--user", a->user, "List volumes of the given user");
    AddListOptions(c, &a->list);
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureRootAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      om::ListVolumeRequest req;
      if (a->list.all && a->user.empty()) {
        req.set_scope(om::ListVolumeRequest::VOLUMES_BY_CLUSTER);
      } else {
        req.set_scope(om::ListVolumeRequest::VOLUMES_BY_USER);
        req.set_username(a->user.empty() ? om->user_name() : a->user);
      }
      if (!a->list.prefix.empty()) req.set_prefix(a->list.prefix);
      Result<json::Json> out =
          ListAll(a->list, [&](const std::string& start, uint32_t count) -> Result<ListPage> {
            if (!start.empty()) req.set_prevkey(start);
            req.set_maxkeys(count);
            OZ_ASSIGN_OR_RETURN(auto volumes, om->ListVolumes(req));
            ListPage page;
            for (const auto& v : volumes) page.items.push_back(sh::VolumeJson(v));
            if (!volumes.empty()) page.last = volumes.back().volume();
            return page;
          });
      OZ_RETURN_IF_ERROR(out.status());
      PrintJson(ctx, *out);
      return Status::OK();
    });
  }
  {
    struct A {
      std::string address, user;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = volume->add_subcommand("update", "Updates parameter of the volumes");
    c->add_option("address", a->address, "URI of the volume")->required();
    c->add_option("-u,--user", a->user, "Owner of the volume to set");
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureVolumeAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      if (!a->user.empty()) {
        om::SetVolumePropertyRequest req;
        req.set_volumename(addr.volume());
        req.set_ownername(a->user);
        OZ_RETURN_IF_ERROR(om->SetVolumeProperty(req));
      }
      OZ_ASSIGN_OR_RETURN(om::VolumeInfo v, om->InfoVolume(addr.volume()));
      PrintJson(ctx, sh::VolumeJson(v));
      return Status::OK();
    });
  }
  {
    struct A {
      std::string address;
      QuotaArgs quota;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = volume->add_subcommand("setquota", "Set quota of the volumes");
    c->add_option("address", a->address, "URI of the volume")->required();
    AddQuotaOptions(c, &a->quota);
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureVolumeAddress());
      if (a->quota.space.empty() && a->quota.count.empty()) {
        return Status::InvalidArgument(
            "At least one of --space-quota or --namespace-quota must be given");
      }
      om::SetVolumePropertyRequest req;
      req.set_volumename(addr.volume());
      if (!a->quota.space.empty()) {
        OZ_ASSIGN_OR_RETURN(int64_t q, ParseSpaceQuota(a->quota.space));
        req.set_quotainbytes(q);
      }
      if (!a->quota.count.empty()) {
        OZ_ASSIGN_OR_RETURN(int64_t q, ParseNamespaceQuota(a->quota.count));
        req.set_quotainnamespace(q);
      }
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      return om->SetVolumeProperty(req);
    });
  }
  {
    struct A {
      std::string address;
      bool space = false, count = false;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = volume->add_subcommand("clrquota", "Clear quota of the volumes");
    c->add_option("address", a->address, "URI of the volume")->required();
    c->add_flag("--space-quota", a->space, "Clear the space quota");
    c->add_flag("--namespace-quota", a->count, "Clear the namespace quota");
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureVolumeAddress());
      if (!a->space && !a->count) {
        return Status::InvalidArgument(
            "At least one of --space-quota or --namespace-quota must be given");
      }
      om::SetVolumePropertyRequest req;
      req.set_volumename(addr.volume());
      if (a->space) req.set_quotainbytes(-1);
      if (a->count) req.set_quotainnamespace(-1);
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      return om->SetVolumeProperty(req);
    });
  }
}

Result<om::BucketLayout> ParseLayout(const std::string& text) {
  if (text == "obs" || text == "OBJECT_STORE") return om::OBJECT_STORE;
  if (text == "fso" || text == "FILE_SYSTEM_OPTIMIZED") return om::FILE_SYSTEM_OPTIMIZED;
  if (text == "legacy" || text == "LEGACY") return om::LEGACY;
  return Status::InvalidArgument("Invalid value for option '--layout': expected one of [fso, obs, "
                                 "legacy] (case-sensitive) but was '" + text + "'");
}

void RegisterBucketCommands(CLI::App& sh, ActionSlot& slot, std::shared_ptr<ShArgs> args) {
  CLI::App* bucket = sh.add_subcommand("bucket", "Bucket specific operations");
  bucket->require_subcommand(1);

  {
    struct A {
      std::string address, user, layout, type, replication;
      QuotaArgs quota;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = bucket->add_subcommand("create", "creates a bucket in a given volume");
    c->add_option("address", a->address, "URI of the bucket")->required();
    c->add_option("-u,--user", a->user, "Owner of the bucket");
    c->add_option("-l,--layout", a->layout, "Bucket layout: fso, obs or legacy");
    c->add_option("-t,--type", a->type, "Replication type (RATIS, EC)");
    c->add_option("-r,--replication", a->replication,
                  "Replication: ONE, THREE for RATIS; rs-3-2-1024k etc. for EC");
    AddQuotaOptions(c, &a->quota);
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureBucketAddress());
      om::BucketInfo b;
      b.set_volumename(addr.volume());
      b.set_bucketname(addr.bucket());
      b.set_isversionenabled(false);
      b.set_storagetype(om::DISK);
      if (!a->layout.empty()) {
        OZ_ASSIGN_OR_RETURN(om::BucketLayout l, ParseLayout(a->layout));
        b.set_bucketlayout(l);
      }
      if (!a->type.empty() || !a->replication.empty()) {
        OZ_ASSIGN_OR_RETURN(*b.mutable_defaultreplicationconfig(),
                            om::ParseReplicationConfig(a->type, a->replication));
      }
      if (!a->quota.space.empty()) {
        OZ_ASSIGN_OR_RETURN(int64_t q, ParseSpaceQuota(a->quota.space));
        b.set_quotainbytes(q);
      }
      if (!a->quota.count.empty()) {
        OZ_ASSIGN_OR_RETURN(int64_t q, ParseNamespaceQuota(a->quota.count));
        b.set_quotainnamespace(q);
      }
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      b.set_owner(a->user.empty() ? om->user_name() : a->user);
      AddDefaultAcls(b.owner(), b.mutable_acls());
      return om->CreateBucket(b);
    });
  }
  {
    auto address = std::make_shared<std::string>();
    CLI::App* c = bucket->add_subcommand("info", "returns information about a bucket");
    c->add_option("address", *address, "URI of the bucket")->required();
    OnInvoke(c, &slot, [address, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(*address));
      OZ_RETURN_IF_ERROR(addr.EnsureBucketAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      OZ_ASSIGN_OR_RETURN(om::BucketInfo b, om->InfoBucket(addr.volume(), addr.bucket()));
      PrintJson(ctx, sh::BucketJson(b));
      return Status::OK();
    });
  }
  {
    struct A {
      std::string address;
      bool recursive = false, yes = false;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = bucket->add_subcommand("delete", "deletes a bucket");
    c->add_option("address", a->address, "URI of the bucket")->required();
    c->add_flag("-r", a->recursive, "Delete the bucket with its keys");
    c->add_flag("-y,--yes", a->yes, "Continue without the interactive confirmation");
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureBucketAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      if (a->recursive) {
        if (!a->yes) {
          return Status::InvalidArgument(
              "Recursive bucket delete needs --yes (this removes every key in the bucket)");
        }
        // Delete every key, a page at a time, then the bucket.
        while (true) {
          om::ListKeysRequest req;
          req.set_volumename(addr.volume());
          req.set_bucketname(addr.bucket());
          req.set_count(1000);
          OZ_ASSIGN_OR_RETURN(auto keys, om->ListKeys(req));
          if (keys.keyinfo().empty()) break;
          for (const auto& k : keys.keyinfo()) {
            om::KeyArgs ka;
            ka.set_volumename(k.volumename());
            ka.set_bucketname(k.bucketname());
            ka.set_keyname(k.keyname());
            Status s = om->DeleteKey(ka);
            if (!s.ok() && !s.IsNotFound()) return s;
          }
        }
      }
      OZ_RETURN_IF_ERROR(om->DeleteBucket(addr.volume(), addr.bucket()));
      ctx.out() << "Bucket " << addr.bucket() << " is deleted\n";
      return Status::OK();
    });
  }
  {
    struct A {
      std::string address;
      ListArgs list;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = bucket->add_subcommand("list", "lists the buckets in a volume");
    c->alias("ls");
    c->add_option("address", a->address, "URI of the volume")->required();
    AddListOptions(c, &a->list);
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureVolumeAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      om::ListBucketsRequest req;
      req.set_volumename(addr.volume());
      if (!a->list.prefix.empty()) req.set_prefix(a->list.prefix);
      Result<json::Json> out =
          ListAll(a->list, [&](const std::string& start, uint32_t count) -> Result<ListPage> {
            if (!start.empty()) req.set_startkey(start);
            req.set_count(static_cast<int32_t>(count));
            OZ_ASSIGN_OR_RETURN(auto buckets, om->ListBuckets(req));
            ListPage page;
            for (const auto& b : buckets) page.items.push_back(sh::BucketJson(b));
            if (!buckets.empty()) page.last = buckets.back().bucketname();
            return page;
          });
      OZ_RETURN_IF_ERROR(out.status());
      PrintJson(ctx, *out);
      return Status::OK();
    });
  }
  for (const bool clear : {false, true}) {
    struct A {
      std::string address;
      QuotaArgs quota;
      bool space = false, count = false;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = bucket->add_subcommand(clear ? "clrquota" : "setquota",
                                         clear ? "clear quota of the bucket"
                                               : "Set quota of the buckets");
    c->add_option("address", a->address, "URI of the bucket")->required();
    if (clear) {
      c->add_flag("--space-quota", a->space, "Clear the space quota");
      c->add_flag("--namespace-quota", a->count, "Clear the namespace quota");
    } else {
      AddQuotaOptions(c, &a->quota);
    }
    OnInvoke(c, &slot, [a, args, clear](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureBucketAddress());
      om::BucketArgs req;
      req.set_volumename(addr.volume());
      req.set_bucketname(addr.bucket());
      if (clear) {
        if (a->space) req.set_quotainbytes(-1);
        if (a->count) req.set_quotainnamespace(-1);
      } else {
        if (!a->quota.space.empty()) {
          OZ_ASSIGN_OR_RETURN(int64_t q, ParseSpaceQuota(a->quota.space));
          req.set_quotainbytes(q);
        }
        if (!a->quota.count.empty()) {
          OZ_ASSIGN_OR_RETURN(int64_t q, ParseNamespaceQuota(a->quota.count));
          req.set_quotainnamespace(q);
        }
      }
      if (!req.has_quotainbytes() && !req.has_quotainnamespace()) {
        return Status::InvalidArgument(
            "At least one of --space-quota or --namespace-quota must be given");
      }
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      return om->SetBucketProperty(req);
    });
  }
}

om::KeyArgs KeyArgsOf(const OzoneAddress& addr) {
  om::KeyArgs k;
  k.set_volumename(addr.volume());
  k.set_bucketname(addr.bucket());
  k.set_keyname(addr.key());
  return k;
}

void RegisterKeyCommands(CLI::App& sh, ActionSlot& slot, std::shared_ptr<ShArgs> args) {
  CLI::App* key = sh.add_subcommand("key", "Key specific operations");
  key->require_subcommand(1);

  {
    auto address = std::make_shared<std::string>();
    CLI::App* c = key->add_subcommand("info", "returns information about an existing key");
    c->add_option("address", *address, "URI of the key")->required();
    OnInvoke(c, &slot, [address, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(*address));
      OZ_RETURN_IF_ERROR(addr.EnsureKeyAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      OZ_ASSIGN_OR_RETURN(om::KeyInfo k, om->LookupKey(KeyArgsOf(addr)));
      PrintJson(ctx, sh::KeyJson(k, true));
      return Status::OK();
    });
  }
  {
    auto address = std::make_shared<std::string>();
    CLI::App* c = key->add_subcommand("delete", "deletes an existing key");
    c->add_option("address", *address, "URI of the key")->required();
    OnInvoke(c, &slot, [address, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(*address));
      OZ_RETURN_IF_ERROR(addr.EnsureKeyAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      return om->DeleteKey(KeyArgsOf(addr));
    });
  }
  {
    struct A {
      std::string address, from, to;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = key->add_subcommand("rename", "renames an existing key");
    c->add_option("address", a->address, "URI of the bucket")->required();
    c->add_option("fromKey", a->from, "The existing key to be renamed")->required();
    c->add_option("toKey", a->to, "The new desired name of the key")->required();
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureBucketAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      om::KeyArgs k;
      k.set_volumename(addr.volume());
      k.set_bucketname(addr.bucket());
      k.set_keyname(a->from);
      return om->RenameKey(k, a->to);
    });
  }
  {
    struct A {
      std::string address;
      ListArgs list;
    };
    auto a = std::make_shared<A>();
    CLI::App* c = key->add_subcommand("list", "list all keys in a given bucket");
    c->alias("ls");
    c->add_option("address", a->address, "URI of the bucket")->required();
    AddListOptions(c, &a->list);
    OnInvoke(c, &slot, [a, args](CommandContext& ctx) -> Status {
      OZ_ASSIGN_OR_RETURN(OzoneAddress addr, OzoneAddress::Parse(a->address));
      OZ_RETURN_IF_ERROR(addr.EnsureBucketAddress());
      OZ_ASSIGN_OR_RETURN(auto om, Connect(ctx, *args, addr));
      om::ListKeysRequest req;
      req.set_volumename(addr.volume());
      req.set_bucketname(addr.bucket());
      if (!a->list.prefix.empty()) req.set_prefix(a->list.prefix);
      Result<json::Json> out =
          ListAll(a->list, [&](const std::string& start, uint32_t count) -> Result<ListPage> {
            if (!start.empty()) req.set_startkey(start);
            req.set_count(static_cast<int32_t>(count));
            OZ_ASSIGN_OR_RETURN(auto resp, om->ListKeys(req));
            ListPage page;
            for (const auto& k : resp.keyinfo()) page.items.push_back(sh::KeyJson(k, false));
            if (!resp.keyinfo().empty()) page.last = resp.keyinfo().rbegin()->keyname();
            return page;
          });
      OZ_RETURN_IF_ERROR(out.status());
      PrintJson(ctx, *out);
      return Status::OK();
    });
  }
  for (const char* name : {"put", "get", "cat", "cp"}) {
    CLI::App* c = key->add_subcommand(name, std::string("key data: ") + name);
    c->allow_extras();
    OnInvoke(c, &slot, [name](CommandContext&) -> Status {
      return Status::NotSupported(std::string("NOT_SUPPORTED_OPERATION key ") + name +
                                  " needs the datanodes, which this build does not run yet");
    });
  }
}

}  // namespace

void RegisterShCommand(CLI::App& app, ActionSlot& slot) {
  CLI::App* sh = app.add_subcommand("sh", "Shell for Ozone object store");
  sh->require_subcommand(1);
  auto args = std::make_shared<ShArgs>();
  sh->add_option("--om-service-id", args->om_service_id, "OM Service ID");
  RegisterVolumeCommands(*sh, slot, args);
  RegisterBucketCommands(*sh, slot, args);
  RegisterKeyCommands(*sh, slot, args);
}

}  // namespace ozone::tools
