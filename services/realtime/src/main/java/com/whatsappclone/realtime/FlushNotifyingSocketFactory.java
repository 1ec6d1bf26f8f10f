package com.whatsappclone.realtime;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
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
 */
final class FlushNotifyingSocketFactory implements WebSocketServerFactory {

  private final int sendBufferBytes;
  private final HandshakeDeadline handshakes;

  /**
   * @param sendBufferBytes SO_SNDBUF for each connection, 0 for the system default
   * @param handshakes told of every accepted connection, to close those that never finish the upgrade
   */
  FlushNotifyingSocketFactory(int sendBufferBytes, HandshakeDeadline handshakes) {
    this.sendBufferBytes = sendBufferBytes;
    this.handshakes = handshakes;
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
  public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws SocketException {
    if (sendBufferBytes > 0) {
      channel.socket().setSendBufferSize(sendBufferBytes);
    }
    return new NotifyingChannel(channel, (WebSocketImpl) key.attachment());
  }

  @Override
  public void close() {
    // nothing to release
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
      if (!source.hasRemaining() && connection.getAttachment() instanceof WebSocketTransport transport) {
        transport.onBufferFlushed();
      }
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
}
