package com.whatsappclone.localstack;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Well-formed requests with hostile field values, built from a message's descriptor: each one
 * makes one field hostile and gives every other field a valid value, so that the hostile value gets
 * past the checks of the fields before it and reaches the code (and the SQL) behind them.
 */
final class HostileMessages {

  private static final int MAX_DEPTH = 3;

  private final Function<FieldDescriptor, Object> valid;
  private final Random random;

  /** @param valid a valid value for a field (one element for a repeated field), or null for none */
  HostileMessages(Function<FieldDescriptor, Object> valid, Random random) {
    this.valid = valid;
    this.random = random;
  }

  /** The empty message, the valid one, then one message per (field, hostile value). */
  List<DynamicMessage> of(Descriptor type) {
    List<DynamicMessage> messages = new ArrayList<>();
    messages.add(DynamicMessage.getDefaultInstance(type));
    messages.add(base(type, 0).build());
    for (DynamicMessage.Builder builder : oneFieldHostile(type, 0)) {
      messages.add(builder.build());
    }
    return messages;
  }

  /** Every field that has a valid value gets it; members of a oneof are left for variants to set. */
  DynamicMessage.Builder base(Descriptor type, int depth) {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
    for (FieldDescriptor field : type.getFields()) {
      if (field.getRealContainingOneof() != null) {
        continue;
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (depth < MAX_DEPTH && !field.isRepeated()) {
          builder.setField(field, base(field.getMessageType(), depth + 1).build());
        }
        continue;
      }
      Object value = valid.apply(field);
      if (value == null) {
        continue;
      }
      if (field.isRepeated()) {
        builder.addRepeatedField(field, value);
      } else {
        builder.setField(field, value);
      }
    }
    return builder;
  }

  private List<DynamicMessage.Builder> oneFieldHostile(Descriptor type, int depth) {
    List<DynamicMessage.Builder> variants = new ArrayList<>();
    for (FieldDescriptor field : type.getFields()) {
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (depth < MAX_DEPTH) {
          for (DynamicMessage.Builder nested : oneFieldHostile(field.getMessageType(), depth + 1)) {
            variants.add(with(type, depth, field, nested.build()));
          }
        }
        continue;
      }
      for (Object value : HostileValues.of(field, random)) {
        variants.add(with(type, depth, field, field.isRepeated() ? List.of(value) : value));
      }
      if (field.isRepeated()) {
        for (List<Object> list : HostileValues.lists(field, valid.apply(field), random)) {
          variants.add(with(type, depth, field, list));
        }
      }
    }
    return variants;
  }

  private DynamicMessage.Builder with(Descriptor type, int depth, FieldDescriptor field, Object value) {
    DynamicMessage.Builder builder = base(type, depth);
    if (field.isRepeated() && !(value instanceof List)) {
      builder.clearField(field).addRepeatedField(field, value);
    } else {
      builder.setField(field, value);
    }
    return builder;
  }
}
