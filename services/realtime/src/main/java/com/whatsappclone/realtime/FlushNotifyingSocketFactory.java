package com.whatsappclone.realtime;

import com.whatsappclone.common.net.TlsContexts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.java_websocket.SSLSocketChannel2;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;

/**
 * Gives each WebSocket connection a channel that reports when the library finished writing one of
 * its buffers to the socket. That is the "writable again" signal Java-WebSocket lacks: the
 * connection's {@link WebSocketTransport} then moves more events from the session's bounded
 * queue into the library's (unbounded) one. Also applies the optional per-connection send buffer
 * size, which bounds how much the kernel holds for a client that stopped reading.
 *
 * <p>With TLS_CERT_FILE / TLS_KEY_FILE the channel is Java-WebSocket's own TLS channel
 * ({@link SSLSocketChannel2}, what its {@code DefaultSSLWebSocketServerFactory} uses), TLS 1.2+
 * only, with the same report: a buffer counts as written once the TLS engine took all of it, which
 * leaves at most one TLS record (16 KiB) in the engine on top of the socket's buffer.
 */
final class FlushNotifyingSocketFactory implements WebSocketServerFactory {

  private final int sendBufferBytes;
  /** Null for plaintext. */
  private final SSLContext tls;
  /** Runs the TLS engines' delegated handshake work (certificate signatures) off the selector thread. */
  private final ExecutorService handshakeTasks;
  private final HandshakeDeadline handshakes;

  /**
   * @param sendBufferBytes SO_SNDBUF for each connection, 0 for the system default
   * @param tls             the server's TLS context, null for plaintext
   * @param handshakes      told of every accepted connection, to close those that never finish the upgrade
   */
  FlushNotifyingSocketFactory(int sendBufferBytes, SSLContext tls, HandshakeDeadline handshakes) {
    this.sendBufferBytes = sendBufferBytes;
    this.tls = tls;
    this.handshakes = handshakes;
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    // After close() (the server stopping) a handshake's task is dropped, not thrown at the selector.
    this.handshakeTasks = tls == null ? null : new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), daemonThreads(), new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /** REALTIME_WS_SEND_BUFFER, and TLS when TLS_CERT_FILE / TLS_KEY_FILE are set. */
  static FlushNotifyingSocketFactory from(RealtimeSettings settings, HandshakeDeadline handshakes) {
    return new FlushNotifyingSocketFactory(settings.webSocketSendBuffer(),
        settings.tls().identity().map(TlsContexts::jdkServer).orElse(null), handshakes);
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter adapter, Draft draft) {
    WebSocketImpl connection = new WebSocketImpl(adapter, draft);
    handshakes.accepted(connection);
    return connection;
  }

  @Override
  public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
    WebSocketImpl connection = new WebSocketImpl(adapter, drafts);
    handshakes.accepted(connection);
    return connection;
  }

  @Override
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
    if (sendBufferBytes > 0) {
      channel.socket().setSendBufferSize(sendBufferBytes);
    }
    WebSocketImpl connection = (WebSocketImpl) key.attachment();
    if (tls == null) {
      return new NotifyingChannel(channel, connection);
    }
    return new NotifyingTlsChannel(channel, TlsContexts.serverEngine(tls), handshakeTasks, key, connection);
  }

  @Override
  public void close() {
    if (handshakeTasks != null) {
      handshakeTasks.shutdown();
    }
  }

  /** After {@code source} was written completely: let the transport move more events along. */
  private static void written(ByteBuffer source, WebSocketImpl connection) {
    if (!source.hasRemaining() && connection.getAttachment() instanceof WebSocketTransport transport) {
      transport.onBufferFlushed();
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "realtime-ws-tls-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Delegates to the socket; after a buffer was written completely, tells the transport. */
  private static final class NotifyingChannel implements ByteChannel {
    private final SocketChannel socket;
    private final WebSocketImpl connection;

    NotifyingChannel(SocketChannel socket, WebSocketImpl connection) {
      this.socket = socket;
      this.connection = connection;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
      return socket.read(destination);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int written = socket.write(source);
      written(source, connection);
      return written;
    }

    @Override
    public boolean isOpen() {
      return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * Java-WebSocket's TLS channel, reporting like {@link NotifyingChannel}. The library drives it
   * as a {@code WrappedByteChannel} (handshake, leftover encrypted bytes, buffered plaintext),
   * which a subclass keeps and a wrapper would hide.
   */
  private static final class NotifyingTlsChannel extends SSLSocketChannel2 {
    private final WebSocketImpl connection;

    NotifyingTlsChannel(SocketChannel socket, SSLEngine engine, ExecutorService tasks, SelectionKey key,
        WebSocketImpl connection) throws IOException {
      super(socket, engine, tasks, key);
      this.connection = connection;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
      int written = super.write(source);
      // The constructor's handshake writes to the socket directly, so connection is set here.
      written(source, connection);
      return written;
    }
  }
}
