package com.whatsappclone.common.net;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Turns {@link TlsSettings} into what the libraries take: a Netty {@link SslContext} for grpc-java
 * servers and channels, a {@link SSLContext} and server {@link SSLEngine}s for Java-WebSocket.
 * Every one speaks TLS 1.3 and 1.2 only.
 */
public final class TlsContexts {

  /** The only protocol versions offered or accepted. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

  private TlsContexts() {}

  /** Serves TLS on {@code netty} when {@code tls} has a server identity; leaves it plaintext otherwise. */
  public static NettyServerBuilder serve(NettyServerBuilder netty, TlsSettings tls) {
    tls.identity().ifPresent(identity -> netty.sslContext(grpcServer(identity)));
    return netty;
  }

  /**
   * A channel to another service: TLS checked against the trust bundle (or the JVM's default
   * trust store) when INTERNAL_TLS is on, plaintext otherwise.
   */
  public static NettyChannelBuilder internalChannel(NettyChannelBuilder channel, TlsSettings tls) {
    if (tls.internal()) {
      return channel.sslContext(grpcClient(tls.trusted()));
    }
    return channel.usePlaintext();
  }

  /** A gRPC server context (HTTP/2 over ALPN, gRPC's cipher suites) presenting {@code identity}. */
  public static SslContext grpcServer(TlsIdentity identity) {
    try {
      return GrpcSslContexts.configure(SslContextBuilder.forServer(identity.key(),
              identity.chain().toArray(new X509Certificate[0])))
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalStateException("cannot serve TLS with " + identity + ": " + e.getMessage(), e);
    }
  }

  /**
   * A gRPC client context that trusts {@code trusted} (CA or server certificates), or the JVM's
   * default trust store when it is empty. The server's name is checked against the certificate.
   */
  public static SslContext grpcClient(List<X509Certificate> trusted) {
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient().protocols(PROTOCOLS);
      if (!trusted.isEmpty()) {
        builder.trustManager(trusted.toArray(new X509Certificate[0]));
      }
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a TLS client context: " + e.getMessage(), e);
    }
  }

  /** A JDK context presenting {@code identity} (for Java-WebSocket's server). */
  public static SSLContext jdkServer(TlsIdentity identity) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", identity.key(), IN_MEMORY_PASSWORD, identity.chain().toArray(new X509Certificate[0]));
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, IN_MEMORY_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot serve TLS with " + identity + ": " + e.getMessage(), e);
    }
  }

  /** A server-side engine of {@code context} that accepts TLS 1.3 and 1.2 only. */
  public static SSLEngine serverEngine(SSLContext context) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(Arrays.stream(engine.getSupportedProtocols())
        .filter(PROTOCOLS::contains).toArray(String[]::new));
    return engine;
  }
}
