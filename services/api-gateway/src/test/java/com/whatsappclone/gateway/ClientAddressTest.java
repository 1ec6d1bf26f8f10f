package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the client is found in an x-forwarded-for chain that a trusted proxy passed on. */
class ClientAddressTest {

  private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8");

  @Test
  void clientIsTheRightMostAddressThatIsNotAProxy() {
    assertThat(ClientAddressInterceptor.forwardedClient(List.of("6.6.6.6", "198.51.100.7", "10.0.0.2"), proxies))
        .contains("198.51.100.7");
  }

  @Test
  void portsWrittenByProxiesAreIgnored() {
    assertThat(ClientAddressInterceptor.forwardedClient(List.of("198.51.100.7:4444"), proxies)).contains("198.51.100.7");
    // Normalised the way peer addresses are, so one client has one key however it is written.
    assertThat(ClientAddressInterceptor.forwardedClient(List.of("[2001:db8::1]:4444"), proxies))
        .contains("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void madeUpEntryEndsTheWalkInsteadOfBecomingAKey() {
    assertThat(ClientAddressInterceptor.forwardedClient(List.of("198.51.100.7", "not-an-address"), proxies)).isEmpty();
    assertThat(ClientAddressInterceptor.forwardedClient(List.of("not-an-address", "10.0.0.3"), proxies)).contains("10.0.0.3");
  }
}
