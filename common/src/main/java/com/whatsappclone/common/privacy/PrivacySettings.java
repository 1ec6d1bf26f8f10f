package com.whatsappclone.common.privacy;

/**
 * One user's privacy choices ({@code user_privacy_settings}); a user without a row has
 * {@link #DEFAULTS}.
 */
public record PrivacySettings(Audience lastSeen, Audience profilePhoto, Audience about, Audience statuses,
    boolean readReceipts) {

  /** Statuses default to contacts so that opening a conversation with someone does not reveal theirs. */
  public static final PrivacySettings DEFAULTS =
      new PrivacySettings(Audience.EVERYONE, Audience.EVERYONE, Audience.EVERYONE, Audience.CONTACTS, true);

  /** The settings as {@code user_privacy_settings} stores them (audiences by their wire names). */
  public static PrivacySettings fromColumns(String lastSeen, String profilePhoto, String about, String statuses,
      boolean readReceipts) {
    return new PrivacySettings(Audience.fromWireName(lastSeen), Audience.fromWireName(profilePhoto),
        Audience.fromWireName(about), Audience.fromWireName(statuses), readReceipts);
  }
}
