package com.whatsappclone.common.grpc;

import io.grpc.Metadata;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code x-request-id} a call is logged under, in every service it passes through.
 *
 * <p>A client's value is used only when it is 1-64 characters of {@code [A-Za-z0-9._:-]}: enough
 * for UUIDs, ULIDs and trace ids, and nothing a log line could be forged with (a client sending
 * {@code "x rpc=GetMe code=OK user=..."} would otherwise write fields of the RPC log line), nor
 * kilobytes of padding. Anything else, and a missing id, is replaced by a new random UUID, so every
 * call still has an id to follow through the logs.
 */
public final class RequestIds {

  public static final Metadata.Key<String> KEY = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private RequestIds() {}

  /** The call's id: its (last) {@code x-request-id} if acceptable, else a new one. */
  public static String of(Metadata headers) {
    return acceptOrGenerate(headers.get(KEY));
  }

  /** {@code candidate} if acceptable, else a new id. */
  public static String acceptOrGenerate(String candidate) {
    return isAcceptable(candidate) ? candidate : UUID.randomUUID().toString();
  }

  public static boolean isAcceptable(String candidate) {
    return candidate != null && ACCEPTED.matcher(candidate).matches();
  }
}
