#include "ha/raft/tools/file_kv_state_machine.h"

#include <httplib.h>

#include <functional>
#include <sstream>

#include "common/io/file_util.h"
#include "common/net/host_port.h"

namespace ozone::raft {

namespace {

void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i)));
}
bool GetU64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i)
    *v |= static_cast<uint64_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(8);
  return true;
}

}  // namespace

Result<std::unique_ptr<FileKvStateMachine>> FileKvStateMachine::Open(const std::string& dir,
                                                                     HttpAddressOf http) {
  OZ_RETURN_IF_ERROR(io::CreateDirectories(dir));
  std::unique_ptr<FileKvStateMachine> sm(new FileKvStateMachine(dir, std::move(http)));
  auto bytes = io::ReadFile(sm->SnapshotPath());
  if (bytes.ok()) {
    OZ_RETURN_IF_ERROR(Parse(*bytes, &sm->snapshot_index_, &sm->data_));
    sm->applied_ = sm->snapshot_index_;
  } else if (!bytes.status().IsNotFound()) {
    return bytes.status();
  }
  return sm;
}

std::string FileKvStateMachine::Serialize(LogIndex index,
                                          const std::map<std::string, std::string>& data) {
  std::string out = "KVSNAP1\n";
  PutU64(&out, index.value());
  PutU64(&out, data.size());
  for (const auto& [k, v] : data) {
    PutU64(&out, k.size());
    out += k;
    PutU64(&out, v.size());
    out += v;
  }
  return out;
}

Status FileKvStateMachine::Parse(const std::string& bytes, LogIndex* index,
                                 std::map<std::string, std::string>* data) {
  std::string_view in(bytes);
  auto bad = [] { return Status::Corruption("bad KV snapshot"); };
  if (in.substr(0, 8) != "KVSNAP1\n") return bad();
  in.remove_prefix(8);
  uint64_t idx, n;
  if (!GetU64(&in, &idx) || !GetU64(&in, &n)) return bad();
  std::map<std::string, std::string> out;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t kl, vl;
    if (!GetU64(&in, &kl) || in.size() < kl) return bad();
    std::string k(in.substr(0, kl));
    in.remove_prefix(kl);
    if (!GetU64(&in, &vl) || in.size() < vl) return bad();
    out.emplace(std::move(k), std::string(in.substr(0, vl)));
    in.remove_prefix(vl);
  }
  *index = LogIndex(idx);
  *data = std::move(out);
  return Status::OK();
}

LogIndex FileKvStateMachine::LastAppliedIndex() const {
  std::lock_guard<std::mutex> l(mu_);
  return snapshot_index_;
}

Result<std::string> FileKvStateMachine::Apply(const Entry& entry) {
  std::lock_guard<std::mutex> l(mu_);
  std::string result;
  if (entry.type == EntryType::kNormal) {
    const std::string& cmd = entry.bytes();
    if (cmd.compare(0, 4, "put ") == 0) {
      size_t sp = cmd.find(' ', 4);
      std::string key = cmd.substr(4, sp == std::string::npos ? std::string::npos : sp - 4);
      std::string value = sp == std::string::npos ? "" : cmd.substr(sp + 1);
      auto it = data_.find(key);
      if (it != data_.end()) {
        result = std::move(it->second);
        it->second = std::move(value);
      } else {
        data_.emplace(std::move(key), std::move(value));
      }
    }
  }
  applied_ = entry.index;
  return result;
}

Result<LogIndex> FileKvStateMachine::TakeSnapshot() {
  std::string bytes;
  LogIndex index;
  {
    std::lock_guard<std::mutex> l(mu_);
    index = applied_;
    bytes = Serialize(index, data_);
  }
  OZ_RETURN_IF_ERROR(io::WriteFileAtomically(SnapshotPath(), bytes));
  std::lock_guard<std::mutex> l(mu_);
  snapshot_index_ = index;
  return index;
}

Status FileKvStateMachine::InstallSnapshot(const SnapshotMeta& meta, const PeerInfo& leader) {
  OZ_ASSIGN_OR_RETURN(auto hp, net::ParseHostPort(http_(leader), 80));
  httplib::Client client(hp.host, hp.port);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(30));
  auto res = client.Get("/snapshot?index=" + std::to_string(meta.index.value()));
  if (!res) return Status::Unavailable("cannot fetch the snapshot from " + leader.id);
  if (res->status != 200) {
    return Status::Unavailable("the leader has no snapshot at " +
                               std::to_string(meta.index.value()) + ": " + res->body);
  }
  LogIndex index;
  std::map<std::string, std::string> data;
  OZ_RETURN_IF_ERROR(Parse(res->body, &index, &data));
  if (index != meta.index) return Status::Corruption("snapshot index mismatch");
  OZ_RETURN_IF_ERROR(io::WriteFileAtomically(SnapshotPath(), res->body));
  std::lock_guard<std::mutex> l(mu_);
  data_ = std::move(data);
  applied_ = index;
  snapshot_index_ = index;
  return Status::OK();
}

std::optional<std::string> FileKvStateMachine::Get(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return it->second;
}

LogIndex FileKvStateMachine::applied() const {
  std::lock_guard<std::mutex> l(mu_);
  return applied_;
}

Result<std::string> FileKvStateMachine::SnapshotBytes(LogIndex index) const {
  OZ_ASSIGN_OR_RETURN(std::string bytes, io::ReadFile(SnapshotPath()));
  LogIndex at;
  std::map<std::string, std::string> ignored;
  OZ_RETURN_IF_ERROR(Parse(bytes, &at, &ignored));
  if (at != index) {
    return Status::NotFound("snapshot is at " + std::to_string(at.value()) + ", not " +
                            std::to_string(index.value()));
  }
  return bytes;
}

std::string FileKvStateMachine::Digest() const {
  std::lock_guard<std::mutex> l(mu_);
  size_t h = 0;
  for (const auto& [k, v] : data_) {
    h = h * 1000003 ^ std::hash<std::string>()(k);
    h = h * 1000003 ^ std::hash<std::string>()(v);
  }
  std::ostringstream s;
  s << std::hex << h;
  return s.str();
}

size_t FileKvStateMachine::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return data_.size();
}

}  // namespace ozone::raft
