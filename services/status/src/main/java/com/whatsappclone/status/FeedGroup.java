package com.whatsappclone.status;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One author's unexpired statuses in a caller's feed, oldest first. */
public record FeedGroup(UUID authorId, List<StatusUpdate> statuses) {

  public FeedGroup {
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("a feed group has at least one status");
    }
    statuses = List.copyOf(statuses);
  }

  /** created_at of the newest status: groups are ordered by it. */
  public Instant latestCreatedAt() {
    return statuses.get(statuses.size() - 1).createdAt();
  }

  public boolean allViewed() {
    return statuses.stream().allMatch(StatusUpdate::viewedByCaller);
  }
}
