package com.whatsappclone.common.privacy;

import java.util.UUID;

/**
 * What one user (the owner) lets one other user (the viewer) see, from the owner's settings, the
 * owner's address book and the owner's block list.
 *
 * <p>A viewer the owner blocked sees nothing of the owner, whatever the settings say: as far as
 * the viewer can tell, the owner has no photo, no about text, no last seen and no statuses.
 */
public record Relationship(UUID owner, UUID viewer, PrivacySettings ownerSettings, boolean viewerIsContact,
    boolean viewerBlocked) {

  public boolean seesLastSeen() {
    return !viewerBlocked && ownerSettings.lastSeen().admits(viewerIsContact);
  }

  public boolean seesProfilePhoto() {
    return !viewerBlocked && ownerSettings.profilePhoto().admits(viewerIsContact);
  }

  public boolean seesAbout() {
    return !viewerBlocked && ownerSettings.about().admits(viewerIsContact);
  }

  public boolean seesStatuses() {
    return !viewerBlocked && ownerSettings.statuses().admits(viewerIsContact);
  }

  /** Typing is not a privacy setting in WhatsApp; only a block hides it. */
  public boolean seesTyping() {
    return !viewerBlocked;
  }
}
