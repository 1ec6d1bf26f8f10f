package com.whatsappclone.status;

import com.github.f4b6a3.uuid.UuidCreator;
import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.PermissionDeniedException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.privacy.Relationship;
import com.whatsappclone.common.text.Ids;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The rules of statuses: who may create, see, view and delete them, and when they expire.
 *
 * <p>Expiry is decided here with the injected clock, on every read: an expired status is never
 * returned, whether or not the cleanup job has deleted it yet. A status the caller may not see,
 * an expired one and a missing one give the same answer (left out, or the same NOT_FOUND), so that
 * nobody learns that a status exists by asking for it.
 *
 * <p>Who sees whose statuses (issue 17): the author always; anyone else only as the author's
 * statuses setting allows ({@link Relationship#seesStatuses}: everyone, contacts - the default,
 * people in the author's address book - or nobody), and never someone the author blocked.
 * Sharing a conversation no longer shows statuses by itself; it only makes the author a
 * candidate for the caller's feed, as does having the caller in their address book.
 */
public final class StatusService {

  /** How long a status is shown after it is created. */
  public static final Duration LIFETIME = Duration.ofHours(24);

  /** The one answer for "missing", "expired" and "not yours to see". */
  static final String NOT_FOUND_MESSAGE = "status_id: status not found";
  /** ErrorInfo reasons: no such status (or not visible to the caller); someone else's status. */
  static final String STATUS_NOT_FOUND = "STATUS_NOT_FOUND";
  static final String NOT_STATUS_AUTHOR = "NOT_STATUS_AUTHOR";

  private final StatusStore store;
  private final PrivacyStore privacy;
  private final Clock clock;
  private final Counter created;
  private final Counter viewed;

  public StatusService(StatusStore store, PrivacyStore privacy, Clock clock, MeterRegistry metrics) {
    this.store = store;
    this.privacy = privacy;
    this.clock = clock;
    // Not "statuses.created": Prometheus drops a trailing _created (reserved for creation times).
    this.created = Counter.builder("statuses.posted").description("Statuses created").register(metrics);
    // First views only: a repeated view by the same viewer changes nothing and is not counted.
    this.viewed = Counter.builder("statuses.viewed")
        .description("Statuses viewed for the first time by someone other than their author").register(metrics);
  }

  /**
   * Creates a status whose author is the caller.
   *
   * @param requestedUserId empty, or the caller's own id (anything else is PERMISSION_DENIED)
   */
  public StatusUpdate create(String callerId, String requestedUserId, String contentType,
      String content, String mediaUrl) {
    UUID caller = Ids.caller(callerId);
    Optional<UUID> requested = Ids.optional("user_id", requestedUserId);
    if (requested.isPresent() && !requested.get().equals(caller)) {
      throw new PermissionDeniedException("NOT_YOUR_USER_ID", "user_id: you can only create your own statuses");
    }
    StatusDraft draft = StatusDraft.of(contentType, content, mediaUrl);
    Instant createdAt = now();
    Instant expiresAt = createdAt.plus(LIFETIME);
    UUID id = UuidCreator.getTimeOrderedEpoch();
    try {
      store.insert(id, caller, draft, createdAt, expiresAt);
    } catch (StatusStore.UnknownAuthorException e) {
      throw new NotFoundException(Reasons.USER_NOT_FOUND, "user_id: your user account does not exist");
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
    created.increment();
    return new StatusUpdate(id, caller, draft.contentType(), draft.content(), draft.mediaUrl(),
        createdAt, expiresAt, 0, false);
  }

  /**
   * A user's unexpired statuses, oldest first; empty when the caller may not see them.
   *
   * @param userId whose; empty means the caller's own
   */
  public List<StatusUpdate> statusesOf(String callerId, String userId) {
    UUID caller = Ids.caller(callerId);
    UUID author = Ids.optional("user_id", userId).orElse(caller);
    if (!author.equals(caller) && !privacy.between(author, caller).seesStatuses()) {
      return List.of(); // the same answer as for someone without statuses
    }
    try {
      return store.listByAuthor(caller, author, now());
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
  }

  /**
   * The unexpired statuses of everyone else the caller may see, one group per author, the author
   * with the newest status first. The caller's own statuses are not part of it.
   */
  public List<FeedGroup> feed(String callerId) {
    UUID caller = Ids.caller(callerId);
    List<StatusUpdate> statuses;
    try {
      Instant now = now();
      List<UUID> candidates = store.feedCandidates(caller, now);
      List<UUID> shown = new ArrayList<>();
      // One query for every candidate: what each of them shows the caller.
      privacy.fromOwners(caller, candidates).forEach((author, relationship) -> {
        if (relationship.seesStatuses()) {
          shown.add(author);
        }
      });
      statuses = store.listFeed(caller, shown, now);
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
    // The store returns them ordered by author, then oldest first: cut at each new author.
    List<FeedGroup> groups = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= statuses.size(); i++) {
      if (i == statuses.size() || !statuses.get(i).authorId().equals(statuses.get(start).authorId())) {
        groups.add(new FeedGroup(statuses.get(start).authorId(), statuses.subList(start, i)));
        start = i;
      }
    }
    groups.sort(Comparator.comparing(FeedGroup::latestCreatedAt).reversed()
        .thenComparing(FeedGroup::authorId));
    return groups;
  }

  /**
   * Records that the caller viewed the status, once: a repeated view keeps the first time.
   *
   * @return when the caller first viewed it; empty when the caller is the author, whose own views
   *     are not counted
   */
  public Optional<Instant> view(String callerId, String statusId) {
    UUID caller = Ids.caller(callerId);
    UUID id = Ids.parse("status_id", statusId);
    try {
      StatusUpdate status = visible(caller, id);
      if (status.authorId().equals(caller)) {
        return Optional.empty();
      }
      StatusStore.RecordedView view = store.recordView(id, caller, now())
          .orElseThrow(() -> new NotFoundException(STATUS_NOT_FOUND, NOT_FOUND_MESSAGE)); // deleted meanwhile
      if (view.first()) {
        viewed.increment();
      }
      return Optional.of(view.viewedAt());
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
  }

  /** Who viewed one of the caller's own unexpired statuses, most recent first. */
  public List<StatusViewer> viewers(String callerId, String statusId) {
    UUID caller = Ids.caller(callerId);
    UUID id = Ids.parse("status_id", statusId);
    try {
      StatusUpdate status = visible(caller, id);
      if (!status.authorId().equals(caller)) {
        throw new PermissionDeniedException(NOT_STATUS_AUTHOR, "status_id: only the author can see who viewed a status");
      }
      return store.listViewers(id);
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
  }

  /** Deletes one of the caller's own unexpired statuses and its views. */
  public void delete(String callerId, String statusId) {
    UUID caller = Ids.caller(callerId);
    UUID id = Ids.parse("status_id", statusId);
    try {
      StatusUpdate status = visible(caller, id);
      if (!status.authorId().equals(caller)) {
        throw new PermissionDeniedException(NOT_STATUS_AUTHOR, "status_id: only the author can delete a status");
      }
      if (!store.delete(id, caller)) {
        throw new NotFoundException(STATUS_NOT_FOUND, NOT_FOUND_MESSAGE); // deleted meanwhile
      }
    } catch (SQLException e) {
      throw new DatabaseException("database call", e);
    }
  }

  /** The status, if the caller may see it; else the same NOT_FOUND as for an unknown id. */
  private StatusUpdate visible(UUID caller, UUID statusId) throws SQLException {
    return store.findUnexpired(caller, statusId, now())
        .filter(status -> status.authorId().equals(caller)
            || privacy.between(status.authorId(), caller).seesStatuses())
        .orElseThrow(() -> new NotFoundException(STATUS_NOT_FOUND, NOT_FOUND_MESSAGE));
  }

  /** PostgreSQL keeps microseconds: what is returned on create is exactly what is read later. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
