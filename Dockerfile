# herald in a container: the release binary on a slim Debian, as a non-root user.
#
#   docker build -t herald .
#   docker run -d --name herald --restart unless-stopped \
#       -e TELOXIDE_TOKEN=123456:ABC... \
#       -v "$PWD/bot.toml:/app/bot.toml:ro" \
#       -v "$PWD/events:/app/events:ro" \
#       -v herald-data:/data \
#       herald
#
# Layout:
#   /app/bot.toml   the config, mounted read-only (WORKDIR is /app)
#   /app/events/    the event pages, mounted read-only; `events = "events"`
#                   in bot.toml already points here, as paths in bot.toml
#                   are relative to the file
#   /data           a volume for herald's state, the only writable place
#
# So the bot.toml you mount must put the state on the volume:
#   state = "/data/herald.db"
# (the default "herald.db" would resolve to /app/herald.db, which the
# herald user cannot write). A named volume, as above, is created owned by
# herald; a bind-mounted host folder must be writable by uid 10001.

FROM rust:1-bookworm AS builder
WORKDIR /build
COPY Cargo.toml Cargo.lock build.rs ./
# benches/ and examples/ are listed in Cargo.toml, so cargo wants them even
# for a build (which compiles neither).
COPY benches ./benches
COPY examples ./examples
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
VOLUME /data
USER herald
ENTRYPOINT ["herald"]
CMD ["run", "--config", "/app/bot.toml"]
