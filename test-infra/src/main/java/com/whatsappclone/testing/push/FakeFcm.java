package com.whatsappclone.testing.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A local stand-in for Firebase Cloud Messaging: the OAuth2 token endpoint a service account's
 * JWT is exchanged at ({@code POST /token}) and the HTTP v1 send endpoint ({@code POST
 * /v1/projects/{project}/messages:send}), on {@code 127.0.0.1}, plain HTTP.
 *
 * <p>{@link #credentialsFile()} is a service-account key whose {@code token_uri} points here, so a
 * client built with google-auth-library gets its tokens from this fake; the fake checks each JWT's
 * signature against that key and each send's bearer token against the tokens it issued.
 *
 * <p>Scripting: {@link #unregister}/{@link #reject} answer one token with FCM's error JSON,
 * {@link #failNext} answers the next sends with an error status (and Retry-After), {@link #stall}
 * holds sends until {@link #release}, {@link #revokeAccessTokens} makes issued tokens answer 401.
 */
public final class FakeFcm implements AutoCloseable {

  public static final String DEFAULT_PROJECT_ID = "fake-project";
  private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  private static final String FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One message the fake accepted (answered 200).
   *
   * @param collapseKey {@code message.android.collapse_key}
   * @param body {@code message.notification.body}
   * @param data {@code message.data}
   * @param message the whole {@code message} object as sent
   */
  public record Received(String token, String collapseKey, String body, Map<String, String> data,
      JsonNode message) {}

  private record Rejection(int status, String errorCode) {}

  private final String projectId;
  private final HttpServer server;
  private final ExecutorService threads;
  private final KeyPair key;
  private final Path credentialsFile;
  private final List<Received> received = new ArrayList<>();
  private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();
  private final Map<String, Rejection> rejectedTokens = new ConcurrentHashMap<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger held = new AtomicInteger();
  private volatile Consumer<Received> listener = received -> {};
  private int failuresLeft;
  private int failureStatus;
  private Duration failureRetryAfter;
  private CountDownLatch stalled;

  private FakeFcm(String projectId) throws IOException, GeneralSecurityException {
    this.projectId = projectId;
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    this.key = generator.generateKeyPair();
    this.threads = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "fake-fcm");
      thread.setDaemon(true);
      return thread;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    this.credentialsFile = writeCredentials();
  }

  /** A fake for project {@value #DEFAULT_PROJECT_ID}. */
  public static FakeFcm start() {
    return start(DEFAULT_PROJECT_ID);
  }

  public static FakeFcm start(String projectId) {
    try {
      return new FakeFcm(projectId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  public String projectId() {
    return projectId;
  }

  /** {@code http://127.0.0.1:port}: what PUSH_FCM_URL names. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /**
   * A service-account JSON key file (a fresh RSA key, PKCS#8 PEM) for this fake: {@code token_uri}
   * is {@link #baseUrl()}{@code /token}, {@code project_id} is {@link #projectId()}. Deleted at close.
   */
  public Path credentialsFile() {
    return credentialsFile;
  }

  /** PUSH_FCM_CREDENTIALS_FILE and PUSH_FCM_URL pointing at this fake. */
  public Map<String, String> settings() {
    return Map.of("PUSH_FCM_CREDENTIALS_FILE", credentialsFile.toString(), "PUSH_FCM_URL", baseUrl());
  }

  /** The messages accepted so far, oldest first. */
  public List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /**
   * Waits until at least {@code count} messages were accepted.
   *
   * @return all accepted so far
   * @throws AssertionError when {@code timeout} passes first
   */
  public List<Received> awaitReceived(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (received) {
      while (received.size() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("FakeFcm: waited " + timeout + " for " + count
              + " messages, received " + received.size());
        }
        received.wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(received);
    }
  }

  /**
   * {@code listener} is told of every message accepted from now on, on the fake's request thread,
   * right after it is recorded (the bench times pushes by it). One listener; a new one replaces it.
   */
  public void onReceived(Consumer<Received> listener) {
    this.listener = listener == null ? received -> {} : listener;
  }

  /** Sends being held by {@link #stall()} right now (their clients may have given up on them). */
  public int held() {
    return held.get();
  }

  /** How many access tokens were asked for at {@code /token} (a client caching its token asks once). */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  /** The next {@code count} sends are answered {@code status} (e.g. 503, 429, 500) without Retry-After. */
  public void failNext(int count, int status) {
    failNext(count, status, null);
  }

  /** The next {@code count} sends are answered {@code status} with {@code Retry-After: <seconds>}. */
  public synchronized void failNext(int count, int status, Duration retryAfter) {
    failuresLeft = count;
    failureStatus = status;
    failureRetryAfter = retryAfter;
  }

  /** Sends to {@code token} are answered as FCM answers a token the app gave up: 404 UNREGISTERED. */
  public void unregister(String token) {
    reject(token, 404, "UNREGISTERED");
  }

  /** Sends to {@code token} are answered {@code status} with FcmError {@code errorCode} (e.g. 400 INVALID_ARGUMENT). */
  public void reject(String token, int status, String errorCode) {
    rejectedTokens.put(token, new Rejection(status, errorCode));
  }

  /** Every access token issued so far is refused (401) from now on; new ones are issued as before. */
  public void revokeAccessTokens() {
    accessTokens.clear();
  }

  /** Sends are held (not answered) until {@link #release()}; token requests are still answered. */
  public synchronized void stall() {
    if (stalled == null) {
      stalled = new CountDownLatch(1);
    }
  }

  /** Answers the held sends and stops holding. */
  public synchronized void release() {
    if (stalled != null) {
      stalled.countDown();
      stalled = null;
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    threads.shutdownNow();
    try {
      Files.deleteIfExists(credentialsFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!"POST".equals(exchange.getRequestMethod())) {
        error(exchange, 405, null, "method not allowed");
      } else if ("/token".equals(path)) {
        token(exchange);
      } else if (("/v1/projects/" + projectId + "/messages:send").equals(path)) {
        send(exchange);
      } else {
        error(exchange, 404, null, "no such resource: " + path);
      }
    } finally {
      exchange.close();
    }
  }

  private void token(HttpExchange exchange) throws IOException {
    tokenRequests.incrementAndGet();
    Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    if (!JWT_BEARER.equals(form.get("grant_type"))) {
      oauthError(exchange, "unsupported_grant_type", "grant_type must be " + JWT_BEARER);
      return;
    }
    String problem = assertionProblem(form.getOrDefault("assertion", ""));
    if (problem != null) {
      oauthError(exchange, "invalid_grant", problem);
      return;
    }
    String accessToken = "fake-fcm-access-token-" + issued.incrementAndGet();
    accessTokens.add(accessToken);
    ObjectNode answer = JSON.createObjectNode()
        .put("access_token", accessToken)
        .put("expires_in", 3600)
        .put("token_type", "Bearer");
    respond(exchange, 200, answer, Map.of());
  }

  /** Null when the JWT is signed by this fake's key and asks for the FCM scope; else why not. */
  private String assertionProblem(String assertion) {
    String[] parts = assertion.split("\\.");
    if (parts.length != 3) {
      return "assertion is not a signed JWT";
    }
    try {
      if (!verifies(key.getPublic(), parts)) {
        return "invalid JWT signature";
      }
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      if (!claims.path("scope").asText().contains(FCM_SCOPE)) {
        return "JWT scope lacks " + FCM_SCOPE;
      }
      return null;
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return "unreadable JWT: " + e.getMessage();
    }
  }

  private static boolean verifies(PublicKey publicKey, String[] parts) throws GeneralSecurityException {
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initVerify(publicKey);
    signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    return signature.verify(Base64.getUrlDecoder().decode(parts[2]));
  }

  private void send(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    holdWhileStalled();
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null || !authorization.startsWith("Bearer ")
        || !accessTokens.contains(authorization.substring("Bearer ".length()))) {
      error(exchange, 401, null, "Request had invalid authentication credentials.");
      return;
    }
    Duration retryAfter;
    int failure;
    synchronized (this) {
      failure = failuresLeft > 0 ? failureStatus : 0;
      retryAfter = failureRetryAfter;
      if (failuresLeft > 0) {
        failuresLeft--;
      }
    }
    if (failure != 0) {
      Map<String, String> headers = retryAfter == null ? Map.of() : Map.of("Retry-After", Long.toString(retryAfter.toSeconds()));
      respond(exchange, failure, errorBody(failure, failureCode(failure), "The service is currently unavailable."), headers);
      return;
    }
    JsonNode message;
    try {
      message = JSON.readTree(body).path("message");
    } catch (IOException e) {
      error(exchange, 400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
      return;
    }
    String token = message.path("token").asText("");
    if (token.isEmpty()) {
      error(exchange, 400, "INVALID_ARGUMENT", "Recipient of the message is not set.");
      return;
    }
    Rejection rejection = rejectedTokens.get(token);
    if (rejection != null) {
      String text = rejection.status == 404 ? "Requested entity was not found." : "Request contains an invalid argument.";
      error(exchange, rejection.status, rejection.errorCode, text);
      return;
    }
    record(token, message);
    ObjectNode answer = JSON.createObjectNode()
        .put("name", "projects/" + projectId + "/messages/" + accepted.incrementAndGet());
    respond(exchange, 200, answer, Map.of());
  }

  private void holdWhileStalled() {
    CountDownLatch gate;
    synchronized (this) {
      gate = stalled;
    }
    if (gate != null) {
      held.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        // the fake is closing: answer (the client has long given up)
        Thread.currentThread().interrupt();
      } finally {
        held.decrementAndGet();
      }
    }
  }

  private void record(String token, JsonNode message) {
    Map<String, String> data = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = message.path("data").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      data.put(field.getKey(), field.getValue().asText());
    }
    Received one = new Received(token, message.path("android").path("collapse_key").asText(null),
        message.path("notification").path("body").asText(null), Map.copyOf(data), message.deepCopy());
    synchronized (received) {
      received.add(one);
      received.notifyAll();
    }
    listener.accept(one);
  }

  private static String failureCode(int status) {
    switch (status) {
      case 429: return "QUOTA_EXCEEDED";
      case 500: return "INTERNAL";
      case 503: return "UNAVAILABLE";
      default: return null;
    }
  }

  /** The google.rpc status name FCM puts in {@code error.status}. */
  private static String rpcStatus(int status) {
    switch (status) {
      case 400: return "INVALID_ARGUMENT";
      case 401: return "UNAUTHENTICATED";
      case 403: return "PERMISSION_DENIED";
      case 404: return "NOT_FOUND";
      case 429: return "RESOURCE_EXHAUSTED";
      case 500: return "INTERNAL";
      case 503: return "UNAVAILABLE";
      default: return "UNKNOWN";
    }
  }

  /** FCM's error JSON: {"error":{"code","message","status","details":[FcmError]}}. */
  private static ObjectNode errorBody(int status, String errorCode, String message) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error").put("code", status).put("message", message).put("status", rpcStatus(status));
    if (errorCode != null) {
      error.putArray("details").addObject()
          .put("@type", "type.googleapis.com/google.firebase.fcm.v1.FcmError")
          .put("errorCode", errorCode);
    }
    return root;
  }

  private static void error(HttpExchange exchange, int status, String errorCode, String message) throws IOException {
    respond(exchange, status, errorBody(status, errorCode, message), Map.of());
  }

  private static void oauthError(HttpExchange exchange, String error, String description) throws IOException {
    respond(exchange, 400, JSON.createObjectNode().put("error", error).put("error_description", description), Map.of());
  }

  private static void respond(HttpExchange exchange, int status, JsonNode body, Map<String, String> headers)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    headers.forEach(exchange.getResponseHeaders()::set);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Map<String, String> form(String body) {
    Map<String, String> values = new HashMap<>();
    for (String pair : body.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        values.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  private Path writeCredentials() throws IOException {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    ObjectNode account = JSON.createObjectNode()
        .put("type", "service_account")
        .put("project_id", projectId)
        .put("private_key_id", "fake-key-1")
        .put("private_key", pem)
        .put("client_email", "push@" + projectId + ".iam.gserviceaccount.com")
        .put("client_id", "100000000000000000001")
        .put("auth_uri", baseUrl() + "/auth")
        .put("token_uri", baseUrl() + "/token");
    Path file = Files.createTempFile("fake-fcm-service-account", ".json");
    Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(account));
    file.toFile().deleteOnExit();
    return file;
  }
}
