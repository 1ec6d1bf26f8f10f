package com.whatsappclone.common.config;

/** Setting names and default ports of docs/API.md ("Ports and settings"), so that every service and test agrees. */
public final class ServicePorts {
  private ServicePorts() {}

  public static final String API_GATEWAY_GRPC_PORT = "API_GATEWAY_GRPC_PORT";
  public static final String AUTH_SERVICE_GRPC_PORT = "AUTH_SERVICE_GRPC_PORT";
  public static final String CHAT_SERVICE_GRPC_PORT = "CHAT_SERVICE_GRPC_PORT";
  public static final String REALTIME_SERVICE_GRPC_PORT = "REALTIME_SERVICE_GRPC_PORT";
  public static final String STATUS_SERVICE_GRPC_PORT = "STATUS_SERVICE_GRPC_PORT";
  public static final String MESSAGE_WORKER_GRPC_PORT = "MESSAGE_WORKER_GRPC_PORT";
  public static final String REALTIME_SERVICE_WS_PORT = "REALTIME_SERVICE_WS_PORT";

  public static final int DEFAULT_API_GATEWAY_GRPC_PORT = 50050;
  public static final int DEFAULT_AUTH_SERVICE_GRPC_PORT = 50051;
  public static final int DEFAULT_CHAT_SERVICE_GRPC_PORT = 50052;
  public static final int DEFAULT_REALTIME_SERVICE_GRPC_PORT = 50053;
  public static final int DEFAULT_STATUS_SERVICE_GRPC_PORT = 50054;
  public static final int DEFAULT_MESSAGE_WORKER_GRPC_PORT = 50055;
  public static final int DEFAULT_REALTIME_SERVICE_WS_PORT = 8080;

  /** Each service's metrics and health over HTTP (GET /metrics, /health/live, /health/ready): configs/README.md, "Metrics". */
  public static final String API_GATEWAY_METRICS_PORT = "API_GATEWAY_METRICS_PORT";
  public static final String AUTH_SERVICE_METRICS_PORT = "AUTH_SERVICE_METRICS_PORT";
  public static final String CHAT_SERVICE_METRICS_PORT = "CHAT_SERVICE_METRICS_PORT";
  public static final String REALTIME_SERVICE_METRICS_PORT = "REALTIME_SERVICE_METRICS_PORT";
  public static final String STATUS_SERVICE_METRICS_PORT = "STATUS_SERVICE_METRICS_PORT";
  public static final String MESSAGE_WORKER_METRICS_PORT = "MESSAGE_WORKER_METRICS_PORT";

  public static final int DEFAULT_API_GATEWAY_METRICS_PORT = 9100;
  public static final int DEFAULT_AUTH_SERVICE_METRICS_PORT = 9101;
  public static final int DEFAULT_CHAT_SERVICE_METRICS_PORT = 9102;
  public static final int DEFAULT_REALTIME_SERVICE_METRICS_PORT = 9103;
  public static final int DEFAULT_STATUS_SERVICE_METRICS_PORT = 9104;
  public static final int DEFAULT_MESSAGE_WORKER_METRICS_PORT = 9105;
}
