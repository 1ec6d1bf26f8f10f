package com.whatsappclone.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.config.Settings;
import com.whatsappclone.common.config.SettingsException;
import com.whatsappclone.testing.TestTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {

  @TempDir
  Path temp;

  private static TlsSettings read(Map<String, String> values) {
    Settings settings = Settings.of(values);
    TlsSettings tls = TlsSettings.from(settings);
    settings.check();
    return tls;
  }

  private static String problems(Map<String, String> values) {
    Settings settings = Settings.of(values);
    TlsSettings.from(settings);
    try {
      settings.check();
    } catch (SettingsException e) {
      return e.getMessage();
    }
    throw new AssertionError("no settings problem for " + values);
  }

  private static Map<String, String> pair(String cert, String key) {
    return Map.of("TLS_CERT_FILE", TestTls.file(cert).toString(), "TLS_KEY_FILE", TestTls.file(key).toString());
  }

  @Test
  void nothingSetMeansPlaintextEverywhere() {
    TlsSettings tls = read(Map.of());

    assertThat(tls.serverTls()).isFalse();
    assertThat(tls.internal()).isFalse();
    assertThat(tls.trusted()).isEmpty();
  }

  @Test
  void rsaKeyLoadsAsPkcs8AndAsPkcs1() {
    for (String key : new String[] {TestTls.SERVER_KEY, TestTls.SERVER_KEY_PKCS1}) {
      TlsSettings tls = read(pair(TestTls.SERVER_CERT, key));

      assertThat(tls.serverTls()).as(key).isTrue();
      assertThat(tls.identity().orElseThrow().key().getAlgorithm()).isEqualTo("RSA");
      assertThat(tls.identity().orElseThrow().certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    }
  }

  @Test
  void ecKeyLoadsAsSec1WithParametersAndAsPkcs8() {
    for (String key : new String[] {TestTls.EC_SERVER_KEY, TestTls.EC_SERVER_KEY_PKCS8}) {
      TlsSettings tls = read(pair(TestTls.EC_SERVER_CERT, key));

      assertThat(tls.identity().orElseThrow().key().getAlgorithm()).as(key).isEqualTo("EC");
    }
  }

  @Test
  void sec1KeyWithoutTheParametersBlockLoadsToo() throws IOException {
    // `openssl ec -in ec.key -out ec.key` drops the EC PARAMETERS block; the curve is inside the key.
    String pem = Files.readString(TestTls.file(TestTls.EC_SERVER_KEY));
    Path key = temp.resolve("ec-only.key");
    Files.writeString(key, pem.substring(pem.indexOf("-----BEGIN EC PRIVATE KEY-----")));

    TlsSettings tls = read(Map.of("TLS_CERT_FILE", TestTls.file(TestTls.EC_SERVER_CERT).toString(),
        "TLS_KEY_FILE", key.toString()));

    assertThat(tls.identity().orElseThrow().key().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void certificateWithoutKeyNamesTheMissingSetting() {
    String message = problems(Map.of("TLS_CERT_FILE", TestTls.file(TestTls.SERVER_CERT).toString()));

    assertThat(message).contains("TLS_KEY_FILE is not set but TLS_CERT_FILE is");
  }

  @Test
  void keyWithoutCertificateNamesTheMissingSetting() {
    String message = problems(Map.of("TLS_KEY_FILE", TestTls.file(TestTls.SERVER_KEY).toString()));

    assertThat(message).contains("TLS_CERT_FILE is not set but TLS_KEY_FILE is");
  }

  @Test
  void missingOrUnreadableFilesAreNamedWithTheirSetting() {
    Path missing = temp.resolve("nope.pem");

    assertThat(problems(Map.of("TLS_CERT_FILE", missing.toString(),
        "TLS_KEY_FILE", TestTls.file(TestTls.SERVER_KEY).toString())))
        .contains("TLS_CERT_FILE: " + missing + " does not exist");
    assertThat(problems(Map.of("TLS_CERT_FILE", TestTls.file(TestTls.SERVER_CERT).toString(),
        "TLS_KEY_FILE", temp.toString())))
        .contains("TLS_KEY_FILE: " + temp + " cannot be read");
  }

  @Test
  void filesOfTheWrongKindAreRefused() throws IOException {
    Path der = temp.resolve("server.der");
    Files.write(der, new byte[] {0x30, (byte) 0x82, 0x01, 0x00, 0x02, 0x01});

    assertThat(problems(Map.of("TLS_CERT_FILE", TestTls.file(TestTls.SERVER_KEY).toString(),
        "TLS_KEY_FILE", TestTls.file(TestTls.SERVER_CERT).toString())))
        .contains("TLS_CERT_FILE: " + TestTls.file(TestTls.SERVER_KEY) + " holds no PEM certificate")
        .contains("TLS_KEY_FILE: " + TestTls.file(TestTls.SERVER_CERT) + " holds no PEM private key");
    assertThat(problems(Map.of("TLS_CERT_FILE", der.toString(), "TLS_KEY_FILE", TestTls.file(TestTls.SERVER_KEY).toString())))
        .contains("TLS_CERT_FILE").contains("DER and PKCS#12 files are not supported");
  }

  @Test
  void encryptedKeyIsRefusedWithHowToDecryptIt() {
    assertThat(problems(pair(TestTls.SERVER_CERT, TestTls.SERVER_KEY_ENCRYPTED)))
        .contains("TLS_KEY_FILE").contains("encrypted private key").contains("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void keyOfAnotherCertificateIsRefused() {
    assertThat(problems(pair(TestTls.SERVER_CERT, TestTls.EC_SERVER_KEY)))
        .contains("TLS_KEY_FILE / TLS_CERT_FILE").contains("does not belong to the first certificate");
  }

  @Test
  void internalTlsAndTrustFileAreRead() {
    TlsSettings tls = read(Map.of("INTERNAL_TLS", "true", "TLS_TRUST_FILE", TestTls.file(TestTls.CA).toString()));

    assertThat(tls.internal()).isTrue();
    assertThat(tls.trusted()).hasSize(1);
    assertThat(tls.trusted().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=whatsapp-clone test CA");
    assertThat(tls.serverTls()).isFalse();
  }

  @Test
  void badTrustFileAndFlagAreNamed() {
    Map<String, String> values = new HashMap<>();
    values.put("INTERNAL_TLS", "sometimes");
    values.put("TLS_TRUST_FILE", temp.resolve("missing-ca.pem").toString());

    assertThat(problems(values)).contains("INTERNAL_TLS must be true or false").contains("TLS_TRUST_FILE: ");
  }

  @Test
  void toStringNeverShowsTheKey() {
    TlsSettings tls = read(pair(TestTls.SERVER_CERT, TestTls.SERVER_KEY));

    assertThat(tls.toString()).contains("CN=localhost").doesNotContain("PRIVATE").doesNotContain("modulus");
    assertThat(tls.identity().orElseThrow().firstName()).contains("localhost");
  }

  @Test
  void serverEnginesOfferTls12AndTls13Only() {
    TlsIdentity identity = read(pair(TestTls.SERVER_CERT, TestTls.SERVER_KEY)).identity().orElseThrow();

    SSLEngine engine = TlsContexts.serverEngine(TlsContexts.jdkServer(identity));

    assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(engine.getUseClientMode()).isFalse();
  }
}
