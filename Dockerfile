# herald in a container: the release binary on a slim Debian, as a non-root user.
#
#   docker build -t herald .
#   docker run -d --name herald --restart unless-stopped \
#       --env-file herald.env \
#       -v "$PWD/bot.toml:/app/bot.toml:ro" \
#       -v "$PWD/events:/app/events:ro" \
#       -v herald-data:/data \
#       herald
#
# or `docker compose up -d` with docker-compose.yml beside this file.
#
# Layout:
#   /app/bot.toml   the config, mounted read-only (WORKDIR is /app)
#   /app/events/    the event pages, mounted read-only; `events = "events"`
#                   in bot.toml already points here, as paths in bot.toml
#                   are relative to the file
#   /data           a volume for herald's state, the only writable place
#
# HERALD_STATE puts the state file on the volume whatever `state` the
# mounted bot.toml says. A named volume, as above, is created owned by
# herald; a bind-mounted host folder must be writable by uid 10001, or
# `herald run` stops at once saying so.

FROM rust:1-bookworm AS builder
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
# benches/ and examples/ are listed in Cargo.toml, so cargo wants them even
# for a build; `herald init` writes the shipped bot.toml, built in.
COPY benches ./benches
COPY examples ./examples
COPY bot.toml ./
COPY src ./src
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --user-group --uid 10001 --no-create-home \
        --home-dir /app --shell /usr/sbin/nologin herald \
    && mkdir -p /app /data \
    && chown herald:herald /data
COPY --from=builder /build/target/release/herald /usr/local/bin/herald
WORKDIR /app
ENV HERALD_STATE=/data/herald.db
VOLUME /data
USER herald
ENTRYPOINT ["herald"]
CMD ["run", "--config", "/app/bot.toml"]
