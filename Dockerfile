# Kuzet bot image: slim Python, translations compiled at build, non-root user,
# SQLite database and reporter key on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md babel.cfg ./
COPY bot ./bot
COPY locales ./locales
COPY migrations ./migrations

# Compile the catalogs first so the wheel carries the .mo files next to the .po files. pdqhash (PDQ image
# hashes) ships as source only: a C++ compiler builds it (about 15 s) and is removed in the same layer.
RUN apt-get update && apt-get install --yes --no-install-recommends g++ \
    && pip install "babel>=2.14" \
    && pybabel compile --domain kuzet --directory locales --statistics \
    && pip install . \
    && apt-get purge --yes --auto-remove g++ && rm -rf /var/lib/apt/lists/* \
    && rm -rf /src \
    && useradd --system --uid 10001 --no-create-home --home-dir /data kuzet \
    && mkdir /data && chown kuzet:kuzet /data

USER kuzet
WORKDIR /data
ENV DATABASE_URL=sqlite:////data/kuzet.db
VOLUME ["/data"]

# Exec form: kuzet is PID 1 and receives SIGTERM, which stops polling cleanly.
ENTRYPOINT ["kuzet"]
CMD ["run"]
