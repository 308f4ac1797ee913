# syntax=docker/dockerfile:1
#
# The embedstream service image: `run`, `inspect` and `embed`, nothing else (no demo, bench, in-JVM broker or
# registry; those are devtools/). Build with BuildKit (the default builder since Docker 23):
#
#   docker build -t embedstream .
#   docker run --rm -p 8080:8080 -v "$PWD/testdata/models/grenade-mlp:/models/grenade-mlp:ro" \
#       -v "$PWD/config/application.yaml:/config/application.yaml:ro" \
#       -e EMBEDSTREAM_MODEL_DIR=/models/grenade-mlp -e EMBEDSTREAM_KAFKA_BOOTSTRAP_SERVERS=broker:9092 \
#       -e EMBEDSTREAM_REGISTRY_URL=http://registry:8081 embedstream
#
# docker-compose.yml runs it with a broker, a registry and Prometheus; deploy/k8s/ has a Kubernetes example.

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
# Ubuntu 22.04 (jammy) underneath, whose glibc is 2.35 (Ubuntu ships glibc 2.35-0ubuntu3.x for jammy; the
# Adoptium Dockerfile for this tag starts FROM ubuntu:22.04). TF Java 1.1.0's natives need glibc >= 2.34, so an
# Alpine (musl) or UBI 8 (glibc 2.28) JRE would not load them; the runtime stage checks the version anyway.
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy

# ---------------------------------------------------------------------------------------------------------------
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src

# Dependencies first, from the POMs alone, so that this layer is reused while only sources change. Maven reads
# every module's POM (the parent lists them), even though only service/ and its parent are built.
COPY pom.xml ./
COPY service/pom.xml service/
COPY devtools/pom.xml devtools/
COPY integration-tests/pom.xml integration-tests/
RUN mvn -B -q -pl service -am dependency:go-offline

# The service: its sources and the Avro schemas its classes are generated from. Whatever go-offline missed (a
# plugin's own late dependencies) is fetched here.
COPY schemas/ schemas/
COPY service/src/ service/src/
RUN mvn -B -pl service -am -DskipTests package

# ---------------------------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

# Fail the build, not the first start, when the base image changes under us: glibc must be >= 2.34, and the
# HEALTHCHECK below needs curl (the Temurin Ubuntu images install curl and wget; see adoptium/containers).
RUN set -eu; \
    glibc="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"; \
    if [ "$(printf '%s\n' 2.34 "$glibc" | sort -V | head -n 1)" != 2.34 ]; then \
        echo "glibc $glibc is older than 2.34, which TF Java 1.1.0 needs" >&2; exit 1; \
    fi; \
    command -v curl > /dev/null || { echo "curl is missing; the HEALTHCHECK needs it" >&2; exit 1; }; \
    groupadd --system --gid 10001 embedstream; \
    useradd --system --uid 10001 --gid embedstream --create-home --home-dir /home/embedstream \
        --shell /usr/sbin/nologin embedstream; \
    mkdir -p /opt/embedstream/javacpp-cache /var/lib/embedstream /models /config; \
    chown 10001:10001 /opt/embedstream/javacpp-cache /var/lib/embedstream

# Only what `run` needs: the service jar and its runtime classpath (the jar's manifest names lib/*.jar).
# Owned by root, so the service cannot change its own code.
COPY --from=build /src/service/target/embedstream.jar /opt/embedstream/embedstream.jar
COPY --from=build /src/service/target/lib/ /opt/embedstream/lib/

# As the ./embedstream launcher: each per-thread TF session gets its own intra-op pool, and TensorFlow's C++
# INFO lines stay off the console. Kafka Streams' state directory (task folders, locks, checkpoints, the batch
# buffer's small RocksDB store, the process id that keeps restarts fast, the instance slot locks) is
# kafka.state.dir, set through the EMBEDSTREAM_KAFKA_* rule to a folder the service user owns.
ENV TF_OVERRIDE_GLOBAL_THREADPOOL=1 \
    TF_CPP_MIN_LOG_LEVEL=1 \
    EMBEDSTREAM_KAFKA_STATE_DIR=/var/lib/embedstream

USER 10001:10001
WORKDIR /opt/embedstream

# TF Java's natives (about 650 MB) are unpacked by JavaCPP on first use into its cache directory, which only the
# system property org.bytedeco.javacpp.cachedir moves (JavaCPP reads no environment variable for it; without the
# property it uses ~/.javacpp/cache). The image unpacks them now, by loading a small model with `inspect`, into
# /opt/embedstream/javacpp-cache, and the ENTRYPOINT passes the same property: JavaCPP reuses a cached file whose
# size and time stamp match the jar entry, so containers start without unpacking. The directory must stay
# writable for the service user (JavaCPP skips a cache directory it cannot write and unpacks elsewhere). Loading
# the model here also proves that the natives load on this base image. The model is bind-mounted for this step
# only and is not part of the image.
RUN --mount=type=bind,source=testdata/models/grenade-mlp,target=/tmp/warm-up-model \
    java -Dorg.bytedeco.javacpp.cachedir=/opt/embedstream/javacpp-cache -jar /opt/embedstream/embedstream.jar \
        inspect /tmp/warm-up-model > /dev/null

# /models: the SavedModel (mount it read-only; point model.dir or EMBEDSTREAM_MODEL_DIR at it).
# /config: application.yaml (read by the default command).
# /var/lib/embedstream: Kafka Streams' state directory; losing it only costs a restore from the changelog.
VOLUME ["/models", "/config", "/var/lib/embedstream"]

# The ops endpoint (ops.port): /metrics, /health/live, /health/ready.
EXPOSE 8080

# Ready = model loaded and warmed up, and the streams RUNNING. Follows EMBEDSTREAM_OPS_PORT when the port is
# moved through the environment; a port moved in the YAML file needs this line changed too.
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${EMBEDSTREAM_OPS_PORT:-8080}/health/ready" || exit 1

# The heap is the JVM's default share of the container's memory (25%): TensorFlow's memory is native, outside
# the heap, and needs the rest. Change it with JDK_JAVA_OPTIONS (e.g. -XX:MaxRAMPercentage=40).
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-Dorg.bytedeco.javacpp.cachedir=/opt/embedstream/javacpp-cache", "-jar", "/opt/embedstream/embedstream.jar"]
CMD ["run", "--config", "/config/application.yaml"]
