package com.whatsappclone.common.net;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads certificates and private keys from PEM files with the JDK alone (no BouncyCastle).
 *
 * <p>Private keys may be PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519), PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}, with or without a
 * {@code BEGIN EC PARAMETERS} block), which is what {@code openssl req}, {@code openssl genrsa},
 * {@code openssl ecparam -genkey}, certbot and most CAs write. Encrypted keys are refused with a
 * message saying how to decrypt them: the services have no passphrase setting.
 *
 * <p>Every failure is an {@link IllegalArgumentException} whose message names the file and says
 * what is wrong, for the start-up error.
 */
public final class PemFiles {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);

  private static final byte[] OID_RSA_ENCRYPTION = oid(0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01);
  private static final byte[] OID_EC_PUBLIC_KEY = oid(0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01);
  private static final byte[] DER_NULL = {0x05, 0x00};
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

  private PemFiles() {}

  /** One PEM block: its label ({@code CERTIFICATE}, {@code PRIVATE KEY}, ...) and DER bytes. */
  record Block(String label, byte[] der, boolean encryptedHeader) {}

  /**
   * Every certificate in {@code file}, in file order (a server's chain: its own first, then the
   * intermediates). Blocks of other kinds are skipped.
   */
  public static List<X509Certificate> certificates(Path file) {
    List<Block> blocks = blocks(file);
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks) {
        if (block.label().equals("CERTIFICATE") || block.label().equals("TRUSTED CERTIFICATE")
            || block.label().equals("X509 CERTIFICATE")) {
          certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException(file + " holds a certificate that cannot be read: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----; DER and PKCS#12"
          + " files are not supported)");
    }
    return List.copyOf(certificates);
  }

  /** The (first) private key in {@code file}. */
  public static PrivateKey privateKey(Path file) {
    List<Block> blocks = blocks(file);
    byte[] ecParameters = null;
    for (Block block : blocks) {
      if (block.label().equals("EC PARAMETERS")) {
        ecParameters = block.der();
      }
    }
    for (Block block : blocks) {
      String label = block.label();
      if (label.equals("ENCRYPTED PRIVATE KEY") || (label.endsWith("PRIVATE KEY") && block.encryptedHeader())) {
        throw new IllegalArgumentException(file + " holds an encrypted private key, which is not supported;"
            + " decrypt it (openssl pkcs8 -topk8 -nocrypt -in encrypted.key -out plain.key) and protect the"
            + " file by its permissions instead");
      }
      try {
        switch (label) {
          case "PRIVATE KEY":
            return pkcs8(block.der(), file);
          case "RSA PRIVATE KEY":
            return pkcs8(Der.sequence(Der.integer0(), Der.sequence(OID_RSA_ENCRYPTION, DER_NULL),
                Der.octetString(block.der())), file);
          case "EC PRIVATE KEY":
            return pkcs8(Der.sequence(Der.integer0(), Der.sequence(OID_EC_PUBLIC_KEY, curveOf(block.der(), ecParameters, file)),
                Der.octetString(block.der())), file);
          default:
            if (label.endsWith("PRIVATE KEY")) {
              throw new IllegalArgumentException(file + " holds a " + label + ", which is not supported; use"
                  + " PKCS#8 (openssl pkcs8 -topk8 -nocrypt -in that.key -out server.key)");
            }
        }
      } catch (Der.MalformedException e) {
        throw new IllegalArgumentException(file + " holds a " + label + " that cannot be read: " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----,"
        + " -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----; DER and PKCS#12 files are not"
        + " supported)");
  }

  static List<Block> blocks(Path file) {
    String text;
    try {
      // Latin-1 never fails: a binary (DER, PKCS#12) file simply has no PEM blocks.
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(file + " does not exist", e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new IllegalArgumentException(file + " cannot be read (permission denied)", e);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " cannot be read: " + e, e);
    }
    List<Block> blocks = new ArrayList<>();
    Matcher matcher = BLOCK.matcher(text);
    while (matcher.find()) {
      StringBuilder base64 = new StringBuilder();
      boolean encrypted = false;
      for (String line : matcher.group(2).split("\\R")) {
        String trimmed = line.strip();
        if (trimmed.contains(":")) {
          // RFC 1421 headers of traditional OpenSSL keys, e.g. "Proc-Type: 4,ENCRYPTED"
          encrypted |= trimmed.toUpperCase(Locale.ROOT).contains("ENCRYPTED");
        } else {
          base64.append(trimmed);
        }
      }
      try {
        blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(base64.toString()), encrypted));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " has a " + matcher.group(1) + " block that is not valid base64", e);
      }
    }
    return blocks;
  }

  private static PrivateKey pkcs8(byte[] der, Path file) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(file + " holds a private key of an unsupported kind or a damaged one"
        + " (RSA, EC and Ed25519 keys are supported)");
  }

  /** The named-curve OID of a SEC1 key: its own [0] parameters, else the file's EC PARAMETERS. */
  private static byte[] curveOf(byte[] sec1, byte[] ecParameters, Path file) throws Der.MalformedException {
    Der.Reader key = new Der.Reader(sec1).enter(0x30);
    key.next(0x02); // version
    key.next(0x04); // the private key
    while (key.hasMore()) {
      Der.Tlv field = key.nextAny();
      if (field.tag() == 0xA0) {
        return new Der.Reader(field.value()).nextAny().encoded();
      }
    }
    if (ecParameters != null) {
      Der.Tlv parameters = new Der.Reader(ecParameters).nextAny();
      if (parameters.tag() == 0x06) {
        return parameters.encoded();
      }
    }
    throw new IllegalArgumentException(file + " holds an EC key without a named curve; write it as PKCS#8"
        + " (openssl pkcs8 -topk8 -nocrypt -in ec.key -out server.key)");
  }

  private static byte[] oid(int... content) {
    byte[] encoded = new byte[content.length + 2];
    encoded[0] = 0x06;
    encoded[1] = (byte) content.length;
    for (int i = 0; i < content.length; i++) {
      encoded[i + 2] = (byte) content[i];
    }
    return encoded;
  }

  /** Just enough DER to wrap PKCS#1 and SEC1 keys into PKCS#8 and to find a SEC1 key's curve. */
  static final class Der {
    private Der() {}

    static final class MalformedException extends Exception {
      private static final long serialVersionUID = 1L;

      MalformedException(String message) {
        super(message);
      }
    }

    record Tlv(int tag, byte[] value, byte[] encoded) {}

    static byte[] integer0() {
      return new byte[] {0x02, 0x01, 0x00};
    }

    static byte[] sequence(byte[]... parts) {
      return tagged(0x30, concat(parts));
    }

    static byte[] octetString(byte[] content) {
      return tagged(0x04, content);
    }

    private static byte[] tagged(int tag, byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
      out.write(tag);
      int length = content.length;
      if (length < 0x80) {
        out.write(length);
      } else {
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
          out.write((length >>> (8 * i)) & 0xFF);
        }
      }
      out.writeBytes(content);
      return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (byte[] part : parts) {
        out.writeBytes(part);
      }
      return out.toByteArray();
    }

    static final class Reader {
      private final byte[] data;
      private int position;

      Reader(byte[] data) {
        this.data = data;
      }

      boolean hasMore() {
        return position < data.length;
      }

      /** The content of the next element, which must have this tag, as a reader of its own. */
      Reader enter(int tag) throws MalformedException {
        return new Reader(next(tag).value());
      }

      Tlv next(int tag) throws MalformedException {
        Tlv tlv = nextAny();
        if (tlv.tag() != tag) {
          throw new MalformedException("unexpected DER tag " + tlv.tag() + " (wanted " + tag + ")");
        }
        return tlv;
      }

      Tlv nextAny() throws MalformedException {
        int start = position;
        if (data.length - position < 2) {
          throw new MalformedException("truncated DER");
        }
        int tag = data[position++] & 0xFF;
        int length = data[position++] & 0xFF;
        if (length >= 0x80) {
          int bytes = length & 0x7F;
          if (bytes == 0 || bytes > 3 || data.length - position < bytes) {
            throw new MalformedException("unsupported DER length");
          }
          length = 0;
          for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (data[position++] & 0xFF);
          }
        }
        if (length > data.length - position) {
          throw new MalformedException("truncated DER");
        }
        byte[] value = java.util.Arrays.copyOfRange(data, position, position + length);
        position += length;
        return new Tlv(tag, value, java.util.Arrays.copyOfRange(data, start, position));
      }
    }
  }
}
