// VersionFile: the VERSION file that marks an initialized SCM, OM or datanode storage directory
// (`<ozone.metadata.dirs>/scm/current/VERSION`, `.../om/current/VERSION`), in Java properties
// format as Ozone writes it:
//
//   #Tue Mar 16 10:19:33 UTC 2021
//   cTime=1615889973116
//   clusterID=CID-130fb246-1717-4313-9b62-9ddfe1bcb2e7
//   nodeType=SCM
//   scmUuid=e6877ce5-56cd-4f0b-ad60-4c8ef9000882
//   layoutVersion=0
//
// Saving is atomic (temp file, fsync, rename, fsync of the directory).
//
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/properties.h"
#include "common/result.h"

namespace ozone {

enum class NodeType { kScm, kOm, kDatanode };

std::string_view NodeTypeName(NodeType type);  // "SCM", "OM", "DATANODE"

class VersionFile {
 public:
  // Property names, as Ozone's.
  static constexpr char kNodeType[] = "nodeType";
  static constexpr char kClusterId[] = "clusterID";
  static constexpr char kCTime[] = "cTime";
  static constexpr char kLayoutVersion[] = "layoutVersion";
  static constexpr char kScmUuid[] = "scmUuid";
  static constexpr char kOmUuid[] = "omUuid";
  static constexpr char kNodeId[] = "nodeId";
  static constexpr char kScmHa[] = "scmHA";
  static constexpr char kPrimaryScmNodeId[] = "primaryScmNodeId";

  // "<metadata_dir>/scm/current/VERSION" (or om/, datanode/).
  static std::string PathFor(const std::string& metadata_dir, NodeType type);

  // A new file's contents (not yet saved): cTime, clusterID, nodeType, layoutVersion.
  static VersionFile Create(NodeType type, std::string_view cluster_id, int64_t ctime_millis,
                            int layout_version);

  // Reads `path`. NotFound if it does not exist; Corruption naming the file if a required
  // property (nodeType, clusterID, cTime, layoutVersion) is missing or malformed.
  static Result<VersionFile> Load(const std::string& path);

  // Writes atomically, with the current time of `clock` as the date comment.
  Status Save(const std::string& path, const Clock& clock = Clock::Real()) const;

  NodeType node_type() const { return node_type_; }
  std::string cluster_id() const { return props_.Get(kClusterId).value_or(""); }
  int64_t ctime() const;
  int layout_version() const;

  std::optional<std::string> Get(std::string_view key) const { return props_.Get(key); }
  void Set(std::string_view key, std::string_view value) { props_.Set(key, value); }
  const Properties& properties() const { return props_; }

 private:
  NodeType node_type_ = NodeType::kScm;
  Properties props_;
};

// Java's Date.toString() in UTC: "Tue Mar 16 10:19:33 UTC 2021".
std::string JavaDateString(const Clock::WallTime& time);

}  // namespace ozone
