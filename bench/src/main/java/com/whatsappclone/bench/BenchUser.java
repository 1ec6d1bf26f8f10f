package com.whatsappclone.bench;

/** A signed-in user of the benchmark; the tokens change when refreshed. */
final class BenchUser {

  final int index;
  final String phone;
  volatile String id;
  volatile String accessToken;
  volatile String refreshToken;

  BenchUser(int index, String phone) {
    this.index = index;
    this.phone = phone;
  }
}
