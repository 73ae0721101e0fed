#include "storage/codec.h"

#include <google/protobuf/descriptor.h>

namespace ozone::storage {

Status CheckProtoFieldPath(const google::protobuf::Descriptor* type,
                           const std::vector<std::string>& path) {
  const google::protobuf::Descriptor* current = type;
  for (size_t i = 0; i < path.size(); ++i) {
    if (current == nullptr) {
      return Status::InvalidArgument("Invalid field \"" + path[i] + "\": " + path[i - 1] +
                                     " has no fields");
    }
    const auto* field = current->FindFieldByName(path[i]);
    if (field == nullptr) {
      return Status::InvalidArgument("Invalid field \"" + path[i] + "\" (not a field of " +
                                     current->name() + ")");
    }
    if (field->is_map()) {
      const auto* value = field->message_type()->map_value();
      current = value->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE
                    ? value->message_type()
                    : nullptr;
    } else {
      current = field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE
                    ? field->message_type()
                    : nullptr;
    }
  }
  return Status::OK();
}

}  // namespace ozone::storage
