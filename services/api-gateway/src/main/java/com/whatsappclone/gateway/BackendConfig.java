package com.whatsappclone.gateway;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.whatsappclone.common.config.ServicePorts;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.proto.auth.AuthProto;
import com.whatsappclone.proto.chat.ChatProto;
import com.whatsappclone.proto.realtime.RealtimeProto;
import com.whatsappclone.proto.status.StatusProto;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One backend the gateway forwards to: where it is ({@code address}, a gRPC target such as
 * {@code chat:50052}) and the service it is known to serve. The known service is always routed to
 * it, with the descriptors compiled into whatsapp-proto as a fallback for when its reflection cannot
 * be read; every other service its reflection lists is routed to it too.
 */
public record BackendConfig(String name, String address, String knownService, FileDescriptor compiledIn) {

  private static final Pattern HOST_PORT = Pattern.compile("[^\\s/:]+:\\d{1,5}|\\[[0-9a-fA-F:.]+]:\\d{1,5}");

  /** AUTH_SERVICE_ADDR, CHAT_SERVICE_ADDR, REALTIME_SERVICE_ADDR and STATUS_SERVICE_ADDR. */
  public static List<BackendConfig> allFrom(Settings settings) {
    return List.of(
        from(settings, "auth", "AUTH_SERVICE_ADDR", ServicePorts.DEFAULT_AUTH_SERVICE_GRPC_PORT,
            "auth.AuthService", AuthProto.getDescriptor()),
        from(settings, "chat", "CHAT_SERVICE_ADDR", ServicePorts.DEFAULT_CHAT_SERVICE_GRPC_PORT,
            "chat.ChatService", ChatProto.getDescriptor()),
        from(settings, "realtime", "REALTIME_SERVICE_ADDR", ServicePorts.DEFAULT_REALTIME_SERVICE_GRPC_PORT,
            "proto.RealtimeService", RealtimeProto.getDescriptor()),
        from(settings, "status", "STATUS_SERVICE_ADDR", ServicePorts.DEFAULT_STATUS_SERVICE_GRPC_PORT,
            "status.StatusService", StatusProto.getDescriptor()));
  }

  private static BackendConfig from(Settings settings, String name, String setting, int defaultPort,
      String knownService, FileDescriptor compiledIn) {
    String address = settings.string(setting, "localhost:" + defaultPort);
    if (!isTarget(address)) {
      settings.reportProblem(setting + " must be host:port or a gRPC target such as dns:///host:port (got '"
          + address + "')");
    }
    return new BackendConfig(name, address, knownService, compiledIn);
  }

  /** host:port, [v6]:port, or a target with a scheme (dns:///, unix:, ...), as grpc-java accepts. */
  static boolean isTarget(String address) {
    if (address.contains("://") || address.startsWith("unix:")) {
      return true;
    }
    if (!HOST_PORT.matcher(address).matches()) {
      return false;
    }
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65_535;
  }

  @Override
  public String toString() {
    return name + "(" + address + ")";
  }
}
