package com.whatsappclone.gateway;

import com.whatsappclone.common.grpc.GrpcServer;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import java.time.Duration;
import java.util.List;

/** A fake backend: a real common {@code GrpcServer} on 127.0.0.1 with recording and fake services. */
final class FakeBackend {

  private final String name;
  private final Observations observations;
  private volatile List<Object> services;
  private volatile GrpcServer server;
  private final int port;

  private FakeBackend(String name, Observations observations, List<Object> services, int port) {
    this.name = name;
    this.observations = observations;
    this.services = services;
    this.server = start(port);
    this.port = server.port();
  }

  /** @param services {@link BindableService}s and {@link ServerServiceDefinition}s */
  static FakeBackend start(String name, Observations observations, Object... services) {
    return new FakeBackend(name, observations, List.of(services), 0);
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  void stop() {
    server.stop();
  }

  /** Starts on a given port (a backend that comes up after the gateway). */
  static FakeBackend startOn(int port, String name, Observations observations, Object... services) {
    return new FakeBackend(name, observations, List.of(services), port);
  }

  /** Starts a new server on the same port, as a restarted backend would be. */
  void restart() {
    server = start(port);
  }

  /** Restarts on the same port with other services, as an upgraded backend would. */
  void restartWith(Object... newServices) {
    services = List.of(newServices);
    server = start(port);
  }

  private GrpcServer start(int onPort) {
    GrpcServer.Builder builder = GrpcServer.builder(name, onPort)
        .host("127.0.0.1")
        .intercept(new RecordingInterceptor(observations))
        .drainTimeout(Duration.ofMillis(200));
    for (Object service : services) {
      if (service instanceof BindableService) {
        builder.addService((BindableService) service);
      } else {
        builder.addService((ServerServiceDefinition) service);
      }
    }
    return builder.start();
  }
}
