package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.whatsappclone.common.net.ClientAddressSignature;
import com.whatsappclone.proto.auth.AuthProto;
import com.whatsappclone.proto.chat.ChatProto;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How discovered services and descriptors become routes and reflection entries. */
class RouteCatalogTest {

  // Channels connect lazily: nothing listens on these addresses and nothing needs to.
  private final Backend first = new Backend(
      new BackendConfig("first", "127.0.0.1:1", "auth.AuthService", AuthProto.getDescriptor()), Duration.ofSeconds(1));
  private final Backend second = new Backend(
      new BackendConfig("second", "127.0.0.1:2", "chat.ChatService", ChatProto.getDescriptor()), Duration.ofSeconds(1));
  private final RouteCatalog catalog = new RouteCatalog(List.of(first, second),
      new ForwardingHandlers(ClientAddressSignature.fromJwtSecret(TestStack.JWT_SECRET)));

  @AfterEach
  void closeChannels() {
    first.close();
    second.close();
  }

  @Test
  void backendsThatCouldNotBeAskedAreServedFromCompiledInDescriptors() {
    RouteTable table = catalog.build(Map.of(), RouteTable.empty());

    assertThat(table.backendFor("auth.AuthService")).contains(first);
    assertThat(table.backendFor("chat.ChatService")).contains(second);
    assertThat(names(table.services())).containsExactly("auth.AuthService", "chat.ChatService");
    assertThat(table.method("chat.ChatService/SendMessage")).isPresent();
  }

  @Test
  void discoveredServicesAreRoutedWithTheirStreamingShape() {
    Discovered found = new Discovered(List.of("extra.Feed", "grpc.health.v1.Health"),
        Map.of("extra.proto", file("extra.proto", "extra", "Feed", "Thing")));

    RouteTable table = catalog.build(Map.of(second, found), RouteTable.empty());

    assertThat(table.backendFor("extra.Feed")).contains(second);
    assertThat(table.backendFor("grpc.health.v1.Health")).as("the gateway answers health itself").isEmpty();
    assertThat(table.method("extra.Feed/Watch").orElseThrow().getMethodDescriptor().getType())
        .isEqualTo(MethodType.SERVER_STREAMING);
  }

  @Test
  void serviceTwoBackendsClaimGoesToTheFirst() {
    Discovered fromFirst = new Discovered(List.of("extra.Feed"), Map.of("extra.proto", file("extra.proto", "extra", "Feed", "Thing")));
    Discovered fromSecond = new Discovered(List.of("extra.Feed"), Map.of("extra.proto", file("extra.proto", "extra", "Feed", "Thing")));

    RouteTable table = catalog.build(Map.of(first, fromFirst, second, fromSecond), RouteTable.empty());

    assertThat(table.backendFor("extra.Feed")).contains(first);
  }

  @Test
  void serviceWhoseFilesRedeclareListedSymbolsIsForwardedButNotListed() {
    Discovered fromFirst = new Discovered(List.of("shared.One"), Map.of("one.proto", file("one.proto", "shared", "One", "Thing")));
    Discovered fromSecond = new Discovered(List.of("shared.Two"), Map.of("two.proto", file("two.proto", "shared", "Two", "Thing")));

    RouteTable table = catalog.build(Map.of(first, fromFirst, second, fromSecond), RouteTable.empty());

    assertThat(names(table.services())).contains("shared.One").doesNotContain("shared.Two");
    assertThat(table.backendFor("shared.Two")).contains(second);
  }

  @Test
  void unchangedDiscoveryKeepsTheSameTable() {
    Discovered found = new Discovered(List.of("extra.Feed"), Map.of("extra.proto", file("extra.proto", "extra", "Feed", "Thing")));
    RouteTable table = catalog.build(Map.of(second, found), RouteTable.empty());

    assertThat(catalog.build(Map.of(second, found), table)).isSameAs(table);
    assertThat(catalog.build(Map.of(), table)).isNotSameAs(table);
  }

  private static List<String> names(List<ServerServiceDefinition> services) {
    return services.stream().map(s -> s.getServiceDescriptor().getName()).toList();
  }

  /** A file with one message and a service whose Watch method streams that message back. */
  private static FileDescriptorProto file(String name, String pkg, String service, String message) {
    String type = "." + pkg + "." + message;
    return FileDescriptorProto.newBuilder()
        .setName(name).setPackage(pkg).setSyntax("proto3")
        .addMessageType(DescriptorProto.newBuilder().setName(message))
        .addService(ServiceDescriptorProto.newBuilder().setName(service)
            .addMethod(MethodDescriptorProto.newBuilder().setName("Watch")
                .setInputType(type).setOutputType(type).setServerStreaming(true)))
        .build();
  }

}
