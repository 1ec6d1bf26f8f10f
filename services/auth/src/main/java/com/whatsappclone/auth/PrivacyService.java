package com.whatsappclone.auth;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.privacy.PrivacySettings;
import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.text.Ids;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Blocks, the caller's privacy settings, and other users' profiles with those settings applied. */
final class PrivacyService {

  static final int MAX_PROFILE_IDS = 256;
  static final String CANNOT_BLOCK_SELF = "CANNOT_BLOCK_SELF";

  /** One of the caller's blocks, with the blocked user as the caller may see them. */
  record BlockedView(VisibleProfile profile, Instant blockedAt) {}

  record BlockedPage(List<BlockedView> blocked, String nextPageToken) {}

  private final UserStore users;
  private final BlockStore blocks;
  private final PrivacySettingsStore settings;
  private final PrivacyStore privacy;
  private final Clock clock;

  PrivacyService(UserStore users, BlockStore blocks, PrivacySettingsStore settings, PrivacyStore privacy, Clock clock) {
    this.users = users;
    this.blocks = blocks;
    this.settings = settings;
    this.privacy = privacy;
    this.clock = clock;
  }

  /** BlockUser: idempotent; the first block's time is kept. */
  void block(String callerId, String rawUserId) {
    UUID caller = Ids.caller(callerId);
    UUID target = Ids.parse("user_id", rawUserId);
    if (target.equals(caller)) {
      throw new InvalidArgumentException(CANNOT_BLOCK_SELF, "user_id", "is your own id: you cannot block yourself");
    }
    // Microseconds, as PostgreSQL keeps them, so that a page token names a stored time exactly.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    if (!DatabaseException.wrap(() -> blocks.block(caller, target, now))) {
      throw new NotFoundException(Reasons.USER_NOT_FOUND, "user_id: no such user");
    }
  }

  /** UnblockUser: idempotent; unblocking someone not blocked (or unknown) changes nothing. */
  void unblock(String callerId, String rawUserId) {
    UUID caller = Ids.caller(callerId);
    UUID target = Ids.parse("user_id", rawUserId);
    DatabaseException.wrap(() -> blocks.unblock(caller, target));
  }

  BlockedPage listBlocked(String callerId, int pageSize, String pageToken) {
    UUID caller = Ids.caller(callerId);
    int size = ContactsService.pageSize(pageSize);
    BlockStore.Cursor after = PageTokens.block(pageToken);
    List<BlockStore.Block> rows = DatabaseException.wrap(() -> blocks.page(caller, after, size + 1));
    boolean more = rows.size() > size;
    List<BlockStore.Block> page = more ? rows.subList(0, size) : rows;
    Map<UUID, VisibleProfile> profiles = profiles(caller, page.stream().map(BlockStore.Block::blocked).toList());
    List<BlockedView> views = new ArrayList<>();
    for (BlockStore.Block block : page) {
      VisibleProfile profile = profiles.get(block.blocked());
      if (profile != null) {
        views.add(new BlockedView(profile, block.blockedAt()));
      }
    }
    return new BlockedPage(views, more ? PageTokens.ofBlock(page.get(page.size() - 1)) : "");
  }

  PrivacySettings getSettings(String callerId) {
    UUID caller = Ids.caller(callerId);
    return DatabaseException.wrap(() -> settings.get(caller));
  }

  /** UpdatePrivacySettings: the present fields change; none present changes nothing. */
  PrivacySettings updateSettings(String callerId, PrivacySettingsStore.Change change) {
    UUID caller = Ids.caller(callerId);
    if (change.isEmpty()) {
      return getSettings(callerId);
    }
    return DatabaseException.wrap(() -> settings.update(caller, change, clock.instant()));
  }

  /** GetUserProfiles: the existing users of {@code rawIds}, in request order, each once. */
  List<VisibleProfile> getProfiles(String callerId, List<String> rawIds) {
    UUID caller = Ids.caller(callerId);
    ContactsService.requireAtMost("user_ids", rawIds.size(), MAX_PROFILE_IDS);
    Set<UUID> ids = new LinkedHashSet<>();
    for (int i = 0; i < rawIds.size(); i++) {
      ids.add(Ids.parse("user_ids[" + i + "]", rawIds.get(i)));
    }
    Map<UUID, VisibleProfile> profiles = profiles(caller, List.copyOf(ids));
    return ids.stream().map(profiles::get).filter(p -> p != null).toList();
  }

  /** Each existing user of {@code ids} as {@code viewer} may see them. */
  private Map<UUID, VisibleProfile> profiles(UUID viewer, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    return VisibleProfile.forViewer(viewer, DatabaseException.wrap(() -> users.findByIds(ids)), privacy);
  }
}
