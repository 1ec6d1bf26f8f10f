package com.whatsappclone.common.net;

import com.whatsappclone.common.config.Settings;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS_CERT_FILE, TLS_KEY_FILE, TLS_TRUST_FILE and INTERNAL_TLS, read and checked together (see
 * configs/README.md, "TLS").
 *
 * <ul>
 *   <li>{@code TLS_CERT_FILE} and {@code TLS_KEY_FILE} (PEM, both or neither): with them, every
 *       server of the service (its gRPC server; realtime's WebSocket endpoint too) serves TLS 1.2
 *       or 1.3 only; without them, plaintext.
 *   <li>{@code INTERNAL_TLS}: calls this service makes to the others (the gateway's calls to the
 *       backends) use TLS, checking the server's certificate against {@code TLS_TRUST_FILE} (a PEM
 *       bundle of CA certificates), or the JVM's default trust store when that is not set.
 * </ul>
 *
 * <p>The files are read once, here: a missing, unreadable or invalid file, a key that is not the
 * certificate's, or one of the pair without the other is a settings problem naming the setting,
 * so the service stops at start-up instead of failing its first handshake.
 *
 * @param identity     the server certificate chain and key; empty: plaintext servers
 * @param internal     INTERNAL_TLS: outgoing calls to other services use TLS
 * @param trusted      the certificates of TLS_TRUST_FILE; empty: the JVM's default trust store
 * @param trustFile    TLS_TRUST_FILE, when set
 */
public record TlsSettings(Optional<TlsIdentity> identity, boolean internal, List<X509Certificate> trusted,
    Optional<Path> trustFile) {

  public static final String CERT_FILE = "TLS_CERT_FILE";
  public static final String KEY_FILE = "TLS_KEY_FILE";
  public static final String TRUST_FILE = "TLS_TRUST_FILE";
  public static final String INTERNAL = "INTERNAL_TLS";

  private static final Logger log = LoggerFactory.getLogger(TlsSettings.class);

  public TlsSettings {
    trusted = List.copyOf(trusted);
  }

  /** No TLS anywhere (the default). */
  public static TlsSettings plaintext() {
    return new TlsSettings(Optional.empty(), false, List.of(), Optional.empty());
  }

  /** Reads the four settings; problems are recorded on {@code settings} for its {@code check()}. */
  public static TlsSettings from(Settings settings) {
    Optional<String> cert = settings.optional(CERT_FILE);
    Optional<String> key = settings.optional(KEY_FILE);
    Optional<TlsIdentity> identity = Optional.empty();
    if (cert.isPresent() && key.isEmpty()) {
      settings.reportProblem(KEY_FILE + " is not set but " + CERT_FILE + " is: TLS needs both the certificate"
          + " chain and its private key (PEM files), or neither for plaintext");
    } else if (key.isPresent() && cert.isEmpty()) {
      settings.reportProblem(CERT_FILE + " is not set but " + KEY_FILE + " is: TLS needs both the certificate"
          + " chain and its private key (PEM files), or neither for plaintext");
    } else if (cert.isPresent()) {
      identity = loadIdentity(settings, Path.of(cert.get()), Path.of(key.get()));
    }

    boolean internal = settings.flag(INTERNAL, false);
    Optional<Path> trustFile = settings.optional(TRUST_FILE).map(Path::of);
    List<X509Certificate> trusted = List.of();
    if (trustFile.isPresent()) {
      try {
        trusted = PemFiles.certificates(trustFile.get());
      } catch (IllegalArgumentException e) {
        settings.reportProblem(TRUST_FILE + ": " + e.getMessage());
      }
    }
    return new TlsSettings(identity, internal, trusted, trustFile);
  }

  private static Optional<TlsIdentity> loadIdentity(Settings settings, Path certFile, Path keyFile) {
    // Each file on its own first, so that the message names the setting whose file is wrong.
    boolean readable = true;
    try {
      PemFiles.certificates(certFile);
    } catch (IllegalArgumentException e) {
      settings.reportProblem(CERT_FILE + ": " + e.getMessage());
      readable = false;
    }
    try {
      PemFiles.privateKey(keyFile);
    } catch (IllegalArgumentException e) {
      settings.reportProblem(KEY_FILE + ": " + e.getMessage());
      readable = false;
    }
    if (!readable) {
      return Optional.empty();
    }
    try {
      TlsIdentity identity = TlsIdentity.load(certFile, keyFile);
      warnIfNotValidNow(identity.certificate(), certFile);
      return Optional.of(identity);
    } catch (IllegalArgumentException e) {
      settings.reportProblem(KEY_FILE + " / " + CERT_FILE + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Clients will refuse it, but an operator renewing it must not find the service down too. */
  private static void warnIfNotValidNow(X509Certificate certificate, Path file) {
    try {
      certificate.checkValidity();
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      log.warn("the certificate in {} ({}) is not valid now: {}; clients will refuse it", file,
          certificate.getSubjectX500Principal().getName(), e.getMessage());
    }
  }

  /** Whether the service's servers serve TLS. */
  public boolean serverTls() {
    return identity.isPresent();
  }

  @Override
  public String toString() {
    return "TlsSettings[server=" + identity.map(TlsIdentity::toString).orElse("plaintext")
        + ", internal=" + internal + ", trust=" + trustFile.map(Path::toString).orElse("system default") + "]";
  }
}
