package com.whatsappclone.realtime;

import java.util.concurrent.ThreadPoolExecutor;

/**
 * Whether the worker pool is too backed up to start more connections. A WebSocket handshake is
 * then refused with HTTP 503 and Retry-After, before its token is even checked, instead of being
 * upgraded, registered and closed with 1013 once its connect task finds the queue full: cheaper
 * for both sides during a reconnect storm, and the rest of the queue stays for the frames of the
 * devices already connected.
 */
final class WorkerBacklog {

  /** New connections are refused once this share of REALTIME_WORKER_QUEUE is taken. */
  static final double REFUSE_NEW_CONNECTIONS_AT = 0.9;

  private final ThreadPoolExecutor pool;
  private final int refuseAt;

  WorkerBacklog(ThreadPoolExecutor pool) {
    this.pool = pool;
    int capacity = pool.getQueue().size() + pool.getQueue().remainingCapacity();
    this.refuseAt = Math.max(1, (int) (capacity * REFUSE_NEW_CONNECTIONS_AT));
  }

  boolean refusesNewConnections() {
    return pool.getQueue().size() >= refuseAt;
  }
}
