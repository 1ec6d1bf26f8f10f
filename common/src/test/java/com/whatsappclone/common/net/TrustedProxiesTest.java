package com.whatsappclone.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  @Test
  void cidrRangesAndSingleAddressesAreTrusted() {
    TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7 ,fd00::/8");

    assertThat(proxies.trusts("10.200.3.4")).isTrue();
    assertThat(proxies.trusts("192.168.1.7")).isTrue();
    assertThat(proxies.trusts("fd12:3456::1")).isTrue();
    assertThat(proxies.trusts("11.0.0.1")).isFalse();
    assertThat(proxies.trusts("192.168.1.8")).isFalse();
    assertThat(proxies.trusts("fe80::1")).isFalse();
  }

  @Test
  void prefixThatIsNotAWholeByteMatchesOnlyItsBits() {
    TrustedProxies proxies = TrustedProxies.parse("172.16.0.0/12");

    assertThat(proxies.trusts("172.31.255.255")).isTrue();
    assertThat(proxies.trusts("172.32.0.0")).isFalse();
  }

  @Test
  void nothingIsTrustedByDefaultNorWhatIsNoAddress() {
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
    assertThat(TrustedProxies.none().trusts("127.0.0.1")).isFalse();
    assertThat(TrustedProxies.parse("127.0.0.1").trusts("localhost")).isFalse();
    assertThat(TrustedProxies.parse("127.0.0.1").trusts((String) null)).isFalse();
  }

  @Test
  void noneTrustsNoPeer() {
    assertThat(TrustedProxies.parse("none").isEmpty()).isTrue();
    assertThat(TrustedProxies.parse(" NONE ").isEmpty()).isTrue();
    assertThat(TrustedProxies.parse("none").trusts("127.0.0.1")).isFalse();
  }

  @Test
  void hostNamesAndBadPrefixesAreRefused() {
    assertThatThrownBy(() -> TrustedProxies.parse("lb.internal"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lb.internal");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
  }

  // How the client is found in an x-forwarded-for chain that a trusted proxy passed on.

  private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");

  @Test
  void clientIsTheRightMostAddressThatIsNotAProxy() {
    assertThat(proxies.forwardedClient(List.of("6.6.6.6", "198.51.100.7", "10.0.0.2")))
        .contains("198.51.100.7");
  }

  @Test
  void portsWrittenByProxiesAreIgnored() {
    assertThat(proxies.forwardedClient(List.of("198.51.100.7:4444"))).contains("198.51.100.7");
    // Normalised the way peer addresses are, so one client has one key however it is written.
    assertThat(proxies.forwardedClient(List.of("[2001:db8::1]:4444")))
        .contains("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void madeUpEntryEndsTheWalkInsteadOfBecomingAKey() {
    assertThat(proxies.forwardedClient(List.of("198.51.100.7", "not-an-address"))).isEmpty();
    assertThat(proxies.forwardedClient(List.of("not-an-address", "10.0.0.3"))).contains("10.0.0.3");
  }
}
