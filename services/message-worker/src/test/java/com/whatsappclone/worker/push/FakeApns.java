package com.whatsappclone.worker.push;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.auth.AuthenticationToken;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.PushNotificationHandler;
import com.eatthepath.pushy.apns.server.RejectedNotificationException;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.UnregisteredDeviceTokenException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * pushy's MockApnsServer on a free port with a recording, scriptable handler. Every fake in the
 * JVM shares one self-signed server certificate ({@link #certificateFile()}, what the client
 * trusts) and one EC P-256 signing key ({@link #keyFile()}, the .p8 the client signs with), so a
 * production and a sandbox fake can serve one sender. Each notification's provider token is
 * checked against that key (InvalidProviderToken otherwise). Public for the worker's end-to-end
 * push test in the parent package.
 */
public final class FakeApns implements AutoCloseable {

  static final String TEAM_ID = "TEAM123456";
  static final String KEY_ID = "KEY1234567";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One accepted notification: the device token of its path, its headers, its JSON payload. */
  public record Received(String token, Map<String, String> headers, JsonNode payload) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  private static Shared shared;

  // ours, so close need not sit out netty's default two-second quiet period
  private final NioEventLoopGroup eventLoop = new NioEventLoopGroup(1);
  private final MockApnsServer server;
  private volatile int port;
  private final List<Received> received = new ArrayList<>();
  private final Map<String, RejectionReason> rejected = new ConcurrentHashMap<>();
  private final Map<String, Instant> unregistered = new ConcurrentHashMap<>();
  private int failuresLeft;
  private RejectionReason failure;
  private CountDownLatch stalled;

  private FakeApns() throws Exception {
    Shared credentials = shared();
    this.server = new MockApnsServerBuilder()
        .setServerCredentials(credentials.certificate.certificate(), credentials.certificate.privateKey(), null)
        .setHandlerFactory(session -> (PushNotificationHandler) this::handle)
        .setEventLoopGroup(eventLoop)
        .build();
  }

  public static FakeApns start() throws Exception {
    FakeApns fake = new FakeApns();
    fake.port = fake.server.start(0).get(10, TimeUnit.SECONDS);
    return fake;
  }

  /** {@code localhost:port}: the server certificate is for localhost. */
  String server() {
    return "localhost:" + port;
  }

  static Path certificateFile() throws Exception {
    return shared().certificate.certificate().toPath();
  }

  static Path keyFile() throws Exception {
    return shared().keyFile;
  }

  /** The PUSH_APNS_* settings for a sender whose production and sandbox server are both this fake. */
  public Map<String, String> settings(String topic) throws Exception {
    Map<String, String> settings = new HashMap<>();
    settings.put("PUSH_APNS_KEY_FILE", keyFile().toString());
    settings.put("PUSH_APNS_KEY_ID", KEY_ID);
    settings.put("PUSH_APNS_TEAM_ID", TEAM_ID);
    settings.put("PUSH_APNS_TOPIC", topic);
    settings.put("PUSH_APNS_SERVER", server());
    settings.put("PUSH_APNS_SANDBOX_SERVER", server());
    settings.put("PUSH_APNS_CA_FILE", certificateFile().toString());
    return settings;
  }

  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Notifications to {@code token} are rejected with {@code reason} (e.g. BAD_DEVICE_TOKEN). */
  public void reject(String token, RejectionReason reason) {
    rejected.put(token, reason);
  }

  /** Notifications to {@code token} get 410 Unregistered, as for an app that was removed. */
  public void unregister(String token) {
    unregistered.put(token, Instant.now());
  }

  /** The next {@code count} notifications are rejected with {@code reason} (e.g. SERVICE_UNAVAILABLE). */
  synchronized void failNext(int count, RejectionReason reason) {
    failuresLeft = count;
    failure = reason;
  }

  /** Notifications are held unanswered until {@link #release()} (holding the server's event loop). */
  synchronized void stall() {
    if (stalled == null) {
      stalled = new CountDownLatch(1);
    }
  }

  synchronized void release() {
    if (stalled != null) {
      stalled.countDown();
      stalled = null;
    }
  }

  @Override
  public void close() throws Exception {
    release();
    try {
      server.shutdown().get(10, TimeUnit.SECONDS);
    } finally {
      eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    }
  }

  private void handle(Http2Headers headers, ByteBuf payload) throws RejectedNotificationException {
    holdWhileStalled();
    verifyProviderToken(headers);
    String path = headers.path().toString();
    String token = path.substring(path.lastIndexOf('/') + 1);
    RejectionReason scripted;
    synchronized (this) {
      scripted = failuresLeft > 0 ? failure : null;
      if (failuresLeft > 0) {
        failuresLeft--;
      }
    }
    if (scripted != null) {
      throw new RejectedNotificationException(scripted);
    }
    Instant gone = unregistered.get(token);
    if (gone != null) {
      throw new UnregisteredDeviceTokenException(gone);
    }
    RejectionReason reason = rejected.get(token);
    if (reason != null) {
      throw new RejectedNotificationException(reason);
    }
    Map<String, String> copy = new HashMap<>();
    headers.forEach(header -> copy.put(header.getKey().toString(), header.getValue().toString()));
    JsonNode json;
    try {
      json = JSON.readTree(payload.toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RejectedNotificationException(RejectionReason.PAYLOAD_EMPTY);
    }
    synchronized (received) {
      received.add(new Received(token, Map.copyOf(copy), json));
    }
  }

  private void verifyProviderToken(Http2Headers headers) throws RejectedNotificationException {
    CharSequence authorization = headers.get("authorization");
    if (authorization == null || !authorization.toString().startsWith("bearer ")) {
      throw new RejectedNotificationException(RejectionReason.MISSING_PROVIDER_TOKEN);
    }
    try {
      AuthenticationToken token = new AuthenticationToken(authorization.toString().substring("bearer ".length()));
      if (!token.verifySignature(shared().verificationKey)) {
        throw new RejectedNotificationException(RejectionReason.INVALID_PROVIDER_TOKEN);
      }
    } catch (RejectedNotificationException e) {
      throw e;
    } catch (Exception unreadable) {
      throw new RejectedNotificationException(RejectionReason.INVALID_PROVIDER_TOKEN);
    }
  }

  private void holdWhileStalled() {
    CountDownLatch gate;
    synchronized (this) {
      gate = stalled;
    }
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        // the server is shutting down: answer and let it go
        Thread.currentThread().interrupt();
      }
    }
  }

  private static synchronized Shared shared() throws Exception {
    if (shared == null) {
      shared = new Shared();
    }
    return shared;
  }

  /** The certificate and signing key every fake of the JVM uses. */
  private static final class Shared {
    final SelfSignedCertificate certificate;
    final Path keyFile;
    final ApnsVerificationKey verificationKey;

    Shared() throws Exception {
      certificate = new SelfSignedCertificate("localhost");
      certificate.certificate().deleteOnExit();
      certificate.privateKey().deleteOnExit();
      KeyPair pair = ecKeyPair();
      keyFile = Files.createTempFile("fake-apns-AuthKey", ".p8");
      keyFile.toFile().deleteOnExit();
      Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n");
      verificationKey = new ApnsVerificationKey(KEY_ID, TEAM_ID, (ECPublicKey) pair.getPublic());
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    }
  }
}
