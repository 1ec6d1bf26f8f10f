package com.whatsappclone.status;

import com.whatsappclone.common.auth.AuthContext;
import com.whatsappclone.common.text.Timestamps;
import com.whatsappclone.proto.status.CreateStatusRequest;
import com.whatsappclone.proto.status.CreateStatusResponse;
import com.whatsappclone.proto.status.DeleteStatusRequest;
import com.whatsappclone.proto.status.DeleteStatusResponse;
import com.whatsappclone.proto.status.GetStatusFeedRequest;
import com.whatsappclone.proto.status.GetStatusFeedResponse;
import com.whatsappclone.proto.status.GetStatusViewersRequest;
import com.whatsappclone.proto.status.GetStatusViewersResponse;
import com.whatsappclone.proto.status.GetStatusesRequest;
import com.whatsappclone.proto.status.GetStatusesResponse;
import com.whatsappclone.proto.status.Status;
import com.whatsappclone.proto.status.StatusFeedGroup;
import com.whatsappclone.proto.status.StatusServiceGrpc;
import com.whatsappclone.proto.status.ViewStatusRequest;
import com.whatsappclone.proto.status.ViewStatusResponse;
import io.grpc.stub.StreamObserver;

/** The gRPC face of {@link StatusService}: proto in, domain call, proto out. */
public final class StatusGrpcService extends StatusServiceGrpc.StatusServiceImplBase {

  private final StatusService statuses;

  public StatusGrpcService(StatusService statuses) {
    this.statuses = statuses;
  }

  @Override
  public void createStatus(CreateStatusRequest request, StreamObserver<CreateStatusResponse> out) {
    StatusUpdate created = statuses.create(AuthContext.currentUserId(), request.getUserId(),
        request.getContentType(), request.getContent(), request.getMediaUrl());
    Status status = toProto(created);
    // status_id is the original's answer; status is ours. Both, so either kind of client has it.
    reply(out, CreateStatusResponse.newBuilder().setStatusId(status.getId()).setStatus(status).build());
  }

  @Override
  public void getStatuses(GetStatusesRequest request, StreamObserver<GetStatusesResponse> out) {
    GetStatusesResponse.Builder response = GetStatusesResponse.newBuilder();
    for (StatusUpdate status : statuses.statusesOf(AuthContext.currentUserId(), request.getUserId())) {
      response.addStatuses(toProto(status));
    }
    reply(out, response.build());
  }

  @Override
  public void getStatusFeed(GetStatusFeedRequest request, StreamObserver<GetStatusFeedResponse> out) {
    GetStatusFeedResponse.Builder response = GetStatusFeedResponse.newBuilder();
    for (FeedGroup group : statuses.feed(AuthContext.currentUserId())) {
      StatusFeedGroup.Builder proto = StatusFeedGroup.newBuilder()
          .setUserId(group.authorId().toString())
          .setAllViewed(group.allViewed())
          .setLatestCreatedAt(Timestamps.format(group.latestCreatedAt()));
      group.statuses().forEach(status -> proto.addStatuses(toProto(status)));
      response.addGroups(proto);
    }
    reply(out, response.build());
  }

  @Override
  public void viewStatus(ViewStatusRequest request, StreamObserver<ViewStatusResponse> out) {
    ViewStatusResponse.Builder response = ViewStatusResponse.newBuilder();
    statuses.view(AuthContext.currentUserId(), request.getStatusId())
        .ifPresent(viewedAt -> response.setViewedAt(Timestamps.format(viewedAt)));
    reply(out, response.build());
  }

  @Override
  public void getStatusViewers(GetStatusViewersRequest request, StreamObserver<GetStatusViewersResponse> out) {
    GetStatusViewersResponse.Builder response = GetStatusViewersResponse.newBuilder();
    for (StatusViewer viewer : statuses.viewers(AuthContext.currentUserId(), request.getStatusId())) {
      response.addViewers(com.whatsappclone.proto.status.StatusViewer.newBuilder()
          .setUserId(viewer.viewerId().toString())
          .setViewedAt(Timestamps.format(viewer.viewedAt())));
    }
    reply(out, response.build());
  }

  @Override
  public void deleteStatus(DeleteStatusRequest request, StreamObserver<DeleteStatusResponse> out) {
    statuses.delete(AuthContext.currentUserId(), request.getStatusId());
    reply(out, DeleteStatusResponse.newBuilder().setSuccess(true).build());
  }

  static Status toProto(StatusUpdate status) {
    Status.Builder proto = Status.newBuilder()
        .setId(status.id().toString())
        .setUserId(status.authorId().toString())
        .setContent(status.content())
        .setCreatedAt(Timestamps.format(status.createdAt()))
        .setContentType(status.contentType().wireName())
        .setMediaUrl(status.mediaUrl())
        .setExpiresAt(Timestamps.format(status.expiresAt()));
    if (status.viewCount() != null) {
      proto.setViewCount(status.viewCount());
    }
    return proto.build();
  }

  private static <T> void reply(StreamObserver<T> out, T response) {
    out.onNext(response);
    out.onCompleted();
  }
}
