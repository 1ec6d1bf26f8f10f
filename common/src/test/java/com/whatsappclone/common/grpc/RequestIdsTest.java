package com.whatsappclone.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  private static Metadata withId(String id) {
    Metadata headers = new Metadata();
    headers.put(RequestIds.KEY, id);
    return headers;
  }

  private static void assertReplaced(String forged) {
    String id = RequestIds.of(withId(forged));

    assertThat(id).isNotEqualTo(forged);
    assertThat(UUID.fromString(id)).hasToString(id);
  }

  @Test
  void validClientIdsAreKept() {
    for (String valid : new String[] {"r-1", "0190b7c2-5e1a-7c3d-9f00-1a2b3c4d5e6f", "01HZX3K9Q7W2B4N6M8P0R5T1V3",
        "trace:span.42_x", "a".repeat(64)}) {
      assertThat(RequestIds.of(withId(valid))).isEqualTo(valid);
    }
  }

  @Test
  void idThatWouldForgeLogFieldsIsReplacedByANewUuid() {
    assertReplaced("INJ1 rpc=GetMe code=OK user=00000000-0000-0000-0000-000000000000");
  }

  @Test
  void oversizeOddOrEmptyIdsAreReplaced() {
    assertReplaced("a".repeat(65));
    assertReplaced("x".repeat(4096));
    assertReplaced("");
    assertReplaced("id\twith\ttabs");
    assertReplaced("quote\"d");
    assertReplaced("a=b");
  }

  @Test
  void missingIdIsGenerated() {
    String id = RequestIds.of(new Metadata());

    assertThat(UUID.fromString(id)).hasToString(id);
  }
}
