package com.whatsappclone.auth;

import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.privacy.Audience;
import com.whatsappclone.common.privacy.PrivacySettings;
import com.whatsappclone.proto.auth.BlockedUser;
import com.whatsappclone.proto.auth.Contact;
import com.whatsappclone.proto.auth.PublicProfile;
import com.whatsappclone.proto.auth.RejectedContact;
import com.whatsappclone.proto.auth.UpdatePrivacySettingsRequest;

/** Contacts, blocks, privacy settings and profiles between their proto messages and the domain. */
final class PrivacyProtos {

  static final String INVALID_AUDIENCE = "INVALID_AUDIENCE";

  private PrivacyProtos() {}

  static PublicProfile profile(VisibleProfile profile) {
    User user = profile.user();
    return PublicProfile.newBuilder()
        .setId(user.id().toString())
        .setDisplayName(orEmpty(user.displayName()))
        .setProfilePictureUrl(profile.showsPhoto() ? orEmpty(user.profilePictureUrl()) : "")
        .setAboutText(profile.showsAbout() ? orEmpty(user.aboutText()) : "")
        .setLastSeenAt(profile.showsLastSeen() ? AuthGrpcService.rfc3339(user.lastSeenAt()) : "")
        .build();
  }

  static Contact contact(ContactsService.ContactView view) {
    Contact.Builder contact = Contact.newBuilder()
        .setPhoneNumber(view.phoneNumber())
        .setDisplayName(view.displayName());
    if (view.profile() != null) {
      contact.setUser(profile(view.profile()));
    }
    return contact.build();
  }

  static RejectedContact rejected(ContactsService.Rejected rejected) {
    return RejectedContact.newBuilder()
        .setField(rejected.field())
        .setPhoneNumber(rejected.phoneNumber())
        .setReason(rejected.reason())
        .setMessage(rejected.message())
        .build();
  }

  static BlockedUser blocked(PrivacyService.BlockedView view) {
    return BlockedUser.newBuilder()
        .setUser(profile(view.profile()))
        .setBlockedAt(AuthGrpcService.rfc3339(view.blockedAt()))
        .build();
  }

  static com.whatsappclone.proto.auth.PrivacySettings settings(PrivacySettings settings) {
    return com.whatsappclone.proto.auth.PrivacySettings.newBuilder()
        .setLastSeen(audience(settings.lastSeen()))
        .setProfilePhoto(audience(settings.profilePhoto()))
        .setAbout(audience(settings.about()))
        .setStatuses(audience(settings.statuses()))
        .setReadReceipts(settings.readReceipts())
        .build();
  }

  /** The fields present in the request; an unspecified or unknown audience is refused, naming the field. */
  static PrivacySettingsStore.Change change(UpdatePrivacySettingsRequest request) {
    return new PrivacySettingsStore.Change(
        request.hasLastSeen() ? audience("last_seen", request.getLastSeenValue()) : null,
        request.hasProfilePhoto() ? audience("profile_photo", request.getProfilePhotoValue()) : null,
        request.hasAbout() ? audience("about", request.getAboutValue()) : null,
        request.hasStatuses() ? audience("statuses", request.getStatusesValue()) : null,
        request.hasReadReceipts() ? request.getReadReceipts() : null);
  }

  private static Audience audience(String field, int value) {
    com.whatsappclone.proto.auth.Audience audience = com.whatsappclone.proto.auth.Audience.forNumber(value);
    if (audience == null) {
      throw invalidAudience(field);
    }
    switch (audience) {
      case AUDIENCE_EVERYONE:
        return Audience.EVERYONE;
      case AUDIENCE_CONTACTS:
        return Audience.CONTACTS;
      case AUDIENCE_NOBODY:
        return Audience.NOBODY;
      default:
        throw invalidAudience(field);
    }
  }

  private static com.whatsappclone.proto.auth.Audience audience(Audience audience) {
    switch (audience) {
      case EVERYONE:
        return com.whatsappclone.proto.auth.Audience.AUDIENCE_EVERYONE;
      case CONTACTS:
        return com.whatsappclone.proto.auth.Audience.AUDIENCE_CONTACTS;
      default:
        return com.whatsappclone.proto.auth.Audience.AUDIENCE_NOBODY;
    }
  }

  private static InvalidArgumentException invalidAudience(String field) {
    return new InvalidArgumentException(INVALID_AUDIENCE, field,
        "must be AUDIENCE_EVERYONE, AUDIENCE_CONTACTS or AUDIENCE_NOBODY");
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
