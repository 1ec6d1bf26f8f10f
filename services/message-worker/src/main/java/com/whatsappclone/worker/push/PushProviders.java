package com.whatsappclone.worker.push;

import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.whatsappclone.common.config.Settings;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The push providers this deployment is configured for, built from the PUSH_* settings:
 * FCM when {@code PUSH_FCM_CREDENTIALS_FILE} is set, APNs when {@code PUSH_APNS_KEY_FILE} is.
 * Neither is the default (a local stack sends no pushes).
 *
 * <p>Bad settings (an unreadable key file, a missing key id) are recorded on the {@link Settings}
 * like any other, for its {@code check()} to report at start-up; then no sender is built.
 */
public final class PushProviders implements AutoCloseable {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final String DEFAULT_FCM_URL = "https://fcm.googleapis.com";
  static final String DEFAULT_APNS_SERVER = "api.push.apple.com:443";
  static final String DEFAULT_APNS_SANDBOX_SERVER = "api.sandbox.push.apple.com:443";

  private final Optional<FcmSender> fcm;
  private final Optional<ApnsSender> apns;

  private PushProviders(Optional<FcmSender> fcm, Optional<ApnsSender> apns) {
    this.fcm = fcm;
    this.apns = apns;
  }

  public static PushProviders from(Settings settings) {
    return from(settings, Clock.systemUTC());
  }

  /** @param clock for APNs expirations and FCM's Retry-After dates */
  public static PushProviders from(Settings settings, Clock clock) {
    int problemsBefore = settings.problems().size();
    Duration timeout = settings.positive("PUSH_PROVIDER_TIMEOUT", DEFAULT_TIMEOUT);
    Optional<FcmConfig> fcm = fcmConfig(settings);
    Optional<ApnsConfig> apns = apnsConfig(settings);
    if (settings.problems().size() > problemsBefore) {
      return new PushProviders(Optional.empty(), Optional.empty());
    }
    return new PushProviders(
        fcm.map(config -> new FcmSender(config.credentials, config.projectId, config.url, timeout, clock)),
        apns.map(config -> new ApnsSender(config.key, config.topic, config.production, config.sandbox,
            config.trusted, timeout, clock)));
  }

  public Optional<PushSender> sender(PushPlatform platform) {
    switch (platform) {
      case FCM:
        return fcm.map(PushSender.class::cast);
      case APNS:
        return apns.map(PushSender.class::cast);
      default:
        return Optional.empty();
    }
  }

  public boolean enabled() {
    return fcm.isPresent() || apns.isPresent();
  }

  /** For the start-up log: e.g. {@code fcm (project x), apns (topic y)}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    fcm.ifPresent(sender -> parts.add("fcm (project " + sender.projectId() + ")"));
    apns.ifPresent(sender -> parts.add("apns (topic " + sender.defaultTopic() + ")"));
    return parts.isEmpty() ? "off: no PUSH_FCM_CREDENTIALS_FILE or PUSH_APNS_KEY_FILE" : String.join(", ", parts);
  }

  @Override
  public void close() {
    try {
      fcm.ifPresent(FcmSender::close);
    } finally {
      apns.ifPresent(ApnsSender::close);
    }
  }

  private record FcmConfig(ServiceAccountCredentials credentials, String projectId, URI url) {}

  private record ApnsConfig(ApnsSigningKey key, String topic, ApnsSender.Server production,
      ApnsSender.Server sandbox, List<X509Certificate> trusted) {}

  private static Optional<FcmConfig> fcmConfig(Settings settings) {
    Optional<String> file = settings.optional("PUSH_FCM_CREDENTIALS_FILE");
    Optional<String> projectOverride = settings.optional("PUSH_FCM_PROJECT_ID");
    Optional<URI> url = httpUrl(settings, "PUSH_FCM_URL", DEFAULT_FCM_URL);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    ServiceAccountCredentials credentials;
    try {
      credentials = FcmSender.loadCredentials(Path.of(file.get()));
    } catch (IOException | RuntimeException e) {
      settings.reportProblem("PUSH_FCM_CREDENTIALS_FILE: cannot read " + file.get()
          + " as a Google service-account JSON key (" + reason(e) + ")");
      return Optional.empty();
    }
    Optional<String> projectId = projectOverride.or(() -> Optional.ofNullable(credentials.getProjectId()));
    if (projectId.isEmpty()) {
      settings.reportProblem("PUSH_FCM_PROJECT_ID is not set and " + file.get() + " has no project_id");
      return Optional.empty();
    }
    return url.map(base -> new FcmConfig(credentials, projectId.get(), base));
  }

  private static Optional<ApnsConfig> apnsConfig(Settings settings) {
    Optional<String> file = settings.optional("PUSH_APNS_KEY_FILE");
    if (file.isEmpty()) {
      return Optional.empty();
    }
    String keyId = settings.required("PUSH_APNS_KEY_ID", "the id of the key in PUSH_APNS_KEY_FILE (Apple developer account, Keys)");
    String teamId = settings.required("PUSH_APNS_TEAM_ID", "the Apple developer team id the key belongs to");
    String topic = settings.required("PUSH_APNS_TOPIC", "the app's bundle id, the default APNs topic");
    Optional<ApnsSender.Server> production = server(settings, "PUSH_APNS_SERVER", DEFAULT_APNS_SERVER);
    Optional<ApnsSender.Server> sandbox = server(settings, "PUSH_APNS_SANDBOX_SERVER", DEFAULT_APNS_SANDBOX_SERVER);
    Optional<List<X509Certificate>> trusted = trustedCertificates(settings);
    if (keyId.isEmpty() || teamId.isEmpty() || topic.isEmpty()) {
      return Optional.empty();
    }
    ApnsSigningKey key;
    try {
      key = ApnsSigningKey.loadFromPkcs8File(Path.of(file.get()).toFile(), teamId, keyId);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      settings.reportProblem("PUSH_APNS_KEY_FILE: cannot read " + file.get()
          + " as an APNs .p8 signing key (" + reason(e) + ")");
      return Optional.empty();
    }
    if (production.isEmpty() || sandbox.isEmpty() || trusted.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ApnsConfig(key, topic, production.get(), sandbox.get(), trusted.get()));
  }

  private static Optional<URI> httpUrl(Settings settings, String name, String fallback) {
    String value = settings.string(name, fallback);
    try {
      URI uri = new URI(value);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (java.net.URISyntaxException e) {
      // reported below like any other malformed value
    }
    settings.reportProblem(name + " must be an http(s) URL such as " + fallback + " (got '" + value + "')");
    return Optional.empty();
  }

  private static Optional<ApnsSender.Server> server(Settings settings, String name, String fallback) {
    String value = settings.string(name, fallback);
    try {
      return Optional.of(ApnsSender.Server.parse(value));
    } catch (IllegalArgumentException e) {
      settings.reportProblem(name + " " + e.getMessage());
      return Optional.empty();
    }
  }

  /** PUSH_APNS_CA_FILE: empty list (the JVM's CAs) when unset. */
  private static Optional<List<X509Certificate>> trustedCertificates(Settings settings) {
    Optional<String> file = settings.optional("PUSH_APNS_CA_FILE");
    if (file.isEmpty()) {
      return Optional.of(List.of());
    }
    try (InputStream in = Files.newInputStream(Path.of(file.get()))) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) certificate);
      }
      if (!certificates.isEmpty()) {
        return Optional.of(certificates);
      }
      settings.reportProblem("PUSH_APNS_CA_FILE: " + file.get() + " holds no PEM certificate");
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      settings.reportProblem("PUSH_APNS_CA_FILE: cannot read " + file.get()
          + " as PEM certificates (" + reason(e) + ")");
    }
    return Optional.empty();
  }

  private static String reason(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileNotFoundException) {
      return "no such file, or not readable";
    }
    String type = e.getClass().getSimpleName();
    if (type.contains("MalformedJson") || type.contains("JsonSyntax")) {
      return "not valid JSON";
    }
    // the first line only: gson appends a troubleshooting link
    return e.getMessage() == null ? type : e.getMessage().lines().findFirst().orElse(type);
  }
}
