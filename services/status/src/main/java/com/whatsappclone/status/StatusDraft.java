package com.whatsappclone.status;

import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.text.TextInput;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A new status's content, validated. Lengths count Unicode code points, so an emoji is one
 * character, as users count them (Java's String.length() would count it as two).
 *
 * @param content  text statuses: the text; media statuses: the caption, "" when there is none
 * @param mediaUrl media statuses: the http(s) URL; text statuses: ""
 */
public record StatusDraft(ContentType contentType, String content, String mediaUrl) {

  public static final int MAX_CONTENT_CODE_POINTS = 700;
  public static final int MAX_MEDIA_URL_LENGTH = 2048;

  /** @throws InvalidArgumentException naming the field at fault */
  public static StatusDraft of(String rawContentType, String rawContent, String rawMediaUrl) {
    ContentType type = ContentType.parse(rawContentType);
    String content = rawContent == null ? "" : rawContent;
    String mediaUrl = rawMediaUrl == null ? "" : rawMediaUrl.strip();
    checkContent(content, type);
    if (type.isMedia()) {
      checkMediaUrl(mediaUrl);
    } else if (!mediaUrl.isEmpty()) {
      throw new InvalidArgumentException("MEDIA_URL_NOT_ALLOWED", "media_url", "only image and video statuses have a media_url");
    }
    return new StatusDraft(type, content, mediaUrl);
  }

  private static void checkContent(String content, ContentType type) {
    if (!type.isMedia() && content.isBlank()) {
      throw new InvalidArgumentException(Reasons.FIELD_REQUIRED, "content", "a text status needs 1 to "
          + MAX_CONTENT_CODE_POINTS + " characters (not only spaces)");
    }
    int length = content.codePointCount(0, content.length());
    if (length > MAX_CONTENT_CODE_POINTS) {
      throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, "content", "at most " + MAX_CONTENT_CODE_POINTS
          + " characters (got " + length + ")");
    }
    // Text and captions may span lines, but carry no other control characters: no NUL (PostgreSQL
    // text cannot hold it; the insert would fail as INTERNAL), no ESC.
    TextInput.multiLineCharacters("content", content);
  }

  private static void checkMediaUrl(String mediaUrl) {
    if (mediaUrl.isEmpty()) {
      throw new InvalidArgumentException(Reasons.FIELD_REQUIRED, "media_url", "is required for image and video statuses");
    }
    if (mediaUrl.length() > MAX_MEDIA_URL_LENGTH) {
      throw new InvalidArgumentException(Reasons.TEXT_TOO_LONG, "media_url", "at most " + MAX_MEDIA_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(mediaUrl);
    } catch (URISyntaxException e) {
      throw new InvalidArgumentException(Reasons.INVALID_URL, "media_url", "is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidArgumentException(Reasons.INVALID_URL, "media_url", "must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidArgumentException(Reasons.INVALID_URL, "media_url", "must name a host");
    }
  }
}
