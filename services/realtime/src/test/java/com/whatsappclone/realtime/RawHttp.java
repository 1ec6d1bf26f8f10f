package com.whatsappclone.realtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Raw HTTP for tests that must see what a WebSocket client library hides: status lines, refusals. */
final class RawHttp {

  private RawHttp() {}

  /** A valid upgrade request for {@code path}; {@code authorization} is the header value, or null. */
  static byte[] upgradeRequest(String path, String authorization) {
    return ("GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
        + "\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The response head up to and including the blank line (less if the server closed first). */
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b == -1) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** The first line of a response. */
  static String statusLine(String response) {
    int end = response.indexOf("\r\n");
    return end < 0 ? response : response.substring(0, end);
  }
}
