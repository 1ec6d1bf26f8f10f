package com.whatsappclone.auth;

import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.error.DomainException;
import com.whatsappclone.common.error.FailedPreconditionException;
import com.whatsappclone.common.error.InvalidArgumentException;
import com.whatsappclone.common.error.NotFoundException;
import com.whatsappclone.common.error.Reasons;
import com.whatsappclone.common.error.ResourceExhaustedException;
import com.whatsappclone.common.privacy.PrivacyStore;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.common.text.TextInput;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Address books: full syncs in pages, incremental changes, listing, and discovery of which
 * numbers are users, within a daily allowance of new numbers per user and never through a sweep
 * of a number range. A user who blocked the caller is never revealed: their number looks
 * unregistered.
 */
final class ContactsService {

  /** Entries one call may carry (SyncContacts' contacts; UpdateContacts' add and remove together). */
  static final int MAX_ENTRIES = 1000;
  static final int DEFAULT_PAGE = 500;
  static final int MAX_PAGE = 1000;
  static final int MAX_CONTACT_NAME = 100;
  /** A sync whose next page does not come within this long is dropped (its stored numbers stay). */
  static final Duration SYNC_TTL = Duration.ofHours(1);

  static final String TOO_MANY_ENTRIES = "TOO_MANY_ENTRIES";
  static final String CONTACT_SWEEP_REFUSED = "CONTACT_SWEEP_REFUSED";
  static final String CONTACT_DISCOVERY_LIMITED = "CONTACT_DISCOVERY_LIMITED";
  static final String CONTACT_SYNC_EXPIRED = "CONTACT_SYNC_EXPIRED";

  /** One entry as the client sent it. */
  record Upload(String phoneNumber, String displayName) {}

  /** An entry not stored: the request field, the number as sent, why. */
  record Rejected(String field, String phoneNumber, String reason, String message) {}

  /** A stored entry; {@code profile} is null for a number that is no user's (or whose user blocked the caller). */
  record ContactView(String phoneNumber, String displayName, VisibleProfile profile) {}

  record SyncResult(String syncToken, List<ContactView> contacts, List<Rejected> rejected, int removed) {}

  record UpdateResult(List<ContactView> added, List<Rejected> rejected, int removed) {}

  record ContactPage(List<ContactView> contacts, String nextPageToken) {}

  private record Parsed(List<ContactStore.Entry> entries, List<Rejected> rejected) {

    List<String> numbers() {
      return entries.stream().map(ContactStore.Entry::phoneNumber).toList();
    }
  }

  private final UserStore users;
  private final ContactStore contacts;
  private final PrivacyStore privacy;
  private final RateLimitStore limits;
  private final RateLimit discovery;
  private final Counter discoveryRefused;
  private final Clock clock;

  ContactsService(UserStore users, ContactStore contacts, PrivacyStore privacy, RateLimitStore limits,
      RateLimit discovery, Clock clock, AuthMetrics metrics) {
    this.users = users;
    this.contacts = contacts;
    this.privacy = privacy;
    this.limits = limits;
    this.discovery = discovery;
    this.discoveryRefused = metrics.refusedBy(discovery);
    this.clock = clock;
  }

  /** SyncContacts: one page of a full sync; see auth.proto. */
  SyncResult sync(String callerId, String rawSyncToken, List<Upload> uploads, boolean lastPage) {
    UUID caller = Ids.caller(callerId);
    requireAtMost("contacts", uploads.size(), MAX_ENTRIES);
    UUID syncId = rawSyncToken.isEmpty() ? null : Ids.parse("sync_token", rawSyncToken, "a sync_token SyncContacts answered");
    Instant now = clock.instant();
    if (syncId != null && !DatabaseException.wrap(() -> contacts.syncOpen(caller, syncId, now))) {
      throw syncExpired();
    }
    Parsed parsed = parse(caller, "contacts", uploads);
    discover(caller, parsed.numbers(), "contacts");
    ContactStore.SyncPage page = DatabaseException.wrap(() ->
            contacts.syncPage(caller, syncId, parsed.entries(), lastPage, SYNC_TTL, now))
        .orElseThrow(ContactsService::syncExpired);
    List<ContactView> views = stored(caller, parsed.numbers());
    return new SyncResult(lastPage ? "" : page.syncId().toString(), views, parsed.rejected(), page.removed());
  }

  /** UpdateContacts: adds, then removes (a number in both lists ends removed). */
  UpdateResult update(String callerId, List<Upload> adds, List<String> removes) {
    UUID caller = Ids.caller(callerId);
    requireAtMost("add", adds.size() + removes.size(), MAX_ENTRIES);
    Parsed added = parse(caller, "add", adds);
    Parsed removed = parse(caller, "remove", removes.stream().map(n -> new Upload(n, "")).toList());
    discover(caller, added.numbers(), "add");
    int count = DatabaseException.wrap(() -> contacts.update(caller, added.entries(), removed.numbers()));
    List<Rejected> rejected = new ArrayList<>(added.rejected());
    rejected.addAll(removed.rejected());
    Set<String> gone = new LinkedHashSet<>(removed.numbers());
    List<String> kept = added.numbers().stream().filter(n -> !gone.contains(n)).toList();
    return new UpdateResult(stored(caller, kept), rejected, count);
  }

  /** ListContacts: by phone number, {@code pageSize} at a time (0: the default). */
  ContactPage list(String callerId, int pageSize, String pageToken) {
    UUID caller = Ids.caller(callerId);
    int size = pageSize(pageSize);
    String after = PageTokens.number(pageToken);
    List<ContactStore.Stored> rows = DatabaseException.wrap(() -> contacts.page(caller, after, size + 1));
    boolean more = rows.size() > size;
    List<ContactStore.Stored> page = more ? rows.subList(0, size) : rows;
    String next = more ? PageTokens.ofNumber(page.get(page.size() - 1).phoneNumber()) : "";
    return new ContactPage(views(caller, page), next);
  }

  static int pageSize(int requested) {
    if (requested < 0) {
      throw new InvalidArgumentException("INVALID_LIMIT", "page_size", "must not be negative");
    }
    return requested == 0 ? DEFAULT_PAGE : Math.min(requested, MAX_PAGE);
  }

  static void requireAtMost(String field, int count, int max) {
    if (count > max) {
      throw new InvalidArgumentException(TOO_MANY_ENTRIES, field, "at most " + max + " entries per call (got "
          + count + "); send the rest in further calls");
    }
  }

  /** Normalises the entries to E.164 in the caller's country; the first of duplicates wins. */
  private Parsed parse(UUID caller, String field, List<Upload> uploads) {
    if (uploads.isEmpty()) {
      return new Parsed(List.of(), List.of());
    }
    User me = DatabaseException.wrap(() -> users.findById(caller))
        .orElseThrow(() -> new NotFoundException(Reasons.USER_NOT_FOUND, "user not found"));
    String region = ContactNumbers.defaultRegion(me.phoneNumber());
    Map<String, ContactStore.Entry> entries = new LinkedHashMap<>();
    List<Rejected> rejected = new ArrayList<>();
    for (int i = 0; i < uploads.size(); i++) {
      Upload upload = uploads.get(i);
      String at = field + "[" + i + "]";
      String number = ContactNumbers.toE164(upload.phoneNumber(), region).orElse(null);
      if (number == null) {
        rejected.add(new Rejected(at, echo(upload.phoneNumber()), PhoneNumbers.INVALID_PHONE_NUMBER,
            at + ".phone_number: not a valid phone number (with country code, or in the format of " + region + ")"));
        continue;
      }
      String name;
      try {
        String text = TextInput.singleLine(at + ".display_name", upload.displayName(), MAX_CONTACT_NAME).strip();
        name = text.isEmpty() ? null : text;
      } catch (InvalidArgumentException e) {
        rejected.add(new Rejected(at, echo(upload.phoneNumber()), e.errorReason(), e.getMessage()));
        continue;
      }
      entries.putIfAbsent(number, new ContactStore.Entry(number, name));
    }
    return new Parsed(List.copyOf(entries.values()), rejected);
  }

  /**
   * Contact discovery's limits, on the numbers not yet in the caller's address book: no sweep of
   * a range, and no more than the day's allowance left (taken only when the page is accepted).
   */
  private void discover(UUID caller, List<String> numbers, String field) {
    if (numbers.isEmpty()) {
      return;
    }
    Set<String> known = DatabaseException.wrap(() -> contacts.existing(caller, numbers));
    List<String> fresh = numbers.stream().filter(n -> !known.contains(n)).toList();
    if (ContactNumbers.isSweep(fresh)) {
      throw new InvalidArgumentException(CONTACT_SWEEP_REFUSED, field, "at least "
          + ContactNumbers.SWEEP_MIN_NUMBERS + " of the new numbers lie in runs of neighbouring numbers:"
          + " that is a sweep of a number range, not an address book");
    }
    if (fresh.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    RateLimitStore.Decision decision = DatabaseException.wrap(() ->
        limits.tryConsume(discovery, caller.toString(), fresh.size(), now));
    if (!decision.allowed()) {
      discoveryRefused.increment();
      String message = field + ": " + fresh.size() + " numbers not yet in your address book is more than your contact"
          + " discovery allowance (" + discovery.capacity() + " new numbers per " + compact(discovery.period()) + ") has left";
      if (fresh.size() > discovery.capacity()) {
        throw new ResourceExhaustedException(CONTACT_DISCOVERY_LIMITED, message + "; send fewer per call");
      }
      Duration wait = Duration.between(now, decision.resetsAt());
      if (wait.toMillis() < 1) {
        wait = Duration.ofMillis(1);
      }
      throw new ResourceExhaustedException(CONTACT_DISCOVERY_LIMITED,
          message + "; try again in " + Math.max(1, (wait.toMillis() + 999) / 1000) + " s", wait);
    }
  }

  /** The stored entries of {@code numbers}, in that order. */
  private List<ContactView> stored(UUID caller, List<String> numbers) {
    if (numbers.isEmpty()) {
      return List.of();
    }
    Map<String, ContactStore.Stored> byNumber = new HashMap<>();
    for (ContactStore.Stored s : DatabaseException.wrap(() -> contacts.find(caller, numbers))) {
      byNumber.put(s.phoneNumber(), s);
    }
    return views(caller, numbers.stream().map(byNumber::get).filter(Objects::nonNull).toList());
  }

  /** Applies each contact user's privacy towards the caller; a user who blocked the caller is hidden. */
  private List<ContactView> views(UUID caller, List<ContactStore.Stored> rows) {
    List<User> registered = rows.stream().map(ContactStore.Stored::user).filter(Objects::nonNull).toList();
    Map<UUID, VisibleProfile> profiles = VisibleProfile.forViewer(caller, registered, privacy);
    List<ContactView> views = new ArrayList<>(rows.size());
    for (ContactStore.Stored row : rows) {
      VisibleProfile profile = row.user() == null ? null : profiles.get(row.user().id());
      views.add(new ContactView(row.phoneNumber(), row.displayName() == null ? "" : row.displayName(),
          profile == null || profile.blocksViewer() ? null : profile));
    }
    return views;
  }

  /** The number as sent, cut to what any phone number fits in: a rejected entry is not echoed whole. */
  private static String echo(String raw) {
    String text = Objects.toString(raw, "");
    return text.length() <= ContactNumbers.MAX_INPUT ? text : text.substring(0, ContactNumbers.MAX_INPUT);
  }

  private static String compact(Duration period) {
    return period.toMinutes() % 60 == 0 && period.toHours() > 0 ? period.toHours() + " h" : period.toSeconds() + " s";
  }

  private static DomainException syncExpired() {
    return new FailedPreconditionException(CONTACT_SYNC_EXPIRED,
        "sync_token: this sync ended, expired (no page for " + SYNC_TTL.toMinutes()
            + " minutes) or was replaced by a newer one; start again with an empty sync_token");
  }
}
