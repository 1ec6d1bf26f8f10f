package com.whatsappclone.bench;

import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The load's conversations: every user in one one-to-one conversation (users 0-1, 2-3, ...) and
 * one group (blocks of the group size, shifted by one so a pair is not also a group).
 */
final class Conversations {

  final String[] ids;
  final int[][] members;
  final int[] direct;
  final int[] group;

  private Conversations(String[] ids, int[][] members, int[] direct, int[] group) {
    this.ids = ids;
    this.members = members;
    this.direct = direct;
    this.group = group;
  }

  /** The plan for {@code users} users; {@link #create} makes it real. */
  static Conversations plan(int users, int groupSize) {
    List<int[]> all = new ArrayList<>();
    int[] direct = new int[users];
    int[] group = new int[users];
    Arrays.fill(direct, -1);
    Arrays.fill(group, -1);
    for (int u = 0; u + 1 < users; u += 2) {
      direct[u] = all.size();
      direct[u + 1] = all.size();
      all.add(new int[] {u, u + 1});
    }
    int groups = users >= 3 ? Math.max(1, users / groupSize) : 0;
    List<List<Integer>> blocks = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      blocks.add(new ArrayList<>());
    }
    for (int position = 0; position < users && groups > 0; position++) {
      int user = (position + 1) % users;
      blocks.get(Math.min(position / groupSize, groups - 1)).add(user);
    }
    for (List<Integer> block : blocks) {
      for (int user : block) {
        group[user] = all.size();
      }
      all.add(block.stream().mapToInt(Integer::intValue).toArray());
    }
    return new Conversations(new String[all.size()], all.toArray(new int[0][]), direct, group);
  }

  /** Creates every planned conversation through the gateway, each by its first member. */
  ConcurrentCalls.Outcome create(Gateway gateway, List<BenchUser> users) throws InterruptedException {
    return ConcurrentCalls.run(ids.length, AuthBench.CONCURRENCY, Duration.ofMinutes(2), c -> {
      int[] who = members[c];
      BenchUser creator = users.get(who[0]);
      CreateConversationRequest.Builder request = CreateConversationRequest.newBuilder();
      for (int i = 1; i < who.length; i++) {
        request.addParticipantIds(users.get(who[i]).id);
      }
      if (who.length > 2) {
        request.setIsGroup(true).setGroupName("bench group " + c);
      }
      return Gateway.authorized(ChatServiceGrpc.newFutureStub(gateway.channel()), creator.accessToken)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .createConversation(request.build());
    }, (c, response) -> ids[c] = response.getConversation().getId());
  }

  boolean allCreated() {
    return Arrays.stream(ids).allMatch(id -> id != null);
  }

  /**
   * The conversation message {@code k} of a step goes to: alternately one-to-one and group, or
   * always one-to-one with {@code directOnly}.
   */
  int conversationOf(int sender, long k, int users, boolean directOnly) {
    boolean toGroup = !directOnly && ((k / users) + (k % users)) % 2 == 1;
    int chosen = toGroup ? group[sender] : direct[sender];
    return chosen >= 0 ? chosen : (direct[sender] >= 0 ? direct[sender] : group[sender]);
  }

  Map<String, Object> describe() {
    long directs = Arrays.stream(members).filter(m -> m.length == 2).count();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("oneToOne", directs);
    out.put("groups", members.length - directs);
    out.put("groupMembers", Arrays.stream(members).filter(m -> m.length > 2).mapToInt(m -> m.length).max().orElse(0));
    return out;
  }
}
