package com.whatsappclone.worker.push;

import java.util.concurrent.CompletableFuture;

/**
 * Hands one notification to one provider. Implementations never block the caller: the request
 * goes out asynchronously, has a timeout of its own, and the future always completes normally
 * with an outcome (a timeout or an I/O failure is {@link PushOutcome.Kind#RETRY}), never
 * exceptionally. Retrying is the caller's business.
 */
public interface PushSender extends AutoCloseable {

  PushPlatform platform();

  CompletableFuture<PushOutcome> send(PushTarget target, PushNotification notification);

  @Override
  void close();
}
