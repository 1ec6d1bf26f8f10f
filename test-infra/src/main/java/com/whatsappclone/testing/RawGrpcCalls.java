package com.whatsappclone.testing;

import com.google.protobuf.Descriptors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** gRPC calls that send whatever bytes a test chooses, any number of messages, as a hostile client would. */
public final class RawGrpcCalls {

  public static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
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

  private RawGrpcCalls() {}

  /** A method by full name ({@code package.Service/Method}) that sends and receives raw bytes. */
  public static MethodDescriptor<byte[], byte[]> method(String fullName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(fullName)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** The byte-level twin of a method of a generated descriptor. */
  public static MethodDescriptor<byte[], byte[]> method(Descriptors.MethodDescriptor method) {
    MethodDescriptor.MethodType type;
    if (method.isClientStreaming()) {
      type = method.isServerStreaming() ? MethodDescriptor.MethodType.BIDI_STREAMING
          : MethodDescriptor.MethodType.CLIENT_STREAMING;
    } else {
      type = method.isServerStreaming() ? MethodDescriptor.MethodType.SERVER_STREAMING
          : MethodDescriptor.MethodType.UNARY;
    }
    return method(MethodDescriptor.generateFullMethodName(method.getService().getFullName(), method.getName()), type);
  }

  /** Sends {@code messages}, half-closes, reads every response; the status the call ended with. */
  public static Status call(Channel channel, Metadata headers, MethodDescriptor<byte[], byte[]> method,
      List<byte[]> messages) {
    Stream stream = new Stream(channel, headers, method);
    messages.forEach(stream::send);
    return stream.halfCloseAndAwait();
  }

  /** A call whose responses land in a queue, for tests that interleave sending and reading. */
  public static final class Stream {
    /** Responses not read yet; tests may put back what they took out and did not want. */
    public final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private volatile Metadata trailers;
    private final ClientCall<byte[], byte[]> call;

    public Stream(Channel channel, Metadata headers, MethodDescriptor<byte[], byte[]> method) {
      call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
      call.start(new ClientCall.Listener<>() {
        @Override
        public void onMessage(byte[] message) {
          received.add(message);
        }

        @Override
        public void onClose(Status status, Metadata closingTrailers) {
          trailers = closingTrailers;
          closed.complete(status);
        }
      }, headers);
      call.request(Integer.MAX_VALUE);
    }

    /** False if the call has ended already (the message is then not sent). */
    public boolean send(byte[] message) {
      if (closed.isDone()) {
        return false;
      }
      call.sendMessage(message);
      return true;
    }

    /** The trailers the call ended with (its error details); null while it runs. */
    public Metadata trailers() {
      return trailers;
    }

    public boolean isClosed() {
      return closed.isDone();
    }

    /** The next response, or null if none came within the timeout. */
    public byte[] next(long timeoutMillis) throws InterruptedException {
      return received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public Status halfCloseAndAwait() {
      if (!closed.isDone()) {
        call.halfClose();
      }
      return await();
    }

    public Status await() {
      try {
        return closed.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        call.cancel("the test was interrupted", e);
        throw new AssertionError("interrupted while waiting for the call to end", e);
      } catch (ExecutionException | TimeoutException e) {
        call.cancel("the test gave up waiting", e);
        throw new AssertionError("the call did not end within " + DEADLINE_SECONDS + " s", e);
      }
    }
  }
}
