package com.whatsappclone.auth;

import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.privacy.Relationship;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Another user as one viewer may see them: which of photo, about and last seen the owner's
 * privacy settings (and blocks) let through. A blocker shows nothing of the three, exactly like
 * "nobody", so a blocked user cannot tell a block from a setting; {@code blocksViewer} is for the
 * callers that must hide the owner altogether (a contact sync).
 */
record VisibleProfile(User user, boolean showsPhoto, boolean showsAbout, boolean showsLastSeen,
    boolean blocksViewer) {

  static VisibleProfile as(User user, Relationship relationship) {
    return new VisibleProfile(user, relationship.seesProfilePhoto(), relationship.seesAbout(),
        relationship.seesLastSeen(), relationship.viewerBlocked());
  }

  /** A user looking at themselves sees everything. */
  static VisibleProfile own(User user) {
    return new VisibleProfile(user, true, true, true, false);
  }

  /** Each of {@code users} as {@code viewer} may see them, by user id; one query for all. */
  static Map<UUID, VisibleProfile> forViewer(UUID viewer, Collection<User> users, PrivacyStore privacy) {
    Set<UUID> others = new LinkedHashSet<>();
    for (User user : users) {
      if (!user.id().equals(viewer)) {
        others.add(user.id());
      }
    }
    Map<UUID, Relationship> relationships = others.isEmpty() ? Map.of() : privacy.fromOwners(viewer, others);
    Map<UUID, VisibleProfile> profiles = new HashMap<>();
    for (User user : users) {
      Relationship relationship = relationships.get(user.id());
      profiles.put(user.id(), relationship == null ? own(user) : as(user, relationship));
    }
    return profiles;
  }
}
