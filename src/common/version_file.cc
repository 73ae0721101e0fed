#include "common/version_file.h"

#include <ctime>

#include "common/io/file_util.h"
#include "common/strings.h"

namespace ozone {

std::string_view NodeTypeName(NodeType type) {
  switch (type) {
    case NodeType::kScm:
      return "SCM";
    case NodeType::kOm:
      return "OM";
    case NodeType::kDatanode:
      return "DATANODE";
  }
  return "UNKNOWN";
}

static std::string_view DirName(NodeType type) {
  switch (type) {
    case NodeType::kScm:
      return "scm";
    case NodeType::kOm:
      return "om";
    case NodeType::kDatanode:
      return "datanode";
  }
  return "unknown";
}

std::string VersionFile::PathFor(const std::string& metadata_dir, NodeType type) {
  return metadata_dir + "/" + std::string(DirName(type)) + "/current/VERSION";
}

VersionFile VersionFile::Create(NodeType type, std::string_view cluster_id, int64_t ctime_millis,
                                int layout_version) {
  VersionFile f;
  f.node_type_ = type;
  f.props_.Set(kCTime, std::to_string(ctime_millis));
  f.props_.Set(kClusterId, cluster_id);
  f.props_.Set(kNodeType, NodeTypeName(type));
  f.props_.Set(kLayoutVersion, std::to_string(layout_version));
  return f;
}

Result<VersionFile> VersionFile::Load(const std::string& path) {
  OZ_ASSIGN_OR_RETURN(std::string text, io::ReadFile(path));
  VersionFile f;
  f.props_ = Properties::Parse(text);
  auto corrupt = [&](std::string_view what) {
    return Status::Corruption("VERSION file " + path + ": " + std::string(what));
  };
  auto type = f.props_.Get(kNodeType);
  if (!type) return corrupt("no nodeType");
  if (*type == "SCM")
    f.node_type_ = NodeType::kScm;
  else if (*type == "OM")
    f.node_type_ = NodeType::kOm;
  else if (*type == "DATANODE")
    f.node_type_ = NodeType::kDatanode;
  else
    return corrupt("unknown nodeType " + *type);
  auto cluster = f.props_.Get(kClusterId);
  if (!cluster || cluster->empty()) return corrupt("no clusterID");
  auto ctime = f.props_.Get(kCTime);
  if (!ctime || !strings::ParseInt64(*ctime)) return corrupt("no valid cTime");
  auto layout = f.props_.Get(kLayoutVersion);
  if (!layout || !strings::ParseInt64(*layout)) return corrupt("no valid layoutVersion");
  return f;
}

Status VersionFile::Save(const std::string& path, const Clock& clock) const {
  return io::WriteFileAtomically(path, props_.Serialize(JavaDateString(clock.WallNow())));
}

int64_t VersionFile::ctime() const {
  return strings::ParseInt64(props_.Get(kCTime).value_or("0")).value_or(0);
}

int VersionFile::layout_version() const {
  return static_cast<int>(
      strings::ParseInt64(props_.Get(kLayoutVersion).value_or("0")).value_or(0));
}

std::string JavaDateString(const Clock::WallTime& time) {
  std::time_t t = std::chrono::system_clock::to_time_t(
      std::chrono::time_point_cast<std::chrono::system_clock::duration>(time));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%a %b %d %H:%M:%S UTC %Y", &tm);
  return buf;
}

}  // namespace ozone
