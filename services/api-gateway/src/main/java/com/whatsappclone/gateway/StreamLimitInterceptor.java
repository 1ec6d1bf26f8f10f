package com.whatsappclone.gateway;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.policy.Caps;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps how many realtime {@code Connect} streams one user holds open at once (every device of a
 * user needs one; a client that reconnects in a loop without closing would otherwise pile them up
 * in the realtime service). The stream over the cap is closed with {@code RESOURCE_EXHAUSTED}; a
 * slot frees when a stream ends in any way (completed, failed, cancelled, client gone). The cap is
 * {@link Caps#CONNECTIONS_PER_USER}; realtime counts it again over both of its doors (WebSocket
 * connections and Connect streams together), which is where a user's WebSocket counts too.
 */
final class StreamLimitInterceptor implements ServerInterceptor {

  private final int maxPerUser;
  /** Only users with open streams have an entry, so the map cannot grow beyond the open streams. */
  private final Map<String, Integer> open = new ConcurrentHashMap<>();

  StreamLimitInterceptor(int maxPerUser) {
    this.maxPerUser = maxPerUser;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String user = AuthContext.userId().orElse(null);
    if (user == null || !Caps.CONNECT_METHOD.equals(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    if (!tryAcquire(user)) {
      ResourceExhaustedException refusal = new ResourceExhaustedException("STREAM_LIMIT",
          "too many open Connect streams for this user (at most " + maxPerUser + ")");
      call.close(refusal.toStatus(), refusal.toTrailers());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) {
        open.computeIfPresent(user, (k, count) -> count <= 1 ? null : count - 1);
      }
    };
    ServerCall.Listener<ReqT> delegate;
    try {
      delegate = next.startCall(call, headers);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onComplete() {
        release.run();
        super.onComplete();
      }

      @Override
      public void onCancel() {
        release.run();
        super.onCancel();
      }
    };
  }

  /** Number of users holding at least one stream (for tests). */
  int usersWithStreams() {
    return open.size();
  }

  private boolean tryAcquire(String user) {
    boolean[] acquired = new boolean[1];
    open.compute(user, (k, count) -> {
      int current = count == null ? 0 : count;
      if (current >= maxPerUser) {
        acquired[0] = false;
        return count;
      }
      acquired[0] = true;
      return current + 1;
    });
    return acquired[0];
  }
}
