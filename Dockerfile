# One image recipe for all six services: docker-compose builds it once per service with
# --build-arg SERVICE=<auth|chat|message-worker|realtime|status|api-gateway>.
# The build stage is the same for every service, so Docker builds it once and reuses it.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# Maven wrapper and poms first: dependency downloads stay cached while only sources change.
COPY mvnw pom.xml ./
COPY .mvn .mvn
COPY proto proto
COPY common common
COPY migrations migrations
COPY test-infra test-infra
COPY services services
# The reactor lists every module; local-stack is not built here, but Maven must see its pom.
COPY local-stack/pom.xml local-stack/pom.xml
RUN ./mvnw -B -q -DskipTests package \
      -pl services/auth,services/chat,services/message-worker,services/realtime,services/status,services/api-gateway -am

FROM eclipse-temurin:17-jre
ARG SERVICE
RUN groupadd --system app && useradd --system --gid app --uid 10001 --home-dir /app app
WORKDIR /app
COPY --from=build /src/services/${SERVICE}/target/${SERVICE}-service.jar /app/service.jar
COPY .env.docker /app/.env.docker
USER app
ENV RUNNING_IN_DOCKER=true
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/service.jar"]
