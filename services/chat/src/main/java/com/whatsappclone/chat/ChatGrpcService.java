package com.whatsappclone.chat;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.db.DatabaseException;
import com.whatsappclone.common.text.Ids;
import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.chat.AddParticipantsRequest;
import com.whatsappclone.proto.chat.AddParticipantsResponse;
import com.whatsappclone.proto.chat.ChatServiceGrpc;
import com.whatsappclone.proto.chat.CreateConversationRequest;
import com.whatsappclone.proto.chat.CreateConversationResponse;
import com.whatsappclone.proto.chat.GetConversationsRequest;
import com.whatsappclone.proto.chat.GetConversationsResponse;
import com.whatsappclone.proto.chat.LeaveConversationRequest;
import com.whatsappclone.proto.chat.LeaveConversationResponse;
import com.whatsappclone.proto.chat.ListMessagesRequest;
import com.whatsappclone.proto.chat.ListMessagesResponse;
import com.whatsappclone.proto.chat.RemoveParticipantRequest;
import com.whatsappclone.proto.chat.RemoveParticipantResponse;
import com.whatsappclone.proto.chat.SendMessageRequest;
import com.whatsappclone.proto.chat.SendMessageResponse;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC face of chat: turns requests into service calls and results into protos. Errors are
 * domain exceptions, mapped to status codes by the server's error interceptor.
 */
final class ChatGrpcService extends ChatServiceGrpc.ChatServiceImplBase {

  private final ConversationService conversations;
  private final MessageService messages;

  ChatGrpcService(ConversationService conversations, MessageService messages) {
    this.conversations = conversations;
    this.messages = messages;
  }

  @Override
  public void createConversation(CreateConversationRequest request,
      StreamObserver<CreateConversationResponse> out) {
    Conversation created = call(() -> conversations.create(caller(), request.getParticipantIdsList(),
        request.getIsGroup(), request.getGroupName()));
    reply(out, CreateConversationResponse.newBuilder().setConversation(toProto(created)).build());
  }

  @Override
  public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> out) {
    MessageService.Draft draft = new MessageService.Draft(request.getConversationId(),
        request.getContent(), request.getMediaUrl(), request.getMediaType(),
        request.getClientMessageId());
    Message sent = call(() -> messages.send(caller(), draft, timeLeft()));
    reply(out, SendMessageResponse.newBuilder().setMessage(toProto(sent)).build());
  }

  @Override
  public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> out) {
    ListMessagesResponse.Builder response = ListMessagesResponse.newBuilder();
    call(() -> messages.list(caller(), request.getConversationId(), request.getBeforeMessageId(),
        request.getLimit())).forEach(m -> response.addMessages(toProto(m)));
    reply(out, response.build());
  }

  @Override
  public void getConversations(GetConversationsRequest request,
      StreamObserver<GetConversationsResponse> out) {
    GetConversationsResponse.Builder response = GetConversationsResponse.newBuilder();
    call(() -> conversations.listFor(caller())).forEach(c -> response.addConversations(toProto(c)));
    reply(out, response.build());
  }

  @Override
  public void addParticipants(AddParticipantsRequest request,
      StreamObserver<AddParticipantsResponse> out) {
    Conversation changed = call(() -> conversations.addParticipants(caller(),
        request.getConversationId(), request.getUserIdsList(), timeLeft()));
    reply(out, AddParticipantsResponse.newBuilder().setConversation(toProto(changed)).build());
  }

  @Override
  public void removeParticipant(RemoveParticipantRequest request,
      StreamObserver<RemoveParticipantResponse> out) {
    Conversation changed = call(() -> conversations.removeParticipant(caller(),
        request.getConversationId(), request.getUserId(), timeLeft()));
    reply(out, RemoveParticipantResponse.newBuilder().setConversation(toProto(changed)).build());
  }

  @Override
  public void leaveConversation(LeaveConversationRequest request,
      StreamObserver<LeaveConversationResponse> out) {
    call(() -> {
      conversations.leave(caller(), request.getConversationId(), timeLeft());
      return null;
    });
    reply(out, LeaveConversationResponse.getDefaultInstance());
  }

  static com.whatsappclone.proto.chat.Conversation toProto(Conversation c) {
    com.whatsappclone.proto.chat.Conversation.Builder proto =
        com.whatsappclone.proto.chat.Conversation.newBuilder()
            .setId(c.id().toString())
            .setCreatedAt(Timestamps.format(c.createdAt()))
            .setIsGroup(c.isGroup())
            .setLastSeq(c.lastSeq());
    c.participantIds().forEach(id -> proto.addParticipantIds(id.toString()));
    if (c.isGroup()) {
      c.adminIds().forEach(id -> proto.addAdminIds(id.toString()));
    }
    if (c.groupName() != null) {
      proto.setGroupName(c.groupName());
    }
    if (c.lastMessageAt() != null) {
      proto.setLastMessageAt(Timestamps.format(c.lastMessageAt()));
    }
    return proto.build();
  }

  static com.whatsappclone.proto.chat.Message toProto(Message m) {
    com.whatsappclone.proto.chat.Message.Builder proto =
        com.whatsappclone.proto.chat.Message.newBuilder()
            .setId(m.id().toString())
            .setConversationId(m.conversationId().toString())
            .setSenderId(m.senderId().toString())
            .setContent(m.content())
            .setCreatedAt(Timestamps.format(m.createdAt()))
            .setSeq(m.seq());
    if (m.mediaUrl() != null) {
      proto.setMediaUrl(m.mediaUrl());
    }
    if (m.mediaType() != null) {
      proto.setMediaType(m.mediaType());
    }
    if (m.clientMessageId() != null) {
      proto.setClientMessageId(m.clientMessageId());
    }
    return proto.build();
  }


  private static UUID caller() {
    return Ids.caller(AuthContext.currentUserId());
  }

  /** Time left before the call's deadline, null when the client set none. */
  private static Duration timeLeft() {
    Deadline deadline = Context.current().getDeadline();
    return deadline == null ? null : Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
  }

  /** Runs a service call; a database failure goes to the error interceptor (UNAVAILABLE or INTERNAL). */
  private static <T> T call(DatabaseException.SqlCall<T> call) {
    return DatabaseException.wrap(call);
  }

  private static <T> void reply(StreamObserver<T> out, T response) {
    out.onNext(response);
    out.onCompleted();
  }
}
