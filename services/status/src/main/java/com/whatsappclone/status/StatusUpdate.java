package com.whatsappclone.status;

import java.time.Instant;
import java.util.UUID;

/**
 * One status as a caller sees it.
 *
 * @param content         the text of a text status, the caption (or "") of a media status
 * @param mediaUrl        the URL of an image/video status, "" for text
 * @param viewCount       how many people viewed it; null unless the caller is the author
 * @param viewedByCaller  whether the caller has viewed it
 */
public record StatusUpdate(
    UUID id,
    UUID authorId,
    ContentType contentType,
    String content,
    String mediaUrl,
    Instant createdAt,
    Instant expiresAt,
    Integer viewCount,
    boolean viewedByCaller) {}
