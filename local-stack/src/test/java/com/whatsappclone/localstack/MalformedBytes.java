package com.whatsappclone.localstack;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Request bodies that are not what a client library would send, for one message type: random
 * bytes, a valid message with flipped bits or cut short, and hand-built encodings that break the
 * wire format where parsers are touchy (invalid UTF-8 in string fields, length prefixes that lie,
 * wire types that do not exist, nesting without end). Each is named, for the failure report.
 */
final class MalformedBytes {

  private static final int LEN = 2;
  private static final int VARINT = 0;
  private static final int START_GROUP = 3;

  private MalformedBytes() {}

  static Map<String, byte[]> of(Descriptor type, byte[] valid, Random random, int randomCount) {
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    for (int i = 0; i < randomCount; i++) {
      byte[] noise = new byte[1 + random.nextInt(i == 0 ? 4096 : 96)];
      random.nextBytes(noise);
      inputs.put("random " + noise.length + " bytes #" + i, noise);
    }
    if (valid.length > 0) {
      for (int i = 0; i < 6; i++) {
        byte[] flipped = valid.clone();
        for (int bit = 0; bit <= i % 3; bit++) {
          int at = random.nextInt(flipped.length * 8);
          flipped[at / 8] ^= (byte) (1 << (at % 8));
        }
        inputs.put("valid message with " + (i % 3 + 1) + " bits flipped #" + i, flipped);
      }
      for (int i = 0; i < 4 && valid.length > 1; i++) {
        int cut = 1 + random.nextInt(valid.length - 1);
        inputs.put("valid message cut to " + cut + " of " + valid.length + " bytes", Arrays.copyOf(valid, cut));
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      fieldInputs(field, inputs);
    }
    inputs.put("tag with field number 0", bytes(0x00));
    inputs.put("tag with wire type 6", concat(varint(1L << 3 | 6), bytes(0x01)));
    inputs.put("tag with wire type 7", concat(varint(1L << 3 | 7), bytes(0x01)));
    inputs.put("end-group without a start", varint(15L << 3 | 4));
    inputs.put("malformed varint as the tag", concat(repeat(0xFF, 10), bytes(0x01)));
    inputs.put("200 nested unknown groups", repeatBytes(varint(15L << 3 | START_GROUP), 200));
    // Well-formed, in fact: an unknown field is kept, not refused. Big, though.
    inputs.put("unknown field 536870911 with 256 KiB of zeros",
        concat(varint(536_870_911L << 3 | LEN), varint(1 << 18), new byte[1 << 18]));
    return inputs;
  }

  private static void fieldInputs(FieldDescriptor field, Map<String, byte[]> inputs) {
    String name = field.getName();
    long number = field.getNumber();
    byte[] lenTag = varint(number << 3 | LEN);
    switch (field.getJavaType()) {
      case STRING:
        inputs.put(name + ": invalid UTF-8 (C3 28)", concat(lenTag, varint(2), bytes(0xC3, 0x28)));
        inputs.put(name + ": invalid UTF-8 (lone FF)", concat(lenTag, varint(3), bytes('a', 0xFF, 'b')));
        inputs.put(name + ": UTF-8-encoded surrogate (ED A0 80)", concat(lenTag, varint(3), bytes(0xED, 0xA0, 0x80)));
        inputs.put(name + ": overlong NUL (C0 80)", concat(lenTag, varint(2), bytes(0xC0, 0x80)));
        break;
      case MESSAGE:
        inputs.put(name + ": garbage inside the nested message", concat(lenTag, varint(3), bytes(0x0F, 0xFF, 0xFF)));
        break;
      default:
        inputs.put(name + ": malformed varint", concat(varint(number << 3 | VARINT), repeat(0xFF, 10), bytes(0x01)));
        inputs.put(name + ": sent as a length-delimited field", concat(lenTag, varint(4), bytes(1, 2, 3, 4)));
        break;
    }
    inputs.put(name + ": length 2^31-1 with 3 bytes", concat(lenTag, varint(Integer.MAX_VALUE), bytes('a', 'b', 'c')));
    inputs.put(name + ": negative length", concat(lenTag, varint(-1L)));
    inputs.put(name + ": length longer than the message", concat(lenTag, varint(100), bytes('a')));
    if (field.getJavaType() != FieldDescriptor.JavaType.STRING && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
        && field.getJavaType() != FieldDescriptor.JavaType.BYTE_STRING) {
      return;
    }
    inputs.put(name + ": sent as a varint", concat(varint(number << 3 | VARINT), varint(7)));
    inputs.put(name + ": sent as a truncated fixed64", concat(varint(number << 3 | 1), bytes(1, 2, 3)));
  }

  static byte[] varint(long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  private static byte[] repeat(int value, int times) {
    byte[] out = new byte[times];
    Arrays.fill(out, (byte) value);
    return out;
  }

  private static byte[] repeatBytes(byte[] part, int times) {
    List<byte[]> parts = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      parts.add(part);
    }
    return concat(parts.toArray(new byte[0][]));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
