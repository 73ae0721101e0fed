#include "ha/server/checkpoint_transfer_service.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <vector>

#include "common/io/file_util.h"
#include "ha/raft/log/crc32c.h"
#include "rpc/grpc_status.h"

namespace ozone::ha {

namespace fs = std::filesystem;

namespace {

// The regular files under `dir`, as paths relative to it, in name order.
Result<std::vector<std::string>> ListFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(fs::relative(it->path(), dir, ec).string());
  }
  if (ec) return Status::IoError("cannot list the checkpoint " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

CheckpointTransferService::CheckpointTransferService(CheckpointTransferOptions options)
    : options_(std::move(options)) {}

grpc::Status CheckpointTransferService::Download(grpc::ServerContext* context,
                                                 const CheckpointRequest* request,
                                                 grpc::ServerWriter<CheckpointChunk>* writer) {
  if (request->clusterid() != options_.cluster_id) {
    return rpc::ToGrpc(Status::FailedPrecondition("cluster id mismatch: this server belongs to " +
                                                  options_.cluster_id + ", the request to '" +
                                                  request->clusterid() + "'"));
  }
  Status s = io::CreateDirectories(options_.scratch_dir);
  if (!s.ok()) return rpc::ToGrpc(s);
  uint64_t millis = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  std::string dir = options_.scratch_dir + "/serve-" + std::to_string(millis) + "-" +
                    std::to_string(next_id_.fetch_add(1));
  Result<TransactionInfo> ti = options_.create_checkpoint(dir);
  if (ti.ok()) {
    spdlog::info("serving the checkpoint {} ({}) to {}", dir, ti->ToString(), context->peer());
    s = Stream(context, dir, *ti, writer);
  } else {
    s = ti.status().WithContext("creating a checkpoint");
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) spdlog::warn("cannot remove the checkpoint {}: {}", dir, ec.message());
  if (!s.ok()) spdlog::warn("serving a checkpoint to {} failed: {}", context->peer(), s.ToString());
  return rpc::ToGrpc(s);
}

Status CheckpointTransferService::Stream(grpc::ServerContext* context, const std::string& dir,
                                         const TransactionInfo& ti,
                                         grpc::ServerWriter<CheckpointChunk>* writer) {
  OZ_ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(dir));
  size_t chunk_size = std::max<size_t>(options_.chunk_size, 1);
  std::string buffer(chunk_size, '\0');
  bool first = true;
  // Sends one chunk; `eof` is decided by the caller.
  auto send = [&](const std::string& name, uint64_t offset, std::string_view data,
                  bool last_of_file, bool eof) -> Status {
    if (context->IsCancelled()) return Status::Aborted("the client cancelled the download");
    CheckpointChunk chunk;
    chunk.set_clusterid(options_.cluster_id);
    chunk.set_filename(name);
    chunk.set_offset(offset);
    chunk.set_data(data.data(), data.size());
    chunk.set_lastoffile(last_of_file);
    chunk.set_eof(eof);
    chunk.set_checksum(raft::crc32c::Value(data.data(), data.size()));
    if (first) {
      chunk.mutable_transactioninfo()->set_term(static_cast<int64_t>(ti.term.value()));
      chunk.mutable_transactioninfo()->set_transactionindex(static_cast<int64_t>(ti.index.value()));
      first = false;
    }
    if (!writer->Write(chunk)) return Status::Aborted("the client went away");
    return Status::OK();
  };
  if (files.empty()) return send("", 0, {}, true, true);
  for (size_t f = 0; f < files.size(); ++f) {
    std::string path = dir + "/" + files[f];
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::FromErrno("open " + path, errno);
    std::error_code ec;
    uint64_t size = fs::file_size(path, ec);
    if (ec) {
      ::close(fd);
      return Status::IoError("cannot stat " + path + ": " + ec.message());
    }
    uint64_t offset = 0;
    Status s;
    do {
      size_t want = static_cast<size_t>(std::min<uint64_t>(chunk_size, size - offset));
      size_t got = 0;
      while (got < want) {
        ssize_t n = ::pread(fd, buffer.data() + got, want - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          s = n < 0 ? Status::FromErrno("read " + path, errno)
                    : Status::IoError(path + " is shorter than it was");
          break;
        }
        got += static_cast<size_t>(n);
      }
      if (!s.ok()) break;
      bool last_of_file = offset + got >= size;
      s = send(files[f], offset, std::string_view(buffer.data(), got), last_of_file,
               last_of_file && f + 1 == files.size());
      offset += got;
    } while (s.ok() && offset < size);
    ::close(fd);
    OZ_RETURN_IF_ERROR(s);
  }
  return Status::OK();
}

}  // namespace ozone::ha
