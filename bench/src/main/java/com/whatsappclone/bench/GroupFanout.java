package com.whatsappclone.bench;

import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.SendMessageRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The time one group message takes to reach every connected member: a group of the first
 * {@code members} users (256 is chat's maximum, the sender included), one message at a time, from
 * the SendMessage call to the arrival at the first and at the last member's device.
 */
final class GroupFanout implements MessagingLoad.ProbeSink {

  private static final long WAIT_SECONDS = 10;

  private final Gateway gateway;
  private final List<BenchUser> members;
  private final String runTag;
  private String conversationId;

  private volatile Probe current;

  private static final class Probe {
    final int id;
    final long sentNanos;
    final boolean[] arrived;
    final AtomicInteger count = new AtomicInteger();
    final CountDownLatch all;
    volatile long firstNanos;
    volatile long lastNanos;

    Probe(int id, int members, long sentNanos) {
      this.id = id;
      this.sentNanos = sentNanos;
      this.arrived = new boolean[members];
      this.all = new CountDownLatch(members - 1);
    }
  }

  GroupFanout(Gateway gateway, List<BenchUser> members, String runTag) {
    this.gateway = gateway;
    this.members = members;
    this.runTag = runTag;
  }

  void createGroup() {
    CreateConversationRequest.Builder request = CreateConversationRequest.newBuilder()
        .setIsGroup(true)
        .setGroupName("bench fan-out " + members.size());
    for (BenchUser member : members.subList(1, members.size())) {
      request.addParticipantIds(member.id);
    }
    conversationId = stub().withDeadlineAfter(10, TimeUnit.SECONDS).createConversation(request.build())
        .getConversation().getId();
  }

  /** Sends {@code repeats} messages one after the other and times each one's fan-out. */
  Map<String, Object> measure(int repeats, int probeBase) throws InterruptedException {
    Histogram last = Latency.newHistogram();
    Histogram first = Latency.newHistogram();
    List<Double> lastMs = new ArrayList<>();
    int incomplete = 0;
    long missing = 0;
    for (int r = 0; r < repeats; r++) {
      Probe probe = new Probe(probeBase + r, members.size(), System.nanoTime());
      current = probe;
      stub().withDeadlineAfter(10, TimeUnit.SECONDS).sendMessage(SendMessageRequest.newBuilder()
          .setConversationId(conversationId)
          .setContent("f|" + runTag + "|" + probe.id + "|group fan-out probe")
          .setClientMessageId(runTag + "-f" + probe.id)
          .build());
      boolean complete = probe.all.await(WAIT_SECONDS, TimeUnit.SECONDS);
      current = null;
      if (complete) {
        last.recordValue(Latency.micros(probe.lastNanos - probe.sentNanos));
        first.recordValue(Latency.micros(probe.firstNanos - probe.sentNanos));
        lastMs.add(Latency.millis(Latency.micros(probe.lastNanos - probe.sentNanos)));
      } else {
        incomplete++;
        missing += probe.all.getCount();
      }
      Thread.sleep(200);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("groupMembers", members.size());
    out.put("recipients", members.size() - 1);
    out.put("messages", repeats);
    out.put("toLastMember", Latency.summary(last));
    out.put("toFirstMember", Latency.summary(first));
    out.put("toLastMemberEachMs", lastMs);
    out.put("incomplete", incomplete);
    out.put("missingDeliveries", missing);
    return out;
  }

  @Override
  public void onProbe(int probeId, int userIndex, long arrivedNanos) {
    Probe probe = current;
    if (probe == null || probe.id != probeId || userIndex <= 0 || userIndex >= members.size()) {
      return;
    }
    synchronized (probe) {
      if (probe.arrived[userIndex]) {
        return;
      }
      probe.arrived[userIndex] = true;
      if (probe.count.incrementAndGet() == 1) {
        probe.firstNanos = arrivedNanos;
      }
      probe.lastNanos = arrivedNanos;
    }
    probe.all.countDown();
  }

  private ChatServiceGrpc.ChatServiceBlockingStub stub() {
    return Gateway.authorized(ChatServiceGrpc.newBlockingStub(gateway.channel()), members.get(0).accessToken);
  }
}
