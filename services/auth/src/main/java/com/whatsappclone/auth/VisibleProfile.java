package com.whatsappclone.auth;

import com.whatsappclone.common.privacy.Relationship;

/**
 * Another user as one viewer may see them: which of photo, about and last seen the owner's
 * privacy settings (and blocks) let through. A blocker shows nothing of the three, exactly like
 * "nobody", so a blocked user cannot tell a block from a setting.
 */
record VisibleProfile(User user, boolean showsPhoto, boolean showsAbout, boolean showsLastSeen) {

  static VisibleProfile as(User user, Relationship relationship) {
    return new VisibleProfile(user, relationship.seesProfilePhoto(), relationship.seesAbout(),
        relationship.seesLastSeen());
  }

  /** A user looking at themselves sees everything. */
  static VisibleProfile own(User user) {
    return new VisibleProfile(user, true, true, true);
  }
}
