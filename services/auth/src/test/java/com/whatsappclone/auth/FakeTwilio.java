package com.whatsappclone.auth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A local HTTP server that speaks the part of Twilio Verify v2 the service uses, for one account
 * and one Verify service:
 *
 * <ul>
 *   <li>{@code POST /v2/Services/{sid}/Verifications} with form fields {@code To}, {@code Channel}
 *       starts a verification (201, status {@code pending}) whose code is {@link #CODE};
 *   <li>{@code POST /v2/Services/{sid}/VerificationCheck} with {@code To}, {@code Code}: 200
 *       {@code approved} for the right code (the verification is then finished), 200
 *       {@code pending} for a wrong one, 404 when the number has no pending verification (never
 *       started, expired, already approved), as Twilio does.
 * </ul>
 *
 * Requests with bad credentials get 401, missing or wrong form fields 400 (so a client that sends
 * the wrong thing fails the test). A number can be switched to answer 429, 503 or 400 instead, or
 * to have its verification expire. Every request is recorded.
 */
final class FakeTwilio implements AutoCloseable {

  static final String ACCOUNT_SID = "AC00000000000000000000000000000001";
  static final String AUTH_TOKEN = "fake-twilio-auth-token-do-not-log";
  static final String SERVICE_SID = "VA00000000000000000000000000000001";
  static final String CODE = "424242";

  /** How the fake answers for one number. */
  enum Mode { NORMAL, RATE_LIMITED, SERVER_ERROR, UNDELIVERABLE }

  /** One request as received. */
  record Received(String method, String path, String authorization, String contentType, Map<String, String> form) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final Map<String, Mode> modes = new ConcurrentHashMap<>();
  /** Numbers with a pending verification. */
  private final Map<String, Boolean> pending = new ConcurrentHashMap<>();
  private final List<Received> received = new ArrayList<>();

  FakeTwilio() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The settings that point the service at this server. */
  Map<String, String> settings() {
    return Map.of(
        "AUTH_DEV_MODE", "false",
        "TWILIO_ACCOUNT_SID", ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN", AUTH_TOKEN,
        "TWILIO_VERIFY_SERVICE_SID", SERVICE_SID,
        "TWILIO_API_BASE_URL", baseUrl(),
        "TWILIO_TIMEOUT", "5s");
  }

  void mode(String phone, Mode mode) {
    modes.put(phone, mode);
  }

  /** The number's pending verification expires (Twilio: after 10 minutes). */
  void expire(String phone) {
    pending.remove(phone);
  }

  synchronized List<Received> received() {
    return List.copyOf(received);
  }

  /** The requests whose To is {@code phone}. */
  List<Received> receivedFor(String phone) {
    return received().stream().filter(r -> phone.equals(r.form().get("To"))).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> form = parseForm(body);
      String path = exchange.getRequestURI().getPath();
      synchronized (this) {
        received.add(new Received(exchange.getRequestMethod(), path,
            exchange.getRequestHeaders().getFirst("Authorization"),
            exchange.getRequestHeaders().getFirst("Content-Type"), form));
      }
      String expectedAuth = "Basic " + Base64.getEncoder().encodeToString(
          (ACCOUNT_SID + ":" + AUTH_TOKEN).getBytes(StandardCharsets.US_ASCII));
      if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, 20003, "Authenticate");
        return;
      }
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      if (!"POST".equals(exchange.getRequestMethod()) || contentType == null
          || !contentType.startsWith("application/x-www-form-urlencoded")) {
        error(exchange, 400, 20001, "expected a form-encoded POST");
        return;
      }
      String prefix = "/v2/Services/" + SERVICE_SID + "/";
      if (!path.startsWith(prefix)) {
        error(exchange, 404, 20404, "The requested resource " + path + " was not found");
        return;
      }
      String to = form.get("To");
      if (to == null || to.isEmpty()) {
        error(exchange, 400, 60200, "Invalid parameter `To`");
        return;
      }
      Mode mode = modes.getOrDefault(to, Mode.NORMAL);
      if (mode == Mode.RATE_LIMITED) {
        error(exchange, 429, 60203, "Max send attempts reached");
        return;
      }
      if (mode == Mode.SERVER_ERROR) {
        error(exchange, 503, 20503, "Service Unavailable");
        return;
      }
      switch (path.substring(prefix.length())) {
        case "Verifications" -> startVerification(exchange, form, to, mode);
        case "VerificationCheck" -> checkVerification(exchange, form, to);
        default -> error(exchange, 404, 20404, "The requested resource " + path + " was not found");
      }
    }
  }

  private void startVerification(HttpExchange exchange, Map<String, String> form, String to, Mode mode)
      throws IOException {
    if (!"sms".equals(form.get("Channel"))) {
      error(exchange, 400, 60200, "Invalid parameter `Channel`");
      return;
    }
    if (mode == Mode.UNDELIVERABLE) {
      error(exchange, 400, 60205, "SMS is not supported by landline phone number");
      return;
    }
    pending.put(to, true);
    json(exchange, 201, verification(to, "pending", false));
  }

  private void checkVerification(HttpExchange exchange, Map<String, String> form, String to) throws IOException {
    String code = form.get("Code");
    if (code == null || code.isEmpty()) {
      error(exchange, 400, 60200, "Invalid parameter `Code`");
      return;
    }
    if (!pending.containsKey(to)) {
      error(exchange, 404, 20404, "The requested resource /Services/" + SERVICE_SID + "/VerificationCheck was not found");
      return;
    }
    if (CODE.equals(code)) {
      pending.remove(to);
      json(exchange, 200, verification(to, "approved", true));
    } else {
      json(exchange, 200, verification(to, "pending", false));
    }
  }

  private static String verification(String to, String status, boolean valid) {
    return "{\"sid\":\"VE00000000000000000000000000000001\",\"service_sid\":\"" + SERVICE_SID
        + "\",\"account_sid\":\"" + ACCOUNT_SID + "\",\"to\":\"" + to + "\",\"channel\":\"sms\",\"status\":\""
        + status + "\",\"valid\":" + valid + ",\"date_created\":\"2024-01-01T00:00:00Z\","
        + "\"date_updated\":\"2024-01-01T00:00:00Z\"}";
  }

  private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
    json(exchange, status, "{\"code\":" + code + ",\"message\":\"" + message
        + "\",\"more_info\":\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":" + status + "}");
  }

  private static void json(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new HashMap<>();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(name, value);
    }
    return form;
  }

  /** A URL on which nothing listens (a port that was just free). */
  static String unreachableUrl() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
