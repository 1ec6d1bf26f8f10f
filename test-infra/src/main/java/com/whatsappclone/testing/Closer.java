package com.whatsappclone.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test kit opened, closed in reverse order: everything is closed even when one close fails;
 * the first failure is thrown with the later ones suppressed in it.
 */
// close() may be interrupted like any test code; nothing to handle there
@SuppressWarnings("try")
public final class Closer implements AutoCloseable {

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** Remembers {@code resource} and returns it, to close it with the rest. */
  public synchronized <T extends AutoCloseable> T register(T resource) {
    opened.add(resource);
    return resource;
  }

  @Override
  public synchronized void close() throws Exception {
    Exception failure = null;
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
