package com.whatsappclone.localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket to realtime's {@code /ws} as an app opens it (bearer token in the handshake), with
 * every complete text frame queued for the test to read.
 */
final class TextFrames implements AutoCloseable {

  final WebSocket socket;
  final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

  private TextFrames(int webSocketPort, String accessToken) throws Exception {
    socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + accessToken)
        .buildAsync(URI.create("ws://127.0.0.1:" + webSocketPort + "/ws"), new WebSocket.Listener() {
          private final StringBuilder partial = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
              frames.add(partial.toString());
              partial.setLength(0);
            }
            webSocket.request(1);
            return null;
          }
        })
        .get(10, TimeUnit.SECONDS);
  }

  static TextFrames open(int webSocketPort, String accessToken) throws Exception {
    return new TextFrames(webSocketPort, accessToken);
  }

  /** The next frame, or null after {@code seconds}. */
  String poll(int seconds) throws InterruptedException {
    return frames.poll(seconds, TimeUnit.SECONDS);
  }

  /** Waits up to 20 s for a newMessage frame naming {@code messageId}, skipping other frames. */
  String awaitNewMessage(String messageId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      String frame = frames.poll(1, TimeUnit.SECONDS);
      if (frame != null && frame.contains("\"newMessage\"") && frame.contains(messageId)) {
        return frame;
      }
    }
    throw new AssertionError("no newMessage frame for " + messageId + " within 20 s");
  }

  void send(String json) throws Exception {
    socket.sendText(json, true).get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
  }
}
