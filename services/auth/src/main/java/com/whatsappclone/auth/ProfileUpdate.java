package com.whatsappclone.auth;

/**
 * What UpdateProfile changes: a null field stays as it is, "" clears it (stored as NULL), anything
 * else replaces it. Values are already validated.
 */
record ProfileUpdate(String displayName, String aboutText, String profilePictureUrl) {

  boolean isEmpty() {
    return displayName == null && aboutText == null && profilePictureUrl == null;
  }
}
