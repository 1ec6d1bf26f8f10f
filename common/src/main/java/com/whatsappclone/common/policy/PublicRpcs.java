package com.whatsappclone.common.policy;

import com.whatsappclone.proto.auth.AuthServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which gRPC methods need no access token, named through the generated descriptors so that a
 * renamed or removed RPC fails the build instead of silently changing who may call what.
 * {@link com.whatsappclone.common.auth.PublicMethods} matches calls against {@link #PATTERNS}.
 */
public final class PublicRpcs {

  /**
   * The original's six AuthService RPCs are public by contract (docs/API.md, "Authentication");
   * RPCs added to AuthService later (GetMe, ListDevices...) act on the caller and need a token.
   */
  public static final List<MethodDescriptor<?, ?>> AUTH_METHODS = List.of(
      AuthServiceGrpc.getSendOTPMethod(),
      AuthServiceGrpc.getVerifyOTPMethod(),
      AuthServiceGrpc.getValidateTokenMethod(),
      AuthServiceGrpc.getRefreshTokenMethod(),
      AuthServiceGrpc.getRevokeCurrentDeviceMethod(),
      AuthServiceGrpc.getLogoutAllDevicesMethod());

  /**
   * Whole services without a token: health checks and server reflection, so that load balancers,
   * Postman and grpcurl can probe and discover every service. Reflection is matched by its package
   * prefix, which covers both versions served (v1 and v1alpha).
   */
  public static final List<String> SERVICE_PREFIXES = List.of(
      HealthGrpc.SERVICE_NAME + "/",
      "grpc.reflection.");

  /** {@link #AUTH_METHODS} as full method names, and {@link #SERVICE_PREFIXES} ending in {@code *}. */
  public static final List<String> PATTERNS = Stream.concat(
      AUTH_METHODS.stream().map(MethodDescriptor::getFullMethodName),
      SERVICE_PREFIXES.stream().map(prefix -> prefix + "*")).toList();

  private PublicRpcs() {
  }
}
