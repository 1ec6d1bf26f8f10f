package com.whatsappclone.status;

import java.time.Instant;
import java.util.UUID;

/** Someone who viewed a status, and when they first did. */
public record StatusViewer(UUID viewerId, Instant viewedAt) {}
