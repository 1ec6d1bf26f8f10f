package com.whatsappclone.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The direct peers whose {@code x-forwarded-for} the auth service believes (AUTH_TRUSTED_PROXIES):
 * IP addresses or CIDR ranges. By default the loopback addresses, where the gateway runs in the
 * local stack; in a container network set the gateway's addresses.
 */
final class TrustedProxies {

  static final String DEFAULT = "127.0.0.0/8,::1";
  /** The value that trusts no peer at all. */
  static final String NONE = "none";

  // Only literals: a host name would make the service depend on DNS for every call.
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /** @throws IllegalArgumentException naming the first entry that is not an IP address or range */
  static TrustedProxies parse(String list) {
    if (list.strip().equalsIgnoreCase(NONE)) {
      return new TrustedProxies(List.of());
    }
    List<Range> ranges = new ArrayList<>();
    for (String raw : list.split(",")) {
      String entry = raw.strip();
      if (!entry.isEmpty()) {
        ranges.add(Range.parse(entry));
      }
    }
    return new TrustedProxies(ranges);
  }

  boolean trusts(InetAddress address) {
    return ranges.stream().anyMatch(r -> r.contains(address));
  }

  /** The address of an IP literal ({@code 10.1.2.3}, {@code ::1}), without ever resolving a name. */
  static Optional<InetAddress> literal(String ip) {
    if (ip == null || !IP_LITERAL.matcher(ip).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private record Range(byte[] network, int prefixBits) {

    static Range parse(String entry) {
      int slash = entry.indexOf('/');
      String ip = slash < 0 ? entry : entry.substring(0, slash);
      InetAddress address = literal(ip).orElseThrow(() -> new IllegalArgumentException(
          "'" + entry + "' is not an IP address or CIDR range"));
      int maxBits = address.getAddress().length * 8;
      int bits = maxBits;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > maxBits) {
          throw new IllegalArgumentException("'" + entry + "' has an invalid prefix length");
        }
      }
      return new Range(address.getAddress(), bits);
    }

    boolean contains(InetAddress address) {
      byte[] candidate = address.getAddress();
      if (candidate.length != network.length) {
        return false;
      }
      int fullBytes = prefixBits / 8;
      for (int i = 0; i < fullBytes; i++) {
        if (candidate[i] != network[i]) {
          return false;
        }
      }
      int remainder = prefixBits % 8;
      if (remainder == 0) {
        return true;
      }
      int mask = (0xFF << (8 - remainder)) & 0xFF;
      return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
    }
  }
}
