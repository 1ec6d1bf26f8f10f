package com.whatsappclone.gateway;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import java.util.List;
import java.util.Map;

/** What a backend's server reflection says it serves: service names and their descriptor files. */
record Discovered(List<String> services, Map<String, FileDescriptorProto> files) {

  Discovered {
    services = List.copyOf(services);
    files = Map.copyOf(files);
  }
}
