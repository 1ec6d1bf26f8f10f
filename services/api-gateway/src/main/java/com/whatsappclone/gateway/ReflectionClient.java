package com.whatsappclone.gateway;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asks a backend's server reflection (grpc.reflection.v1) which services it serves and for their
 * descriptor files, including every file they import, on one stream.
 */
final class ReflectionClient {

  /** Stops a backend that keeps naming new imports from keeping discovery busy forever. */
  private static final int MAX_FILES = 500;

  private ReflectionClient() {}

  /**
   * @throws StatusRuntimeException if the backend cannot be reached or does not serve reflection
   */
  static Discovered discover(Channel channel, Duration timeout) {
    Exchange exchange = new Exchange(channel, timeout);
    try {
      List<String> services = new ArrayList<>();
      for (ServiceResponse service : exchange.send(ServerReflectionRequest.newBuilder().setListServices("*").build())
          .getListServicesResponse().getServiceList()) {
        if (!RouteCatalog.isInfrastructure(service.getName())) {
          services.add(service.getName());
        }
      }
      // Reflection lists services in no particular order; sorted, two answers compare equal.
      services.sort(null);
      Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
      for (String service : services) {
        addFiles(files, exchange.send(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build()));
      }
      // grpc-java sends the imports along; other servers expect to be asked for each one.
      Set<String> unavailable = new HashSet<>();
      for (String missing = firstMissingImport(files, unavailable); missing != null;
          missing = firstMissingImport(files, unavailable)) {
        if (files.size() + unavailable.size() >= MAX_FILES) {
          throw Status.FAILED_PRECONDITION.withDescription("more than " + MAX_FILES + " descriptor files").asRuntimeException();
        }
        ServerReflectionResponse response = exchange.send(ServerReflectionRequest.newBuilder().setFileByFilename(missing).build());
        addFiles(files, response);
        if (!files.containsKey(missing)) {
          // Leave it out: the pool then skips the files that need it, and says so.
          unavailable.add(missing);
        }
      }
      exchange.finish();
      return new Discovered(services, files);
    } catch (RuntimeException e) {
      exchange.abort(e);
      throw e;
    }
  }

  private static void addFiles(Map<String, FileDescriptorProto> files, ServerReflectionResponse response) {
    if (response.hasErrorResponse()) {
      return;
    }
    for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
      try {
        FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
        files.putIfAbsent(file.getName(), file);
      } catch (InvalidProtocolBufferException e) {
        throw Status.INTERNAL.withDescription("reflection sent an unreadable descriptor").withCause(e).asRuntimeException();
      }
    }
  }

  private static String firstMissingImport(Map<String, FileDescriptorProto> files, Set<String> unavailable) {
    for (FileDescriptorProto file : files.values()) {
      for (String dependency : file.getDependencyList()) {
        if (!files.containsKey(dependency) && !unavailable.contains(dependency)) {
          return dependency;
        }
      }
    }
    return null;
  }

  /** One reflection stream used request by request. */
  private static final class Exchange {
    private static final Object COMPLETED = new Object();

    private final BlockingQueue<Object> responses = new LinkedBlockingQueue<>();
    private final ClientCallStreamObserver<ServerReflectionRequest> requests;
    private final long timeoutNanos;
    private final long startNanos = System.nanoTime();

    Exchange(Channel channel, Duration timeout) {
      this.timeoutNanos = timeout.toNanos();
      this.requests = (ClientCallStreamObserver<ServerReflectionRequest>) ServerReflectionGrpc.newStub(channel)
          .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
          .serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse response) {
              responses.add(response);
            }

            @Override
            public void onError(Throwable error) {
              responses.add(error);
            }

            @Override
            public void onCompleted() {
              responses.add(COMPLETED);
            }
          });
    }

    ServerReflectionResponse send(ServerReflectionRequest request) {
      requests.onNext(request);
      Object answer;
      try {
        // The call's deadline ends the stream in time; this bound only guards against a lost callback.
        long left = timeoutNanos - (System.nanoTime() - startNanos);
        answer = responses.poll(Math.max(left, 0) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Status.CANCELLED.withDescription("interrupted").withCause(e).asRuntimeException();
      }
      if (answer instanceof ServerReflectionResponse) {
        return (ServerReflectionResponse) answer;
      }
      if (answer instanceof Throwable) {
        throw Status.fromThrowable((Throwable) answer).asRuntimeException();
      }
      throw Status.DEADLINE_EXCEEDED.withDescription("reflection did not answer").asRuntimeException();
    }

    void finish() {
      requests.onCompleted();
    }

    void abort(Throwable cause) {
      requests.cancel("discovery failed", cause);
    }
  }
}
