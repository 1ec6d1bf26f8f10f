package com.whatsappclone.common.error;

/** The error classes of API.md's "Error codes" section. */
public enum ErrorKind {
  INVALID_ARGUMENT,
  UNAUTHENTICATED,
  PERMISSION_DENIED,
  NOT_FOUND,
  ALREADY_EXISTS,
  FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED,
  UNAVAILABLE
}
