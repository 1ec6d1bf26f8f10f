package com.whatsappclone.gateway;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The direct peers (load balancers, ingress proxies) whose {@code x-forwarded-for} the gateway
 * believes, from GATEWAY_TRUSTED_PROXIES: comma-separated IP addresses or CIDR ranges
 * ({@code 10.0.0.0/8, 192.168.1.7, fd00::/8}). Empty by default: a client talking to the gateway
 * directly could otherwise claim any address and dodge the per-IP limits of the gateway and of the
 * backends (OTP).
 */
public final class TrustedProxies {

  // Only literals: a host name here would make the gateway depend on DNS at start-up.
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  /** @throws IllegalArgumentException naming the first entry that is not an IP address or CIDR range */
  public static TrustedProxies parse(String list) {
    List<Range> ranges = new ArrayList<>();
    for (String raw : list.split(",")) {
      String entry = raw.strip();
      if (!entry.isEmpty()) {
        ranges.add(Range.parse(entry));
      }
    }
    return new TrustedProxies(ranges);
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  public boolean trusts(String ip) {
    Optional<InetAddress> address = literal(ip);
    return address.isPresent() && trusts(address.get());
  }

  public boolean trusts(InetAddress address) {
    return ranges.stream().anyMatch(r -> r.contains(address));
  }

  /** The address of an IP literal, without ever resolving a name. */
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
