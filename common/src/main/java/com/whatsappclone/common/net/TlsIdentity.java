package com.whatsappclone.common.net;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a TLS server presents: its certificate chain (its own certificate first, then any
 * intermediates) and the private key of the first, read from PEM files and checked to belong
 * together. {@link #toString()} never shows the key.
 */
public record TlsIdentity(List<X509Certificate> chain, PrivateKey key, Path certFile, Path keyFile) {

  public TlsIdentity {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a certificate chain needs at least one certificate");
    }
  }

  /**
   * Reads both files.
   *
   * @throws IllegalArgumentException naming the file and the problem: missing, unreadable, no PEM
   *     certificate or key in it, an encrypted or unsupported key, or a key that is not the
   *     certificate's
   */
  public static TlsIdentity load(Path certFile, Path keyFile) {
    List<X509Certificate> chain = PemFiles.certificates(certFile);
    PrivateKey key = PemFiles.privateKey(keyFile);
    if (!belongTogether(key, chain.get(0))) {
      throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the first"
          + " certificate in " + certFile + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
    }
    return new TlsIdentity(chain, key, certFile, keyFile);
  }

  /** The server's own certificate. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /**
   * The first name the certificate is valid for (a DNS or IP subject alternative name, else the
   * common name): what a client checking this very certificate can expect it to match.
   */
  public Optional<String> firstName() {
    try {
      Collection<List<?>> names = certificate().getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          int type = (Integer) name.get(0);
          if (type == 2 || type == 7) { // dNSName, iPAddress
            return Optional.of(String.valueOf(name.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // fall back to the common name
    }
    try {
      for (Rdn rdn : new LdapName(certificate().getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return Optional.of(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      // no usable name
    }
    return Optional.empty();
  }

  /** Signs with the key and verifies with the certificate's public key. */
  private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    String algorithm;
    switch (key.getAlgorithm()) {
      case "RSA":
        algorithm = "SHA256withRSA";
        break;
      case "EC":
        algorithm = "SHA256withECDSA";
        break;
      case "EdDSA":
      case "Ed25519":
      case "Ed448":
        algorithm = "EdDSA";
        break;
      default:
        // e.g. RSASSA-PSS: no generic check; the TLS handshake will tell
        return true;
    }
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // e.g. an RSA key for an EC certificate
      return false;
    }
  }

  @Override
  public String toString() {
    X509Certificate own = certificate();
    return "TlsIdentity[" + own.getSubjectX500Principal().getName() + ", valid until " + own.getNotAfter().toInstant()
        + ", from " + certFile + "]";
  }
}
