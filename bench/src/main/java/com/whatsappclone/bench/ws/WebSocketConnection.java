package com.whatsappclone.bench.ws;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;

/**
 * One client WebSocket (RFC 6455) on a {@link WebSocketLoop}: the upgrade request with a bearer
 * token, then frames. Small on purpose, so that tens of thousands of idle connections cost little:
 * no thread and no buffer of its own unless a frame arrives split across reads or the socket
 * cannot take a write at once.
 *
 * <p>Everything except {@link #sendBinary}, {@link #close} and the getters runs on the loop thread.
 */
public final class WebSocketConnection {

  /** Close code reported when the connection failed before or during the handshake. */
  public static final int FAILED = -1;
  /** Close code reported when the socket ended without a close frame. */
  public static final int ABNORMAL = 1006;

  private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;
  private static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  private enum State { NEW, CONNECTING, HANDSHAKING, OPEN, CLOSED }

  private final WebSocketLoop loop;
  private final InetSocketAddress remote;
  private final InetAddress local;
  private final String requestHead;
  private final String expectedAccept;
  private final WebSocketListener listener;
  private final long deadlineNanos;

  private State state = State.NEW;
  private SocketChannel channel;
  private SelectionKey key;
  private ByteBuffer inbound;
  private ArrayDeque<ByteBuffer> outbound;
  private byte[] fragments;
  private int fragmentsLength;
  private int fragmentOpcode;
  private volatile Object attachment;

  WebSocketConnection(WebSocketLoop loop, InetSocketAddress remote, InetAddress local, String pathAndQuery,
      String bearerToken, WebSocketListener listener, long deadlineNanos) {
    this.loop = loop;
    this.remote = remote;
    this.local = local;
    this.listener = listener;
    this.deadlineNanos = deadlineNanos;
    byte[] nonce = new byte[16];
    loop.random().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    this.expectedAccept = acceptFor(key);
    this.requestHead = "GET " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: " + remote.getHostString() + ":" + remote.getPort() + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + (bearerToken == null ? "" : "Authorization: Bearer " + bearerToken + "\r\n")
        + "\r\n";
  }

  public Object attachment() {
    return attachment;
  }

  public void attach(Object value) {
    this.attachment = value;
  }

  /** Sends a binary message; from any thread. Dropped silently once the connection is closed. */
  public void sendBinary(byte[] payload) {
    loop.execute(() -> {
      if (state == State.OPEN) {
        writeFrame(0x2, payload);
      }
    });
  }

  /** Sends a close frame (1000) and closes the socket; from any thread. */
  public void close() {
    loop.execute(() -> closeNow(1000, "closed by client"));
  }

  // ---- loop thread -------------------------------------------------------------------------

  void start() {
    state = State.CONNECTING;
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.socket().setTcpNoDelay(true);
      if (local != null) {
        channel.bind(new InetSocketAddress(local, 0));
      }
      if (channel.connect(remote)) {
        key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
        connected();
      } else {
        key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException | RuntimeException e) {
      fail("connect from " + (local == null ? "any address" : local.getHostAddress()) + ": " + describe(e));
    }
  }

  boolean isPastDeadline(long now) {
    return (state == State.CONNECTING || state == State.HANDSHAKING) && now - deadlineNanos > 0;
  }

  void timedOut() {
    fail(state == State.CONNECTING ? "TCP connect timed out" : "no answer to the upgrade request in time");
  }

  void onConnectable() {
    try {
      if (channel.finishConnect()) {
        key.interestOps(SelectionKey.OP_READ);
        connected();
      }
    } catch (IOException e) {
      fail("connect: " + describe(e));
    }
  }

  private void connected() {
    state = State.HANDSHAKING;
    write(ByteBuffer.wrap(requestHead.getBytes(StandardCharsets.ISO_8859_1)));
  }

  void onReadable(ByteBuffer shared) {
    shared.clear();
    int read;
    try {
      read = channel.read(shared);
    } catch (IOException e) {
      ended(ABNORMAL, "read failed: " + describe(e));
      return;
    }
    if (read < 0) {
      ended(ABNORMAL, state == State.HANDSHAKING ? "server closed during the handshake" : "server closed the socket");
      return;
    }
    shared.flip();
    ByteBuffer data = shared;
    if (inbound != null) {
      inbound = ensureRoom(inbound, shared.remaining());
      inbound.put(shared).flip();
      data = inbound;
    }
    while (state != State.CLOSED && data.hasRemaining()) {
      boolean progressed = state == State.HANDSHAKING ? readHandshake(data) : readFrame(data);
      if (!progressed) {
        break;
      }
    }
    if (state == State.CLOSED || !data.hasRemaining()) {
      inbound = null;
    } else if (data == inbound) {
      inbound.compact();
    } else {
      ByteBuffer rest = ByteBuffer.allocate(Math.max(1024, data.remaining() * 2));
      rest.put(data);
      inbound = rest;
    }
  }

  void onWritable() {
    try {
      while (outbound != null && !outbound.isEmpty()) {
        ByteBuffer head = outbound.peek();
        channel.write(head);
        if (head.hasRemaining()) {
          return;
        }
        outbound.poll();
      }
      outbound = null;
      if (key.isValid()) {
        key.interestOps(SelectionKey.OP_READ);
      }
    } catch (IOException e) {
      ended(ABNORMAL, "write failed: " + describe(e));
    }
  }

  /** Sends a close frame if open, then closes the socket and reports the close. */
  void closeNow(int code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    if (state == State.OPEN) {
      ByteBuffer payload = ByteBuffer.allocate(2);
      payload.putShort((short) code).flip();
      writeFrame(0x8, toArray(payload));
    }
    ended(code, reason);
  }

  private boolean readHandshake(ByteBuffer data) {
    int end = indexOfHeaderEnd(data);
    if (end < 0) {
      if (data.remaining() > MAX_HANDSHAKE_BYTES) {
        fail("upgrade answer too long");
      }
      return false;
    }
    byte[] head = new byte[end - data.position()];
    data.get(head);
    data.position(data.position() + 4);
    String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
    String status = lines[0];
    if (!status.startsWith("HTTP/1.1 101")) {
      fail("upgrade refused: " + status);
      return false;
    }
    String accept = null;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
        accept = lines[i].substring(colon + 1).trim();
      }
    }
    if (!expectedAccept.equals(accept)) {
      fail("upgrade answer has a wrong Sec-WebSocket-Accept");
      return false;
    }
    state = State.OPEN;
    listener.onOpen(this);
    return true;
  }

  private boolean readFrame(ByteBuffer data) {
    int start = data.position();
    if (data.remaining() < 2) {
      return false;
    }
    int b0 = data.get(start) & 0xFF;
    int b1 = data.get(start + 1) & 0xFF;
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    boolean masked = (b1 & 0x80) != 0;
    long length = b1 & 0x7F;
    int header = 2;
    if (length == 126) {
      if (data.remaining() < 4) {
        return false;
      }
      length = data.getShort(start + 2) & 0xFFFF;
      header = 4;
    } else if (length == 127) {
      if (data.remaining() < 10) {
        return false;
      }
      length = data.getLong(start + 2);
      header = 10;
    }
    if (length < 0 || length > MAX_MESSAGE_BYTES) {
      fail("frame of " + length + " bytes is too large");
      return false;
    }
    int maskOffset = header;
    if (masked) {
      header += 4;
    }
    if (data.remaining() < header + length) {
      return false;
    }
    ByteBuffer payload = data.duplicate();
    payload.position(start + header).limit(start + header + (int) length);
    if (masked) {
      byte[] unmasked = toArray(payload);
      for (int i = 0; i < unmasked.length; i++) {
        unmasked[i] ^= data.get(start + maskOffset + (i & 3));
      }
      payload = ByteBuffer.wrap(unmasked);
    }
    data.position(start + header + (int) length);
    handleFrame(fin, opcode, payload.slice());
    return true;
  }

  private void handleFrame(boolean fin, int opcode, ByteBuffer payload) {
    switch (opcode) {
      case 0x0 -> {
        if (fragments == null) {
          fail("continuation frame without a first fragment");
          return;
        }
        appendFragment(payload);
        if (fin) {
          ByteBuffer whole = ByteBuffer.wrap(fragments, 0, fragmentsLength);
          int kind = fragmentOpcode;
          fragments = null;
          fragmentsLength = 0;
          deliver(kind, whole);
        }
      }
      case 0x1, 0x2 -> {
        if (fin) {
          deliver(opcode, payload);
        } else {
          fragments = new byte[Math.max(256, payload.remaining() * 2)];
          fragmentsLength = 0;
          fragmentOpcode = opcode;
          appendFragment(payload);
        }
      }
      case 0x8 -> {
        int code = payload.remaining() >= 2 ? payload.getShort() & 0xFFFF : 1005;
        String reason = StandardCharsets.UTF_8.decode(payload).toString();
        // Echo the close, as RFC 6455 asks, then let the socket go.
        ByteBuffer echo = ByteBuffer.allocate(2);
        echo.putShort((short) (code == 1005 ? 1000 : code)).flip();
        writeFrame(0x8, toArray(echo));
        ended(code, reason);
      }
      case 0x9 -> writeFrame(0xA, toArray(payload));
      case 0xA -> {
        // an answer to a ping we never send; ignore
      }
      default -> fail("unknown opcode " + opcode);
    }
  }

  private void deliver(int opcode, ByteBuffer payload) {
    if (opcode == 0x2) {
      listener.onBinary(this, payload);
    } else {
      listener.onText(this, StandardCharsets.UTF_8.decode(payload).toString());
    }
  }

  private void appendFragment(ByteBuffer payload) {
    int needed = fragmentsLength + payload.remaining();
    if (needed > MAX_MESSAGE_BYTES) {
      fail("fragmented message too large");
      return;
    }
    if (needed > fragments.length) {
      fragments = java.util.Arrays.copyOf(fragments, Math.max(needed, fragments.length * 2));
    }
    payload.get(fragments, fragmentsLength, payload.remaining());
    fragmentsLength = needed;
  }

  /** A client frame: FIN set, masked with a fresh key (RFC 6455 5.3). */
  private void writeFrame(int opcode, byte[] payload) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
    frame.put((byte) (0x80 | opcode));
    if (length < 126) {
      frame.put((byte) (0x80 | length));
    } else if (length <= 0xFFFF) {
      frame.put((byte) (0x80 | 126)).putShort((short) length);
    } else {
      frame.put((byte) (0x80 | 127)).putLong(length);
    }
    byte[] mask = new byte[4];
    loop.random().nextBytes(mask);
    frame.put(mask);
    for (int i = 0; i < length; i++) {
      frame.put((byte) (payload[i] ^ mask[i & 3]));
    }
    frame.flip();
    write(frame);
  }

  private void write(ByteBuffer buffer) {
    if (outbound != null) {
      outbound.add(buffer);
      return;
    }
    try {
      channel.write(buffer);
    } catch (IOException e) {
      ended(ABNORMAL, "write failed: " + describe(e));
      return;
    }
    if (buffer.hasRemaining()) {
      outbound = new ArrayDeque<>();
      outbound.add(buffer);
      key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  private void fail(String reason) {
    ended(FAILED, reason);
  }

  private void ended(int code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    boolean wasOpen = state == State.OPEN;
    state = State.CLOSED;
    inbound = null;
    outbound = null;
    fragments = null;
    if (key != null) {
      key.cancel();
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a socket that is gone anyway
      }
    }
    loop.forget(this);
    listener.onClose(this, wasOpen || code != FAILED ? code : FAILED, reason);
  }

  private static int indexOfHeaderEnd(ByteBuffer data) {
    for (int i = data.position(); i + 3 < data.limit(); i++) {
      if (data.get(i) == '\r' && data.get(i + 1) == '\n' && data.get(i + 2) == '\r' && data.get(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static ByteBuffer ensureRoom(ByteBuffer buffer, int more) {
    if (buffer.remaining() >= more) {
      return buffer;
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static String acceptFor(String key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1")
          .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is missing from this JDK", e);
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
