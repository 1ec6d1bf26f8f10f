package com.whatsappclone.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

class ForwardedMetadataTest {

  private static Metadata.Key<String> ascii(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  @Test
  void requestKeepsApplicationMetadataAndDropsTransportHeaders() {
    Metadata incoming = new Metadata();
    incoming.put(ascii("authorization"), "Bearer t");
    incoming.put(ascii("x-app"), "1");
    incoming.put(ascii("user-agent"), "grpc-java");
    incoming.put(ascii("te"), "trailers");
    incoming.put(ascii("grpc-accept-encoding"), "gzip");
    incoming.put(ascii("x-forwarded-for"), "6.6.6.6");
    incoming.put(ForwardedMetadata.X_REQUEST_ID, "r-1");
    incoming.put(ascii("x-client-address"), "6.6.6.6");
    incoming.put(ascii("x-client-address-signature"), "forged");

    Metadata out = ForwardedMetadata.request(incoming, "10.1.2.3");

    assertThat(out.keys()).containsExactlyInAnyOrder("authorization", "x-app", "x-forwarded-for", "x-request-id");
    assertThat(out.getAll(ascii("x-forwarded-for"))).containsExactly("10.1.2.3");
    assertThat(out.get(ForwardedMetadata.X_REQUEST_ID)).isEqualTo("r-1");
  }

  @Test
  void trailersKeepRichErrorDetailsButNoOtherReservedKey() {
    Metadata fromBackend = new Metadata();
    Metadata.Key<byte[]> details = Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);
    fromBackend.put(details, new byte[] {8, 5});
    fromBackend.put(ascii("grpc-foo"), "x");
    fromBackend.put(ascii("x-app"), "2");

    Metadata trailers = ForwardedMetadata.trailers(fromBackend);
    Metadata headers = ForwardedMetadata.responseHeaders(fromBackend);

    assertThat(trailers.keys()).containsExactlyInAnyOrder("grpc-status-details-bin", "x-app");
    assertThat(trailers.get(details)).containsExactly(8, 5);
    assertThat(headers.keys()).containsExactly("x-app");
  }

  @Test
  void requestIdThatWouldForgeLogFieldsIsReplacedAndOnlyOneIsSent() {
    Metadata incoming = new Metadata();
    incoming.put(ForwardedMetadata.X_REQUEST_ID, "ok-1");
    incoming.put(ForwardedMetadata.X_REQUEST_ID, "INJ1 rpc=GetMe code=OK");

    Metadata out = ForwardedMetadata.request(incoming, "10.1.2.3");

    assertThat(out.getAll(ForwardedMetadata.X_REQUEST_ID)).singleElement()
        .satisfies(id -> assertThat(java.util.UUID.fromString(id)).hasToString(id));
  }
}
