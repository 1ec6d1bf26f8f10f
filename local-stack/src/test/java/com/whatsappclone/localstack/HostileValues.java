package com.whatsappclone.localstack;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Field values a hostile client sends: well-formed protobuf, meaningless or dangerous content. */
final class HostileValues {

  /** Every string field gets each of these (with its other fields valid). */
  static final List<String> STRINGS = List.of(
      "",
      " ",
      "x".repeat(10_000),
      "\u0000",
      "a\u0000b",
      "\u0001\u0007\b\u000b\u000c\u001b[31mred\u001b[0m",
      "line\nbreak\r\nand\ttab",
      "\u202Egnp.exe",                         // right-to-left override
      "\u200B\u200D\uFEFF",                    // zero-width characters and a BOM
      "e\u0301\u0301\u0301\u0301\u0301",       // stacked combining marks
      "\uD83D\uDE00".repeat(2_000),            // 2,000 emoji: 8,000 UTF-8 bytes
      "\uD800",                                // an unpaired surrogate (sent as '?')
      "' OR '1'='1",
      "'; DROP TABLE users; --",
      "%_\\%",
      "not-a-uuid",
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
      "0190b7c2-5e1a-7c3d-9f00-1a2b3c4d5e6f-extra",
      "{0190b7c2-5e1a-7c3d-9f00-1a2b3c4d5e6f}",
      "../../../etc/passwd",
      "<script>alert(1)</script>",
      "${jndi:ldap://example.invalid/a}",
      "javascript:alert(1)",
      "http://",
      "https://" + "a".repeat(5_000) + ".example",
      "+",
      "+999999999999999999999999",
      "-1",
      "9223372036854775808",
      "NaN");

  private HostileValues() {}

  /** Single hostile values for a field of this type (one element per value for repeated fields). */
  static List<Object> of(FieldDescriptor field, Random random) {
    switch (field.getJavaType()) {
      case STRING:
        return new ArrayList<>(STRINGS);
      case INT:
        return List.of(0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case LONG:
        return List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE);
      case BOOLEAN:
        return List.of(true, false);
      case FLOAT:
        return List.of(Float.NaN, Float.NEGATIVE_INFINITY, -0.0f);
      case DOUBLE:
        return List.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0);
      case BYTE_STRING:
        byte[] noise = new byte[1024];
        random.nextBytes(noise);
        return List.of(ByteString.EMPTY, ByteString.copyFrom(noise), ByteString.copyFrom(new byte[] {(byte) 0xC3, 0x28}));
      case ENUM:
        // Proto3 enums are open: numbers nobody declared are sent and kept as they are.
        return List.of(field.getEnumType().findValueByNumberCreatingIfUnknown(999),
            field.getEnumType().findValueByNumberCreatingIfUnknown(-1));
      default:
        return List.of();
    }
  }

  /** Whole hostile lists for a repeated string field: huge, duplicated, full of strangers. */
  static List<List<Object>> lists(FieldDescriptor field, Object valid, Random random) {
    List<List<Object>> lists = new ArrayList<>();
    if (field.getJavaType() != FieldDescriptor.JavaType.STRING) {
      return lists;
    }
    lists.add(Collections.nCopies(1_000, "not-a-uuid"));
    List<Object> strangers = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      strangers.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    lists.add(strangers);
    if (valid != null) {
      lists.add(Collections.nCopies(50, valid));
    }
    return lists;
  }
}
