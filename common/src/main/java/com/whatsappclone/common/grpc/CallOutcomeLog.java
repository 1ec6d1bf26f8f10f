package com.whatsappclone.common.grpc;

import com.whatsappclone.common.auth.AuthContext;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Writes one line per call outcome: method, status code, user id when known, the service's own
 * fields ({@link #note}), request id ({@link RequestIds}: the caller's only if it is safe to log)
 * and duration, e.g. {@code rpc=GetMe code=OK user=... phone=- request_id=... ms=3}. A failure adds
 * the status description, which is written for clients and so carries no secret; INTERNAL, UNKNOWN
 * and UNAVAILABLE are warnings, the rest info.
 *
 * <p>It logs the code the client gets: {@link GrpcServer} installs the error mapping innermost, so
 * what a handler throws is already a final status when the call closes through here. Add it first,
 * so that it also sees the calls later interceptors refuse (a missing token).
 */
public final class CallOutcomeLog implements ServerInterceptor {

  /** Built in: the handler's {@code note(USER, id)}, else the authenticated caller, else "-". */
  public static final String USER = "user";

  /** MDC key of the line's request id, so JSON logs (LOG_FORMAT=json) carry it as a field of its own. */
  public static final String REQUEST_ID_MDC_KEY = "request_id";
  /** MDC key of the call's trace id, when tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT). */
  public static final String TRACE_ID_MDC_KEY = "trace_id";

  private static final Context.Key<Map<String, String>> NOTES = Context.key("call-outcome-notes");

  private final Logger log;
  private final List<String> fields;

  /**
   * @param loggerName the lines' logger (a service's own, e.g. {@code com.whatsappclone.auth.rpc})
   * @param fields     the service's fields, written after {@code user=} in this order, "-" when not noted
   */
  public CallOutcomeLog(String loggerName, String... fields) {
    this.log = LoggerFactory.getLogger(loggerName);
    this.fields = List.of(fields);
  }

  /** Records {@code value} for {@code field} in the current call's line; ignored outside a logged call. */
  public static void note(String field, String value) {
    Map<String, String> notes = NOTES.get();
    if (notes != null && value != null) {
      notes.put(field, value);
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Map<String, String> notes = new ConcurrentHashMap<>();
    Context context = Context.current().withValue(NOTES, notes);
    // Read here, inside the tracing interceptor's span; the line may be written on another thread.
    SpanContext span = Span.current().getSpanContext();
    String traceId = span.isValid() ? span.getTraceId() : null;
    return Contexts.interceptCall(context, new LoggingCall<>(call, notes, RequestIds.of(headers), traceId),
        headers, next);
  }

  private final class LoggingCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final Map<String, String> notes;
    private final String requestId;
    private final String traceId;
    private final long startedNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();

    LoggingCall(ServerCall<ReqT, RespT> delegate, Map<String, String> notes, String requestId,
        String traceId) {
      super(delegate);
      this.notes = notes;
      this.requestId = requestId;
      this.traceId = traceId;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (closed.compareAndSet(false, true)) {
        write(status);
      }
      super.close(status, trailers);
    }

    private void write(Status outcome) {
      try (MDC.MDCCloseable ignored = MDC.putCloseable(REQUEST_ID_MDC_KEY, requestId)) {
        if (traceId == null) {
          writeLine(outcome);
          return;
        }
        try (MDC.MDCCloseable alsoIgnored = MDC.putCloseable(TRACE_ID_MDC_KEY, traceId)) {
          writeLine(outcome);
        }
      }
    }

    private void writeLine(Status outcome) {
      StringBuilder line = new StringBuilder("rpc=").append(getMethodDescriptor().getBareMethodName())
          .append(" code=").append(outcome.getCode())
          .append(" user=").append(notes.getOrDefault(USER, AuthContext.userId().orElse("-")));
      for (String field : fields) {
        line.append(' ').append(field).append('=').append(notes.getOrDefault(field, "-"));
      }
      line.append(" request_id=").append(requestId).append(" ms=").append((System.nanoTime() - startedNanos) / 1_000_000);
      if (outcome.isOk()) {
        log.info("{}", line);
        return;
      }
      line.append(" error=\"").append(outcome.getDescription() == null ? "" : outcome.getDescription()).append('"');
      Status.Code code = outcome.getCode();
      if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.UNAVAILABLE) {
        log.warn("{}", line);
      } else {
        log.info("{}", line);
      }
    }
  }
}
