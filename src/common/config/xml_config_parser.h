// Reads Hadoop's configuration XML (ozone-site.xml) into a Configuration:
//
//   <configuration>
//     <property><name>k</name><value>v</value><final>true</final></property>
//     <property name="k2" value="v2"/>
//   </configuration>
//
// Unknown elements inside <property> (description, tag, source) are ignored; a property without
// <value> is skipped, as Hadoop does. Malformed XML, a wrong root element or a property without a
// name is an error naming the file and the line.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/config/configuration.h"
#include "common/status.h"

namespace ozone::config {

// Parses `xml` (the contents of the file `source_name`) into `conf`. On error `conf` is left
// unchanged.
Status ParseConfigurationXml(std::string_view xml, std::string_view source_name,
                             Configuration* conf);

// Reads and parses the file at `path`.
Status LoadConfigurationFile(const std::string& path, Configuration* conf);

}  // namespace ozone::config
