package com.whatsappclone.localstack;

import com.google.protobuf.Descriptors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calls that send whatever bytes the test chooses, as a hostile client would. */
final class RawGrpc {

  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try (stream) {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  private static final long DEADLINE_SECONDS = 20;

  private RawGrpc() {}

  /** The byte-level twin of a method from a generated descriptor. */
  static MethodDescriptor<byte[], byte[]> method(Descriptors.MethodDescriptor method) {
    MethodDescriptor.MethodType type;
    if (method.isClientStreaming()) {
      type = method.isServerStreaming() ? MethodDescriptor.MethodType.BIDI_STREAMING
          : MethodDescriptor.MethodType.CLIENT_STREAMING;
    } else {
      type = method.isServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING
          : MethodDescriptor.MethodType.UNARY;
    }
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(method.getService().getFullName(), method.getName()))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** One request, all responses read; the status the call ended with. */
  static Status call(Channel channel, Metadata headers, MethodDescriptor<byte[], byte[]> method, byte[] request) {
    Channel withHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    try {
      if (method.getType() == MethodDescriptor.MethodType.UNARY) {
        ClientCalls.blockingUnaryCall(withHeaders, method, options, request);
      } else {
        ClientCalls.blockingServerStreamingCall(withHeaders, method, options, request).forEachRemaining(m -> { });
      }
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** A client-streaming or bidi call whose responses land in a queue. */
  static final class Stream {
    final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final ClientCall<byte[], byte[]> call;

    Stream(Channel channel, Metadata headers, MethodDescriptor<byte[], byte[]> method) {
      call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          received.add(message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          closed.complete(status);
        }
      }, headers);
      call.request(Integer.MAX_VALUE);
    }

    /** False if the call has ended already (the message is then not sent). */
    boolean send(byte[] message) {
      if (closed.isDone()) {
        return false;
      }
      call.sendMessage(message);
      return true;
    }

    boolean isClosed() {
      return closed.isDone();
    }

    /** The next response, or null if none came within the timeout. */
    byte[] next(long timeoutMillis) throws InterruptedException {
      return received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    Status halfCloseAndAwait() throws InterruptedException {
      if (!closed.isDone()) {
        call.halfClose();
      }
      return await();
    }

    Status await() throws InterruptedException {
      try {
        return closed.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        call.cancel("the test gave up waiting", e);
        throw new AssertionError("the stream did not end within " + DEADLINE_SECONDS + " s", e);
      }
    }
  }
}
