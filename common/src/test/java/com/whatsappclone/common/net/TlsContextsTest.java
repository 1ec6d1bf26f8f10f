package com.whatsappclone.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.whatsappclone.testing.TestTls;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** The JDK context (Java-WebSocket's) completes real handshakes with every supported key form. */
class TlsContextsTest {

  private static SSLContext clientTrusting(String ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    int i = 0;
    for (var certificate : PemFiles.certificates(TestTls.file(ca))) {
      store.setCertificateEntry("ca" + i++, certificate);
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /** Handshakes once through an engine of {@code server} and returns the protocol the client saw. */
  private static String handshake(SSLContext server, SSLContext client) throws Exception {
    SSLEngine template = TlsContexts.serverEngine(server);
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setEnabledProtocols(template.getEnabledProtocols());
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (SSLSocket socket = (SSLSocket) listener.accept(); OutputStream out = socket.getOutputStream()) {
          socket.startHandshake();
          out.write(42);
          out.flush();
        } catch (Exception e) {
          // the client's assertion tells
        }
      });
      try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("localhost", listener.getLocalPort())) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        InputStream in = socket.getInputStream();
        assertThat(in.read()).isEqualTo(42);
        return socket.getSession().getProtocol();
      } finally {
        served.get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void jdkServerContextHandshakesWithRsaAndEcKeysInEveryForm() throws Exception {
    String[][] pairs = {
        {TestTls.SERVER_CERT, TestTls.SERVER_KEY},
        {TestTls.SERVER_CERT, TestTls.SERVER_KEY_PKCS1},
        {TestTls.EC_SERVER_CERT, TestTls.EC_SERVER_KEY},
        {TestTls.EC_SERVER_CERT, TestTls.EC_SERVER_KEY_PKCS8}};
    for (String[] pair : pairs) {
      TlsIdentity identity = TlsIdentity.load(TestTls.file(pair[0]), TestTls.file(pair[1]));

      assertThat(handshake(TlsContexts.jdkServer(identity), clientTrusting(TestTls.CA))).as(pair[1]).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void clientTrustingAnotherCaFailsTheHandshake() {
    TlsIdentity identity = TlsIdentity.load(TestTls.file(TestTls.SERVER_CERT), TestTls.file(TestTls.SERVER_KEY));

    assertThatThrownBy(() -> handshake(TlsContexts.jdkServer(identity), clientTrusting(TestTls.OTHER_CA)))
        .isInstanceOf(SSLHandshakeException.class);
  }
}
