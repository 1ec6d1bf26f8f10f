package com.whatsappclone.gateway;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a message through as its serialized bytes: the gateway never parses what it forwards, so
 * it serves fields, messages and RPCs it has never heard of.
 */
enum ByteMarshaller implements MethodDescriptor.Marshaller<byte[]> {
  INSTANCE;

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try (stream) {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("could not read a message").withCause(e).asRuntimeException();
    }
  }
}
