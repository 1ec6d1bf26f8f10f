package com.whatsappclone.common.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.whatsappclone.common.auth.PublicMethods;
import com.whatsappclone.common.config.ConnectionLimits;
import com.whatsappclone.common.config.Settings;
import com.whatsappclone.proto.auth.AuthServiceGrpc;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The policy is the one place the limits come from, and configs/README.md documents all of it. */
class PolicyTest {

  @Test
  void publicAuthMethodsAreMethodsOfTheAuthServiceAndNothingElseOfItIsPublic() {
    List<String> authMethods = AuthServiceGrpc.getServiceDescriptor().getMethods().stream()
        .map(MethodDescriptor::getFullMethodName).toList();
    List<String> declared = PublicRpcs.AUTH_METHODS.stream().map(MethodDescriptor::getFullMethodName).toList();

    assertThat(authMethods).containsAll(declared);
    assertThat(declared).hasSize(6);
    PublicMethods defaults = PublicMethods.defaults();
    assertThat(authMethods.stream().filter(defaults::isPublic).toList()).containsExactlyInAnyOrderElementsOf(declared);
    assertThat(defaults.isPublic(Caps.CONNECT_METHOD)).isFalse();
  }

  @Test
  void everySettingOfThePolicyIsDocumentedWithItsDefault() throws IOException {
    String doc = Files.readString(Path.of("..", "configs", "README.md"));
    List<String> rows = doc.lines().filter(line -> line.startsWith("| `")).toList();
    List<String> missing = new ArrayList<>();
    for (RateLimitRule rule : RateLimits.ALL) {
      String refillDefault = rule.refill() == RateLimitRule.Refill.GRADUAL
          ? String.valueOf(rule.refillTokens()) : compact(rule.refillPeriod());
      requireRow(rows, rule.capacitySetting(), String.valueOf(rule.capacity()), missing);
      requireRow(rows, rule.refillSetting(), refillDefault, missing);
    }
    for (Cap cap : Caps.ALL) {
      requireRow(rows, cap.setting(), String.valueOf(cap.value()), missing);
      cap.olderSetting().ifPresent(older -> requireRow(rows, older, String.valueOf(cap.value()), missing));
    }
    assertThat(missing).as("settings without a row naming them and their default").isEmpty();
  }

  @Test
  void settingsOverrideTheDefaultsAndTheOlderNameIsReadWhenTheNewOneIsUnset() {
    assertThat(ConnectionLimits.from(Settings.of(Map.of())))
        .isEqualTo(new ConnectionLimits(5, 200, 20, 200));
    assertThat(ConnectionLimits.from(Settings.of(Map.of("GATEWAY_MAX_CONNECT_STREAMS_PER_USER", "7"))).maxPerUser())
        .isEqualTo(7);
    assertThat(ConnectionLimits.from(Settings.of(Map.of("GATEWAY_MAX_CONNECT_STREAMS_PER_USER", "7",
        "MAX_CONNECTIONS_PER_USER", "3"))).maxPerUser()).isEqualTo(3);
    assertThat(RateLimits.CHAT_SEND_PER_USER.refillPerSecond(Settings.of(Map.of("CHAT_SEND_RATE_PER_SECOND", "9"))))
        .isEqualTo(9);
  }

  /** A table row whose first cell names {@code setting} and whose second cell holds {@code value}. */
  private static void requireRow(List<String> rows, String setting, String value, List<String> missing) {
    boolean found = rows.stream().anyMatch(row -> {
      String[] cells = row.split("\\|");
      if (cells.length < 3) {
        return false;
      }
      List<String> names = List.of(cells[1].replace("`", "").trim().split("\\s*/\\s*"));
      List<String> values = List.of(cells[2].trim().split("\\s*/\\s*"));
      int at = names.indexOf(setting);
      return at >= 0 && (values.size() == names.size() ? values.get(at) : values.get(0)).equals(value);
    });
    if (!found) {
      missing.add(setting + " = " + value);
    }
  }

  private static String compact(java.time.Duration duration) {
    return duration.toHours() > 0 && duration.toMinutes() % 60 == 0 ? duration.toHours() + "h"
        : duration.toMinutes() + "m";
  }
}
