package com.whatsappclone.auth;

import com.twilio.Twilio;
import com.twilio.constant.EnumConstants;
import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * twilio-java's HTTP layer on the JDK's HttpClient, so that one timeout bounds every exchange
 * (twilio-java's own client forces a 30-second connect timeout onto each request, longer than a
 * mobile client waits for SendOTP) and so that Twilio's base URL can point elsewhere (a test
 * double, an egress proxy). twilio-java still builds the requests, reads the JSON and raises its
 * errors; this class only moves bytes.
 *
 * <p>Requests travel as twilio-java prepared them: Basic authentication, form-encoded parameters.
 * A transport failure is an {@link ApiConnectionException}, which twilio-java does not retry.
 */
final class TwilioHttpTransport extends com.twilio.http.HttpClient {

  private final HttpClient http;
  private final Optional<URI> baseUrl;
  private final Duration timeout;

  TwilioHttpTransport(Optional<URI> baseUrl, Duration timeout) {
    this.baseUrl = baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        // Twilio's client never follows redirects either: a redirect would be a misconfiguration.
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public Response makeRequest(Request request) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(target(request))
        .timeout(timeout)
        .header("Accept", "application/json")
        .header("User-Agent", "whatsapp-clone-auth twilio-java/" + Twilio.VERSION);
    if (request.requiresAuthentication()) {
      builder.header("Authorization", request.getAuthString());
    }
    for (Map.Entry<String, List<String>> header : request.getHeaderParams().entrySet()) {
      for (String value : header.getValue()) {
        builder.header(header.getKey(), value);
      }
    }
    HttpMethod method = request.getMethod();
    if (method == HttpMethod.GET || method == HttpMethod.DELETE) {
      builder.method(method.toString(), HttpRequest.BodyPublishers.noBody());
    } else if (request.getContentType() != null
        && EnumConstants.ContentType.JSON.getValue().equals(request.getContentType().getValue())) {
      builder.header("Content-Type", "application/json")
          .method(method.toString(), HttpRequest.BodyPublishers.ofString(request.getBody(), StandardCharsets.UTF_8));
    } else {
      builder.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
          .method(method.toString(), HttpRequest.BodyPublishers.ofString(form(request.getPostParams())));
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      // The message names the failure's kind only: an exception text may quote the URL.
      throw new ApiConnectionException("Twilio request failed: " + e.getClass().getSimpleName(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiConnectionException("Twilio request interrupted", e);
    }
    List<Header> headers = new ArrayList<>();
    response.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(new BasicHeader(name, v))));
    return new Response(new ByteArrayInputStream(response.body()), response.statusCode(),
        headers.toArray(new Header[0]));
  }

  private URI target(Request request) {
    try {
      URI twilio = request.constructURL().toURI();
      if (baseUrl.isEmpty()) {
        return twilio;
      }
      URI base = baseUrl.get();
      return new URI(base.getScheme(), base.getRawAuthority(), null, null, null)
          .resolve(twilio.getRawPath() + (twilio.getRawQuery() == null ? "" : "?" + twilio.getRawQuery()));
    } catch (URISyntaxException e) {
      throw new ApiConnectionException("bad Twilio URL", e);
    }
  }

  private static String form(Map<String, List<String>> params) {
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, List<String>> param : params.entrySet()) {
      for (String value : param.getValue()) {
        if (body.length() > 0) {
          body.append('&');
        }
        body.append(URLEncoder.encode(param.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
      }
    }
    return body.toString();
  }
}
