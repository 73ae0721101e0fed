// MakeGrpcCheckpointFetcher (declared in ha/checkpoint_fetcher.h): the gRPC client of
// CheckpointTransfer. It lives under server/ because only */server/ may include gRPC.
#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "common/io/file_util.h"
#include "ha.grpc.pb.h"
#include "ha/checkpoint_fetcher.h"
#include "ha/raft/log/crc32c.h"
#include "rpc/grpc_status.h"

namespace ozone::ha {

namespace fs = std::filesystem;

namespace {

// Largest message the client accepts (a chunk is 1 MiB of data plus a header).
constexpr int kMaxReceiveBytes = 64 << 20;

// A file name from a chunk, checked to stay inside the checkpoint directory.
Status CheckFileName(const std::string& name) {
  fs::path p(name);
  if (name.empty() || p.is_absolute()) {
    return Status::Corruption("bad file name '" + name + "' in the checkpoint");
  }
  for (const auto& part : p) {
    if (part == ".." || part == ".") {
      return Status::Corruption("bad file name '" + name + "' in the checkpoint");
    }
  }
  return Status::OK();
}

Status WriteAll(int fd, const std::string& path, const std::string& data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write " + path, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Status::OK();
}

class GrpcCheckpointFetcher final : public CheckpointFetcher {
 public:
  explicit GrpcCheckpointFetcher(GrpcCheckpointFetcherOptions options)
      : options_(std::move(options)) {}

  Result<TransactionInfo> Fetch(const raft::PeerInfo& leader,
                                const std::string& dest_dir) override {
    std::error_code ec;
    if (fs::exists(dest_dir, ec)) {
      return Status::AlreadyExists("the checkpoint directory " + dest_dir + " exists");
    }
    OZ_RETURN_IF_ERROR(io::CreateDirectories(dest_dir));
    CloseFile();
    file_name_.clear();
    written_ = 0;
    Result<TransactionInfo> r = Download(leader, dest_dir);
    CloseFile();
    if (!r.ok()) fs::remove_all(dest_dir, ec);
    return r;
  }

 private:
  std::shared_ptr<grpc::ChannelCredentials> Credentials() const {
    if (!options_.tls_ca_pem && !options_.tls_cert_pem) return grpc::InsecureChannelCredentials();
    grpc::SslCredentialsOptions ssl;
    if (options_.tls_ca_pem) ssl.pem_root_certs = *options_.tls_ca_pem;
    if (options_.tls_cert_pem && options_.tls_key_pem) {
      ssl.pem_cert_chain = *options_.tls_cert_pem;
      ssl.pem_private_key = *options_.tls_key_pem;
    }
    return grpc::SslCredentials(ssl);
  }

  Result<TransactionInfo> Download(const raft::PeerInfo& leader, const std::string& dest_dir) {
    if (!options_.address_of) return Status::InvalidArgument("no address_of for the fetcher");
    OZ_ASSIGN_OR_RETURN(std::string address, options_.address_of(leader));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
    auto channel = grpc::CreateCustomChannel(address, Credentials(), args);
    auto stub = CheckpointTransfer::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
    CheckpointRequest request;
    request.set_flush(true);
    request.set_clusterid(options_.cluster_id);
    spdlog::info("downloading the checkpoint of {} from {} into {}", leader.id, address, dest_dir);
    std::unique_ptr<grpc::ClientReader<CheckpointChunk>> reader = stub->Download(&context, request);

    Status s;
    std::optional<TransactionInfo> ti;
    bool eof = false;
    uint64_t bytes = 0;
    CheckpointChunk chunk;
    while (s.ok() && !eof && reader->Read(&chunk)) {
      s = Accept(chunk, dest_dir, &ti, &eof);
      bytes += chunk.data().size();
    }
    if (!s.ok()) {
      context.TryCancel();
      grpc::Status ignored = reader->Finish();
      (void)ignored;
      return s;
    }
    if (eof) {
      // Drain to the end of the stream so Finish reports the server's status.
      while (reader->Read(&chunk)) {
      }
    }
    Status finished = rpc::FromGrpc(reader->Finish());
    if (!finished.ok()) {
      return finished.WithContext("downloading the checkpoint of " + leader.id + " from " +
                                  address);
    }
    if (!eof || !ti) {
      return Status::Corruption("the checkpoint stream of " + leader.id + " ended early");
    }
    OZ_RETURN_IF_ERROR(SyncDirectories(dest_dir));
    spdlog::info("downloaded the checkpoint of {} ({}, {} bytes)", leader.id, ti->ToString(),
                 bytes);
    return *ti;
  }

  // Checks one chunk and writes its data.
  Status Accept(const CheckpointChunk& chunk, const std::string& dest_dir,
                std::optional<TransactionInfo>* ti, bool* eof) {
    if (chunk.clusterid() != options_.cluster_id) {
      return Status::FailedPrecondition("cluster id mismatch: the checkpoint is of cluster '" +
                                        chunk.clusterid() + "', this node's is " +
                                        options_.cluster_id);
    }
    if (!chunk.has_checksum() ||
        raft::crc32c::Value(chunk.data().data(), chunk.data().size()) != chunk.checksum()) {
      return Status::Corruption("checksum mismatch in the checkpoint chunk of " + chunk.filename() +
                                " at offset " + std::to_string(chunk.offset()));
    }
    if (!*ti) {
      if (!chunk.has_transactioninfo()) {
        return Status::Corruption("the first checkpoint chunk has no TransactionInfo");
      }
      OZ_ASSIGN_OR_RETURN(TransactionInfo first,
                          DecodeTransactionInfo(chunk.transactioninfo().SerializeAsString()));
      *ti = first;
    }
    *eof = chunk.eof();
    if (chunk.filename().empty() && chunk.data().empty() && chunk.eof()) return Status::OK();
    OZ_RETURN_IF_ERROR(CheckFileName(chunk.filename()));
    if (chunk.filename() != file_name_) {
      if (fd_ >= 0) {
        return Status::Corruption("the checkpoint file " + file_name_ + " ended without its " +
                                  "last chunk");
      }
      if (chunk.offset() != 0) {
        return Status::Corruption("the checkpoint file " + chunk.filename() + " starts at offset " +
                                  std::to_string(chunk.offset()));
      }
      OZ_RETURN_IF_ERROR(OpenFile(dest_dir, chunk.filename()));
    } else if (fd_ < 0 || chunk.offset() != written_) {
      return Status::Corruption("the checkpoint file " + chunk.filename() +
                                " has a gap or a repeat at offset " +
                                std::to_string(chunk.offset()));
    }
    OZ_RETURN_IF_ERROR(WriteAll(fd_, path_, chunk.data()));
    written_ += chunk.data().size();
    if (chunk.lastoffile()) {
      if (::fsync(fd_) != 0) return Status::FromErrno("fsync " + path_, errno);
      CloseFile();
    }
    return Status::OK();
  }

  Status OpenFile(const std::string& dest_dir, const std::string& name) {
    path_ = dest_dir + "/" + name;
    fs::path parent = fs::path(path_).parent_path();
    OZ_RETURN_IF_ERROR(io::CreateDirectories(parent.string()));
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status::FromErrno("create " + path_, errno);
    file_name_ = name;
    written_ = 0;
    return Status::OK();
  }

  void CloseFile() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // fsyncs `dir` and every directory under it, so that the files' names are durable.
  static Status SyncDirectories(const std::string& dir) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      if (it->is_directory(ec)) OZ_RETURN_IF_ERROR(io::SyncDirectory(it->path().string()));
    }
    if (ec) return Status::IoError("cannot list " + dir + ": " + ec.message());
    return io::SyncDirectory(dir);
  }

  const GrpcCheckpointFetcherOptions options_;
  // The file being written (one fetch at a time).
  int fd_ = -1;
  std::string file_name_;
  std::string path_;
  uint64_t written_ = 0;
};

}  // namespace

std::unique_ptr<CheckpointFetcher> MakeGrpcCheckpointFetcher(GrpcCheckpointFetcherOptions options) {
  return std::make_unique<GrpcCheckpointFetcher>(std::move(options));
}

}  // namespace ozone::ha
