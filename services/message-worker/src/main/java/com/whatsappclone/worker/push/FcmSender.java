package com.whatsappclone.worker.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.RequestMetadataCallback;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.whatsappclone.common.lifecycle.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * FCM HTTP v1 ({@code POST /v1/projects/{project}/messages:send}) with a service account's OAuth2
 * access token.
 *
 * <p>The access token comes from google-auth-library, which caches it and refreshes it ahead of
 * expiry; a fetch is a blocking HTTP call, so it runs on this sender's own token thread and
 * {@link #send} only chains onto it. The whole send (token, request, the one retry after a 401)
 * is bounded by the provider timeout.
 */
public final class FcmSender implements PushSender {

  static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  private static final String FCM_ERROR_TYPE = "google.firebase.fcm.v1.FcmError";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GoogleCredentials credentials;
  private final String projectId;
  private final URI sendUri;
  private final Duration timeout;
  private final Clock clock;
  private final ExecutorService tokenThread =
      Executors.newSingleThreadExecutor(DaemonThreads.named("fcm-oauth-token"));
  private final ExecutorService httpThreads =
      Executors.newCachedThreadPool(DaemonThreads.numbered("fcm-http"));
  private final HttpClient http;

  /**
   * @param credentials a service account's credentials (scoped here to {@value #SCOPE})
   * @param baseUrl {@code https://fcm.googleapis.com}, or a fake's address in tests
   */
  public FcmSender(GoogleCredentials credentials, String projectId, URI baseUrl, Duration timeout,
      Clock clock) {
    this.credentials = credentials.createScoped(List.of(SCOPE));
    this.projectId = projectId;
    String base = baseUrl.toString().replaceAll("/+$", "");
    this.sendUri = URI.create(base + "/v1/projects/" + projectId + "/messages:send");
    this.timeout = timeout;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(httpThreads).build();
  }

  /** A Google service-account JSON key file; its {@code token_uri} is where tokens come from. */
  public static ServiceAccountCredentials loadCredentials(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return ServiceAccountCredentials.fromStream(in);
    }
  }

  public String projectId() {
    return projectId;
  }

  @Override
  public PushPlatform platform() {
    return PushPlatform.FCM;
  }

  @Override
  public CompletableFuture<PushOutcome> send(PushTarget target, PushNotification notification) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(message(target, notification));
    } catch (JsonProcessingException e) {
      return CompletableFuture.completedFuture(PushOutcome.rejected("unserializable message"));
    }
    CompletableFuture<PushOutcome> attempt;
    try {
      attempt = attempt(body, true);
    } catch (RuntimeException e) {
      // e.g. sent after close (the token thread refuses work): an outcome, never a throw
      return CompletableFuture.completedFuture(failure(e));
    }
    return attempt
        .exceptionally(FcmSender::failure)
        .completeOnTimeout(PushOutcome.retry(Optional.empty(), "timeout"), timeout.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  static ObjectNode message(PushTarget target, PushNotification notification) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode message = root.putObject("message");
    message.put("token", target.token());
    message.putObject("notification").put("body", notification.text());
    message.putObject("data")
        .put("conversation_id", notification.conversationId())
        .put("message_id", notification.messageId())
        .put("sender_id", notification.senderId())
        // FCM data values must be strings
        .put("unread", Integer.toString(notification.unread()));
    message.putObject("android")
        .put("collapse_key", notification.collapseKey())
        .put("priority", "HIGH");
    message.putObject("apns").putObject("headers").put("apns-collapse-id", notification.collapseKey());
    return root;
  }

  private CompletableFuture<PushOutcome> attempt(byte[] body, boolean mayRefreshToken) {
    return authorization().thenCompose(headers -> http
        .sendAsync(request(body, headers), HttpResponse.BodyHandlers.ofByteArray())
        .thenCompose(response -> {
          if (response.statusCode() == 401 && mayRefreshToken) {
            // the cached token was refused (revoked, or the clocks disagree): a fresh one, once
            return CompletableFuture.runAsync(() -> replaceToken(headers), tokenThread)
                .thenCompose(ignored -> attempt(body, false));
          }
          return CompletableFuture.completedFuture(outcome(response));
        }));
  }

  /** The library's request headers (Authorization: Bearer …); completes on the token thread when it had to fetch. */
  private CompletableFuture<Map<String, List<String>>> authorization() {
    CompletableFuture<Map<String, List<String>>> headers = new CompletableFuture<>();
    credentials.getRequestMetadata(null, tokenThread, new RequestMetadataCallback() {
      @Override
      public void onSuccess(Map<String, List<String>> metadata) {
        headers.complete(metadata);
      }

      @Override
      public void onFailure(Throwable exception) {
        headers.completeExceptionally(new TokenException(exception));
      }
    });
    return headers;
  }

  /**
   * Fetches a new token unless another send refused with the same one already did (a revoked
   * token fails every send in flight, and one new token serves them all).
   */
  private void replaceToken(Map<String, List<String>> refused) {
    AccessToken current = credentials.getAccessToken();
    List<String> refusedAuthorization = refused.getOrDefault("Authorization", List.of());
    if (current != null && !refusedAuthorization.contains("Bearer " + current.getTokenValue())) {
      return;
    }
    try {
      credentials.refresh();
    } catch (IOException e) {
      throw new TokenException(e);
    }
  }

  private HttpRequest request(byte[] body, Map<String, List<String>> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(sendUri)
        .timeout(timeout)
        .header("Content-Type", "application/json; charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach((name, values) -> values.forEach(value -> request.header(name, value)));
    return request.build();
  }

  private PushOutcome outcome(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return PushOutcome.sent();
    }
    Optional<String> errorCode = errorCode(response.body());
    String detail = errorCode.or(() -> errorStatus(response.body())).orElse("HTTP " + status);
    // Only FCM's own verdict on the token: a bare 404 (a wrong PUSH_FCM_URL, a proxy) must not
    // wipe every registration it is asked about.
    if (errorCode.filter("UNREGISTERED"::equals).isPresent()) {
      return PushOutcome.tokenDead(detail);
    }
    if (status == 429 || status >= 500) {
      return PushOutcome.retry(RetryAfter.parse(response.headers().firstValue("Retry-After"), clock), detail);
    }
    if (status == 401) {
      // refused with a freshly fetched token too: the account's problem, maybe passing
      return PushOutcome.retry(Optional.empty(), detail);
    }
    return PushOutcome.rejected(detail);
  }

  /** error.details[].errorCode of the FcmError detail, e.g. UNREGISTERED, INVALID_ARGUMENT. */
  private static Optional<String> errorCode(byte[] body) {
    JsonNode details = parse(body).path("error").path("details");
    for (JsonNode detail : details) {
      if (detail.path("@type").asText().endsWith(FCM_ERROR_TYPE) && detail.hasNonNull("errorCode")) {
        return Optional.of(detail.get("errorCode").asText());
      }
    }
    return Optional.empty();
  }

  /** error.status, the google.rpc code name, e.g. NOT_FOUND. */
  private static Optional<String> errorStatus(byte[] body) {
    JsonNode status = parse(body).path("error").path("status");
    return status.isTextual() ? Optional.of(status.asText()) : Optional.empty();
  }

  private static JsonNode parse(byte[] body) {
    try {
      return body.length == 0 ? JSON.missingNode() : JSON.readTree(body);
    } catch (IOException notJson) {
      // a proxy's HTML error page, say: the HTTP status is all there is
      return JSON.missingNode();
    }
  }

  private static PushOutcome failure(Throwable thrown) {
    Throwable cause = thrown;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException
        || cause instanceof UncheckedIOException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof HttpTimeoutException) {
      return PushOutcome.retry(Optional.empty(), "timeout");
    }
    if (cause instanceof TokenException) {
      return PushOutcome.retry(Optional.empty(), "oauth token: " + summary(cause.getCause()));
    }
    return PushOutcome.retry(Optional.empty(), summary(cause));
  }

  private static String summary(Throwable cause) {
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    String text = cause.getClass().getSimpleName() + message;
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  @Override
  public void close() {
    tokenThread.shutdownNow();
    httpThreads.shutdownNow();
  }

  /** The access token could not be had (token endpoint down or refusing the service account). */
  private static final class TokenException extends RuntimeException {
    TokenException(Throwable cause) {
      super(cause);
    }
  }
}
