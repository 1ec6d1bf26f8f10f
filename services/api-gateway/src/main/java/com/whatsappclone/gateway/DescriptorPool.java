package com.whatsappclone.gateway;

import com.google.protobuf.AnyProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns descriptor files (from several backends) into linked {@link FileDescriptor}s, one per file
 * name, so that a file two backends both import is one object (reflection indexes files by name).
 * A file that cannot be built (a dependency is missing, or it contradicts itself) is left out with a
 * warning; what depends on it is left out too.
 */
final class DescriptorPool {

  private static final Logger log = LoggerFactory.getLogger(DescriptorPool.class);

  /** Well-known types, for a backend whose reflection names them without sending them. */
  private static final Map<String, FileDescriptor> WELL_KNOWN = wellKnown();

  private final Map<String, FileDescriptorProto> protos;
  private final Map<String, FileDescriptor> built = new HashMap<>();
  private final Set<String> failed = new HashSet<>();

  DescriptorPool(Map<String, FileDescriptorProto> protos) {
    this.protos = protos;
  }

  Optional<FileDescriptor> file(String name) {
    return Optional.ofNullable(build(name, new HashSet<>()));
  }

  private FileDescriptor build(String name, Set<String> inProgress) {
    FileDescriptor done = built.get(name);
    if (done != null || failed.contains(name)) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      FileDescriptor wellKnown = WELL_KNOWN.get(name);
      if (wellKnown == null) {
        log.warn("descriptor file {} is missing; services that need it are not listed by reflection", name);
        failed.add(name);
      } else {
        built.put(name, wellKnown);
      }
      return wellKnown;
    }
    if (!inProgress.add(name)) {
      log.warn("descriptor file {} imports itself through its dependencies", name);
      failed.add(name);
      return null;
    }
    List<String> dependencyNames = proto.getDependencyList();
    FileDescriptor[] dependencies = new FileDescriptor[dependencyNames.size()];
    for (int i = 0; i < dependencies.length; i++) {
      dependencies[i] = build(dependencyNames.get(i), inProgress);
      if (dependencies[i] == null) {
        failed.add(name);
        inProgress.remove(name);
        return null;
      }
    }
    inProgress.remove(name);
    try {
      FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
      built.put(name, file);
      return file;
    } catch (DescriptorValidationException e) {
      log.warn("descriptor file {} is invalid: {}", name, e.getMessage());
      failed.add(name);
      return null;
    }
  }

  /** A compiled-in file and everything it imports, as protos, by file name. */
  static Map<String, FileDescriptorProto> protosOf(FileDescriptor file) {
    Map<String, FileDescriptorProto> out = new LinkedHashMap<>();
    addWithDependencies(file, out);
    return out;
  }

  private static void addWithDependencies(FileDescriptor file, Map<String, FileDescriptorProto> out) {
    if (out.containsKey(file.getName())) {
      return;
    }
    out.put(file.getName(), file.toProto());
    for (FileDescriptor dependency : file.getDependencies()) {
      addWithDependencies(dependency, out);
    }
  }

  private static Map<String, FileDescriptor> wellKnown() {
    Map<String, FileDescriptor> map = new HashMap<>();
    for (FileDescriptor file : List.of(AnyProto.getDescriptor(), DurationProto.getDescriptor(),
        EmptyProto.getDescriptor(), FieldMaskProto.getDescriptor(), StructProto.getDescriptor(),
        TimestampProto.getDescriptor(), WrappersProto.getDescriptor())) {
      map.put(file.getName(), file);
    }
    return Map.copyOf(map);
  }
}
