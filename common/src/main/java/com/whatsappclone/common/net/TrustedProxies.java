package com.whatsappclone.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The direct peers (load balancers, ingress proxies) in front of the gateway whose
 * {@code x-forwarded-for} it believes (GATEWAY_TRUSTED_PROXIES): comma-separated IP addresses or
 * CIDR ranges ({@code 10.0.0.0/8, 192.168.1.7, fd00::/8}), or {@code none}. A client could otherwise
 * claim any address and dodge the per-IP limits. Backends do not use this: they believe only the
 * client address the gateway signed ({@link ClientAddressSignature}).
 */
public final class TrustedProxies {

  /** The value that trusts no peer at all (as does an empty list). */
  public static final String NONE = "none";

  // Only literals: a host name here would make the service depend on DNS at start-up and per call.
  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  /**
   * @param list comma-separated IP addresses and CIDR ranges; empty or {@link #NONE} trusts no one
   * @throws IllegalArgumentException naming the first entry that is not an IP address or CIDR range
   */
  public static TrustedProxies parse(String list) {
    if (list.strip().equalsIgnoreCase(NONE)) {
      return none();
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

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether {@code ip}, an IP literal, is a trusted proxy; never for a host name or null. */
  public boolean trusts(String ip) {
    Optional<InetAddress> address = literal(ip);
    return address.isPresent() && trusts(address.get());
  }

  public boolean trusts(InetAddress address) {
    return ranges.stream().anyMatch(r -> r.contains(address));
  }

  /**
   * The client in an {@code x-forwarded-for} chain that a trusted peer passed on: its right-most
   * address that is not itself a trusted proxy (each proxy appends the address it saw, so addresses
   * further left may be made up by the client). An entry that is not an IP literal ends the walk, so
   * a made-up entry never becomes a fresh rate-limit key. When every entry walked is a trusted proxy
   * (a client on a proxy's own machine), the left-most of them.
   *
   * @param chain the entries, left to right, already split at commas and stripped; entries may carry
   *              a port ({@code 1.2.3.4:5678}, {@code [::1]:5678})
   * @return the client's address, normalised as {@link InetAddress#getHostAddress()} writes it
   */
  public Optional<String> forwardedClient(List<String> chain) {
    String leftMostProxy = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      Optional<InetAddress> address = literal(withoutPort(chain.get(i)));
      if (address.isEmpty()) {
        break;
      }
      if (!trusts(address.get())) {
        return Optional.of(address.get().getHostAddress());
      }
      leftMostProxy = address.get().getHostAddress();
    }
    return Optional.ofNullable(leftMostProxy);
  }

  /** The address of an IP literal ({@code 10.1.2.3}, {@code ::1}), without ever resolving a name. */
  private static Optional<InetAddress> literal(String ip) {
    if (ip == null || !IP_LITERAL.matcher(ip).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** {@code 1.2.3.4:5678} and {@code [::1]:5678}: some proxies write the port too. */
  private static String withoutPort(String entry) {
    if (entry.startsWith("[")) {
      int end = entry.indexOf(']');
      return end > 0 ? entry.substring(1, end) : entry;
    }
    int colon = entry.indexOf(':');
    return colon > 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
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
