// Codecs turn typed keys and values into the bytes stored in RocksDB and back.
//
// A codec is a struct with:
//   using Type = ...;
//   static std::string Encode(const Type&);
//   static Result<Type> Decode(std::string_view bytes);    // Corruption on bad bytes
//   static json::Json ToJson(const Type&);                 // for `ozone debug ldb`
//   static Result<Type> FromText(std::string_view text);   // parses --startkey/--endkey
// FieldCodec is the type-erased form used by tools that handle any column family.
//
// Key codecs must preserve order where ordered iteration matters: Uint64Codec is big-endian.
//
// Thread-safety: codecs are stateless.
#pragma once

#include <google/protobuf/message.h>

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/json/jackson_printer.h"
#include "common/json/proto_json.h"
#include "common/result.h"
#include "common/strings.h"

namespace ozone::storage {

template <typename C>
concept CodecType = requires(const typename C::Type& v, std::string_view s) {
  { C::Encode(v) } -> std::same_as<std::string>;
  { C::Decode(s) } -> std::same_as<Result<typename C::Type>>;
  { C::ToJson(v) } -> std::same_as<json::Json>;
  { C::FromText(s) } -> std::same_as<Result<typename C::Type>>;
  { C::Name() } -> std::same_as<std::string>;
};

// Type-erased codec, for generic tools.
class FieldCodec {
 public:
  virtual ~FieldCodec() = default;
  // Decodes stored bytes to JSON (Corruption if they do not decode).
  virtual Result<json::Json> BytesToJson(std::string_view bytes) const = 0;
  // Encodes a user-typed text form ("42", "/vol1", a UUID) to stored bytes.
  virtual Result<std::string> TextToBytes(std::string_view text) const = 0;
  // A short name of the type, for messages ("String", "Long", "ContainerInfoProto").
  virtual std::string TypeName() const = 0;
  // OK if `path` ("acls", "type") names a field of the type, descending into nested messages
  // and repeated fields; InvalidArgument naming the first unknown component otherwise.
  virtual Status CheckFieldPath(const std::vector<std::string>& path) const = 0;
};

// Checks a field path against a protobuf message type (see FieldCodec::CheckFieldPath).
Status CheckProtoFieldPath(const google::protobuf::Descriptor* type,
                           const std::vector<std::string>& path);

template <CodecType C>
class FieldCodecAdapter final : public FieldCodec {
 public:
  Result<json::Json> BytesToJson(std::string_view bytes) const override {
    OZ_ASSIGN_OR_RETURN(auto v, C::Decode(bytes));
    return C::ToJson(v);
  }
  Result<std::string> TextToBytes(std::string_view text) const override {
    OZ_ASSIGN_OR_RETURN(auto v, C::FromText(text));
    return C::Encode(v);
  }
  std::string TypeName() const override { return C::Name(); }
  Status CheckFieldPath(const std::vector<std::string>& path) const override {
    if constexpr (std::is_base_of_v<google::protobuf::Message, typename C::Type>) {
      return CheckProtoFieldPath(C::Type::descriptor(), path);
    } else {
      if (path.empty()) return Status::OK();
      return Status::InvalidArgument("Invalid field \"" + path.front() + "\": " + C::Name() +
                                     " values have no fields");
    }
  }
};

template <CodecType C>
std::shared_ptr<const FieldCodec> MakeFieldCodec() {
  static const auto codec = std::make_shared<const FieldCodecAdapter<C>>();
  return codec;
}

// UTF-8 strings, stored as is (Ozone's StringCodec).
struct StringCodec {
  using Type = std::string;
  static std::string Name() { return "String"; }
  static std::string Encode(const std::string& v) { return v; }
  static Result<std::string> Decode(std::string_view b) { return std::string(b); }
  static json::Json ToJson(const std::string& v) { return v; }
  static Result<std::string> FromText(std::string_view t) { return std::string(t); }
};

// Raw bytes; shown as a string in JSON.
struct BytesCodec {
  using Type = std::string;
  static std::string Name() { return "byte[]"; }
  static std::string Encode(const std::string& v) { return v; }
  static Result<std::string> Decode(std::string_view b) { return std::string(b); }
  static json::Json ToJson(const std::string& v) { return v; }
  static Result<std::string> FromText(std::string_view t) { return std::string(t); }
};

// Unsigned 64-bit integers as 8 big-endian bytes, so byte order is numeric order
// (Ozone's LongCodec, for non-negative ids).
struct Uint64Codec {
  using Type = uint64_t;
  static std::string Name() { return "Long"; }
  static std::string Encode(uint64_t v) {
    std::string out(8, '\0');
    for (int i = 7; i >= 0; --i) {
      out[static_cast<size_t>(i)] = static_cast<char>(v & 0xFF);
      v >>= 8;
    }
    return out;
  }
  static Result<uint64_t> Decode(std::string_view b) {
    if (b.size() != 8) {
      return Status::Corruption("a Long must be 8 bytes, found " + std::to_string(b.size()));
    }
    uint64_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }
  static json::Json ToJson(uint64_t v) { return v; }
  static Result<uint64_t> FromText(std::string_view t) {
    auto v = strings::ParseUint64(strings::Trim(t));
    if (!v) return Status::InvalidArgument("'" + std::string(t) + "' is not a number");
    return *v;
  }
};

// A protobuf message in its binary wire form (Ozone's Proto2Codec).
template <typename M>
requires std::is_base_of_v<google::protobuf::Message, M>
struct ProtoCodec {
  using Type = M;
  static std::string Name() { return M::descriptor()->name(); }
  static std::string Encode(const M& v) { return v.SerializeAsString(); }
  static Result<M> Decode(std::string_view b) {
    M m;
    if (!m.ParseFromArray(b.data(), static_cast<int>(b.size()))) {
      return Status::Corruption("bytes do not parse as " + Name());
    }
    return m;
  }
  static json::Json ToJson(const M& v) { return json::ProtoToJson(v); }
  static Result<M> FromText(std::string_view) {
    return Status::NotSupported(Name() + " keys cannot be given as text");
  }
};

}  // namespace ozone::storage
