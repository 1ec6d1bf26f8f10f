package com.whatsappclone.chat;

import com.github.f4b6a3.uuid.UuidCreator;
import com.whatsappclone.common.error.DomainException;
import com.whatsappclone.common.error.FailedPreconditionException;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.PermissionDeniedException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.UnavailableException;
import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.common.text.TextInput;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conversations and group membership: who may create, see, join and leave what.
 *
 * <p>Blocks (issue 17, {@code blocked_users}, written by auth): no one starts a one-to-one
 * conversation with, or adds to a group, a user who blocked them; they are told exactly what an
 * unknown user id gets ({@code NOT_FOUND}, {@code USER_NOT_FOUND}, the same message), so a block
 * cannot be detected. The blocker, who knows, is told to unblock first
 * ({@code FAILED_PRECONDITION}, {@code USER_BLOCKED}). A one-to-one conversation that exists
 * already is returned as before, whoever blocked whom: it reveals nothing its members did not
 * know. Members of a group stay members whatever they block.
 */
final class ConversationService {

  private static final Logger log = LoggerFactory.getLogger(ConversationService.class);

  static final int MAX_GROUP_NAME_CHARS = 100;
  static final int MIN_GROUP_MEMBERS = 2;

  /** ErrorInfo reasons: a membership change of a one-to-one conversation; a member count out of range. */
  static final String NOT_A_GROUP = "NOT_A_GROUP";
  static final String INVALID_PARTICIPANT_COUNT = "INVALID_PARTICIPANT_COUNT";
  /** ErrorInfo reason: the caller blocked a user they asked to talk to or to add. */
  static final String USER_BLOCKED = "USER_BLOCKED";
  private static final PrivacyStore.Blocks NO_BLOCKS = new PrivacyStore.Blocks(Set.of(), Set.of());

  private final ConversationStore conversations;
  private final PrivacyStore privacy;
  private final ConversationCache cache;
  private final MessageEvents events;
  private final int maxGroupMembers;
  private final Clock clock;

  /**
   * @param cache           dropped for a conversation right after each of its membership changes
   *                        committed, before the call answers: this instance's next send sees it
   * @param maxGroupMembers MAX_GROUP_MEMBERS ({@link ChatSettings})
   */
  ConversationService(ConversationStore conversations, PrivacyStore privacy, ConversationCache cache,
      MessageEvents events, int maxGroupMembers, Clock clock) {
    this.conversations = conversations;
    this.privacy = privacy;
    this.cache = cache;
    this.events = events;
    this.maxGroupMembers = maxGroupMembers;
    this.clock = clock;
  }

  /**
   * Creates a conversation; the caller is always one of its participants. A one-to-one
   * conversation that exists already is returned as it is.
   */
  Conversation create(UUID caller, List<String> participantIds, boolean isGroup, String groupName)
      throws SQLException {
    Set<UUID> members = new LinkedHashSet<>();
    members.add(caller);
    for (int i = 0; i < participantIds.size(); i++) {
      members.add(Ids.parse("participant_ids[" + i + "]", participantIds.get(i)));
    }
    String name = null;
    if (isGroup) {
      name = groupName(groupName);
      if (members.size() < MIN_GROUP_MEMBERS || members.size() > maxGroupMembers) {
        throw new InvalidArgumentException(INVALID_PARTICIPANT_COUNT, "participant_ids", "a group has " + MIN_GROUP_MEMBERS
            + " to " + maxGroupMembers + " distinct members, the caller included (got "
            + members.size() + ")");
      }
    } else if (members.size() != 2) {
      throw new InvalidArgumentException(INVALID_PARTICIPANT_COUNT, "participant_ids", "a one-to-one conversation has exactly"
          + " 2 distinct participants, the caller included (got " + members.size() + ")");
    }
    requireUsersExist("participant_ids", members);
    List<UUID> pair = new ArrayList<>(members);
    if (!isGroup) {
      // Existing: returned as always, before any block is looked at (see the class comment).
      Optional<Conversation> existing = conversations.findDirect(pair.get(0), pair.get(1));
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    requireNotBlocked(caller, "participant_ids", members);

    Instant now = now();
    UUID id = UuidCreator.getTimeOrderedEpoch();
    Conversation created;
    if (!isGroup) {
      created = conversations.findOrCreateDirect(id, pair.get(0), pair.get(1), now);
    } else {
      List<UUID> others = new ArrayList<>(members);
      others.remove(caller);
      created = conversations.createGroup(id, caller, others, name, now);
    }
    cache.invalidate(created.id());
    return created;
  }

  List<Conversation> listFor(UUID caller) throws SQLException {
    return conversations.listForUser(caller);
  }

  /** Group admins add users; users already in the group are left as they are. */
  Conversation addParticipants(UUID caller, String conversationId, List<String> userIds,
      Duration budget) throws SQLException {
    UUID id = Ids.parse("conversation_id", conversationId);
    if (userIds.isEmpty()) {
      throw new InvalidArgumentException(Reasons.FIELD_REQUIRED, "user_ids", "name at least one user");
    }
    Set<UUID> wanted = new LinkedHashSet<>();
    for (int i = 0; i < userIds.size(); i++) {
      wanted.add(Ids.parse("user_ids[" + i + "]", userIds.get(i)));
    }
    Instant now = now();
    List<UUID> added = new ArrayList<>();
    // Outside the lock (one query, none if nobody is blocked either way): a block made while the
    // call runs may be missed, as one made a moment later would be.
    PrivacyStore.Blocks blocks = blocksOf(caller, wanted);
    Conversation result = conversations.withLocked(id, locked -> {
      Conversation conversation = locked.conversation();
      Member me = requireMember(conversation, caller);
      if (!conversation.isGroup()) {
        throw new FailedPreconditionException(NOT_A_GROUP, "a one-to-one conversation cannot gain members");
      }
      if (!me.isAdmin()) {
        throw new PermissionDeniedException("NOT_GROUP_ADMIN", "only group admins can add participants");
      }
      Set<UUID> missing = locked.missingUsers(wanted);
      if (!missing.isEmpty()) {
        throw new NotFoundException(Reasons.USER_NOT_FOUND, "user_ids: no user with id " + missing.iterator().next());
      }
      wanted.stream().filter(u -> !conversation.participantIds().contains(u)).forEach(added::add);
      // Only who would join: members stay members, whoever blocked whom.
      refuseBlocked("user_ids", added, blocks);
      if (conversation.members().size() + added.size() > maxGroupMembers) {
        throw new InvalidArgumentException(INVALID_PARTICIPANT_COUNT, "user_ids", "a group has at most " + maxGroupMembers
            + " members (it has " + conversation.members().size() + ", adding " + added.size() + ")");
      }
      locked.addMembers(added, Role.MEMBER, now);
      return locked.reload();
    }).orElseThrow(ConversationService::notFound);
    cache.invalidate(id);
    if (!added.isEmpty()) {
      announce(result, added, List.of(), now, budget);
    }
    return result;
  }

  /** Group admins remove a participant; removing oneself is leaving. */
  Conversation removeParticipant(UUID caller, String conversationId, String userId, Duration budget)
      throws SQLException {
    UUID id = Ids.parse("conversation_id", conversationId);
    UUID target = Ids.parse("user_id", userId);
    Instant now = now();
    Conversation result = conversations.withLocked(id, locked -> {
      Conversation conversation = locked.conversation();
      Member me = requireMember(conversation, caller);
      if (!conversation.isGroup()) {
        throw new FailedPreconditionException(NOT_A_GROUP,
            "no one can be removed from a one-to-one conversation");
      }
      if (!target.equals(caller) && !me.isAdmin()) {
        throw new PermissionDeniedException("NOT_GROUP_ADMIN", "only group admins can remove participants");
      }
      if (!conversation.participantIds().contains(target)) {
        throw new NotFoundException("PARTICIPANT_NOT_FOUND", "user_id: not a participant of this conversation");
      }
      return removeKeepingAnAdmin(locked, target);
    }).orElseThrow(ConversationService::notFound);
    cache.invalidate(id);
    announce(result, List.of(), List.of(target), now, budget);
    return result;
  }

  /** Any member leaves a group. */
  void leave(UUID caller, String conversationId, Duration budget) throws SQLException {
    UUID id = Ids.parse("conversation_id", conversationId);
    Instant now = now();
    Conversation result = conversations.withLocked(id, locked -> {
      Conversation conversation = locked.conversation();
      requireMember(conversation, caller);
      if (!conversation.isGroup()) {
        throw new FailedPreconditionException(NOT_A_GROUP, "a one-to-one conversation cannot be left");
      }
      return removeKeepingAnAdmin(locked, caller);
    }).orElseThrow(ConversationService::notFound);
    cache.invalidate(id);
    announce(result, List.of(), List.of(caller), now, budget);
  }

  /** A group never stays without an admin while it has members: the longest-standing one becomes admin. */
  private static Conversation removeKeepingAnAdmin(ConversationStore.LockedConversation locked,
      UUID userId) throws SQLException {
    locked.removeMember(userId);
    Conversation after = locked.reload();
    if (after.adminIds().isEmpty() && !after.members().isEmpty()) {
      locked.setRole(after.members().get(0).userId(), Role.ADMIN);
      after = locked.reload();
    }
    return after;
  }

  /**
   * The membership change is committed; realtime's caches and the other chat instances' learn it
   * from this event. If Kafka is down the change still stands (the client sees success, not an
   * error for a committed change) and those caches catch up when their entries expire.
   */
  private void announce(Conversation conversation, List<UUID> added, List<UUID> removed,
      Instant now, Duration budget) {
    try {
      events.membershipChanged(conversation, added, removed, now, budget);
    } catch (UnavailableException e) {
      log.warn("membership change of conversation {} committed but not announced: {}",
          conversation.id(), e.getMessage());
    }
  }

  static Member requireMember(Conversation conversation, UUID userId) {
    return conversation.members().stream().filter(m -> m.userId().equals(userId)).findFirst()
        .orElseThrow(() -> new PermissionDeniedException(Reasons.NOT_A_PARTICIPANT, "not a participant of this conversation"));
  }

  static DomainException notFound() {
    return new NotFoundException(Reasons.CONVERSATION_NOT_FOUND, "conversation_id: no such conversation");
  }

  private void requireUsersExist(String field, Set<UUID> userIds) throws SQLException {
    Set<UUID> missing = conversations.missingUsers(userIds);
    if (!missing.isEmpty()) {
      throw noSuchUser(field, missing.iterator().next());
    }
  }

  /** The same answer for a user who does not exist and for one who blocked the caller. */
  private static NotFoundException noSuchUser(String field, UUID userId) {
    return new NotFoundException(Reasons.USER_NOT_FOUND, field + ": no user with id " + userId);
  }

  private void requireNotBlocked(UUID caller, String field, Set<UUID> userIds) {
    refuseBlocked(field, userIds, blocksOf(caller, userIds));
  }

  /** The blocks between the caller and {@code others}, both ways: one query. */
  private PrivacyStore.Blocks blocksOf(UUID caller, Set<UUID> others) {
    Set<UUID> candidates = new LinkedHashSet<>(others);
    candidates.remove(caller);
    return candidates.isEmpty() ? NO_BLOCKS : privacy.blocksBetween(caller, candidates);
  }

  /** Someone who blocked the caller looks unknown; someone the caller blocked must be unblocked. */
  private static void refuseBlocked(String field, Collection<UUID> userIds, PrivacyStore.Blocks blocks) {
    for (UUID user : userIds) {
      if (blocks.blockedUser().contains(user)) {
        throw noSuchUser(field, user);
      }
    }
    for (UUID user : userIds) {
      if (blocks.blockedByUser().contains(user)) {
        throw new FailedPreconditionException(USER_BLOCKED, field + ": you blocked user " + user
            + "; unblock them first");
      }
    }
  }


  private static String groupName(String raw) {
    String name = raw == null ? "" : raw.strip();
    if (name.isEmpty()) {
      throw new InvalidArgumentException(Reasons.FIELD_REQUIRED, "group_name", "is required for a group");
    }
    // One line without control characters, as auth's display_name: members see it in lists.
    return TextInput.singleLine("group_name", name, MAX_GROUP_NAME_CHARS);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
