package com.whatsappclone.worker.push;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.ApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPayloadBuilder;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.eatthepath.pushy.apns.util.TokenUtil;
import com.whatsappclone.common.lifecycle.DaemonThreads;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * APNs over HTTP/2 with pushy and token (.p8) authentication. Production and sandbox tokens go
 * to different servers, so there is one client for each, made on first use: most deployments
 * only ever need one of them.
 */
public final class ApnsSender implements PushSender {

  private static final Logger log = LoggerFactory.getLogger(ApnsSender.class);

  /** How long APNs keeps trying to reach an offline device; a day-old "new message" is still news. */
  static final Duration EXPIRATION = Duration.ofHours(24);

  /**
   * Apple's verdict that the token will never work again. Not DeviceTokenNotForTopic: that is as
   * often a wrong PUSH_APNS_TOPIC, and would wipe every registration it was tried on.
   */
  private static final Set<String> DEAD_TOKEN = Set.of("BadDeviceToken", "Unregistered");
  /**
   * Worth another try: the server's trouble, or pushy's provider token expired (pushy signs a new
   * one for the next request).
   */
  private static final Set<String> RETRYABLE = Set.of("TooManyRequests", "InternalServerError",
      "ServiceUnavailable", "Shutdown", "ExpiredProviderToken");

  /** An APNs server address; {@code host} alone means port 443. */
  public record Server(String host, int port) {

    public static Server parse(String value) {
      String text = value.trim();
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        return new Server(text, ApnsClientBuilder.DEFAULT_APNS_PORT);
      }
      String host = text.substring(0, colon);
      try {
        int port = Integer.parseInt(text.substring(colon + 1));
        if (host.isEmpty() || port < 1 || port > 65_535) {
          throw new IllegalArgumentException("must be host:port (got '" + value + "')");
        }
        return new Server(host, port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be host:port (got '" + value + "')");
      }
    }

    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private final ApnsSigningKey signingKey;
  private final String defaultTopic;
  private final Server production;
  private final Server sandbox;
  private final List<X509Certificate> trustedCertificates;
  private final Duration timeout;
  private final Clock clock;
  // one event loop for both clients, ours to shut down: pushy's own would idle 2 s on close
  private final EventLoopGroup eventLoop = new NioEventLoopGroup(1, DaemonThreads.named("apns-client"));
  private ApnsClient productionClient;
  private ApnsClient sandboxClient;
  private boolean closed;

  /**
   * @param defaultTopic the app's bundle id, for registrations that did not name a topic
   * @param trustedCertificates the CAs to trust instead of the JVM's (a local fake); empty for Apple
   */
  public ApnsSender(ApnsSigningKey signingKey, String defaultTopic, Server production, Server sandbox,
      List<X509Certificate> trustedCertificates, Duration timeout, Clock clock) {
    this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
    this.defaultTopic = Objects.requireNonNull(defaultTopic, "defaultTopic");
    this.production = production;
    this.sandbox = sandbox;
    this.trustedCertificates = List.copyOf(trustedCertificates);
    this.timeout = timeout;
    this.clock = clock;
  }

  public String defaultTopic() {
    return defaultTopic;
  }

  @Override
  public PushPlatform platform() {
    return PushPlatform.APNS;
  }

  @Override
  public CompletableFuture<PushOutcome> send(PushTarget target, PushNotification notification) {
    ApnsClient client;
    try {
      client = client(target.apnsSandbox());
    } catch (SSLException | IllegalStateException e) {
      return CompletableFuture.completedFuture(PushOutcome.retry(Optional.empty(), summary(e)));
    }
    SimpleApnsPushNotification push = new SimpleApnsPushNotification(
        TokenUtil.sanitizeTokenString(target.token()),
        target.apnsTopic().orElse(defaultTopic),
        payload(notification),
        clock.instant().plus(EXPIRATION),
        DeliveryPriority.IMMEDIATE,
        PushType.ALERT,
        notification.collapseKey());
    CompletableFuture<PushOutcome> outcome;
    try {
      outcome = client.sendNotification(push)
          .handle((response, failure) -> failure == null ? outcome(response) : failed(failure));
    } catch (RuntimeException e) {
      // e.g. the client was closed under us: the future contract says an outcome, never a throw
      return CompletableFuture.completedFuture(failed(e));
    }
    return outcome.completeOnTimeout(PushOutcome.retry(Optional.empty(), "timeout"),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  static String payload(PushNotification notification) {
    ApnsPayloadBuilder payload = new SimpleApnsPayloadBuilder()
        .setAlertBody(notification.text())
        .setSound(ApnsPayloadBuilder.DEFAULT_SOUND_FILENAME)
        .setThreadId(notification.conversationId())
        .addCustomProperty("conversation_id", notification.conversationId())
        .addCustomProperty("message_id", notification.messageId())
        .addCustomProperty("sender_id", notification.senderId())
        .addCustomProperty("unread", notification.unread());
    return payload.build();
  }

  private static PushOutcome outcome(PushNotificationResponse<SimpleApnsPushNotification> response) {
    if (response.isAccepted()) {
      return PushOutcome.sent();
    }
    int status = response.getStatusCode();
    String reason = response.getRejectionReason().orElse("HTTP " + status);
    if (status == 410 || DEAD_TOKEN.contains(reason)) {
      return PushOutcome.tokenDead(reason);
    }
    if (status == 429 || status == 500 || status == 503 || RETRYABLE.contains(reason)) {
      return PushOutcome.retry(Optional.empty(), reason);
    }
    return PushOutcome.rejected(reason);
  }

  private static PushOutcome failed(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return PushOutcome.retry(Optional.empty(), summary(cause));
  }

  private static String summary(Throwable cause) {
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    String text = cause.getClass().getSimpleName() + message;
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  private synchronized ApnsClient client(boolean useSandbox) throws SSLException {
    if (closed) {
      throw new IllegalStateException("APNs sender closed");
    }
    if (useSandbox) {
      if (sandboxClient == null) {
        sandboxClient = build(sandbox);
      }
      return sandboxClient;
    }
    if (productionClient == null) {
      productionClient = build(production);
    }
    return productionClient;
  }

  /** Building connects nothing yet: pushy opens the connection on the first notification. */
  private ApnsClient build(Server server) throws SSLException {
    ApnsClientBuilder builder = new ApnsClientBuilder()
        .setApnsServer(server.host(), server.port())
        .setSigningKey(signingKey)
        .setEventLoopGroup(eventLoop)
        .setConnectionTimeout(timeout)
        .setGracefulShutdownTimeout(timeout);
    if (!trustedCertificates.isEmpty()) {
      builder.setTrustedServerCertificateChain(trustedCertificates.toArray(X509Certificate[]::new));
    }
    return builder.build();
  }

  @Override
  public void close() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    synchronized (this) {
      closed = true;
      for (ApnsClient client : new ApnsClient[] {productionClient, sandboxClient}) {
        if (client != null) {
          closing.add(client.close());
        }
      }
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // pushy gave up waiting for in-flight notifications; their futures end as RETRY (timeout)
      log.warn("APNs clients did not close cleanly: {}", summary(e));
    } finally {
      eventLoop.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
