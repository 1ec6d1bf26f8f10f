package com.whatsappclone.auth;

import com.whatsappclone.common.auth.TokenPair;
import java.util.UUID;

/** A successful VerifyOTP: the user, the new session and its tokens. */
record Login(User user, boolean newUser, UUID sessionId, TokenPair tokens) {}
