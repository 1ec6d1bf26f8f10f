package com.whatsappclone.common.grpc;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.net.TlsContexts;
import com.whatsappclone.common.net.TlsIdentity;
import com.whatsappclone.common.net.TlsSettings;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A container health check without extra binaries: {@code java -cp service.jar
 * com.whatsappclone.common.grpc.HealthProbe localhost:50051} exits 0 only when the server answers
 * SERVING on grpc.health.v1.
 *
 * <p>It reads the service's own settings (environment and env files, as the service does): when
 * TLS_CERT_FILE is set the service serves TLS, so the probe does too, trusting exactly that
 * certificate and expecting the first name in it, whatever name the probe dialled.
 */
public final class HealthProbe {

  private HealthProbe() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1 || !args[0].contains(":")) {
      System.err.println("usage: HealthProbe host:port");
      System.exit(2);
    }
    String target = args[0];
    Settings settings = Settings.load();
    TlsSettings tls = TlsSettings.from(settings);
    if (!settings.problems().isEmpty()) {
      System.out.println(target + " settings problem: " + settings.problems());
      System.exit(2);
    }
    ManagedChannel channel = channelToOwnServer(target, tls);
    try {
      ServingStatus status = HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(3, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance())
          .getStatus();
      System.out.println(target + " " + status);
      System.exit(status == ServingStatus.SERVING ? 0 : 1);
    } catch (StatusRuntimeException e) {
      System.out.println(target + " " + e.getStatus().getCode());
      System.exit(1);
    } finally {
      channel.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
    }
  }

  /**
   * A channel to a server configured by {@code tls} (one of this process's own, or one started
   * from the same settings): plaintext when it is, else TLS trusting its own certificate (and
   * TLS_TRUST_FILE) and expecting the certificate's first name, so that dialling {@code localhost}
   * works with a certificate for {@code api.example.com}.
   */
  public static ManagedChannel channelToOwnServer(String target, TlsSettings tls) {
    NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target);
    if (tls.identity().isEmpty()) {
      return builder.usePlaintext().build();
    }
    TlsIdentity identity = tls.identity().get();
    List<X509Certificate> trusted = new ArrayList<>(identity.chain());
    trusted.addAll(tls.trusted());
    builder.sslContext(TlsContexts.grpcClient(trusted));
    identity.firstName().ifPresent(name -> builder.overrideAuthority(
        (name.contains(":") ? "[" + name + "]" : name) + ":" + target.substring(target.lastIndexOf(':') + 1)));
    return builder.build();
  }
}
