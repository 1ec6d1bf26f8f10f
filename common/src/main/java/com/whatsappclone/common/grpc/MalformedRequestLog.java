package com.whatsappclone.common.grpc;

import com.google.common.util.concurrent.RateLimiter;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.grpc.Grpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import java.net.SocketAddress;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one WARN line, without a stack trace, for each request refused as malformed, at most
 * {@value #LINES_PER_SECOND} a second per server: a client sending garbage in a loop must not
 * flood the log. Lines held back are counted, and the next line written reports how many.
 *
 * <p>Also turns a parse failure into the short text the client and the log get: protobuf's own
 * reason, first sentence only, without the names of Java classes.
 */
final class MalformedRequestLog {

  static final double LINES_PER_SECOND = 2;

  private static final Logger log = LoggerFactory.getLogger(MalformedRequestLog.class);
  /** What protobuf's reasons may contain that tells a client about our implementation. */
  private static final Pattern JAVA_NAME = Pattern.compile("[A-Z][a-z]+[A-Z]\\w*|\\b[a-z]+\\.[a-z]+\\.\\w");
  private static final String UNREADABLE = "it could not be read as protobuf";

  private final String serverName;
  private final RateLimiter lines = RateLimiter.create(LINES_PER_SECOND);
  private final AtomicLong heldBack = new AtomicLong();

  MalformedRequestLog(String serverName) {
    this.serverName = serverName;
  }

  /**
   * @param parseFailure what the marshaller threw, or null when the message count was wrong; its
   *     stack trace is logged only if it is not protobuf's plain "invalid bytes" (that would be a bug)
   */
  void rejected(ServerCall<?, ?> call, String reason, RuntimeException parseFailure) {
    if (!lines.tryAcquire()) {
      heldBack.incrementAndGet();
      return;
    }
    long skipped = heldBack.getAndSet(0);
    String method = call.getMethodDescriptor().getFullMethodName();
    SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String more = skipped == 0 ? "" : " (and " + skipped + " more since the previous line)";
    if (parseFailure == null || invalidProtobuf(parseFailure) != null) {
      log.warn("{}: refused a malformed request to {} from {} with INVALID_ARGUMENT: {}{}",
          serverName, method, peer, reason, more);
    } else {
      log.warn("{}: refused a request to {} from {} with INVALID_ARGUMENT: its marshaller failed{}",
          serverName, method, peer, more, parseFailure);
    }
  }

  /** The protobuf message name of the method's request type ({@code chat.SendMessageRequest}). */
  static String requestTypeOf(MethodDescriptor<?, ?> method) {
    if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller) {
      Object prototype = ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
      if (prototype instanceof Message) {
        return ((Message) prototype).getDescriptorForType().getFullName();
      }
    }
    return "request message for " + method.getFullMethodName();
  }

  /** e.g. "protocol message had invalid UTF-8", "found a malformed varint". */
  static String reasonOf(RuntimeException parseFailure) {
    InvalidProtocolBufferException invalid = invalidProtobuf(parseFailure);
    if (invalid == null || invalid.getMessage() == null) {
      return UNREADABLE;
    }
    String text = invalid.getMessage().strip();
    int sentenceEnd = text.indexOf(". ");
    if (sentenceEnd >= 0) {
      text = text.substring(0, sentenceEnd);
    }
    if (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    text = text.replace("CodedInputStream encountered", "found");
    if (text.isEmpty() || JAVA_NAME.matcher(text).find()) {
      return UNREADABLE;
    }
    return text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }

  private static InvalidProtocolBufferException invalidProtobuf(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InvalidProtocolBufferException) {
        return (InvalidProtocolBufferException) t;
      }
    }
    return null;
  }
}
