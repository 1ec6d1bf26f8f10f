package com.whatsappclone.realtime;

/**
 * A client frame that is not a ClientEvent. The message is written for the client (it goes into
 * an Error event): it names the problem and never a Java class, stack frame or server detail.
 */
final class MalformedFrameException extends Exception {

  MalformedFrameException(String clientMessage) {
    super(clientMessage, null, false, false);
  }
}
