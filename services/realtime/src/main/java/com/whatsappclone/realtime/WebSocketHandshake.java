package com.whatsappclone.realtime;

import com.whatsappclone.common.auth.BearerTokens;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.java_websocket.handshake.ClientHandshake;

/**
 * Reads the WebSocket upgrade request: the path, the access token (the {@code Authorization:
 * Bearer} header or, for browsers that cannot set headers, the {@code access_token} query
 * parameter) and the optional {@code encoding=binary|json} parameter choosing how the server
 * writes before the client's first frame. The token never reaches a log: the request line
 * carrying it is not logged anywhere in this service.
 */
final class WebSocketHandshake {

  static final String PATH = "/ws";

  /** The outcome of reading the credentials: a token, or why there is none. */
  record Credentials(Optional<String> token, String problem) {}

  private WebSocketHandshake() {}

  /** Whether the request targets {@value #PATH} (with or without a query). */
  static boolean hasPath(ClientHandshake request) {
    String path = pathOf(request.getResourceDescriptor());
    return PATH.equals(path) || (PATH + "/").equals(path);
  }

  static Credentials credentials(ClientHandshake request) {
    String header = request.getFieldValue("Authorization");
    if (header != null && !header.isBlank()) {
      // A header that is present but malformed is refused, not silently replaced by the query.
      Optional<String> token = BearerTokens.extract(header);
      return new Credentials(token, token.isPresent() ? "" : "Authorization header must be 'Bearer <access token>'");
    }
    Optional<String> fromQuery = queryParameter(request.getResourceDescriptor(), "access_token");
    if (fromQuery.isPresent() && !fromQuery.get().isBlank()) {
      return new Credentials(fromQuery, "");
    }
    return new Credentials(Optional.empty(),
        "missing access token (Authorization: Bearer header or access_token query parameter)");
  }

  /** {@code true} when the client asked for binary frames before sending any. */
  static boolean wantsBinary(ClientHandshake request) {
    return queryParameter(request.getResourceDescriptor(), "encoding")
        .map(value -> value.equalsIgnoreCase("binary") || value.equalsIgnoreCase("protobuf"))
        .orElse(false);
  }

  private static String pathOf(String resourceDescriptor) {
    try {
      String path = URI.create(resourceDescriptor).getRawPath();
      return path == null ? "" : path;
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  static Optional<String> queryParameter(String resourceDescriptor, String name) {
    int question = resourceDescriptor.indexOf('?');
    if (question < 0) {
      return Optional.empty();
    }
    for (String pair : resourceDescriptor.substring(question + 1).split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      if (decode(key).equals(name)) {
        return Optional.of(equals < 0 ? "" : decode(pair.substring(equals + 1)));
      }
    }
    return Optional.empty();
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }
}
