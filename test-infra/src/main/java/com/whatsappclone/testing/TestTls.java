package com.whatsappclone.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * The TLS test fixtures of {@code test-infra/src/main/resources/tls} (see {@code generate.sh}
 * there) as files, which is what the services' TLS_* settings name: a test CA, server
 * certificates it signed for {@code localhost}, {@code 127.0.0.1} and {@code ::1} (RSA and EC),
 * their keys in several PEM forms, and an unrelated CA. Valid until 2126.
 */
public final class TestTls {

  /** The CA that signed both server certificates: what clients trust. */
  public static final String CA = "ca.pem";
  /** RSA server certificate and its PKCS#8 key. */
  public static final String SERVER_CERT = "server.pem";
  public static final String SERVER_KEY = "server.key";
  /** The same RSA key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) and encrypted PKCS#8. */
  public static final String SERVER_KEY_PKCS1 = "server-rsa-pkcs1.key";
  public static final String SERVER_KEY_ENCRYPTED = "server-encrypted.key";
  /** EC (P-256) server certificate; its key as SEC1 with EC PARAMETERS, and as PKCS#8. */
  public static final String EC_SERVER_CERT = "ec-server.pem";
  public static final String EC_SERVER_KEY = "ec-server.key";
  public static final String EC_SERVER_KEY_PKCS8 = "ec-server-pkcs8.key";
  /** A CA that signed nothing here: trusting only it must fail every handshake. */
  public static final String OTHER_CA = "other-ca.pem";

  private static Path directory;

  private TestTls() {}

  /** The fixture {@code name} as a file (copied out of the classpath once per JVM). */
  public static synchronized Path file(String name) {
    try {
      if (directory == null) {
        directory = Files.createTempDirectory("whatsapp-test-tls");
        directory.toFile().deleteOnExit();
      }
      Path file = directory.resolve(name);
      if (!Files.exists(file)) {
        try (InputStream in = TestTls.class.getResourceAsStream("/tls/" + name)) {
          if (in == null) {
            throw new IllegalArgumentException("no TLS fixture " + name);
          }
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        file.toFile().deleteOnExit();
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** TLS_CERT_FILE and TLS_KEY_FILE of the RSA server certificate. */
  public static Map<String, String> serverSettings() {
    return Map.of("TLS_CERT_FILE", file(SERVER_CERT).toString(), "TLS_KEY_FILE", file(SERVER_KEY).toString());
  }

  /** INTERNAL_TLS on, trusting the test CA. */
  public static Map<String, String> internalClientSettings() {
    return Map.of("INTERNAL_TLS", "true", "TLS_TRUST_FILE", file(CA).toString());
  }
}
