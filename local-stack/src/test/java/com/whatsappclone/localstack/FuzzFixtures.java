package com.whatsappclone.localstack;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.whatsappclone.proto.auth.PushPlatform;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Real things of the fuzzing user (alice): a one-to-one conversation and a group with bob, a
 * message, a status; and for each request field, by name, a value that passes its checks, so that
 * a hostile value in another field gets as deep as it can.
 *
 * <p>Tokens and session ids get no valid value on purpose: a fuzz case that rotated or revoked
 * alice's own session would fuzz her out of the system.
 */
record FuzzFixtures(String aliceId, String bobId, String oneToOneId, String groupId, String messageId,
    String statusId, String phone) {

  /** By full field name first (where the same name means different things), then by short name. */
  Object valid(FieldDescriptor field, Random random) {
    Map<String, Object> byFullName = Map.of(
        // Empty or the caller's own id; bob's would make every CreateStatus a PERMISSION_DENIED.
        "status.CreateStatusRequest.user_id", aliceId,
        "proto.Ping.timestamp", 42L,
        "chat.ListMessagesRequest.limit", 10,
        // A push token (valid for FCM and APNs alike) only says where to push; it is no credential
        // of alice's session, so hostile topics and platforms get past the token's checks.
        "auth.RegisterPushTokenRequest.platform", PushPlatform.PUSH_PLATFORM_APNS.getValueDescriptor(),
        "auth.RegisterPushTokenRequest.token", "ab".repeat(32));
    Object value = byFullName.get(field.getFullName());
    if (value != null) {
      return value;
    }
    switch (field.getName()) {
      case "conversation_id":
        return List.of(oneToOneId, groupId).get(random.nextInt(2));
      case "user_id":
      case "user_ids":
      case "participant_ids":
        return bobId;
      case "message_id":
      case "before_message_id":
        return messageId;
      case "status_id":
        return statusId;
      case "phone_number":
        return phone;
      case "otp_code":
        return "123456";
      case "device_id":
        return "fuzz-device";
      case "device_type":
        return "mobile";
      case "content":
        return "hello from the fuzzer";
      case "content_type":
        return "text";
      case "group_name":
      case "display_name":
        return "Fuzz";
      case "about_text":
        return "about the fuzzer";
      case "profile_picture_url":
        return "https://example.com/fuzz.png";
      case "client_message_id":
        return "fuzz-" + random.nextInt(1_000_000);
      default:
        return null;
    }
  }
}
