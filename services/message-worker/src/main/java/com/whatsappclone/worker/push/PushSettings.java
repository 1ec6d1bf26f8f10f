package com.whatsappclone.worker.push;

import com.whatsappclone.common.config.Settings;
import java.time.Duration;

/**
 * How the worker pushes (configs/README.md, "Push notifications"). Which providers are on is
 * {@link PushProviders}' business; these say when and how often.
 *
 * @param groupId the Kafka consumer group reading {@code messages.stored} for push, apart from the
 *     worker's own, so a slow provider never holds back storing
 * @param showContent whether a notification carries the message text (default off: "New message")
 * @param ackGrace how long a device with a live connection has to acknowledge before it is pushed
 *     anyway (an app in the background whose socket the phone keeps open but frozen)
 * @param perDevicePerMinute pushes one device gets at most per minute; more wait, collapsed
 * @param maxPending notifications waiting to go out (collapsed per device and conversation);
 *     beyond it the consumer pauses instead of growing
 * @param maxGraceChecks connected sessions waiting for their {@code ackGrace} check; beyond it the
 *     oldest check is dropped (its device is connected and most likely has the message)
 * @param maxInFlight requests to the providers at once
 * @param giveUpAfter how long a notification is retried while the provider answers "later"
 * @param presenceHeartbeat realtime's heartbeat (REALTIME_PRESENCE_HEARTBEAT): a connection whose
 *     instance missed three is not live
 */
public record PushSettings(String groupId, boolean showContent, Duration ackGrace,
    int perDevicePerMinute, int maxPending, int maxGraceChecks, int maxInFlight, Duration giveUpAfter,
    Duration presenceHeartbeat) {

  public static PushSettings from(Settings settings) {
    return new PushSettings(
        settings.string("PUSH_GROUP_ID", "push"),
        settings.flag("PUSH_SHOW_CONTENT", false),
        settings.positive("PUSH_ACK_GRACE", Duration.ofSeconds(10)),
        settings.integer("PUSH_PER_DEVICE_PER_MINUTE", 10, 1, 1_000),
        settings.integer("PUSH_MAX_PENDING", 10_000, 1, 10_000_000),
        settings.integer("PUSH_MAX_GRACE_CHECKS", 200_000, 1, 10_000_000),
        settings.integer("PUSH_MAX_IN_FLIGHT", 64, 1, 10_000),
        settings.positive("PUSH_GIVE_UP_AFTER", Duration.ofMinutes(10)),
        settings.positive("REALTIME_PRESENCE_HEARTBEAT", Duration.ofSeconds(30)));
  }

  /** Connections with an older heartbeat belong to an instance that died. */
  Duration connectionLiveFor() {
    return presenceHeartbeat.multipliedBy(3);
  }
}
